"""User growth by place: per country or first-level region, per capita, over time, and split by a
place's income group or political lean (docs/metrics.md, "Geography and people").

People are placed by their profile (country, region), else by the first event that carries a place.
A person's start is their signup time, else their first event ever (the date filter never moves it).
For a period [start, end]: users = people who had started by the end; new = started within it;
growth rate = new / users at the start; active = people with an event within it; stickiness =
mean DAU / MAU over the period's last 30 days (at most the period's length).
"""
from __future__ import annotations

import weakref
from dataclasses import dataclass, replace
from typing import Callable

import numpy as np
import pandas as pd

from ..filters import Filter, apply_filter, selected_users
from ..geo import boundaries
from ..geo.layers import region_population
from ..geo.matching import match_countries, match_regions, unmatched
from ..privacy import DEFAULT_K, suppressed_mask
from ..progress import Progress
from ..schema import UNKNOWN_COUNTRY
from ..workspace import Workspace
from . import nps as nps_core

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Measure:
    label: str
    count: str                  # the count whose small cells hide this measure
    midpoint: float | None = None  # a meaningful centre: diverging palettes allowed
    percent: bool = False


MEASURES: dict[str, Measure] = {
    "users_per_100k": Measure("Users per 100k people", "users"),
    "users": Measure("Users", "users"),
    "new_users": Measure("New users in the period", "new_users"),
    "growth_rate": Measure("Growth in the period", "new_users", percent=True),
    "active_users": Measure("Active users in the period", "active_users"),
    "stickiness": Measure("Stickiness (DAU/MAU)", "active_users", percent=True),
    "nps": Measure("NPS", "nps_n", midpoint=0.0),
    "sentiment": Measure("Mean sentiment", "sentiment_n", midpoint=0.0),
}
# count column -> the values derived from it, hidden with it
DERIVED = {
    "users": ["users_per_100k", "users_start"],
    "new_users": ["growth_rate"],
    "active_users": ["stickiness"],
    "nps_n": ["nps", "nps_low", "nps_high"],
    "sentiment_n": ["sentiment", "sentiment_low", "sentiment_high"],
}


# ------------------------------------------------------------------------------------------ people
def _no_dates(flt: Filter | None) -> Filter:
    return replace(flt, start=None, end=None) if flt is not None else Filter()


_PEOPLE: list = []  # [(weakref to profiles, weakref to events, people table)]


def selected_people(ws: Workspace, flt: Filter | None) -> pd.DataFrame:
    """people() of the whole workspace (built once per pair of tables), restricted to those the
    filter's places and segments keep (its dates never remove a person)."""
    profiles, events = ws.table("profiles"), ws.table("events")
    cached = _PEOPLE[0] if _PEOPLE else None
    if cached and cached[0]() is profiles and cached[1]() is events:
        pp = cached[2]
    else:
        pp = people(ws)
        _PEOPLE[:] = [(_ref(profiles), _ref(events), pp)]
    if flt is None or not (flt.countries or flt.regions or flt.segments):
        return pp
    ids = selected_users(ws, _no_dates(flt))
    if ids is not None:
        return pp[pp["user_id"].isin(pd.Index(ids).astype(str))].reset_index(drop=True)
    # no profiles: people are placed by their events' place columns
    keep = pd.Series(True, index=pp.index)
    if flt.countries:
        keep &= match_countries(pp["country"]).isin(flt.countries)
    if flt.regions:
        keep &= pp["region"].isin(flt.regions)
    return pp[keep].reset_index(drop=True)


def _ref(table: pd.DataFrame | None):
    return weakref.ref(table) if table is not None else (lambda: None)


def people(ws: Workspace) -> pd.DataFrame:
    """One row per person: user_id, country (alpha-2 or None), region (raw value), started (UTC)."""
    profiles, events = ws.table("profiles"), ws.table("events")
    parts = []
    if profiles is not None and not profiles.empty:
        p = profiles.drop_duplicates("user_id", keep="last")
        parts.append(pd.DataFrame({
            "user_id": p["user_id"].astype(str).to_numpy(),
            "country": p["country"].to_numpy() if "country" in p else None,
            "region": p["region"].to_numpy() if "region" in p else None,
            "signup": pd.to_datetime(p["signup_at"], utc=True, errors="coerce").to_numpy()
            if "signup_at" in p else pd.NaT,
        }))
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        {"user_id": pd.Series(dtype=object), "country": None, "region": None, "signup": pd.NaT})
    if events is not None and not events.empty:
        ev = events.loc[events["user_id"].notna()]
        uid = ev["user_id"].astype(str)
        t = pd.to_datetime(ev["timestamp"], utc=True, errors="coerce")
        first = t.groupby(uid.to_numpy()).min()
        extra = pd.DataFrame({"user_id": first.index.difference(pd.Index(out["user_id"]))})
        if "country" in ev.columns and len(extra):
            placed = ev.assign(_u=uid.to_numpy(), _t=t.to_numpy()).dropna(subset=["country"])
            placed = placed.sort_values("_t").drop_duplicates("_u").set_index("_u")
            extra["country"] = extra["user_id"].map(placed["country"])
            extra["region"] = extra["user_id"].map(placed["region"]) if "region" in placed else None
        out = pd.concat([out, extra], ignore_index=True)
        out["first_event"] = out["user_id"].map(first)
    else:
        out["first_event"] = pd.NaT
    out["started"] = pd.to_datetime(out["signup"], utc=True).fillna(pd.to_datetime(out["first_event"], utc=True))
    return out[["user_id", "country", "region", "started"]]


def period(ws: Workspace, flt: Filter | None, started: pd.Series | None = None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """[start, end) in UTC: the filter's days, else the span of the events, responses and reviews."""
    times = []
    for kind, col in (("events", "timestamp"), ("survey", "submitted_at"), ("reviews", "created_at")):
        df = ws.table(kind)
        if df is not None and col in df.columns and len(df):
            t = pd.to_datetime(df[col], utc=True, errors="coerce").dropna()
            if len(t):
                times += [t.min(), t.max()]
    # people who signed up before the exports begin are users at the start, not a longer period;
    # only a workspace of profiles alone takes its span from the signups
    if not times and started is not None and started.notna().any():
        times += [started.min(), started.max()]
    lo = min(times).normalize() if times else pd.Timestamp("1970-01-01", tz="UTC")
    hi = max(times).normalize() + pd.Timedelta(days=1) if times else lo + pd.Timedelta(days=1)
    if flt is not None and flt.start:
        lo = pd.Timestamp(flt.start, tz="UTC")
    if flt is not None and flt.end:
        hi = pd.Timestamp(flt.end, tz="UTC") + pd.Timedelta(days=1)
    return lo, hi


def place_keys(pp: pd.DataFrame, level: str, country: str | None = None) -> pd.Series:
    """Each person's map key at a level: alpha-2, or the first-level region code (within one
    country, or world-wide when country is None). None where unmatched."""
    cc = match_countries(pp["country"])
    if level == "country":
        return cc
    keys = set(boundaries.regions()["key"])
    reg = match_regions(cc, pp["region"], keys)
    if country is not None:
        reg = reg.where(cc == country)
    return reg


# ------------------------------------------------------------------------------------- per place
def _activity(ws: Workspace):
    """The shared pre-aggregated activity of the whole events table (core.metrics.activity)."""
    events = ws.table("events")
    if events is None or events.empty:
        return None
    from .activity import cached_activity
    return cached_activity(events, ws.table("profiles"))


def _activity_counts(ws: Workspace, users: pd.Series, lo: pd.Timestamp, hi: pd.Timestamp) -> pd.DataFrame:
    """Per key: active users in [lo, hi), and stickiness = mean DAU / MAU over its last 30 days."""
    act = _activity(ws)
    if act is None or act.user_day.height == 0 or users.empty:
        return pd.DataFrame(columns=["active_users", "stickiness"], dtype="float64")
    from .activity import epoch_day
    codes, names = act.segment_codes(users, unknown="\0")
    uid, day = act.user_day["uid"].to_numpy(), act.user_day["day"].to_numpy()
    lo_d, hi_d = epoch_day(lo), epoch_day(hi)
    days = max(1, min(30, hi_d - lo_d))
    n = len(names)

    def distinct_users(mask: np.ndarray) -> np.ndarray:
        return np.bincount(codes[np.unique(uid[mask])], minlength=n)

    inside = (day >= lo_d) & (day < hi_d)
    recent = (day >= hi_d - days) & (day < hi_d)
    active = distinct_users(inside)
    mau = distinct_users(recent)
    user_days = np.bincount(codes[uid[recent]], minlength=n)
    with np.errstate(divide="ignore", invalid="ignore"):
        stick = np.where(mau > 0, user_days / days / mau, np.nan)
    out = pd.DataFrame({"active_users": active.astype("float64"), "stickiness": stick}, index=names)
    return out.drop(index="\0", errors="ignore")


def _response_keys(survey: pd.DataFrame, users: pd.Series, level: str, country: str | None) -> pd.Series:
    """A response's key: its respondent's, else its own place columns."""
    own = pd.Series(None, index=survey.index, dtype=object)
    if "country" in survey.columns:
        frame = pd.DataFrame({"country": survey["country"],
                              "region": survey["region"] if "region" in survey.columns else None})
        own = place_keys(frame, level, country)
    if "user_id" in survey.columns:
        by_user = survey["user_id"].astype(str).map(users)
        return by_user.where(survey["user_id"].notna() & by_user.notna(), own)
    return own


def _nps_by_key(ws: Workspace, users: pd.Series, lo, hi, level: str, country: str | None) -> pd.DataFrame:
    survey = ws.table("survey")
    if survey is None or survey.empty:
        return pd.DataFrame(columns=["nps_n", "nps", "nps_low", "nps_high"], dtype="float64")
    if "submitted_at" in survey.columns:
        t = pd.to_datetime(survey["submitted_at"], utc=True, errors="coerce")
        survey = survey.loc[t.isna() | ((t >= lo) & (t < hi))]
    keyed = survey.assign(_key=_response_keys(survey, users, level, country)).dropna(subset=["_key"])
    if keyed.empty:
        return pd.DataFrame(columns=["nps_n", "nps", "nps_low", "nps_high"], dtype="float64")
    g = nps_core.grouped_stats(keyed, "_key")
    return pd.DataFrame({"nps_n": g["responses"], "nps": g["score"], "nps_low": g["ci_low"],
                         "nps_high": g["ci_high"]})


def cached_polarity(ws: Workspace) -> pd.DataFrame | None:
    """Texts with a cached sentiment score (reviews and survey comments): user_id, country,
    region, polarity. Uses the most frequent model in the cache; scoring is the Sentiment view's
    job, so texts not yet scored are simply absent. None when nothing is cached."""
    cache = ws.cache.get("sentiment")
    if cache is None or cache.empty:
        return None
    from ..text.cache import text_hash
    model = cache["model"].value_counts().index[0]
    scored = cache[(cache["model"] == model) & (cache["status"].astype(str) == "scored")]
    polarity = scored.drop_duplicates("hash").set_index("hash")["polarity"]
    frames = []
    for kind, col in (("reviews", "text"), ("survey", "comment")):
        df = ws.table(kind)
        if df is None or col not in df.columns:
            continue
        texts = df[col]
        keep = texts.notna() & (texts.astype(str).str.strip() != "")
        sub = df.loc[keep]
        frames.append(pd.DataFrame({
            "user_id": sub["user_id"].astype(str).where(sub["user_id"].notna(), None) if "user_id" in sub else None,
            "country": sub["country"] if "country" in sub else None,
            "region": sub["region"] if "region" in sub else None,
            "polarity": [polarity.get(text_hash(x), np.nan) for x in sub[col]],
        }))
    out = pd.concat(frames, ignore_index=True) if frames else None
    return None if out is None else out.dropna(subset=["polarity"])


def _sentiment_by_key(ws: Workspace, users: pd.Series, level: str, country: str | None) -> pd.DataFrame:
    texts = cached_polarity(ws)
    cols = ["sentiment_n", "sentiment", "sentiment_low", "sentiment_high"]
    if texts is None or texts.empty:
        return pd.DataFrame(columns=cols, dtype="float64")
    keys = _response_keys(texts, users, level, country)
    return mean_with_interval(texts["polarity"], keys).rename(
        columns={"n": "sentiment_n", "mean": "sentiment", "low": "sentiment_low", "high": "sentiment_high"})


def mean_with_interval(values: pd.Series, groups: pd.Series) -> pd.DataFrame:
    """Per group: n, mean and a normal 95% interval (NaN interval where n < 2)."""
    g = pd.Series(values.to_numpy(dtype="float64"), index=values.index).groupby(groups.to_numpy())
    n, mean, sd = g.size(), g.mean(), g.std(ddof=1)
    half = Z95 * sd / np.sqrt(n)
    return pd.DataFrame({"n": n, "mean": mean, "low": mean - half, "high": mean + half})


def place_table(ws: Workspace, flt: Filter | None = None, level: str = "country",
                country: str | None = None, k: int = DEFAULT_K,
                progress: Progress | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every measure of MEASURES per place, small cells suppressed, and the unmatched places.

    level "country": one row per country with users; "region": per first-level region of `country`
    (or of the world when None). Returns (table indexed by key, unmatched: value, count), where
    table has the counts, the measures, population and a boolean `suppressed_<count>` per count."""
    progress = progress or Progress()
    progress.set(0.05, "Placing people")
    pp = selected_people(ws, flt)
    lo, hi = period(ws, flt, pp["started"])
    keys = place_keys(pp, level, country)
    placed = pp.assign(key=keys)
    if country is not None:
        in_country = match_countries(pp["country"]) == country
        miss = unmatched(pp.loc[in_country, "region"], keys[in_country])
    else:
        raw = pp["region"] if level == "region" else pp["country"]
        miss = unmatched(raw.where(raw != UNKNOWN_COUNTRY), keys)
    placed = placed.dropna(subset=["key"])
    started = placed["started"]
    known = started.isna() | (started < hi)
    g = placed.assign(
        users=known, users_start=started.isna() | (started < lo),
        new_users=(started >= lo) & (started < hi)).groupby("key")
    table = g[["users", "users_start", "new_users"]].sum().astype("float64")
    progress.set(0.3, "Activity by place")
    users = placed.set_index("user_id")["key"]
    users = users[~users.index.duplicated()]
    table = table.join(_activity_counts(ws, users, lo, hi), how="outer")
    progress.set(0.6, "NPS by place")
    table = table.join(_nps_by_key(apply_filter(ws, _no_dates(flt)), users, lo, hi, level, country), how="outer")
    table = table.join(_sentiment_by_key(apply_filter(ws, flt or Filter()), users, level, country), how="outer")
    for c in ("users", "users_start", "new_users", "active_users", "nps_n", "sentiment_n"):
        table[c] = table[c].fillna(0.0) if c in table else 0.0
    population = boundaries.country_population() if level == "country" else region_population(ws)
    table["population"] = table.index.map(population) if population is not None else np.nan
    table["population"] = table["population"].astype("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        table["users_per_100k"] = table["users"] / table["population"] * 1e5
        table["growth_rate"] = (table["new_users"] / table["users_start"]).where(table["users_start"] > 0)
    progress.set(0.9, "Suppressing small cells")
    table = suppress_table(table, k)
    table.index.name = "key"
    progress.set(1.0)
    return table.sort_index(), miss


def suppress_table(table: pd.DataFrame, k: int) -> pd.DataFrame:
    """Hide each count below k (and a complementary cell, since totals are shown) with the values
    derived from it; `suppressed_<count>` says which."""
    out = table.copy()
    for count, derived in DERIVED.items():
        if count not in out:
            continue
        mask = suppressed_mask(out[count].fillna(0.0), k).to_numpy()
        out[f"suppressed_{count}"] = mask
        for c in [count, *derived]:
            if c in out:
                out[c] = out[c].astype("float64").where(~mask)
    return out


# -------------------------------------------------------------------------------------- over time
def growth_by_month(ws: Workspace, flt: Filter | None = None, level: str = "country",
                    country: str | None = None, k: int = DEFAULT_K) -> pd.DataFrame:
    """New users per month and place in the period, and users at each month's end: columns month
    (YYYY-MM), key, new_users, users; suppressed cells are NaN and flagged in suppressed_new /
    suppressed_users (complementary within a month, since the month's total is shown)."""
    pp = selected_people(ws, flt)
    lo, hi = period(ws, flt, pp["started"])
    placed = pp.assign(key=place_keys(pp, level, country)).dropna(subset=["key", "started"])
    placed = placed[placed["started"] < hi]
    months = pd.period_range(lo.tz_convert(None), (hi - pd.Timedelta(days=1)).tz_convert(None), freq="M")
    key_codes, keys = pd.factorize(placed["key"], sort=True)
    # month slot per person: 0 = before the period, 1..n = its month
    slot = np.where(placed["started"] < lo, 0,
                    placed["started"].dt.tz_convert(None).dt.to_period("M").map(
                        {m: i + 1 for i, m in enumerate(months)}).fillna(0).astype(int))
    n_m = len(months)
    cube = np.bincount(key_codes * (n_m + 1) + slot, minlength=len(keys) * (n_m + 1)).reshape(len(keys), n_m + 1)
    users = np.cumsum(cube, axis=1)[:, 1:]
    out = pd.DataFrame({"month": np.tile(months.astype(str), len(keys)),
                        "key": np.repeat(np.asarray(keys, dtype=object), n_m),
                        "new_users": cube[:, 1:].ravel().astype("float64"),
                        "users": users.ravel().astype("float64")})
    mask_new = suppressed_mask(out["new_users"], k, out["month"])
    mask_users = suppressed_mask(out["users"], k, out["month"])
    out["new_users"] = out["new_users"].where(~mask_new)
    out["users"] = out["users"].where(~mask_users)
    out["suppressed_new"] = mask_new.to_numpy()
    out["suppressed_users"] = mask_users.to_numpy()
    return out


# ---------------------------------------------------------------------------- splits by a place label
def wilson(successes: pd.Series, n: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Wilson 95% interval of a share."""
    n = n.astype("float64")
    p = (successes / n).where(n > 0)
    centre = (p + Z95 ** 2 / (2 * n)) / (1 + Z95 ** 2 / n)
    half = Z95 * np.sqrt(p * (1 - p) / n + Z95 ** 2 / (4 * n ** 2)) / (1 + Z95 ** 2 / n)
    return centre - half, centre + half


def split_by_place_label(ws: Workspace, flt: Filter | None, label_of: Callable[[pd.DataFrame], pd.Series],
                         k: int = DEFAULT_K) -> pd.DataFrame:
    """Users, engagement, NPS and sentiment per group of places (income group, political lean).

    label_of maps a frame with `country` and `region` columns to a group label per row (None where
    the place has none). Engagement is the share of users active in the period's last 30 days (MAU)
    with a Wilson interval and stickiness from the engagement core; NPS per group with its
    adjusted-Wald interval from the NPS core; sentiment is the mean cached polarity with a normal
    interval. Groups with fewer than k people (or responses, texts) show no figure."""
    fws = apply_filter(ws, _no_dates(flt))
    pp = selected_people(ws, flt)
    lo, hi = period(ws, flt, pp["started"])
    pp = pp[pp["started"].isna() | (pp["started"] < hi)]
    groups = label_of(pp).fillna("(no data)")
    user_group = pd.Series(groups.to_numpy(), index=pp["user_id"].to_numpy())
    user_group = user_group[~user_group.index.duplicated()]
    table = pd.DataFrame({"users": user_group.groupby(user_group.to_numpy()).size().astype("float64")})
    table = table.join(_engagement_by_group(ws, user_group, lo, hi), how="left")
    survey = fws.table("survey")
    if survey is not None and not survey.empty:
        if "submitted_at" in survey.columns:
            t = pd.to_datetime(survey["submitted_at"], utc=True, errors="coerce")
            survey = survey.loc[t.isna() | ((t >= lo) & (t < hi))]
        grp = _labels_for_rows(survey, user_group, label_of).fillna("(no data)")
        g = nps_core.grouped_stats(survey.assign(_g=grp), "_g")
        table = table.join(pd.DataFrame({"nps_n": g["responses"], "nps": g["score"],
                                         "nps_low": g["ci_low"], "nps_high": g["ci_high"]}), how="outer")
    texts = cached_polarity(apply_filter(ws, flt or Filter()))
    if texts is not None and not texts.empty:
        grp = _labels_for_rows(texts, user_group, label_of)
        s = mean_with_interval(texts["polarity"], grp.fillna("(no data)"))
        table = table.join(s.rename(columns={"n": "sentiment_n", "mean": "sentiment",
                                             "low": "sentiment_low", "high": "sentiment_high"}), how="outer")
    for c in ("users", "nps_n", "sentiment_n"):
        table[c] = table[c].fillna(0.0) if c in table else 0.0
    # groups are compared side by side, not summed to a shown total: no complementary cells needed
    for count, cols in {"users": ["users", "mau", "active_share", "active_low", "active_high", "stickiness"],
                        "nps_n": ["nps_n", "nps", "nps_low", "nps_high"],
                        "sentiment_n": ["sentiment_n", "sentiment", "sentiment_low", "sentiment_high"]}.items():
        mask = suppressed_mask(table[count], k, total_shown=False)
        table[f"suppressed_{count}"] = mask.to_numpy()
        for c in cols:
            if c in table:
                table[c] = table[c].astype("float64").where(~mask)
    table.index.name = "group"
    return table.sort_index()


def _labels_for_rows(rows: pd.DataFrame, user_group: pd.Series, label_of) -> pd.Series:
    """Group of a response or text: its person's, else its own place's."""
    frame = pd.DataFrame({"country": rows["country"] if "country" in rows else None,
                          "region": rows["region"] if "region" in rows else None}, index=rows.index)
    own = label_of(frame) if "country" in rows else pd.Series(None, index=rows.index, dtype=object)
    if "user_id" in rows:
        by_user = rows["user_id"].astype(str).map(user_group)
        return by_user.where(rows["user_id"].notna() & by_user.notna(), own)
    return own


def _engagement_by_group(ws: Workspace, user_group: pd.Series, lo, hi) -> pd.DataFrame:
    """MAU at the period's end, its share of the group's users (Wilson interval) and mean
    stickiness over the period's last 30 days, from the engagement core."""
    cols = ["mau", "active_share", "active_low", "active_high", "stickiness"]
    act = _activity(ws)
    if act is None or act.user_day.height == 0:
        return pd.DataFrame(columns=cols, dtype="float64")
    from .engagement import active_users

    end = (hi - pd.Timedelta(days=1)).date()
    act = act.restrict(lo.date(), end, users=act.user_mask(user_group.index))
    if act.end_day < act.start_day:
        return pd.DataFrame(columns=cols, dtype="float64")
    au = active_users(act, act.segment_codes(user_group, unknown="(no data)"))
    last = au["date"].max()
    window = au[au["date"] > last - pd.Timedelta(days=30)]
    at_end = au[au["date"] == last].set_index("segment")
    out = pd.DataFrame({"mau": at_end["mau"].astype("float64"),
                        "stickiness": window.groupby("segment")["stickiness"].mean()})
    users = user_group.groupby(user_group.to_numpy()).size().reindex(out.index)
    out["active_share"] = out["mau"] / users
    out["active_low"], out["active_high"] = wilson(out["mau"], users)
    return out.reindex(columns=cols)


def income_group_table(ws: Workspace, flt: Filter | None = None, attribute: str = "income_grp",
                       k: int = DEFAULT_K) -> pd.DataFrame:
    """split_by_place_label by a country attribute of Natural Earth (income_grp or economy), with
    the number of countries, their population and users per 100k."""
    attrs = boundaries.country_attributes()
    label = attrs[attribute]

    def label_of(frame: pd.DataFrame) -> pd.Series:
        return match_countries(frame["country"]).map(label)

    table = split_by_place_label(ws, flt, label_of, k)
    per_group = attrs.groupby(attribute).agg(countries=("name", "size"), population=("pop_est", "sum"))
    table = table.join(per_group, how="left")
    table["users_per_100k"] = table["users"] / table["population"] * 1e5
    return table


def lean_table(ws: Workspace, flt: Filter | None, lean: pd.Series, k: int = DEFAULT_K) -> pd.DataFrame:
    """split_by_place_label by the lean label of each person's region (core.geo.layers.lean_labels)."""
    keys = set(boundaries.regions()["key"]) | set(lean.index)

    def label_of(frame: pd.DataFrame) -> pd.Series:
        cc = match_countries(frame["country"])
        return match_regions(cc, frame["region"], keys).map(lean)

    return split_by_place_label(ws, flt, label_of, k)


def bivariate_classes(x: pd.Series, y: pd.Series, n: int = 3) -> pd.DataFrame:
    """n x n classes of two measures by key, n-tiles of each over the keys having both:
    columns x_class and y_class in 0..n-1 (ties share the lower class)."""
    both = pd.DataFrame({"x": x, "y": y}).dropna()
    out = pd.DataFrame(index=both.index)
    for c in ("x", "y"):
        share_below = (both[c].rank(method="min") - 1) / max(len(both), 1)
        out[f"{c}_class"] = np.minimum((share_below * n).astype(int), n - 1)
    return out


# ----------------------------------------------------------------------------------------- headless
def users_section(ws: Workspace, flt: Filter | None = None) -> dict | None:
    """The `users` section of `humetrics metrics --json` (docs/cli.md): total people known by the
    period's end, by country ("??" where unplaced), and new people per month of the period."""
    pp = selected_people(ws, flt)
    if pp.empty:
        return None
    lo, hi = period(ws, flt, pp["started"])
    known = pp[pp["started"].isna() | (pp["started"] < hi)]
    cc = match_countries(known["country"]).fillna(UNKNOWN_COUNTRY)
    started = known["started"].dropna()
    started = started[(started >= lo) & (started < hi)]
    months = started.dt.tz_convert(None).dt.strftime("%Y-%m").value_counts().sort_index()
    return {"total": int(len(known)),
            "by_country": {str(c): int(v) for c, v in cc.value_counts().sort_index().items()},
            "new_by_month": {str(m): int(v) for m, v in months.items()}}


# ------------------------------------------------------------------------------------ the map view
@dataclass
class GrowthData:
    """Everything the Growth view shows before any drill-down: measures per country and per
    region (world-wide, so a drill-down needs no recomputation), monthly growth, the splits by
    income group and by political lean, and the indicators a bivariate map can use."""
    period: tuple[str, str]
    k: int
    countries: pd.DataFrame
    regions: pd.DataFrame
    unmatched_countries: pd.DataFrame
    unmatched_regions: pd.DataFrame
    monthly_countries: pd.DataFrame
    monthly_regions: pd.DataFrame
    income: pd.DataFrame
    economy: pd.DataFrame
    lean: dict[str, pd.DataFrame]
    lean_sources: dict[str, str]     # layer -> where its figures come from ("synthetic" said first)
    country_indicators: dict[str, pd.Series]
    region_indicators: dict[str, pd.Series]
    notes: list[str]


def growth_data(ws: Workspace, flt: Filter | None = None, k: int = DEFAULT_K,
                progress: Progress | None = None) -> GrowthData:
    from ..geo.layers import indicators, layer_values, lean_labels

    progress = progress or Progress()
    notes: list[str] = []
    countries, miss_c = place_table(ws, flt, "country", k=k, progress=progress.sub(0.0, 0.3))
    regions, miss_r = place_table(ws, flt, "region", k=k, progress=progress.sub(0.3, 0.6))
    progress.set(0.65, "Growth by month")
    monthly_c = growth_by_month(ws, flt, "country", k=k)
    monthly_r = growth_by_month(ws, flt, "region", k=k)
    progress.set(0.8, "Income groups")
    income = income_group_table(ws, flt, "income_grp", k)
    economy = income_group_table(ws, flt, "economy", k)
    lean: dict[str, pd.DataFrame] = {}
    lean_sources: dict[str, str] = {}
    for name, layer in ws.layers_of_kind("political").items():
        try:
            lean[name] = lean_table(ws, flt, lean_labels(layer), k)
        except ValueError as e:
            notes.append(f"political layer {name}: {e}")
            continue
        meta = layer.meta or {}
        source = str(meta.get("source") or "source not given")
        lean_sources[name] = f"Synthetic data ({source})" if meta.get("synthetic") else source
    if region_population(ws) is None:
        notes.append("No population layer per region: region maps show users, not users per 100k.")
    attrs = boundaries.country_attributes()
    country_ind = {"GDP per capita (Natural Earth)": attrs["gdp_per_capita"].astype("float64"),
                   "Population (Natural Earth)": attrs["pop_est"].astype("float64")}
    region_ind = {label: pd.to_numeric(layer_values(ws.layers[lname], col), errors="coerce")
                  for label, (lname, col) in indicators(ws).items()}
    lo, hi = period(ws, flt)
    progress.set(1.0, "Growth ready")
    return GrowthData((lo.date().isoformat(), (hi - pd.Timedelta(days=1)).date().isoformat()), k,
                      countries, regions, miss_c, miss_r, monthly_c, monthly_r, income, economy, lean,
                      lean_sources, country_ind, region_ind, notes)


def month_view(monthly: pd.DataFrame, month: str, population: pd.Series) -> pd.DataFrame:
    """One month of growth_by_month shaped like place_table: users at the month's end, new users
    in it, users per 100k, and their suppression flags, by key."""
    m = monthly[monthly["month"] == month].set_index("key")
    out = pd.DataFrame({"users": m["users"], "new_users": m["new_users"],
                        "suppressed_users": m["suppressed_users"], "suppressed_new_users": m["suppressed_new"]})
    out["population"] = population.reindex(out.index).astype("float64")
    out["users_per_100k"] = out["users"] / out["population"] * 1e5
    return out
