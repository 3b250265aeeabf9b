"""Decline alerts: where NPS fell, by how much, how sure, and between which periods.

The scan tests, for the whole survey and for every region and segment value, each calendar split
point twice: the 3 periods after it against the 3 before it (a sharp recent change), and everything
after it against everything before it (a lasting step, with all the responses behind it). Each is the
two-period z-test of metrics.md with adjusted-Wald variances; windows with fewer than `min_n`
responses are not tested.
That is hundreds of tests, so a plain z < -1.645 would raise alarms on pure noise. The guard is a
max-T adjustment (Westfall & Young): the data are simulated many times with no change at all (each
scope's responses drawn from its own pooled shares, period sizes as observed), and an alert's adjusted
p is the share of simulations whose most extreme z anywhere in the scan is at least as low as the
observed one. Scopes are simulated independently although they overlap (a region is part of the
whole), which makes the guard conservative. An alert needs adjusted p < alpha and z < -1.645.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..progress import Progress
from .nps import DECLINE_Z, NpsStats, normal_cdf, valid_responses
from .nps_time import MIN_N, _next_start, period_label, period_start

ALL = "all"


@dataclass(frozen=True)
class DeclineAlert:
    scope: str          # "all" or the segment column ("region", "plan", ...)
    value: str          # the region code or segment value ("" for all)
    baseline_label: str  # e.g. "2026-01..2026-03"
    current_label: str
    baseline_start: pd.Timestamp
    current_start: pd.Timestamp
    current_end: pd.Timestamp   # exclusive
    baseline: NpsStats
    current: NpsStats
    delta: float        # NPS points, current - baseline (negative)
    z: float
    p: float            # one-sided p of this comparison alone
    p_adjusted: float   # family-wise, over every comparison of the scan
    comparisons: int

    @property
    def where(self) -> str:
        return "all respondents" if self.scope == ALL else f"{self.scope} {self.value}"

    @property
    def message(self) -> str:
        return (f"NPS for {self.where} fell {abs(self.delta):.1f} points, from "
                f"{self.baseline.score:.1f} (n={self.baseline.responses}, {self.baseline_label}) to "
                f"{self.current.score:.1f} (n={self.current.responses}, {self.current_label}); "
                f"z = {self.z:.2f}, one-sided p = {self.p:.2g}, "
                f"{self.p_adjusted:.2g} after allowing for {self.comparisons} comparisons")

    def to_dict(self) -> dict:
        return {"scope": self.scope, "value": self.value, "baseline": self.baseline_label,
                "current": self.current_label, "delta": round(self.delta, 3), "z": round(self.z, 3),
                "p": self.p, "p_adjusted": self.p_adjusted, "comparisons": self.comparisons,
                "baseline_stats": self.baseline.to_dict(), "current_stats": self.current.to_dict(),
                "message": self.message}


def _period_grid(starts: pd.Series, freq: str) -> list[pd.Timestamp]:
    grid = [starts.min()]
    while grid[-1] < starts.max():
        grid.append(_next_start(grid[-1], freq))
    return grid


def _scope_counts(idx: np.ndarray, scores: np.ndarray, periods: int) -> np.ndarray:
    """(periods, 3) counts of promoters, detractors, all responses per period."""
    out = np.zeros((periods, 3), dtype="int64")
    np.add.at(out[:, 0], idx, scores >= 9)
    np.add.at(out[:, 1], idx, scores <= 6)
    np.add.at(out[:, 2], idx, 1)
    return out


def _comparisons(t: int, windows: tuple[int | None, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lo, split, hi) of every comparison: periods [lo, split) against [split, hi), for each split
    point and each window length (None: everything before against everything after)."""
    lo, mid, hi = [], [], []
    for w in windows:
        m = np.arange(1, t)
        lo.append(np.zeros_like(m) if w is None else np.maximum(0, m - w))
        hi.append(np.full_like(m, t) if w is None else np.minimum(t, m + w))
        mid.append(m)
    return np.concatenate(lo), np.concatenate(mid), np.concatenate(hi)


def _split_z(cum: np.ndarray, lo: np.ndarray, mid: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, ...]:
    """z of every comparison from cumulative counts cum (..., T+1, 3). Returns z (..., comparisons)
    and the counts of the baseline and current windows."""
    base = cum[..., mid, :] - cum[..., lo, :]
    cur = cum[..., hi, :] - cum[..., mid, :]

    def adj(c):
        n_adj = c[..., 2] + 3.0
        p, d = (c[..., 0] + 0.75) / n_adj, (c[..., 1] + 0.75) / n_adj
        return ((p + d) - (p - d) ** 2) / n_adj

    with np.errstate(invalid="ignore", divide="ignore"):
        nb, nc = base[..., 2], cur[..., 2]
        delta = (cur[..., 0] - cur[..., 1]) / nc - (base[..., 0] - base[..., 1]) / nb
        z = delta / np.sqrt(adj(base) + adj(cur))
    return z, base, cur


def find_declines(responses: pd.DataFrame, scopes: list[str] | tuple[str, ...] = ("region",),
                  freq: str = "month", windows: tuple[int | None, ...] = (3, None), min_n: int = MIN_N,
                  alpha: float | None = 0.05,
                  simulations: int = 1000, seed: int = 0,
                  progress: Progress | None = None) -> list[DeclineAlert]:
    """Scan for declines in the whole survey and in each value of each scope column.

    Returns at most one alert per scope value (its most significant split), most certain first.
    With alpha=None every scope's most significant fall (z < -1.645) is returned whatever its
    adjusted p, for a watch list beside the alerts. The simulation uses a fixed seed, so the same
    data always give the same alerts.
    """
    progress = progress or Progress()
    v = valid_responses(responses)
    if "submitted_at" not in v.columns:
        return []
    starts = period_start(v["submitted_at"], freq)
    dated = starts.notna().to_numpy()
    v, starts = v[dated], starts[dated]
    if v.empty:
        return []
    grid = _period_grid(starts, freq)
    pos = pd.Index(grid).get_indexer(starts)
    scores = v["score"].to_numpy()
    t = len(grid)
    if t < 2:
        return []
    lo, mid, hi = _comparisons(t, windows)

    units: list[tuple[str, str, np.ndarray]] = [(ALL, "", np.ones(len(v), bool))]
    for col in scopes:
        if col not in v.columns:
            continue
        vals = v[col].astype("string")
        for value, n in vals.value_counts().items():
            if n >= 2 * min_n and value not in ("", "??", "unknown"):  # no place, no segment: no alert
                units.append((col, str(value), (vals == value).fillna(False).to_numpy()))

    rng = np.random.default_rng(seed)
    observed, family_min, tested = [], np.full(simulations, np.inf), 0
    for k, (col, value, mask) in enumerate(units):
        progress.set(k / len(units), "Scanning for NPS declines")
        counts = _scope_counts(pos[mask], scores[mask], t)
        cum = np.concatenate([np.zeros((1, 3), "int64"), counts.cumsum(axis=0)])
        z, base, cur = _split_z(cum.astype("float64"), lo, mid, hi)
        testable = (base[:, 2] >= min_n) & (cur[:, 2] >= min_n)
        if not testable.any():
            continue
        tested += int(testable.sum())
        observed.append((col, value, z, base, cur, testable))
        # the same scan on data with no change: each period's responses drawn from pooled shares
        n_t = counts[:, 2]
        shares = counts[:, :2].sum(axis=0) / n_t.sum()
        pvals = np.array([shares[0], shares[1], max(0.0, 1.0 - shares.sum())])
        sim = rng.multinomial(n_t, pvals, size=(simulations, t))  # (B, T, 3): prom, det, passive
        sim_counts = np.stack([sim[..., 0], sim[..., 1], np.broadcast_to(n_t, (simulations, t))], -1)
        sim_cum = np.concatenate([np.zeros((simulations, 1, 3)), sim_counts.cumsum(axis=1)], axis=1)
        sz, _, _ = _split_z(sim_cum, lo, mid, hi)
        family_min = np.minimum(family_min, np.where(testable, sz, np.inf).min(axis=1))
    progress.set(1.0, "Scanning for NPS declines")

    alerts = []
    for col, value, z, base, cur, testable in observed:
        zt = np.where(testable, z, np.inf)
        m = int(np.argmin(zt))
        if not zt[m] < DECLINE_Z:
            continue
        p_adj = (1 + int((family_min <= zt[m]).sum())) / (simulations + 1)
        if alpha is not None and p_adj >= alpha:
            continue
        b0, split, c1 = int(lo[m]), int(mid[m]), int(hi[m])
        alerts.append(DeclineAlert(
            scope=col, value=value,
            baseline_label=_range_label(grid, b0, split, freq), current_label=_range_label(grid, split, c1, freq),
            baseline_start=grid[b0], current_start=grid[split],
            current_end=_next_start(grid[c1 - 1], freq),
            baseline=_stats(base[m]), current=_stats(cur[m]),
            delta=100.0 * float((cur[m, 0] - cur[m, 1]) / cur[m, 2] - (base[m, 0] - base[m, 1]) / base[m, 2]),
            z=float(zt[m]), p=float(normal_cdf(float(zt[m]))), p_adjusted=p_adj, comparisons=tested))
    return sorted(alerts, key=lambda a: (a.p_adjusted, a.z))


def _stats(c: np.ndarray) -> NpsStats:
    n, pr, de = int(c[2]), int(c[0]), int(c[1])
    return NpsStats(n, pr, n - pr - de, de)


def _range_label(grid: list[pd.Timestamp], a: int, b: int, freq: str) -> str:
    first, last = period_label(grid[a], freq), period_label(grid[b - 1], freq)
    return first if a == b - 1 else f"{first}..{last}"
