"""Calendar periods over UTC epoch days, and counting helpers over sorted activity arrays."""
from __future__ import annotations

import numpy as np
import pandas as pd

PERIODS = ("day", "week", "month")

# A segment split: per uid, the index of its segment label, and the labels. None means no split.
Split = tuple[np.ndarray, list[str]]
ALL = "All"


def period_of(day: np.ndarray, period: str) -> np.ndarray:
    """Period number of each epoch day. Weeks are ISO weeks (Monday to Sunday); epoch day 0 is a Thursday."""
    day = np.asarray(day, dtype=np.int64)
    if period == "day":
        return day
    if period == "week":
        return (day + 3) // 7
    if period == "month":
        return day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    raise ValueError(f"unknown period {period!r}; expected one of {', '.join(PERIODS)}")


def period_start(p: np.ndarray, period: str) -> np.ndarray:
    """First epoch day of each period number."""
    p = np.asarray(p, dtype=np.int64)
    if period == "day":
        return p
    if period == "week":
        return p * 7 - 3
    if period == "month":
        return p.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    raise ValueError(f"unknown period {period!r}; expected one of {', '.join(PERIODS)}")


def period_end(p: np.ndarray, period: str) -> np.ndarray:
    """Last epoch day of each period number."""
    return period_start(np.asarray(p, dtype=np.int64) + 1, period) - 1


def run_starts(*keys: np.ndarray) -> np.ndarray:
    """Boolean: row i starts a new run of equal keys (rows sorted by those keys)."""
    n = len(keys[0])
    start = np.zeros(n, dtype=bool)
    if n:
        start[0] = True
        for k in keys:
            start[1:] |= k[1:] != k[:-1]
    return start


def labels(codes: np.ndarray, names: list[str] | tuple[str, ...]) -> pd.Categorical:
    """A label column built from integer codes (cheap, unlike millions of Python strings)."""
    return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int64), categories=pd.Index(list(names), dtype=object))


def split_rows(split: Split | None, uid: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Per row, the segment index of its user, and the segment labels."""
    if split is None:
        return np.zeros(len(uid), dtype=np.int64), [ALL]
    codes, names = split
    return codes[uid].astype(np.int64), list(names)


def rolling_distinct(entity: np.ndarray, day: np.ndarray, group: np.ndarray, n_groups: int,
                     window: int | tuple[int, ...], lo: int, hi: int) -> np.ndarray | dict[int, np.ndarray]:
    """Distinct entities active in [d - window + 1, d], for each day d in lo..hi and each group.

    Rows are unique (entity, day) pairs sorted by entity then day, every day <= hi. An entity counts
    from its first day in a run of activity until `window` days after the run's last day; so one
    pass of +1/-1 marks and a cumulative sum replaces a distinct count per day. Returns an int array
    of shape (n_groups, hi - lo + 1), or a dict of them when given several windows (which share
    the pass over the rows)."""
    windows = (window,) if isinstance(window, int) else tuple(window)
    length = hi - lo + 1
    if len(day) == 0 or length <= 0:
        empty = {w: np.zeros((n_groups, max(length, 0)), dtype=np.int64) for w in windows}
        return empty[window] if isinstance(window, int) else empty
    day = day.astype(np.int64)
    base = min(int(day.min()), lo)
    new_entity = run_starts(entity)
    gap = np.diff(day)
    out = {}
    for w in windows:
        span = hi + w + 1 - base
        size = n_groups * span
        if w == 1:  # rows are distinct (entity, day): a plain count per day
            counts = np.bincount(group * span + (day - base), minlength=size).reshape(n_groups, span)
            out[w] = counts[:, lo - base: hi - base + 1]
            continue
        starts = new_entity.copy()
        starts[1:] |= gap >= w
        ends = np.empty_like(starts)
        ends[:-1] = starts[1:]
        ends[-1] = True
        marks = np.bincount(group[starts] * span + (day[starts] - base), minlength=size)
        marks -= np.bincount(group[ends] * span + (day[ends] + w - base), minlength=size)
        out[w] = np.cumsum(marks.reshape(n_groups, span), axis=1)[:, lo - base: hi - base + 1]
    return out[window] if isinstance(window, int) else out
