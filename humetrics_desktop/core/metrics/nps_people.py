"""The people behind the score: respondents with their profile and engagement, advocates, at-risk
detractors, a person's timeline, and how usage differs by NPS category.

Engagement around a response is measured over the `window` days up to and including the moment of
the response (default 30, as MAU): days active (distinct UTC days with an event) and features used
(distinct event names). Engagement now is measured over the last 28 days of the events table against
the 28 days before those.
"""
from __future__ import annotations

import math

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..progress import Progress
from .demography_labels import normalise_ages, normalise_genders
from .nps import Z95, category, valid_responses

WINDOW_DAYS = 30
RECENT_DAYS = 28
# days active in the window before the response -> engagement segment
ENGAGEMENT_BINS = [(0, 0, "inactive"), (1, 3, "light (1-3 days)"), (4, 11, "regular (4-11 days)"),
                   (12, 10_000, "heavy (12+ days)")]
PROFILE_COLUMNS = ("country", "region", "age", "gender", "language", "plan", "signup_at", "email", "name")


def engagement_segment(days: pd.Series) -> pd.Series:
    d = days.fillna(0).to_numpy()
    out = np.full(len(d), ENGAGEMENT_BINS[-1][2], dtype=object)
    for lo, hi, label in reversed(ENGAGEMENT_BINS):
        out[(d >= lo) & (d <= hi)] = label
    return pd.Series(pd.array(out, dtype="string"), index=days.index)


def _query(sql: str, **frames: pd.DataFrame) -> pd.DataFrame:
    """Run one DuckDB query over pandas frames (a fresh in-memory connection, closed after)."""
    con = duckdb.connect()
    try:
        for name, frame in frames.items():
            con.register(name, frame)
        return con.execute(sql).df()
    finally:
        con.close()


def _events_before(responses: pd.DataFrame, events: pd.DataFrame, window: int) -> pd.DataFrame:
    """Per response row (`rid`): days_active and features_used in the window up to submitted_at,
    and last_seen (the person's last event at all)."""
    return _query(f"""
        with w as (
            select r.rid,
                   count(distinct cast(timezone('UTC', e.timestamp) as date)) as days_active,
                   count(distinct e.event) as features_used
            from r join e on e.user_id = r.user_id
             and e.timestamp <= r.submitted_at
             and e.timestamp > r.submitted_at - interval {int(window)} day
            group by r.rid),
        last as (select user_id, max(timestamp) as last_seen from e
                 where user_id in (select user_id from r) group by user_id)
        select r.rid, coalesce(w.days_active, 0) as days_active,
               coalesce(w.features_used, 0) as features_used, last.last_seen
        from r left join w on w.rid = r.rid left join last on last.user_id = r.user_id
        order by r.rid""", r=responses[["rid", "user_id", "submitted_at"]],
        e=events[["user_id", "timestamp", "event"]])


def _terciles(values: pd.Series) -> pd.Series | None:
    """A numeric layer column as three groups labelled by their bounds ("<= 0.12", "0.12 to 0.4",
    "> 0.4"); None when it has too few distinct values to split."""
    v = values.astype("float64")
    if v.nunique() < 3:
        return None
    q1, q2 = v.quantile([1 / 3, 2 / 3])
    if not q1 < q2:
        return None
    out = pd.Series(f"{q1:.3g} to {q2:.3g}", index=v.index, dtype="string")
    out[v <= q1] = f"<= {q1:.3g}"
    out[v > q2] = f"> {q2:.3g}"
    return out.where(v.notna())


def _layer_columns(frame: pd.DataFrame, layers: dict | None) -> pd.DataFrame:
    """Join each socio-economic or political layer's columns on region, else country: label
    columns as they are, numeric ones cut into terciles ("<col> (tercile)") to act as segments."""
    if not layers:
        return frame
    for layer in layers.values():
        if (layer.meta or {}).get("kind") not in ("socio-economic", "political"):
            continue
        table = layer.table.drop_duplicates("key").set_index("key")
        for col in table.columns:
            if col in ("name", "level", "country", "region") or str(col).endswith("_raw"):
                continue
            if pd.api.types.is_numeric_dtype(table[col]):
                values, label = _terciles(table[col]), f"{col} (tercile)"
            else:
                values, label = table[col].astype("string"), col
            if values is None or label in frame.columns:
                continue
            joined = pd.Series(pd.NA, index=frame.index, dtype="string")
            for key_col in ("region", "country"):
                if key_col in frame.columns:
                    joined = joined.fillna(frame[key_col].astype("string").map(values))
            frame[label] = joined.fillna("unknown")
    return frame


def _positions(keys: pd.Series, values: pd.Series) -> np.ndarray:
    """Position of each value among the unique `keys`, -1 where absent or missing. Arrow looks them up
    without the GIL; pandas' Index.get_indexer turns a million text ids into Python objects first,
    holding it (0.3-0.4 s of a frozen window per call at 1M profiles)."""
    def text(s: pd.Series) -> pa.Array:
        arr = pa.array(s.astype("str"), from_pandas=True)  # no copy when already Arrow text
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        return arr.cast(pa.large_string())
    pos = pc.index_in(text(values), value_set=text(keys), skip_nulls=True)
    return pos.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def _take(values: pd.Series, pos: np.ndarray) -> pd.Series:
    """values at positions pos (-1: not found -> missing), as a Series with a fresh RangeIndex."""
    out = values.iloc[np.where(pos >= 0, pos, 0)].reset_index(drop=True)
    return out.where(pos >= 0)


def respondents_table(survey: pd.DataFrame, profiles: pd.DataFrame | None = None,
                      events: pd.DataFrame | None = None, layers: dict | None = None,
                      window: int = WINDOW_DAYS, progress: Progress | None = None) -> pd.DataFrame:
    """One row per valid response: score, category, comment, survey, place, demography, engagement.

    The response's own country/region win over the profile's. Columns (where their source exists):
    response_id, user_id, submitted_at, score, category, comment, survey, country, region, age,
    age_band, gender, language, plan, email, name, days_active, features_used, last_seen,
    engagement, and one column per label of a socio-economic or political layer.
    """
    progress = progress or Progress()
    v = valid_responses(survey).reset_index(drop=True)
    v["category"] = category(v["score"]).to_numpy()
    if "submitted_at" in v.columns:
        v["submitted_at"] = pd.to_datetime(v["submitted_at"], utc=True, errors="coerce")
    progress.set(0.1, "Joining profiles")
    if profiles is not None and "user_id" in v.columns:
        # one lookup of positions for every profile column (a map per column would hash the ids each time)
        prof = profiles.drop_duplicates("user_id")
        pos = _positions(prof["user_id"], v["user_id"])
        for col in [c for c in PROFILE_COLUMNS if c in prof.columns]:
            mapped = _take(prof[col], pos)
            v[col] = v[col].fillna(mapped) if col in v.columns else mapped
    if "age" in v.columns:
        ref = v["submitted_at"].max().date() if "submitted_at" in v.columns and v["submitted_at"].notna().any() \
            else pd.Timestamp.now(tz="UTC").date()
        ages = normalise_ages(v["age"], ref)
        v["age"], v["age_band"] = ages["age"], ages["age_band"]
    if "gender" in v.columns:
        v["gender"] = normalise_genders(v["gender"])
    progress.set(0.3, "Measuring engagement")
    if events is not None and "user_id" in v.columns and "submitted_at" in v.columns and len(v):
        eng = _events_before(v.assign(rid=np.arange(len(v))), events, window)
        v["days_active"] = eng["days_active"].astype("int64").to_numpy()
        v["features_used"] = eng["features_used"].astype("int64").to_numpy()
        v["last_seen"] = pd.to_datetime(eng["last_seen"], utc=True).set_axis(v.index)
        v["engagement"] = engagement_segment(v["days_active"])
    progress.set(0.9, "Joining layers")
    v = _layer_columns(v, layers)
    progress.set(1.0, "Respondents ready")
    return v


def latest_per_person(respondents: pd.DataFrame) -> pd.DataFrame:
    """Each person's latest response (people without a user_id are left out)."""
    r = respondents.dropna(subset=["user_id"])
    if "submitted_at" in r.columns:
        r = r.sort_values("submitted_at", kind="stable")
    return r.drop_duplicates("user_id", keep="last")


def engagement_trend(events: pd.DataFrame, days: int = RECENT_DAYS,
                     end: pd.Timestamp | None = None) -> pd.DataFrame:
    """Per user active in the last 2 x `days` days up to `end` (default: the day of the last event):
    active days in the last `days` days (recent) and in the `days` days before those (prior).
    Index user_id; columns recent, prior, change."""
    if events.empty:
        return pd.DataFrame(columns=["recent", "prior", "change"], index=pd.Index([], name="user_id"))
    end = pd.to_datetime(events["timestamp"], utc=True).max() if end is None else end
    last_day = end.tz_convert("UTC").strftime("%Y-%m-%d")
    out = _query(f"""
        with d as (select distinct user_id,
                          date_diff('day', cast(timezone('UTC', timestamp) as date), date '{last_day}') as age
                   from e)
        select user_id, count(*) filter (where age < {int(days)}) as recent,
               count(*) filter (where age >= {int(days)}) as prior
        from d where age >= 0 and age < {2 * int(days)} group by user_id""",
        e=events[["user_id", "timestamp"]]).set_index("user_id")
    out = out.astype("int64")
    out["change"] = out["recent"] - out["prior"]
    return out


def advocates(respondents: pd.DataFrame, trend: pd.DataFrame, quantile: float = 0.75) -> pd.DataFrame:
    """Promoters (by their latest response) who are highly engaged now: recent active days at or above
    the `quantile` of all users active in the recent window (trend = engagement_trend(events)).
    Most engaged first: referral candidates."""
    active = trend.loc[trend["recent"] > 0, "recent"]
    if active.empty:
        return respondents.iloc[0:0]
    threshold = max(1.0, float(active.quantile(quantile)))
    latest = latest_per_person(respondents)
    latest = latest.join(trend, on="user_id")
    out = latest[(latest["category"] == "promoter") & (latest["recent"] >= threshold)]
    out = out.astype({c: "int64" for c in ("recent", "prior", "change")})  # all active, so none missing
    return out.sort_values(["recent", "score"], ascending=False).assign(threshold=threshold)


def at_risk(respondents: pd.DataFrame, trend: pd.DataFrame, min_prior: int = 2) -> pd.DataFrame:
    """Detractors (by their latest response) whose engagement is falling: fewer active days in the
    last 28 days than in the 28 before (trend = engagement_trend(events)), having had at least
    `min_prior` active days before. Largest fall first."""
    latest = latest_per_person(respondents).join(trend, on="user_id")
    latest[["recent", "prior", "change"]] = latest[["recent", "prior", "change"]].fillna(0).astype("int64")
    out = latest[(latest["category"] == "detractor") & (latest["prior"] >= min_prior)
                 & (latest["recent"] < latest["prior"])]
    return out.sort_values(["change", "prior"], ascending=[True, False])


def wilson_interval(k: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Wilson 95% interval of a share k/n (NaN where n = 0)."""
    k, n = np.asarray(k, "float64"), np.asarray(n, "float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        denom = 1 + Z95 ** 2 / n
        centre = (p + Z95 ** 2 / (2 * n)) / denom
        half = Z95 * np.sqrt(p * (1 - p) / n + Z95 ** 2 / (4 * n ** 2)) / denom
    return centre - half, centre + half


def feature_adoption_by_category(respondents: pd.DataFrame, events: pd.DataFrame,
                                 window: int = WINDOW_DAYS) -> pd.DataFrame:
    """Share of each NPS category (people, by their latest response) who used each feature in the
    `window` days up to their response, with Wilson 95% intervals.
    Columns: event, category, users, adopters, share, ci_low, ci_high; plus a `gap` table helper."""
    latest = latest_per_person(respondents)
    latest = latest.dropna(subset=["submitted_at"]).reset_index(drop=True)
    if latest.empty:
        return pd.DataFrame(columns=["event", "category", "users", "adopters", "share", "ci_low", "ci_high"])
    # counted inside DuckDB (which runs without the GIL): fetching the millions of distinct
    # (user, category, event) rows as a pandas frame held it 0.2 s at 1M users
    used = _query(f"""
        select event, category, count(*) as adopters from (
          select distinct r.user_id, r.category, e.event from r join e on e.user_id = r.user_id
           and e.timestamp <= r.submitted_at and e.timestamp > r.submitted_at - interval {int(window)} day)
        group by event, category""",
        r=latest[["user_id", "submitted_at"]].assign(category=latest["category"].astype(str)),
        e=events[["user_id", "timestamp", "event"]])
    sizes = latest["category"].astype(str).value_counts()
    adopters = used.set_index(["event", "category"])["adopters"]
    rows = []
    for event in sorted(used["event"].unique()):
        for cat in ("promoter", "passive", "detractor"):
            n = int(sizes.get(cat, 0))
            rows.append({"event": event, "category": cat, "users": n, "adopters": int(adopters.get((event, cat), 0))})
    out = pd.DataFrame(rows)
    out["share"] = np.where(out["users"] > 0, out["adopters"] / out["users"].where(out["users"] > 0), np.nan)
    out["ci_low"], out["ci_high"] = wilson_interval(out["adopters"], out["users"])
    return out


def adoption_gaps(adoption: pd.DataFrame) -> pd.DataFrame:
    """Per feature: promoter share - detractor share with a 95% interval (difference of two
    independent shares, normal approximation). Largest gap first."""
    wide = adoption.pivot(index="event", columns="category", values=["adopters", "users"])
    kp, np_ = wide[("adopters", "promoter")], wide[("users", "promoter")]
    kd, nd = wide[("adopters", "detractor")], wide[("users", "detractor")]
    with np.errstate(invalid="ignore", divide="ignore"):
        pp, pd_ = kp / np_, kd / nd
        se = np.sqrt(pp * (1 - pp) / np_ + pd_ * (1 - pd_) / nd)
    out = pd.DataFrame({"promoter_share": pp, "detractor_share": pd_, "gap": pp - pd_,
                        "ci_low": pp - pd_ - Z95 * se, "ci_high": pp - pd_ + Z95 * se})
    return out.sort_values("gap", ascending=False)


def days_active_by_category(respondents: pd.DataFrame) -> pd.DataFrame:
    """Mean days active in the window before the response per NPS category (latest response per
    person), with a normal 95% interval. Columns: users, mean, ci_low, ci_high."""
    latest = latest_per_person(respondents)
    if "days_active" not in latest.columns:
        return pd.DataFrame(columns=["users", "mean", "ci_low", "ci_high"])
    g = latest.groupby(latest["category"].astype(str))["days_active"].agg(["size", "mean", "std"])
    half = Z95 * g["std"].fillna(math.nan) / np.sqrt(g["size"])
    out = pd.DataFrame({"users": g["size"], "mean": g["mean"], "ci_low": g["mean"] - half,
                        "ci_high": g["mean"] + half})
    return out.reindex([c for c in ("promoter", "passive", "detractor") if c in out.index])


class Timelines:
    """Each respondent's events and survey responses in time order, looked up by user id.

    Holds the tables as they are (no copy, no sort): a lookup is one vectorised comparison of the
    user id column (tens of milliseconds at 10M events), so opening a person in the drill-down
    costs nothing up front."""

    def __init__(self, events: pd.DataFrame | None, survey: pd.DataFrame | None) -> None:
        self._events = events
        self._survey = survey if survey is not None and "user_id" in survey.columns else None
        self._event_ids = None if events is None else pa.array(events["user_id"].astype("string"))
        self._survey_ids = None if self._survey is None else pa.array(self._survey["user_id"].astype("string"))

    def of(self, user_id: str, limit: int = 5000) -> pd.DataFrame:
        """One person's latest `limit` rows: time, kind ("event" | "response"), what."""
        parts = []
        if self._events is not None:
            rows = np.flatnonzero(pc.fill_null(pc.equal(self._event_ids, str(user_id)), False).to_numpy(zero_copy_only=False))
            e = self._events.iloc[rows]
            parts.append(pd.DataFrame({"time": pd.to_datetime(e["timestamp"], utc=True), "kind": "event",
                                       "what": e["event"].astype(str)}))
        if self._survey is not None:
            rows = np.flatnonzero(pc.fill_null(pc.equal(self._survey_ids, str(user_id)), False).to_numpy(zero_copy_only=False))
            s = self._survey.iloc[rows]
            comment = s["comment"].fillna("").astype(str) if "comment" in s.columns else pd.Series("", index=s.index)
            what = "NPS " + s["score"].astype(str) + np.where(comment != "", ": " + comment, "")
            when = (pd.to_datetime(s["submitted_at"], utc=True, errors="coerce") if "submitted_at" in s.columns
                    else pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns, UTC]"))
            parts.append(pd.DataFrame({"time": when, "kind": "response", "what": what}))
        parts = [p.reset_index(drop=True) for p in parts if len(p)]
        if not parts:
            return pd.DataFrame({"time": pd.Series(dtype="datetime64[ns, UTC]"), "kind": pd.Series(dtype=object),
                                 "what": pd.Series(dtype=object)})
        out = pd.concat(parts, ignore_index=True).sort_values("time", kind="stable")
        return out.tail(limit).reset_index(drop=True)
