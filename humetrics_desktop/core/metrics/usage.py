"""Every Usage metric at once, for the Usage section and the benchmark, under the global filter."""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..filters import Filter
from ..progress import Progress
from ..workspace import Workspace
from .activity import Activity, cached_activity, day_to_date
from .depth import engagement_matrix, feature_adoption
from .engagement import active_users, days_active, power_curve
from .lifecycle import lifecycle
from .periods import Split
from .retention import RetentionGrid, retention
from .sessions import session_lengths, session_stats, time_spent
from .usage_segments import user_segments

# daily cohorts are followed for at most this many days (a full daily grid is mostly empty and large)
DAILY_RETENTION_DAYS = 30


@dataclass(frozen=True)
class UsageSettings:
    period: str = "week"            # lifecycle and days-active period
    retention_period: str = "week"
    retention_mode: str = "n"       # "n" or "unbounded"
    split_by: str | None = None     # a segment (see usage_segments.segment_options)


@dataclass
class UsageResult:
    settings: UsageSettings
    start: date | None
    end: date | None
    users: int                      # users with activity up to the window end
    active: pd.DataFrame
    days_active: pd.DataFrame
    power7: pd.DataFrame
    power30: pd.DataFrame
    lifecycle: pd.DataFrame
    retention: RetentionGrid
    adoption: pd.DataFrame
    matrix: pd.DataFrame
    sessions: pd.DataFrame
    session_lengths: pd.DataFrame
    time_spent: pd.DataFrame | None
    has_session_ids: bool = False
    rejected: int = 0
    segments: list[str] = field(default_factory=list)
    suppression_k: int = 1          # counts below this are hidden (1: nothing hidden)


def usage_metrics(act: Activity, settings: UsageSettings = UsageSettings(), split: Split | None = None,
                  progress: Progress | None = None) -> UsageResult:
    """Compute every Usage metric of `act` (already restricted to the filter)."""
    progress = progress or Progress()
    out: dict = {}

    def mau() -> np.ndarray:  # (segments x days), counted once by active_users
        return out["active"]["mau"].to_numpy().reshape(len(split[1]) if split else 1, -1)

    steps = [
        ("active", "Active users", lambda: active_users(act, split)),
        ("days_active", "Days active", lambda: days_active(act, settings.period, split)),
        ("power7", "Power users", lambda: power_curve(act, 7, split)),
        ("power30", "Power users", lambda: power_curve(act, 30, split)),
        ("lifecycle", "Lifecycle", lambda: lifecycle(act, settings.period, split)),
        ("retention", "Retention", lambda: retention(
            act, settings.retention_period, settings.retention_mode, split,
            DAILY_RETENTION_DAYS if settings.retention_period == "day" else None)),
        ("adoption", "Feature adoption", lambda: feature_adoption(act, split, mau=mau())),
        ("matrix", "Engagement matrix", lambda: engagement_matrix(
            act, split, mau_end=mau()[:, -1] if mau().shape[1] else None)),
        ("sessions", "Sessions", lambda: session_stats(act, split)),
        ("session_lengths", "Sessions", lambda: session_lengths(act, split)),
        ("time_spent", "Time spent", lambda: time_spent(act, split)),
    ]
    for i, (key, msg, fn) in enumerate(steps):
        progress.set(i / len(steps), msg)
        out[key] = fn()
    progress.set(1.0, "Usage ready")
    has_days = act.end_day >= act.start_day and act.user_day.height > 0
    return UsageResult(
        settings=settings,
        start=day_to_date([act.start_day])[0].date() if has_days else None,
        end=day_to_date([act.end_day])[0].date() if has_days else None,
        users=int(act.user_day["uid"].n_unique()), rejected=act.rejected, has_session_ids=act.has_session_ids,
        segments=list(split[1]) if split else [], **out)


RESULTS_KEPT = 8  # results remembered per pre-aggregate: going back to an earlier filter is instant


def _memo(act: Activity, key: tuple, sources: tuple, make):
    """act.memo[key], made again unless it was made from these very tables (the entry keeps them,
    so their ids cannot be reused by other tables meanwhile)."""
    hit = act.memo.get(key)
    if hit is None or len(hit[0]) != len(sources) or any(a is not b for a, b in zip(hit[0], sources)):
        hit = (sources, make())
        act.memo[key] = hit
    return hit[1]


def _profile_rows(act: Activity, profiles: pd.DataFrame) -> np.ndarray:
    """Per uid, its row in `profiles` (the last one for a duplicated id), -1 without one."""
    ids = pa.array(profiles["user_id"].astype(str).to_numpy()[::-1], type=pa.string())
    pos = pc.index_in(act.user_ids, value_set=ids).to_numpy(zero_copy_only=False)
    have = ~pd.isna(pos)
    rows = np.full(act.n_users, -1, dtype=np.int64)
    rows[have] = len(profiles) - 1 - pos[have].astype(np.int64)
    return rows


def profile_codes(act: Activity, profiles: pd.DataFrame, col: str) -> tuple[np.ndarray, list[str]]:
    """Per uid, the index of its profile's `col` value in the returned list, -1 without one. The
    user -> profile row look-up is made once per profiles table; each column costs one factorize."""
    rows = _memo(act, ("profile rows",), (profiles,), lambda: _profile_rows(act, profiles))

    def make() -> tuple[np.ndarray, list[str]]:
        values = profiles[col]
        codes, names = pd.factorize(values.astype(str).where(values.notna()), sort=True)
        return np.where(rows >= 0, codes[np.maximum(rows, 0)], -1).astype(np.int32), [str(n) for n in names]

    return _memo(act, ("profile codes", col), (profiles,), make)


def filter_mask(act: Activity, profiles: pd.DataFrame | None, flt: Filter) -> np.ndarray | None:
    """Per uid: does the place/segment filter keep this user? Decided by the user's profile, as
    filters.selected_users does (users without a profile are left out by such a filter), through
    per-user codes computed once per column, so that a new filter costs array look-ups only."""
    if profiles is None or "user_id" not in profiles.columns:
        return None
    conditions = [(col, vals) for col, vals in
                  [("country", flt.countries), ("region", flt.regions), *flt.segments.items()]
                  if vals and col in profiles.columns]
    if not conditions:
        return None
    mask = np.ones(act.n_users, dtype=bool)
    for col, vals in conditions:
        codes, names = profile_codes(act, profiles, col)
        wanted = {str(v) for v in vals}
        mask &= np.isin(codes, [i for i, name in enumerate(names) if name in wanted])
    return mask


def _split(act: Activity, ws: Workspace, by: str) -> Split:
    profiles = ws.table("profiles")
    if profiles is not None and by in profiles.columns and by not in ("age_band", "gender"):
        codes, names = profile_codes(act, profiles, by)
        if (codes < 0).any():
            return np.where(codes < 0, len(names), codes).astype(np.int32), names + ["unknown"]
        return codes, names
    # derived labels (normalised demography, layers, NPS answers)
    return _memo(act, ("split", by), (profiles, ws.table("survey"), *ws.layers.values()),
                 lambda: act.segment_codes(user_segments(ws, by)))


def _hide(df: pd.DataFrame, k: int, counts: tuple[str, ...], derived: tuple[str, ...] = ()) -> pd.DataFrame:
    """Counts in 0 < n < k become NaN, and so do the derived values of their row."""
    small = np.zeros(len(df), dtype=bool)
    out = df.copy()
    for c in counts:
        v = df[c].to_numpy(dtype=float)
        hit = (v > 0) & (v < k)
        out[c] = np.where(hit, np.nan, v)
        small |= hit
    for c in derived:
        out[c] = out[c].astype(float).where(~small)
    return out


def suppress_small_cells(res: UsageResult, k: int) -> UsageResult:
    """Small-cell suppression (docs/metrics.md) of everything the Usage view shows: no count below k
    is shown, nor a rate or mean computed from one; cohorts smaller than k are left out. No total is
    shown beside these cells, so no complementary suppression is needed."""
    if k <= 1:
        return res
    sizes = res.retention.sizes[res.retention.sizes["size"] >= k]
    cells = res.retention.cells.merge(sizes[["segment", "cohort"]], on=["segment", "cohort"])
    return dataclasses.replace(
        res, suppression_k=k,
        active=_hide(res.active, k, ("dau", "wau", "mau"), ("stickiness",)),
        days_active=_hide(res.days_active, k, ("users",), ("share", "share_at_least")),
        power7=_hide(res.power7, k, ("users",), ("share", "share_at_least")),
        power30=_hide(res.power30, k, ("users",), ("share", "share_at_least")),
        lifecycle=_hide(res.lifecycle, k, ("new", "returning", "resurrecting", "dormant"), ("pulse",)),
        retention=dataclasses.replace(res.retention, sizes=sizes.reset_index(drop=True),
                                      cells=_hide(cells, k, ("users",), ("rate",))),
        adoption=_hide(res.adoption, k, ("adopters", "mau"), ("share",)),
        matrix=res.matrix[res.matrix["adopters"] >= k].reset_index(drop=True),
        sessions=_hide(res.sessions, k, ("sessions", "users"), ("sessions_per_user", "mean_length_s", "total_length_s")),
        session_lengths=_hide(res.session_lengths, k, ("sessions",), ("share",)),
        time_spent=None if res.time_spent is None else _hide(res.time_spent, k, ("users",), ("total_s", "mean_per_user_s")),
    )


def usage_for_workspace(ws: Workspace, flt: Filter, settings: UsageSettings = UsageSettings(),
                        progress: Progress | None = None, suppression_k: int = 1) -> UsageResult | None:
    """The Usage section's job: pre-aggregate the (unfiltered) events once, then apply the filter to
    the pre-aggregate, so a filter change costs a mask and not a pass over every event. Counts below
    `suppression_k` are hidden (see suppress_small_cells)."""
    progress = progress or Progress()
    events = ws.table("events")
    if events is None or events.empty:
        return None
    profiles = ws.table("profiles")
    act = cached_activity(events, profiles, progress.sub(0.0, 0.6))
    if profiles is not None and "user_id" in profiles.columns:
        for col in ("country", "region"):  # ready for the first map click (made once, in the background)
            if col in profiles.columns:
                profile_codes(act, profiles, col)
    results = _memo(act, ("results",), (profiles, ws.table("survey"), *ws.layers.values()), dict)
    key = (json.dumps(flt.to_json(), sort_keys=True), dataclasses.astuple(settings), suppression_k)
    if key in results:
        results[key] = results.pop(key)  # most recently used last
        return results[key]
    sub = act.restrict(flt.start, flt.end, filter_mask(act, profiles, flt))
    split = _split(act, ws, settings.split_by) if settings.split_by else None
    res = suppress_small_cells(usage_metrics(sub, settings, split, progress.sub(0.6, 1.0)), suppression_k)
    results[key] = res
    while len(results) > RESULTS_KEPT:
        results.pop(next(iter(results)))
    return res
