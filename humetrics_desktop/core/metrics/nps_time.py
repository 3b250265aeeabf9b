"""NPS over time: per week, month or quarter with intervals, thin periods, changes and an EWMA chart.

A period with fewer responses than `min_n` (default 30) is either merged with the following periods
until it has enough, or kept and marked too thin; a too-thin period is never tested or flagged.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .nps import DECLINE_Z, add_intervals, change_test, row_stats, valid_responses

FREQS = ("week", "month", "quarter")
MIN_N = 30


def period_start(t: pd.Series, freq: str) -> pd.Series:
    """The UTC start of the week (Monday), month or quarter of each timestamp."""
    if freq not in FREQS:
        raise ValueError(f"period must be one of {FREQS}, not {freq!r}")
    t = pd.to_datetime(t, utc=True, errors="coerce")
    day = t.dt.floor("D")
    if freq == "week":
        return day - pd.to_timedelta(day.dt.day_of_week, unit="D")
    month = day.dt.month if freq == "month" else ((day.dt.month - 1) // 3) * 3 + 1
    parts = pd.DataFrame({"year": day.dt.year, "month": month, "day": 1})
    return pd.to_datetime(parts, utc=True, errors="coerce")


def _next_start(start: pd.Timestamp, freq: str) -> pd.Timestamp:
    return start + (pd.Timedelta(days=7) if freq == "week"
                    else pd.DateOffset(months=1 if freq == "month" else 3))


def period_label(start: pd.Timestamp, freq: str) -> str:
    """'2026-W05' (ISO week), '2026-03' or '2026-Q1'."""
    if freq == "week":
        iso = start.isocalendar()
        return f"{iso[0]}-W{iso[1]:02d}"
    if freq == "month":
        return start.strftime("%Y-%m")
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"


def period_counts(survey: pd.DataFrame, freq: str = "month") -> pd.DataFrame:
    """Counts per calendar period from the first to the last dated response, empty periods included.
    Columns: start, end (exclusive), label, responses, promoters, passives, detractors."""
    v = valid_responses(survey)
    start = period_start(v["submitted_at"], freq) if "submitted_at" in v.columns else pd.Series(dtype="datetime64[ns, UTC]")
    ok = start.notna().to_numpy()
    s = v["score"].to_numpy()[ok]
    tmp = pd.DataFrame({"start": start[ok].reset_index(drop=True), "promoters": s >= 9, "detractors": s <= 6})
    g = tmp.groupby("start").agg(responses=("promoters", "size"), promoters=("promoters", "sum"),
                                 detractors=("detractors", "sum"))
    if g.empty:
        return pd.DataFrame(columns=["start", "end", "label", "responses", "promoters", "passives",
                                     "detractors"])
    starts = [g.index.min()]
    while starts[-1] < g.index.max():
        starts.append(_next_start(starts[-1], freq))
    g = g.reindex(pd.DatetimeIndex(starts), fill_value=0).astype("int64")
    out = pd.DataFrame({"start": g.index, "end": [_next_start(s, freq) for s in g.index],
                        "label": [period_label(s, freq) for s in g.index]})
    out["responses"] = g["responses"].to_numpy()
    out["promoters"] = g["promoters"].to_numpy()
    out["detractors"] = g["detractors"].to_numpy()
    out["passives"] = out["responses"] - out["promoters"] - out["detractors"]
    return out[["start", "end", "label", "responses", "promoters", "passives", "detractors"]]


def merge_thin(counts: pd.DataFrame, min_n: int = MIN_N) -> pd.DataFrame:
    """Merge each thin period with the following ones until the group has min_n responses. A thin
    tail (the latest periods, still too few) stays as one group marked too thin rather than being
    folded into an earlier period, which would hide what is recent."""
    groups, acc = [], []
    for i in range(len(counts)):
        acc.append(i)
        if counts["responses"].iloc[acc].sum() >= min_n:
            groups.append(acc)
            acc = []
    if acc:
        groups.append(acc)
    rows = []
    for idx in groups:
        part = counts.iloc[idx]
        label = part["label"].iloc[0] if len(idx) == 1 else f"{part['label'].iloc[0]}..{part['label'].iloc[-1]}"
        rows.append({"start": part["start"].iloc[0], "end": part["end"].iloc[-1], "label": label,
                     "periods": len(idx),
                     **{c: int(part[c].sum()) for c in ("responses", "promoters", "passives", "detractors")}})
    return pd.DataFrame(rows, columns=["start", "end", "label", "periods", "responses", "promoters",
                                       "passives", "detractors"])


def nps_by_period(survey: pd.DataFrame, freq: str = "month", min_n: int = MIN_N, thin: str = "mark",
                  baseline: str = "previous") -> pd.DataFrame:
    """NPS per period with n, adjusted-Wald interval and the change against a baseline.

    thin: "mark" keeps thin periods (too_thin=True, never tested), "merge" merges them forward.
    baseline: "previous" (the last period before that is not thin) or "first" (the first such).
    Columns: start, end, label, periods, responses, promoters, passives, detractors, score, ci_low,
    ci_high, var, too_thin, baseline (label), delta, z, p_decline, decline.
    """
    if thin not in ("mark", "merge"):
        raise ValueError(f"thin must be 'mark' or 'merge', not {thin!r}")
    if baseline not in ("previous", "first"):
        raise ValueError(f"baseline must be 'previous' or 'first', not {baseline!r}")
    counts = period_counts(survey, freq)
    if thin == "merge":
        counts = merge_thin(counts, min_n)
    else:
        counts = counts.assign(periods=1)[["start", "end", "label", "periods", "responses", "promoters",
                                           "passives", "detractors"]]
    out = add_intervals(counts.reset_index(drop=True))
    out["too_thin"] = out["responses"] < min_n
    base_label, delta, z, p = [None] * len(out), [math.nan] * len(out), [math.nan] * len(out), [math.nan] * len(out)
    base_i = None
    for i in range(len(out)):
        if out["too_thin"].iat[i]:
            continue
        if base_i is not None:
            t = change_test(row_stats(out.iloc[i]), row_stats(out.iloc[base_i]))
            base_label[i], delta[i], z[i], p[i] = out["label"].iat[base_i], t.delta, t.z, t.p_decline
        if baseline == "previous" or base_i is None:
            base_i = i
    out["baseline"], out["delta"], out["z"], out["p_decline"] = base_label, delta, z, p
    out["decline"] = out["z"] < DECLINE_Z  # NaN (thin, no baseline) compares False
    return out


def ewma_chart(periods: pd.DataFrame, lam: float = 0.2, width: float = 3.0,
               center_periods: int | None = None) -> pd.DataFrame:
    """EWMA control chart of per-period NPS (points), for drift over many periods.

    The centre line is the pooled NPS of the first `center_periods` periods that are not too thin
    (all of them by default). With s2 the per-response variance at the centre, period t adds
    s2 / n_t, so the limits widen for small periods:
        e_t = lam * x_t + (1 - lam) * e_(t-1),  Var(e_t) = lam^2 s2 / n_t + (1 - lam)^2 Var(e_(t-1)),
    limits = centre +- width * sqrt(Var(e_t)). Too-thin periods are skipped (no point, no signal).
    Returns the periods with ewma, center, lcl, ucl, signal ("low", "high" or "") and in_centre
    (whether the period went into the centre line).
    """
    ok = ~periods["too_thin"].to_numpy() if "too_thin" in periods else np.ones(len(periods), bool)
    ref = periods[ok] if center_periods is None else periods[ok].head(center_periods)
    n, pr, de = (float(ref[c].sum()) for c in ("responses", "promoters", "detractors"))
    out = periods.copy()
    if n == 0:
        out["ewma"] = out["center"] = out["lcl"] = out["ucl"] = math.nan
        out["signal"], out["in_centre"] = "", False
        return out
    p, d = pr / n, de / n
    center, s2 = 100.0 * (p - d), (p + d) - (p - d) ** 2
    e, var = center, 0.0
    ewma, lcl, ucl, signal = [], [], [], []
    for i in range(len(out)):
        if not ok[i]:
            ewma.append(math.nan), lcl.append(math.nan), ucl.append(math.nan), signal.append("")
            continue
        e = lam * out["score"].iat[i] + (1 - lam) * e
        var = lam ** 2 * s2 / out["responses"].iat[i] + (1 - lam) ** 2 * var
        half = width * 100.0 * math.sqrt(var)
        ewma.append(e), lcl.append(center - half), ucl.append(center + half)
        signal.append("low" if e < center - half else "high" if e > center + half else "")
    out["ewma"], out["center"], out["lcl"], out["ucl"], out["signal"] = ewma, center, lcl, ucl, signal
    out["in_centre"] = out.index.isin(ref.index)
    return out
