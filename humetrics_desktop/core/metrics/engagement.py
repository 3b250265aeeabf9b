"""Active users (DAU, WAU, MAU, stickiness), days-active distributions and power-user curves,
per docs/metrics.md, over the pre-aggregated Activity. Every function splits by an optional segment.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .activity import Activity, build_activity, day_to_date
from .periods import Split, labels, period_end, period_of, period_start, rolling_distinct, run_starts, split_rows


def _ud(act: Activity) -> tuple[np.ndarray, np.ndarray]:
    return act.user_day["uid"].to_numpy(), act.user_day["day"].to_numpy()


def active_users(act: Activity, split: Split | None = None) -> pd.DataFrame:
    """One row per segment and day of the window: dau, wau, mau and stickiness = dau / mau.
    WAU and MAU count activity before the window start, so the first days are not understated."""
    uid, day = _ud(act)
    group, names = split_rows(split, uid)
    lo, hi = act.start_day, act.end_day
    by_window = rolling_distinct(uid, day, group, len(names), (1, 7, 30), lo, hi)
    counts = {"dau": by_window[1], "wau": by_window[7], "mau": by_window[30]}
    n_days = max(hi - lo + 1, 0)
    out = pd.DataFrame({
        "segment": labels(np.repeat(np.arange(len(names)), n_days), names),
        "date": day_to_date(np.tile(np.arange(lo, hi + 1), len(names))),
        **{k: v.ravel() for k, v in counts.items()},
    })
    with np.errstate(invalid="ignore", divide="ignore"):
        out["stickiness"] = out["dau"] / out["mau"].where(out["mau"] > 0)
    return out


def days_active(act: Activity, period: str = "week", split: Split | None = None) -> pd.DataFrame:
    """For each period, how many users were active on exactly k distinct days (k = 1..days in the
    period), their share of the period's active users, and the share active on k days or more
    (Amplitude's stickiness view).
    `complete` is False for a period the window cuts short."""
    uid, day = _ud(act)
    keep = day >= act.start_day
    uid, day = uid[keep], day[keep]
    p = period_of(day, period)
    starts = np.flatnonzero(run_starts(uid, p))
    n_days = np.diff(np.append(starts, len(uid)))
    group, names = split_rows(split, uid[starts])
    p_lo, p_hi = (int(x) for x in period_of(np.array([act.start_day, act.end_day]), period))
    n_p = max(p_hi - p_lo + 1, 0)
    k_max = 31 if period == "month" else (7 if period == "week" else 1)
    cube = np.bincount((group * n_p + (p[starts] - p_lo)) * (k_max + 1) + n_days,
                       minlength=len(names) * n_p * (k_max + 1)).reshape(len(names), n_p, k_max + 1)
    periods = np.arange(p_lo, p_hi + 1)
    seg_i, p_i, k_i = np.meshgrid(np.arange(len(names)), np.arange(n_p), np.arange(1, k_max + 1), indexing="ij")
    users = cube[:, :, 1:].ravel()
    at_least = np.cumsum(cube[:, :, :0:-1], axis=2)[:, :, ::-1].ravel()  # active on k or more days
    active = cube.sum(axis=2)[seg_i.ravel(), p_i.ravel()]
    out = pd.DataFrame({
        "segment": labels(seg_i.ravel(), names),
        "period_start": day_to_date(period_start(periods, period)[p_i.ravel()]),
        "days": k_i.ravel(), "users": users,
        "share": np.where(active > 0, users / np.maximum(active, 1), np.nan),
        "share_at_least": np.where(active > 0, at_least / np.maximum(active, 1), np.nan),
        "complete": (period_end(periods, period) <= act.end_day)[p_i.ravel()]
        & (period_start(periods, period) >= act.start_day)[p_i.ravel()],
    })
    if period == "month":  # drop day counts a month cannot have
        length = (period_end(periods, period) - period_start(periods, period) + 1)[p_i.ravel()]
        out = out[out["days"].to_numpy() <= length].reset_index(drop=True)
    return out


def power_curve(act: Activity, window: int = 30, split: Split | None = None) -> pd.DataFrame:
    """Users by number of distinct active days (1..window) in the last `window` days of the window
    (L7 with window=7, L30 with window=30), with their share of the users active in those days."""
    uid, day = _ud(act)
    lo = max(act.end_day - window + 1, act.start_day)
    keep = (day >= lo) & (day <= act.end_day)
    uid = uid[keep]
    starts = np.flatnonzero(run_starts(uid))
    n_days = np.diff(np.append(starts, len(uid)))
    group, names = split_rows(split, uid[starts])
    hist = np.bincount(group * (window + 1) + n_days, minlength=len(names) * (window + 1))
    hist = hist.reshape(len(names), window + 1)[:, 1:]
    total = hist.sum(axis=1, keepdims=True)
    share = np.where(total > 0, hist / np.maximum(total, 1), np.nan)
    at_least = np.cumsum(hist[:, ::-1], axis=1)[:, ::-1]
    return pd.DataFrame({"segment": labels(np.repeat(np.arange(len(names)), window), names),
                         "days": np.tile(np.arange(1, window + 1), len(names)), "users": hist.ravel(),
                         "share": share.ravel(),
                         "share_at_least": np.where(total > 0, at_least / np.maximum(total, 1), np.nan).ravel()})


def _json_number(v: float, as_int: bool = False) -> float | int | None:
    return None if pd.isna(v) else (int(v) if as_int else float(v))


def engagement_section(events: pd.DataFrame, profiles: pd.DataFrame | None = None,
                       suppress_k: int | None = None) -> dict:
    """The `engagement` section of `humetrics metrics --json` (docs/cli.md). With `suppress_k`, counts
    below k (and rates computed from them) are null and cohorts smaller than k are left out."""
    from .depth import feature_adoption_at_end
    from .retention import retention

    k = suppress_k or 1
    act = build_activity(events, profiles)
    if act.user_day.height == 0:
        return {"dau": {}, "wau": {}, "mau": {}, "stickiness": {}, "retention_weekly": {}, "feature_adoption": {}}

    def hidden(n: pd.Series) -> pd.Series:
        return (n > 0) & (n < k)

    au = active_users(act)
    keys = au["date"].dt.strftime("%Y-%m-%d")
    out: dict = {m: dict(zip(keys, (_json_number(v, True) for v in au[m].where(~hidden(au[m])))))
                 for m in ("dau", "wau", "mau")}
    sticky = au["stickiness"].where(~hidden(au["dau"]) & ~hidden(au["mau"]))
    out["stickiness"] = dict(zip(keys, (_json_number(v) for v in sticky)))
    grid = retention(act, "week")
    cells = grid.cells.assign(rate=grid.cells["rate"].where(~hidden(grid.cells["users"])))
    rates = {c: [_json_number(r) for r in g.sort_values("k")["rate"]] for c, g in cells.groupby("cohort")}
    out["retention_weekly"] = {c.strftime("%Y-%m-%d"): {"size": int(n), "rates": rates.get(c, [])}
                               for c, n in zip(grid.sizes["cohort"], grid.sizes["size"]) if n >= k}
    adopt = feature_adoption_at_end(act)
    share = adopt["share"].where(~hidden(adopt["adopters"]))
    out["feature_adoption"] = {str(e): _json_number(v) for e, v in zip(adopt["event"], share)}
    return out
