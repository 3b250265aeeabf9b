"""The pre-aggregated activity every Usage metric reads, built once per events table.

Events are reduced to integer codes and sorted by (user, time) once; from that single pass come the
(user, day) table, the (user, day, event) table and the sessions. A filter change then only masks
these tables (users, days), which is far cheaper than going back to millions of raw events.
Days are UTC epoch days (days since 1970-01-01).
"""
from __future__ import annotations

import weakref
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from ..progress import Progress
from .periods import run_starts

SESSION_GAP_S = 30 * 60
_UNIT_PER_S = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}


@dataclass(frozen=True)
class Activity:
    """Integer-coded activity. `uid` codes index `user_ids`; `ev` codes index `event_names`.

    user_day: uid, day, n (events), dur (seconds, NaN where the export has no durations); sorted by uid, day.
    user_day_event: uid, day, ev (distinct rows); sorted by uid, ev, day.
    sessions: uid, day (of the first event), length_s, n; sorted by uid, day.
    offsets: per table, where each uid's rows start (CSR, length n_users + 1), so that selecting
    users gathers their row ranges; None in a restricted copy (its rows moved).
    first_day / cohort_day: per uid, the first event day over the whole export (filters never move it)
    and the cohort day (signup where profiles give it, else the first event day).
    start_day / end_day: the reporting window; rows before start_day stay as look-back history.
    """
    user_ids: pa.Array
    event_names: tuple[str, ...]
    user_day: pl.DataFrame
    user_day_event: pl.DataFrame
    sessions: pl.DataFrame
    first_day: np.ndarray
    cohort_day: np.ndarray
    has_duration: bool
    start_day: int
    end_day: int
    rejected: int = 0
    has_session_ids: bool = False
    offsets: dict[str, np.ndarray] | None = None
    # per-uid label codes already computed (shared by restricted copies: uids do not change)
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def n_users(self) -> int:
        return len(self.user_ids)

    def restrict(self, start: date | None = None, end: date | None = None,
                 users: np.ndarray | None = None) -> "Activity":
        """The activity of the users in the boolean mask `users` (per uid) up to `end`, reporting from
        `start`. History before `start` is kept so that rolling windows and lifecycles stay correct."""
        s = self.start_day if start is None else max(self.start_day, epoch_day(start))
        e = self.end_day if end is None else min(self.end_day, epoch_day(end))

        chosen = None if users is None else np.flatnonzero(users)

        def cut(name: str, df: pl.DataFrame) -> pl.DataFrame:
            if chosen is not None and self.offsets is not None:
                df = df[_row_ranges(self.offsets[name], chosen)]
            elif chosen is not None:
                df = df.filter(pl.Series(users).gather(df["uid"]))
            return df if e >= self.end_day else df.filter(pl.col("day") <= e)

        return replace(self, user_day=cut("user_day", self.user_day),
                       user_day_event=cut("user_day_event", self.user_day_event),
                       sessions=cut("sessions", self.sessions), start_day=s, end_day=e, offsets=None)

    def user_mask(self, ids: pd.Index | pd.Series | list[str]) -> np.ndarray:
        """Boolean per uid: is this user among `ids`."""
        return pc.is_in(self.user_ids, value_set=pa.array(pd.Index(ids).astype(str), type=pa.string())
                        ).to_numpy(zero_copy_only=False)

    def label_codes(self, labels: pd.Series) -> tuple[np.ndarray, list[str]]:
        """Per uid, the index of its label in the returned sorted list, -1 where it has none.
        `labels` maps user_id -> label (the last of duplicated ids wins)."""
        labels = labels[~labels.index.duplicated(keep="last")].dropna().astype(str)
        names = sorted(labels.unique())
        pos = pc.index_in(self.user_ids, value_set=pa.array(labels.index.astype(str), type=pa.string()))
        pos = pos.to_numpy(zero_copy_only=False)
        missing = pd.isna(pos)
        out = np.full(self.n_users, -1, dtype=np.int32)
        # each label's code found by Arrow (releases the GIL); a pandas reindex by a million label
        # strings held it 0.25 s
        label_code = pc.index_in(pa.array(labels, from_pandas=True).cast(pa.large_string()),
                                 value_set=pa.array(names, type=pa.large_string())).to_numpy(zero_copy_only=False)
        out[~missing] = label_code[pos[~missing].astype(np.int64)]
        return out, names

    def segment_codes(self, labels: pd.Series, unknown: str = "unknown") -> tuple[np.ndarray, list[str]]:
        """A split: per uid, the index of its label in the returned list; users without a label get
        `unknown` (appended to the list when someone has no label)."""
        codes, names = self.label_codes(labels)
        if (codes < 0).any():
            codes = np.where(codes < 0, len(names), codes).astype(np.int32)
            names = names + [unknown]
        return codes, names


def _row_ranges(offsets: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """Row numbers of the chosen uids' rows, given the CSR offsets of a table sorted by uid."""
    starts = offsets[chosen]
    lengths = offsets[chosen + 1] - starts
    ends = np.cumsum(lengths)
    return np.arange(int(ends[-1]) if len(ends) else 0) + np.repeat(starts - (ends - lengths), lengths)


def _offsets(uid: np.ndarray, n_users: int) -> np.ndarray:
    out = np.zeros(n_users + 1, dtype=np.int64)
    np.cumsum(np.bincount(uid, minlength=n_users), out=out[1:])
    return out


def epoch_day(d: date | pd.Timestamp) -> int:
    return int((pd.Timestamp(d).normalize().tz_localize(None) - pd.Timestamp("1970-01-01")).days)


def day_to_date(days: np.ndarray | int) -> pd.DatetimeIndex:
    """Epoch days -> midnight UTC timestamps."""
    return pd.to_datetime(np.asarray(days, dtype=np.int64), unit="D", utc=True)


def _seconds(ts: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """UTC epoch seconds of a datetime column (naive values are taken as UTC; NaT -> int64 min) and
    the fraction of a second each time carries beyond them (float, in [0, 1))."""
    if not pd.api.types.is_datetime64_any_dtype(ts):
        ts = pd.to_datetime(ts, utc=True, errors="coerce")
    arr = ts.array
    raw = np.asarray(arr.asi8)
    nat = raw == np.iinfo(np.int64).min
    per_s = _UNIT_PER_S[arr.unit]
    sec = raw // per_s
    # float32 keeps a fraction of a second to well under a microsecond, at half the memory
    frac = ((raw - sec * per_s) / per_s).astype(np.float32) if per_s > 1 else np.zeros(len(raw), np.float32)
    sec[nat] = np.iinfo(np.int64).min
    return sec, frac


def _codes(col: pd.Series) -> tuple[np.ndarray, pa.Array]:
    """Dense integer codes and the distinct values they index (values must not be missing)."""
    arr = pa.array(col.astype("string") if col.dtype == object else col)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if not pa.types.is_string(arr.type) and not pa.types.is_large_string(arr.type):
        arr = arr.cast(pa.string())
    enc = pc.dictionary_encode(arr)
    return enc.indices.to_numpy(zero_copy_only=False), enc.dictionary


def build_activity(events: pd.DataFrame, profiles: pd.DataFrame | None = None,
                   progress: Progress | None = None) -> Activity:
    """Pre-aggregate the canonical events table (see core/schema.py). Rows without a user, time or
    event name cannot be placed and are counted in `rejected`."""
    progress = progress or Progress()
    for col in ("user_id", "timestamp", "event"):
        if col not in events.columns:
            raise ValueError(f"events table: missing column {col!r}")
    progress.set(0.0, "Coding users and events")
    sec, frac = _seconds(events["timestamp"])
    ok = (sec != np.iinfo(np.int64).min) & events["user_id"].notna().to_numpy() \
        & events["event"].notna().to_numpy()
    rejected = int((~ok).sum())
    ev_df = events if ok.all() else events.loc[ok]
    if not ok.all():
        sec, frac = sec[ok], frac[ok]
    uid, user_ids = _codes(ev_df["user_id"])
    progress.set(0.25)
    ev, event_names = _codes(ev_df["event"])
    n = len(uid)

    progress.set(0.3, "Sorting events by user and time")
    # one sort on a single int64 key (user code, seconds since the first event) orders everything
    s0 = int(sec.min()) if n else 0
    key = (uid.astype(np.int64) << 32) | (sec - s0)
    del uid, sec
    order = pl.Series(key).arg_sort().to_numpy()
    key = key[order]
    uid = (key >> 32).astype(np.int32)
    sec = (key & 0xFFFFFFFF) + s0
    del key
    ev = ev[order]
    day = (sec // 86400).astype(np.int32)

    progress.set(0.55, "Days per user")
    ud_start = run_starts(uid, day)
    idx = np.flatnonzero(ud_start)
    user_day = {"uid": uid[idx], "day": day[idx], "n": np.diff(np.append(idx, n)).astype(np.int32)}
    has_duration = "duration_s" in ev_df.columns and bool(ev_df["duration_s"].notna().any())
    if has_duration:
        dur = pd.to_numeric(ev_df["duration_s"], errors="coerce").to_numpy(dtype=np.float64)[order]
        # a day's time spent is the sum of its known durations; NaN only if none is known
        has = np.add.reduceat((~np.isnan(dur)).astype(np.int32), idx)
        tot = np.add.reduceat(np.where(np.isnan(dur), 0.0, dur), idx)
        user_day["dur"] = np.where(has > 0, tot, np.nan)

    progress.set(0.65, "Features per user and day")
    ude = _user_day_events(ev, idx, user_day["uid"], user_day["day"], len(event_names))
    del ev

    progress.set(0.75, "Sessions")
    has_ids = "session_id" in ev_df.columns and bool(ev_df["session_id"].notna().any())
    sid = None
    if has_ids:
        # 64-bit hashes tell ids apart far faster than coding millions of distinct strings
        ids = pl.from_arrow(pa.array(ev_df["session_id"].astype("string")
                                     if ev_df["session_id"].dtype == object else ev_df["session_id"]))
        sid = (ids.hash().to_numpy()[order], ids.is_not_null().to_numpy()[order])
        del ids
    # sessions measure time to the fraction of a second the export gives
    t = frac[order].astype(np.float64)
    del frac, order
    t += sec
    sessions = _sessions(uid, t, day, sid)
    del t, sid

    # user_day is sorted by (uid, day): a user's first row holds the first day
    first = np.full(len(user_ids), np.iinfo(np.int32).max, dtype=np.int32)
    firsts = run_starts(user_day["uid"])
    first[user_day["uid"][firsts]] = user_day["day"][firsts]
    cohort = _cohort_days(first, user_ids, profiles)
    offsets = {name: _offsets(np.asarray(df["uid"]), len(user_ids))
               for name, df in (("user_day", user_day), ("user_day_event", ude), ("sessions", sessions))}
    progress.set(1.0)
    days = user_day["day"]
    return Activity(user_ids=user_ids, event_names=tuple(event_names.to_pylist()), user_day=pl.DataFrame(user_day),
                    user_day_event=ude, sessions=sessions, first_day=first, cohort_day=cohort,
                    has_duration=has_duration, start_day=int(days.min()) if n else 0,
                    end_day=int(days.max()) if n else -1, rejected=rejected, has_session_ids=has_ids,
                    offsets=offsets)


def _user_day_events(ev: np.ndarray, idx: np.ndarray, ud_uid: np.ndarray, ud_day: np.ndarray,
                     n_events: int) -> pl.DataFrame:
    """Distinct (uid, day, event) rows sorted by (uid, event, day). `idx` starts each (uid, day) run of
    the event codes `ev`, which are in (uid, day) order."""
    if n_events <= 64:
        # OR one bit per event over each run, then list each event's runs: already in (uid, day) order
        bits = np.bitwise_or.reduceat(np.left_shift(np.uint64(1), ev.astype(np.uint64)), idx) \
            if len(idx) else np.zeros(0, np.uint64)
        runs = [np.flatnonzero(bits & np.uint64(1 << e)) for e in range(n_events)]
        r = np.concatenate(runs) if runs else np.zeros(0, np.int64)
        codes = np.repeat(np.arange(n_events, dtype=np.int32), [len(x) for x in runs])
    else:
        # distinct (event, run) pairs; runs are numbered in (uid, day) order
        run = np.repeat(np.arange(len(idx), dtype=np.int64), np.diff(np.append(idx, len(ev))))
        k = pl.Series(ev.astype(np.int64) * max(len(idx), 1) + run).unique().sort().to_numpy()
        r, codes = k % max(len(idx), 1), (k // max(len(idx), 1)).astype(np.int32)
    uid, day = ud_uid[r], ud_day[r]
    span = int(day.max() - day.min()) + 1 if len(day) else 1
    order = pl.Series((uid.astype(np.int64) * n_events + codes) * span + (day - (day.min() if len(day) else 0))
                      ).arg_sort().to_numpy()
    return pl.DataFrame({"uid": uid[order], "day": day[order], "ev": codes[order]})


def _sessions(uid: np.ndarray, sec: np.ndarray, day: np.ndarray,
              sid: tuple[np.ndarray, np.ndarray] | None) -> pl.DataFrame:
    """The export's session id where a row has one (`sid`: id hashes and a has-id mask), else a new
    session after 30 minutes without an event. Rows are sorted by (user, time), so sessions are
    runs of rows, merged where a user's ids interleave."""
    start = run_starts(uid)
    gap = np.zeros(len(uid), dtype=bool)
    np.greater(np.diff(sec), SESSION_GAP_S, out=gap[1:])
    if sid is None:
        start |= gap
    else:
        h, has = sid
        h[~has] = 0  # rows without an id differ from rows with one by `has`, not by their hash
        start[1:] |= (h[1:] != h[:-1]) | (has[1:] != has[:-1]) | (~has[1:] & gap[1:])
    del gap
    first = np.flatnonzero(start)
    last = np.append(first[1:], len(uid))[:len(first)] - 1
    runs = pl.DataFrame({"uid": uid[first], "day": day[first], "t0": sec[first], "t1": sec[last],
                         "n": (last - first + 1).astype(np.int32)})
    if sid is not None:
        # a user's id may recur after another one (two devices): merge the runs of each such
        # (user, id); they are rare, so only they are grouped
        ids = pl.DataFrame({"uid": uid[first], "h": h[first]})
        recurs = ids.is_duplicated().to_numpy() & has[first]
        if recurs.any():
            merged = (runs.filter(recurs).with_columns(h=ids["h"].filter(recurs)).group_by("uid", "h")
                      .agg(day=pl.col("day").min(), t0=pl.col("t0").min(), t1=pl.col("t1").max(), n=pl.col("n").sum())
                      .select(runs.columns))
            runs = pl.concat([runs.filter(~recurs), merged]).sort("uid", "t0")
    return runs.select("uid", "day", length_s=pl.col("t1") - pl.col("t0"), n="n")


def _cohort_days(first: np.ndarray, user_ids: pa.Array, profiles: pd.DataFrame | None) -> np.ndarray:
    if profiles is None or "signup_at" not in profiles.columns or "user_id" not in profiles.columns:
        return first
    p = profiles[["user_id", "signup_at"]].dropna()
    sec = _seconds(p["signup_at"])[0]
    good = sec != np.iinfo(np.int64).min
    # ids kept in Arrow: to_numpy() made a Python string per profile, holding the GIL 0.15 s per million
    p_ids = pa.array(p["user_id"].astype(str), from_pandas=True)
    if isinstance(p_ids, pa.ChunkedArray):
        p_ids = p_ids.combine_chunks()
    p_ids, sec = p_ids.filter(pa.array(good)).cast(pa.string()), sec[good]
    pos = pc.index_in(user_ids, value_set=p_ids).to_numpy(zero_copy_only=False)
    have = ~pd.isna(pos)
    cohort = first.copy()
    cohort[have] = (sec[pos[have].astype(np.int64)] // 86400).astype(np.int32)
    return cohort


_CACHE: list = []  # [(weakref to the events table, the profiles table, Activity)]


def cached_activity(events: pd.DataFrame, profiles: pd.DataFrame | None = None,
                    progress: Progress | None = None) -> Activity:
    """build_activity, remembered for the last events table so that filter changes reuse it."""
    if _CACHE:
        ref, prof, act = _CACHE[0]
        if ref() is events and prof is profiles:
            return act
    act = build_activity(events, profiles, progress)
    _CACHE[:] = [(weakref.ref(events), profiles, act)]
    return act
