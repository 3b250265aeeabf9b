"""Lifecycle per period (docs/metrics.md): new, returning, resurrecting and dormant users, and the
pulse ratio (new + resurrecting) / dormant."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .activity import Activity, day_to_date
from .periods import Split, labels, period_end, period_of, period_start, run_starts, split_rows


def user_periods(act: Activity, period: str) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (uid, period) pairs in which users were active, sorted by uid then period."""
    uid = act.user_day["uid"].to_numpy()
    p = period_of(act.user_day["day"].to_numpy(), period)
    starts = run_starts(uid, p)
    return uid[starts], p[starts]


def lifecycle(act: Activity, period: str = "week", split: Split | None = None) -> pd.DataFrame:
    """One row per segment and period of the window. `new` uses the user's first event over the whole
    export, so a date filter does not turn returning users into new ones. Dormant users are those
    active the period before and not in this one. `complete` is False for a period the window cuts short."""
    uid, p = user_periods(act, period)
    first_p = period_of(act.first_day[uid], period)
    same_user_before = ~run_starts(uid)
    prev_p = np.empty_like(p)
    prev_p[1:] = p[:-1]
    new = p == first_p
    returning = ~new & same_user_before & (prev_p == p - 1)
    # a run whose user is not active in the next period makes that next period's dormant user
    same_user_after = np.zeros(len(uid), dtype=bool)
    same_user_after[:-1] = same_user_before[1:]
    next_p = np.empty_like(p)
    next_p[:-1] = p[1:]
    dormant_next = ~(same_user_after & (next_p == p + 1))

    p_lo, p_hi = (int(x) for x in period_of(np.array([act.start_day, act.end_day]), period))
    n_p = max(p_hi - p_lo + 1, 0)
    group, names = split_rows(split, uid)

    # one count over (status, segment, period): 0 new, 1 returning, 2 resurrecting, 3 dormant (a
    # dormant user counts in the period after their last active one)
    status = np.where(new, 0, np.where(returning, 1, 2))
    q = np.concatenate([p, p[dormant_next] + 1])
    status = np.concatenate([status, np.full(int(dormant_next.sum()), 3)])
    g = np.concatenate([group, group[dormant_next]])
    inside = (q >= p_lo) & (q <= p_hi)
    counts = np.bincount((status[inside] * len(names) + g[inside]) * n_p + (q[inside] - p_lo),
                         minlength=4 * len(names) * n_p).reshape(4, -1)

    periods = np.arange(p_lo, p_hi + 1)
    out = pd.DataFrame({
        "segment": labels(np.repeat(np.arange(len(names)), n_p), names),
        "period_start": day_to_date(np.tile(period_start(periods, period), len(names))),
        "new": counts[0], "returning": counts[1], "resurrecting": counts[2], "dormant": counts[3],
        "complete": np.tile((period_end(periods, period) <= act.end_day)
                            & (period_start(periods, period) >= act.start_day), len(names)),
    })
    out["pulse"] = (out["new"] + out["resurrecting"]) / out["dormant"].where(out["dormant"] > 0)
    return out
