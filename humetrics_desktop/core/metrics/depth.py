"""Engagement depth (docs/metrics.md): feature adoption over time and the engagement matrix."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .activity import Activity, day_to_date
from .periods import Split, labels, rolling_distinct, run_starts, split_rows

WINDOW = 30
QUADRANTS = {(True, True): "core", (True, False): "popular", (False, True): "niche", (False, False): "peripheral"}


def _mau(act: Activity, split: Split | None, lo: int, hi: int) -> np.ndarray:
    uid, day = act.user_day["uid"].to_numpy(), act.user_day["day"].to_numpy()
    group, names = split_rows(split, uid)
    return rolling_distinct(uid, day, group, len(names), WINDOW, lo, hi)


def feature_adoption(act: Activity, split: Split | None = None, lo: int | None = None,
                     mau: np.ndarray | None = None) -> pd.DataFrame:
    """Per segment, event and day d of the window: users who did the event in d-29..d (adopters),
    MAU(d), and share = adopters / MAU. `lo` starts the series later than the window (epoch day).
    `mau` (segments x days of lo..end) spares recounting MAU when the caller has it."""
    ude = act.user_day_event
    uid, day, ev = ude["uid"].to_numpy(), ude["day"].to_numpy(), ude["ev"].to_numpy().astype(np.int64)
    seg, names = split_rows(split, uid)
    n_s, n_e = len(names), len(act.event_names)
    lo = act.start_day if lo is None else max(lo, act.start_day)
    hi = act.end_day
    n_d = max(hi - lo + 1, 0)
    # rows are sorted by (user, event, day): (event, user) is the entity whose activity rolls
    adopters = rolling_distinct(ev * act.n_users + uid, day, seg * n_e + ev, n_s * n_e, WINDOW, lo, hi)
    mau = np.repeat(_mau(act, split, lo, hi) if mau is None else mau, n_e, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(mau > 0, adopters / mau, np.nan)
    return pd.DataFrame({
        "segment": labels(np.repeat(np.arange(n_s), n_e * n_d), names),
        "event": labels(np.tile(np.repeat(np.arange(n_e), n_d), n_s), act.event_names),
        "date": day_to_date(np.tile(np.arange(lo, hi + 1), n_s * n_e)),
        "adopters": adopters.ravel(), "mau": mau.ravel(), "share": share.ravel(),
    })


def engagement_matrix(act: Activity, split: Split | None = None, mau_end: np.ndarray | None = None) -> pd.DataFrame:
    """Per segment and event over the last 30 days of the window: adopters, breadth = adopters / MAU,
    frequency = mean distinct days per adopter, and the quadrant split at the medians across events
    ("core" high/high, "popular" high breadth, "niche" high frequency, "peripheral" low/low).
    `mau_end` (per segment, MAU on the last day) spares recounting it."""
    ude = act.user_day_event
    lo = max(act.end_day - WINDOW + 1, act.start_day)
    ude = ude.filter(ude["day"] >= lo)
    uid, ev = ude["uid"].to_numpy(), ude["ev"].to_numpy().astype(np.int64)
    seg, names = split_rows(split, uid)
    n_s, n_e = len(names), len(act.event_names)
    key = seg * n_e + ev
    days = np.bincount(key, minlength=n_s * n_e)  # one row per (user, day, event)
    first = run_starts(ev, uid)
    adopters = np.bincount(key[first], minlength=n_s * n_e)
    if mau_end is None:
        mau_end = _mau(act, split, act.end_day, act.end_day)[:, 0]
    mau = np.repeat(mau_end, n_e)
    out = pd.DataFrame({
        "segment": labels(np.repeat(np.arange(n_s), n_e), names),
        "event": labels(np.tile(np.arange(n_e), n_s), act.event_names),
        "adopters": adopters, "mau": mau,
        "breadth": np.where(mau > 0, adopters / np.maximum(mau, 1), np.nan),
        "frequency": np.where(adopters > 0, days / np.maximum(adopters, 1), np.nan),
    })
    out = out[out["adopters"] > 0].reset_index(drop=True)
    med = out.groupby("segment", observed=True)[["breadth", "frequency"]].transform("median")
    hi_b = out["breadth"] >= med["breadth"]
    hi_f = out["frequency"] >= med["frequency"]
    out["quadrant"] = [QUADRANTS[(b, f)] for b, f in zip(hi_b, hi_f)]
    return out


def feature_adoption_at_end(act: Activity, split: Split | None = None) -> pd.DataFrame:
    """Adoption of every event at the window's last day (segment, event, adopters, mau, share)."""
    return feature_adoption(act, split, lo=act.end_day)
