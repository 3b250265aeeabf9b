"""Retention cohort grids (docs/metrics.md): N-period ("on") and unbounded ("on or after") by day,
week or month. A cohort is the period of a user's signup where profiles give it, else of the first event."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .activity import Activity, day_to_date
from .lifecycle import user_periods
from .periods import Split, labels, period_end, period_of, period_start, run_starts, split_rows

MODES = ("n", "unbounded")


@dataclass(frozen=True)
class RetentionGrid:
    period: str
    mode: str
    sizes: pd.DataFrame  # segment, cohort (start, UTC), size
    cells: pd.DataFrame  # segment, cohort, k, users, rate; only periods cohort+k that have fully elapsed


def retention(act: Activity, period: str = "week", mode: str = "n", split: Split | None = None,
              max_k: int | None = None) -> RetentionGrid:
    if mode not in MODES:
        raise ValueError(f"unknown retention mode {mode!r}; expected one of {', '.join(MODES)}")
    uid, p = user_periods(act, period)
    cohort_p = period_of(act.cohort_day, period)
    k = p - cohort_p[uid]
    c_lo, c_hi = (int(x) for x in period_of(np.array([act.start_day, act.end_day]), period))
    # the last period that has fully elapsed by the end of the window
    last_full = c_hi if period_end(np.array([c_hi]), period)[0] <= act.end_day else c_hi - 1
    n_c = max(c_hi - c_lo + 1, 0)
    n_k = max(last_full - c_lo + 1, 0)
    if max_k is not None:
        n_k = min(n_k, max_k + 1)

    users = uid[run_starts(uid)]
    u_cohort = cohort_p[users]
    in_range = (u_cohort >= c_lo) & (u_cohort <= c_hi)
    u_group, names = split_rows(split, users)
    sizes = np.bincount(u_group[in_range] * n_c + (u_cohort[in_range] - c_lo),
                        minlength=len(names) * n_c).reshape(len(names), n_c)

    c_row = cohort_p[uid]
    ok = (c_row >= c_lo) & (c_row <= c_hi) & (k >= 0) & (k < n_k)
    group, _ = split_rows(split, uid)
    if mode == "n":
        active = np.bincount((group[ok] * n_c + (c_row[ok] - c_lo)) * n_k + k[ok],
                             minlength=len(names) * n_c * n_k).reshape(len(names), n_c, n_k)
    else:
        # a user counts for every k up to the last period they were active in
        # runs are sorted by period within a user, so a user's last run holds the largest k
        starts = np.flatnonzero(run_starts(uid))
        last_run = np.append(starts[1:], len(uid))[:len(starts)] - 1
        lk = np.minimum(k[last_run], n_k - 1)
        keep = in_range & (lk >= 0)
        hist = np.bincount((u_group[keep] * n_c + (u_cohort[keep] - c_lo)) * n_k + lk[keep],
                           minlength=len(names) * n_c * n_k).reshape(len(names), n_c, n_k)
        active = np.cumsum(hist[:, :, ::-1], axis=2)[:, :, ::-1]

    cohorts = np.arange(c_lo, c_hi + 1)
    cohort_days = period_start(cohorts, period)
    s_i, c_i, k_i = np.meshgrid(np.arange(len(names)), np.arange(n_c), np.arange(n_k), indexing="ij")
    valid = (cohorts[c_i] + k_i <= last_full) & (sizes[s_i, c_i] > 0)
    size_cell = sizes[s_i, c_i][valid]
    cells = pd.DataFrame({
        "segment": labels(s_i[valid], names), "cohort": day_to_date(cohort_days[c_i[valid]]),
        "k": k_i[valid], "users": active[valid], "rate": active[valid] / size_cell,
    })
    s_j, c_j = np.meshgrid(np.arange(len(names)), np.arange(n_c), indexing="ij")
    size_df = pd.DataFrame({"segment": labels(s_j.ravel(), names),
                            "cohort": day_to_date(cohort_days[c_j.ravel()]), "size": sizes.ravel()})
    return RetentionGrid(period, mode, size_df[size_df["size"] > 0].reset_index(drop=True), cells)
