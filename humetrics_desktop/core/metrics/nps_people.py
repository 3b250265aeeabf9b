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


def _events_before(responses: pd.DataFrame, events: pd.DataFrame, window: int) -> pd.DataFrame:
    """Per response row (`rid`): days_active and features_used in the window up to submitted_at."""
    con = duckdb.connect()
    try:
        con.register("r", responses[["rid", "user_id", "submitted_at"]])
        con.register("e", events[["user_id", "timestamp", "event"]])
        return con.execute(f"""
            select r.rid,
                   count(distinct cast(timezone('UTC', e.timestamp) as date)) as days_active,
                   count(distinct e.event) as features_used
            from r join e on e.user_id = r.user_id
             and e.timestamp <= r.submitted_at
             and e.timestamp > r.submitted_at - interval {int(window)} day
            group by r.rid""").df()
    finally:
        con.close()


def _layer_columns(frame: pd.DataFrame, layers: dict | None) -> pd.DataFrame:
    """Join each socio-economic or political layer's label columns on region, else country.
    Numeric columns are cut into terciles so that they can act as segments."""
    if not layers:
        return frame
    for name, layer in layers.items():
        kind = (layer.meta or {}).get("kind")
        if kind not in ("socio-economic", "political"):
            continue
        table = layer.table.drop_duplicates("key").set_index("key")
        for col in table.columns:
            if col in ("name", "level") or col in frame.columns:
                continue
            values = table[col]
            if pd.api.types.is_numeric_dtype(values):
                if values.nunique() < 3:
                    continue
                values = pd.qcut(values, 3, labels=["low", "middle", "high"], duplicates="drop").astype("string")
                label = f"{col} (tercile)"
            else:
                values, label = values.astype("string"), col
            if label in frame.columns:
                continue
            joined = pd.Series(pd.NA, index=frame.index, dtype="string")
            for key_col in ("region", "country"):
                if key_col in frame.columns:
                    joined = joined.fillna(frame[key_col].astype("string").map(values))
            frame[label] = joined.fillna("unknown")
    return frame


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
        prof = profiles.drop_duplicates("user_id").set_index("user_id")
        for col in PROFILE_COLUMNS:
            if col not in prof.columns:
                continue
            mapped = v["user_id"].map(prof[col])
            v[col] = v[col].fillna(mapped) if col in v.columns else mapped
    if "age" in v.columns:
        ref = v["submitted_at"].max().date() if "submitted_at" in v.columns and v["submitted_at"].notna().any() \
            else pd.Timestamp.now(tz="UTC").date()
        ages = normalise_ages(v["age"], ref)
        v["age"], v["age_band"] = ages["age"], ages["age_band"]
    if "gender" in v.columns:
        v["gender"] = normalise_genders(v["gender"])
    progress.set(0.3, "Measuring engagement")
    if events is not None and "user_id" in v.columns and len(v):
        users = v["user_id"].dropna().unique()
        ev = events.loc[events["user_id"].isin(users), ["user_id", "timestamp", "event"]]
        last = ev.groupby("user_id")["timestamp"].max()
        v["last_seen"] = v["user_id"].map(last)
        if "submitted_at" in v.columns:
            eng = _events_before(v.assign(rid=np.arange(len(v))), ev, window).set_index("rid")
            v["days_active"] = eng["days_active"].reindex(np.arange(len(v))).fillna(0).astype("int64").to_numpy()
            v["features_used"] = eng["features_used"].reindex(np.arange(len(v))).fillna(0).astype("int64").to_numpy()
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
    """Per user: active days in the last `days` days up to `end` (default: the last event) and in
    the `days` days before those. Index user_id; columns recent, prior, change."""
    t = pd.to_datetime(events["timestamp"], utc=True)
    end = t.max() if end is None else end
    day = t.dt.floor("D")
    last_day = end.floor("D")
    age = (last_day - day).dt.days.to_numpy()
    keep = (age >= 0) & (age < 2 * days)
    frame = pd.DataFrame({"user_id": events["user_id"].to_numpy()[keep], "day": day.to_numpy()[keep],
                          "recent": age[keep] < days})
    frame = frame.drop_duplicates(["user_id", "day"])
    g = frame.groupby("user_id")["recent"].agg(["sum", "size"])
    out = pd.DataFrame({"recent": g["sum"].astype("int64"), "prior": (g["size"] - g["sum"]).astype("int64")})
    out["change"] = out["recent"] - out["prior"]
    return out


def advocates(respondents: pd.DataFrame, events: pd.DataFrame, quantile: float = 0.75) -> pd.DataFrame:
    """Promoters (by their latest response) who are highly engaged now: recent active days at or above
    the `quantile` of all users active in the recent window. Most engaged first: referral candidates."""
    trend = engagement_trend(events)
    active = trend.loc[trend["recent"] > 0, "recent"]
    if active.empty:
        return respondents.iloc[0:0]
    threshold = max(1.0, float(active.quantile(quantile)))
    latest = latest_per_person(respondents)
    latest = latest.join(trend, on="user_id")
    out = latest[(latest["category"] == "promoter") & (latest["recent"] >= threshold)]
    return out.sort_values(["recent", "score"], ascending=False).assign(threshold=threshold)


def at_risk(respondents: pd.DataFrame, events: pd.DataFrame, min_prior: int = 2) -> pd.DataFrame:
    """Detractors (by their latest response) whose engagement is falling: fewer active days in the
    last 28 days than in the 28 before, having had at least `min_prior` active days before. Largest
    fall first."""
    trend = engagement_trend(events)
    latest = latest_per_person(respondents).join(trend, on="user_id")
    latest[["recent", "prior", "change"]] = latest[["recent", "prior", "change"]].fillna(0)
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
    con = duckdb.connect()
    try:
        con.register("r", latest[["user_id", "submitted_at"]].assign(category=latest["category"].astype(str)))
        con.register("e", events.loc[events["user_id"].isin(latest["user_id"]), ["user_id", "timestamp", "event"]])
        used = con.execute(f"""
            select distinct r.user_id, r.category, e.event from r join e on e.user_id = r.user_id
             and e.timestamp <= r.submitted_at and e.timestamp > r.submitted_at - interval {int(window)} day
        """).df()
    finally:
        con.close()
    sizes = latest["category"].astype(str).value_counts()
    adopters = used.groupby(["event", "category"]).size()
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

    Built once off the GUI thread (the respondents' events sorted by person), so that opening a
    person in the drill-down is a binary search rather than a scan of every event."""

    def __init__(self, events: pd.DataFrame | None, survey: pd.DataFrame | None,
                 users: pd.Series | None = None) -> None:
        parts = []
        if events is not None:
            e = events if users is None else events.loc[events["user_id"].isin(users.dropna().unique())]
            parts.append(pd.DataFrame({"user_id": e["user_id"].astype(str).to_numpy(),
                                       "time": pd.to_datetime(e["timestamp"], utc=True).to_numpy(),
                                       "kind": "event", "what": e["event"].astype(str).to_numpy()}))
        if survey is not None and "user_id" in survey.columns:
            s = survey.loc[survey["user_id"].notna()]
            comment = s["comment"].fillna("").astype(str) if "comment" in s.columns else pd.Series("", index=s.index)
            what = "NPS " + s["score"].astype(str) + np.where(comment != "", ": " + comment, "")
            when = (pd.to_datetime(s["submitted_at"], utc=True, errors="coerce") if "submitted_at" in s.columns
                    else pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns, UTC]"))
            parts.append(pd.DataFrame({"user_id": s["user_id"].astype(str).to_numpy(), "time": when.to_numpy(),
                                       "kind": "response", "what": what.to_numpy()}))
        rows = (pd.concat(parts, ignore_index=True) if parts
                else pd.DataFrame(columns=["user_id", "time", "kind", "what"]))
        self._rows = rows.sort_values(["user_id", "time"], kind="stable").reset_index(drop=True)
        self._keys = self._rows["user_id"].to_numpy()

    def of(self, user_id: str, limit: int = 5000) -> pd.DataFrame:
        """One person's latest `limit` rows: time, kind ("event" | "response"), what."""
        lo = np.searchsorted(self._keys, str(user_id), side="left")
        hi = np.searchsorted(self._keys, str(user_id), side="right")
        out = self._rows.iloc[max(lo, hi - limit):hi][["time", "kind", "what"]]
        return out.reset_index(drop=True)
