"""Sessions (the export's session id, else a 30-minute gap; see activity.py), session length
(last event time - first event time) and time spent where the export has durations."""
from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl

from .activity import Activity, day_to_date
from .periods import Split, labels, split_rows

# session length classes, seconds: [edge_i, edge_i+1)
LENGTH_EDGES = (0, 1, 60, 300, 900, 1800, 3600, 4 * 3600)
LENGTH_LABELS = ("< 1 s", "1 s - 1 min", "1-5 min", "5-15 min", "15-30 min", "30-60 min", "1-4 h", ">= 4 h")


def _window(act: Activity, df: pl.DataFrame) -> pl.DataFrame:
    return df.filter(pl.col("day") >= act.start_day)


def _with_segment(df: pl.DataFrame, split: Split | None) -> tuple[pl.DataFrame, list[str]]:
    seg, names = split_rows(split, df["uid"].to_numpy())
    return df.with_columns(seg=pl.Series(seg)), names


def session_stats(act: Activity, split: Split | None = None) -> pd.DataFrame:
    """Per segment and day with activity: sessions (by the day they start), active users, sessions per
    active user and mean session length."""
    s = _window(act, act.sessions)
    ud = _window(act, act.user_day)
    lo, hi = act.start_day, act.end_day
    n_d = max(hi - lo + 1, 0)
    seg, names = split_rows(split, s["uid"].to_numpy())
    key = seg * n_d + (s["day"].to_numpy() - lo)
    size = len(names) * n_d
    sessions = np.bincount(key, minlength=size)
    total = np.bincount(key, weights=s["length_s"].to_numpy().astype(np.float64), minlength=size)
    useg, _ = split_rows(split, ud["uid"].to_numpy())
    users = np.bincount(useg * n_d + (ud["day"].to_numpy() - lo), minlength=size)  # rows are distinct (user, day)
    out = pd.DataFrame({"segment": labels(np.repeat(np.arange(len(names)), n_d), names),
                        "date": day_to_date(np.tile(np.arange(lo, hi + 1), len(names))),
                        "sessions": sessions, "users": users, "total_length_s": total})
    out = out[out["users"] > 0].reset_index(drop=True)
    out["sessions_per_user"] = out["sessions"] / out["users"]
    out["mean_length_s"] = out["total_length_s"] / out["sessions"]
    return out


def session_lengths(act: Activity, split: Split | None = None) -> pd.DataFrame:
    """Per segment: sessions in each length class of the window, their share, and the median length."""
    s = _window(act, act.sessions)
    seg, names = split_rows(split, s["uid"].to_numpy())
    length = s["length_s"].to_numpy()
    cls = np.searchsorted(np.asarray(LENGTH_EDGES), length, side="right") - 1
    n_c = len(LENGTH_LABELS)
    hist = np.bincount(seg * n_c + cls, minlength=len(names) * n_c).reshape(len(names), n_c)
    total = hist.sum(axis=1, keepdims=True)
    med = (pl.DataFrame({"seg": seg, "length": length}).group_by("seg").agg(pl.col("length").median()))
    medians = np.full(len(names), np.nan)
    medians[med["seg"].to_numpy()] = med["length"].to_numpy()
    return pd.DataFrame({"segment": labels(np.repeat(np.arange(len(names)), n_c), names),
                         "length": labels(np.tile(np.arange(n_c), len(names)), LENGTH_LABELS),
                         "sessions": hist.ravel(),
                         "share": np.where(total > 0, hist / np.maximum(total, 1), np.nan).ravel(),
                         "median_length_s": np.repeat(medians, n_c)})


def time_spent(act: Activity, split: Split | None = None) -> pd.DataFrame | None:
    """Per segment and day: total seconds and mean seconds per user with a known duration. None when
    the export carries no durations."""
    if not act.has_duration:
        return None
    ud = _window(act, act.user_day).filter(pl.col("dur").is_not_nan())
    ud, names = _with_segment(ud, split)
    daily = (ud.group_by("seg", "day").agg(total_s=pl.col("dur").sum(), users=pl.len()).sort("seg", "day")
             .to_pandas())
    daily.insert(0, "segment", labels(daily.pop("seg").to_numpy(), names))
    daily.insert(1, "date", day_to_date(daily.pop("day").to_numpy()))
    daily["mean_per_user_s"] = daily["total_s"] / daily["users"]
    return daily
