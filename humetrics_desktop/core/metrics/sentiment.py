"""Sentiment of feedback texts over time, the traffic it is compared with, and the headless section.

Definitions follow docs/metrics.md: polarity in [-1, 1]; negative < -0.05, positive > 0.05 (settings);
texts a model cannot score are counted as not scored, never as 0; a day is a UTC calendar day.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from scipy.stats import t as student_t

from ..progress import Progress
from ..text.cache import scores_with_cache
from ..text.models import model_spec
from ..text.scoring import SCORED
from .correlation import CrossCorrelation, cross_correlation

NEGATIVE, POSITIVE = -0.05, 0.05
FEEDBACK_COLUMNS = ["text", "created_at", "source", "rating", "country", "region", "language",
                    "user_id", "author", "feedback_id"]
TRAFFIC_MEASURES = ("dau", "sessions", "active_users", "traffic_sessions")
SESSION_GAP = pd.Timedelta(minutes=30)


def feedback_texts(reviews: pd.DataFrame | None, survey: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per feedback text: all reviews (a blank review is a text that cannot be scored) and
    the survey's non-blank comments (source "survey"). Columns FEEDBACK_COLUMNS; `language` is the
    language the data states (e.g. the reviewer's locale), not the detected one."""
    parts = []
    if reviews is not None and len(reviews):
        r = reviews.reindex(columns=FEEDBACK_COLUMNS).copy()
        r["source"] = r["source"].fillna("reviews")
        parts.append(r)
    if survey is not None and len(survey) and "comment" in survey:
        s = survey[survey["comment"].fillna("").astype(str).str.strip() != ""]
        s = s.rename(columns={"comment": "text", "submitted_at": "created_at",
                              "response_id": "feedback_id", "name": "author"})
        s = s.reindex(columns=FEEDBACK_COLUMNS)
        s["source"] = "survey"
        s["rating"] = np.nan  # an NPS score is not a star rating
        parts.append(s)
    parts = [p for p in parts if len(p)]
    if parts:
        out = pd.concat(parts, ignore_index=True)
    else:
        out = pd.DataFrame({c: pd.Series(dtype="object") for c in FEEDBACK_COLUMNS})
    out["created_at"] = pd.to_datetime(out["created_at"], utc=True)
    out["rating"] = pd.to_numeric(out["rating"], errors="coerce")
    return out


def score_feedback(feedback: pd.DataFrame, model: str = "textblob",
                   lexicon: dict[str, float] | None = None, cache: pd.DataFrame | None = None,
                   progress: Progress | None = None, workers: int | None = None
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The feedback with model, detected_language, polarity, subjectivity and status columns added,
    and the score cache extended by what had to be scored."""
    spec = model_spec(model, lexicon)
    scores, cache = scores_with_cache(feedback["text"].tolist(), spec, cache, progress, workers)
    out = feedback.reset_index(drop=True).copy()
    out["hash"] = scores["hash"]
    out["model"] = scores["model"]
    out["detected_language"] = scores["language"]
    for col in ("polarity", "subjectivity", "status"):
        out[col] = scores[col]
    return out, cache


def label(polarity: pd.Series, negative: float = NEGATIVE, positive: float = POSITIVE) -> pd.Series:
    """"negative" / "neutral" / "positive" per score; <NA> where not scored."""
    out = pd.Series(pd.NA, index=polarity.index, dtype="string")
    out[polarity < negative] = "negative"
    out[polarity > positive] = "positive"
    out[(polarity >= negative) & (polarity <= positive)] = "neutral"
    return out


def daily_sentiment(scored: pd.DataFrame, negative: float = NEGATIVE,
                    positive: float = POSITIVE) -> pd.DataFrame:
    """Per UTC day with scored texts: n, mean polarity, its 95% t-interval (NaN for n = 1),
    share_negative and share_positive. Index: tz-naive midnight of the day."""
    ok = scored[(scored["status"] == SCORED) & scored["created_at"].notna()]
    day = ok["created_at"].dt.tz_convert("UTC").dt.tz_localize(None).dt.normalize()
    pol = ok["polarity"].astype("float64")
    g = pol.groupby(day)
    out = pd.DataFrame({"n": g.size(), "mean": g.mean(), "sd": g.std(ddof=1),
                        "share_negative": (pol < negative).groupby(day).mean(),
                        "share_positive": (pol > positive).groupby(day).mean()})
    half = student_t.ppf(0.975, np.maximum(out["n"] - 1, 1)) * out["sd"] / np.sqrt(out["n"])
    out["ci_low"], out["ci_high"] = out["mean"] - half, out["mean"] + half
    out.index.name = "day"
    return out.drop(columns="sd")[["n", "mean", "ci_low", "ci_high", "share_negative", "share_positive"]]


def _session_starts(events: pd.DataFrame) -> pd.Series:
    """Start time of every session: the export's session id where present, else a new session after
    30 minutes without an event (docs/metrics.md)."""
    if "session_id" in events and events["session_id"].notna().any():
        return events.dropna(subset=["session_id"]).groupby(["user_id", "session_id"])["timestamp"].min()
    ev = events[["user_id", "timestamp"]].sort_values(["user_id", "timestamp"])
    new = (ev["user_id"] != ev["user_id"].shift()) | (ev["timestamp"].diff() > SESSION_GAP)
    return ev.loc[new, "timestamp"]


def traffic_series(events: pd.DataFrame | None = None, traffic: pd.DataFrame | None = None,
                   measure: str = "dau") -> pd.Series:
    """Daily traffic indexed by tz-naive UTC day: "dau" (distinct users with an event) or "sessions"
    (session starts) from events; "active_users" or "traffic_sessions" summed over an imported
    traffic table (GA4...)."""
    if measure not in TRAFFIC_MEASURES:
        raise ValueError(f"unknown traffic measure {measure!r}; choose one of {', '.join(TRAFFIC_MEASURES)}")
    if measure in ("dau", "sessions"):
        if events is None or events.empty:
            return pd.Series(dtype="float64", name=measure)
        if measure == "dau":
            day = events["timestamp"].dt.tz_convert("UTC").dt.tz_localize(None).dt.normalize()
            s = events["user_id"].groupby(day).nunique()
        else:
            starts = _session_starts(events)
            s = starts.groupby(starts.dt.tz_convert("UTC").dt.tz_localize(None).dt.normalize()).size()
    else:
        col = "active_users" if measure == "active_users" else "sessions"
        if traffic is None or traffic.empty or col not in traffic:
            return pd.Series(dtype="float64", name=measure)
        d = pd.to_datetime(traffic["date"], utc=True).dt.tz_localize(None).dt.normalize()
        s = pd.to_numeric(traffic[col], errors="coerce").groupby(d).sum(min_count=1)
    s = s.astype("float64").rename(measure)
    s.index.name = "day"
    return s


def sentiment_vs_traffic(daily: pd.DataFrame, traffic: pd.Series, series: str = "share_negative",
                         method: str = "difference", max_lag: int = 14, min_n: int = 1,
                         traffic_name: str = "traffic") -> CrossCorrelation:
    """Cross-correlation of a daily sentiment column (share_negative or mean) with traffic; days with
    fewer than min_n scored texts are left out."""
    names = {"share_negative": "negative feedback", "mean": "mean polarity",
             "share_positive": "positive feedback"}
    s = daily.loc[daily["n"] >= min_n, series]
    return cross_correlation(s, traffic, max_lag=max_lag, method=method,
                             sentiment_name=names.get(series, series), traffic_name=traffic_name)


def month_labels(times: pd.Series) -> pd.Series:
    """"YYYY-MM" of each UTC time, "(no date)" where missing. Each distinct month is written once and
    the rows take theirs by code: strftime on every row held the GIL 0.4 s per million texts."""
    months = times.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy().astype("datetime64[M]")
    distinct, code = np.unique(months, return_inverse=True)
    names = pa.array(["(no date)" if np.isnat(m) else np.datetime_as_string(m, unit="M") for m in distinct],
                     pa.large_string())
    return pd.Series(pd.array(names.take(pa.array(code.ravel())), dtype="str"), index=times.index)


def _num(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else round(float(x), 6)


def sentiment_section(reviews: pd.DataFrame | None, survey: pd.DataFrame | None = None,
                      model: str = "textblob", progress: Progress | None = None,
                      cache: pd.DataFrame | None = None, workers: int | None = None) -> dict[str, Any]:
    """The `sentiment` section of `humetrics metrics --json` (docs/cli.md)."""
    scored, _ = score_feedback(feedback_texts(reviews, survey), model, cache=cache,
                               progress=progress, workers=workers)
    is_scored = scored["status"] == SCORED
    daily = daily_sentiment(scored)
    return {
        "model": scored["model"].iloc[0] if len(scored) else model_spec(model).label,
        "scored": int(is_scored.sum()),
        "not_scored": int((~is_scored).sum()),
        "not_scored_by_reason": {str(k): int(v) for k, v in
                                 scored.loc[~is_scored, "status"].value_counts().items() if v},
        "mean_polarity": _num(scored.loc[is_scored, "polarity"].mean()) if is_scored.any() else None,
        "by_day": {d.strftime("%Y-%m-%d"): {"n": int(row["n"]), "mean": _num(row["mean"])}
                   for d, row in daily.iterrows()},
    }


# ---- the whole view, for the window and for findings ------------------------------------------------

DEFAULTS: dict[str, Any] = {
    "sentiment_model": "textblob", "sentiment_lexicon": None, "negative_threshold": NEGATIVE,
    "positive_threshold": POSITIVE, "sentiment_traffic": "auto", "sentiment_series": "share_negative",
    "sentiment_method": "difference", "sentiment_max_lag": 14, "sentiment_min_n": 1,
}
_TRAFFIC_NAMES = {"dau": "daily active users", "sessions": "sessions",
                  "active_users": "active users (traffic export)",
                  "traffic_sessions": "sessions (traffic export)"}


def default_traffic(ws: Any, measure: str = "auto") -> tuple[pd.Series, str]:
    """The traffic series and its name: an imported traffic table's active users when there is one
    ("auto"), else DAU from the events."""
    traffic, events = ws.table("traffic"), ws.table("events")
    if measure == "auto":
        has_traffic = traffic is not None and not traffic.empty and "active_users" in traffic
        measure = "active_users" if has_traffic else "dau"
    return traffic_series(events, traffic, measure), _TRAFFIC_NAMES[measure]


def sentiment_overview(ws: Any, settings: dict[str, Any] | None = None,
                       progress: Progress | None = None) -> dict[str, Any]:
    """Everything the Sentiment view shows, computed from a (filtered) workspace; scores come from
    and go to ws.cache["sentiment"]. Keys: model, feedback (scored rows with a `sentiment` label and
    their `tokens`), daily, traffic, traffic_name, correlation, terms, terms_by ({"month": {...},
    "place": {...}}: terms per period and per region or country), counts, settings."""
    from ..text.cache import CACHE_KEY
    from ..text.models import load_lexicon
    from ..text.terms import distinguishing_terms, terms_by_group, token_lists

    cfg = {**DEFAULTS, **{k: v for k, v in (settings or {}).items() if k in DEFAULTS}}
    progress = progress or Progress()
    lexicon = load_lexicon(cfg["sentiment_lexicon"]) if cfg["sentiment_lexicon"] else None
    feedback = feedback_texts(ws.table("reviews"), ws.table("survey"))
    scored, cache = score_feedback(feedback, cfg["sentiment_model"], lexicon, ws.cache.get(CACHE_KEY),
                                   progress.sub(0.0, 0.85))
    ws.cache[CACHE_KEY] = cache
    neg, pos = float(cfg["negative_threshold"]), float(cfg["positive_threshold"])
    scored["sentiment"] = label(scored["polarity"], neg, pos)
    progress.set(0.88, "Daily sentiment and traffic")
    daily = daily_sentiment(scored, neg, pos)
    traffic, traffic_name = default_traffic(ws, cfg["sentiment_traffic"])
    corr = sentiment_vs_traffic(daily, traffic, cfg["sentiment_series"], cfg["sentiment_method"],
                                int(cfg["sentiment_max_lag"]), int(cfg["sentiment_min_n"]), traffic_name)
    progress.set(0.91, "Distinguishing terms")
    scored["tokens"] = token_lists(scored)
    terms = distinguishing_terms(scored, scored["sentiment"])
    month = month_labels(scored["created_at"])
    # regions made text only when there are any: astype("string") of a million blanks held the GIL 0.13 s
    country = scored["country"].astype("string")
    place = scored["region"].astype("string").fillna(country) if scored["region"].notna().any() else country
    terms_by = {"month": terms_by_group(scored, scored["sentiment"], month),
                "place": terms_by_group(scored, scored["sentiment"], place.fillna("??"))}
    # counted on the categorical itself: astype(str) made a Python string per text (0.2 s of held
    # GIL per million); a missing status still counts as "nan", as text would
    status = scored["status"]
    progress.set(1.0, "Sentiment ready")
    return {
        "model": model_spec(cfg["sentiment_model"], lexicon).label,
        "feedback": scored, "daily": daily, "traffic": traffic, "traffic_name": traffic_name,
        "correlation": corr, "terms": terms, "terms_by": terms_by, "settings": cfg,
        "counts": {"texts": len(scored), "scored": int((status == SCORED).sum()),
                   "not_scored": int((status != SCORED).sum()),
                   "by_status": {str(k): int(v) for k, v in status.value_counts(dropna=False).items() if v}},
    }


def traffic_link(ws: Any, settings: dict[str, Any] | None = None,
                 progress: Progress | None = None) -> dict[str, Any] | None:
    """The sentiment-traffic tie in plain terms, for findings: sentence, evidence, significant, lag,
    r, ci95, p_value (Bonferroni-adjusted), days, warning. None without feedback or traffic."""
    feedback_present = any(ws.table(k) is not None and not ws.table(k).empty for k in ("reviews", "survey"))
    if not feedback_present:
        return None
    view = sentiment_overview(ws, settings, progress)
    corr: CrossCorrelation = view["correlation"]
    if corr.lags.empty or corr.lags["r"].isna().all():
        return None
    best = corr.best
    row = best if best is not None else corr.lags.loc[corr.lags["r"].abs().idxmax()].to_dict()
    evidence = (f"Cross-correlation of the {corr.method}d daily series at lags "
                f"{int(corr.lags['lag'].min()):+d}..{int(corr.lags['lag'].max()):+d} days; "
                f"{view['model']}; p = {row['p_adjusted']:.2g} after allowing for {len(corr.lags)} lags.")
    return {"sentence": corr.sentence, "evidence": evidence, "significant": best is not None,
            "lag": int(row["lag"]), "r": float(row["r"]), "ci95": [float(row["ci_low"]), float(row["ci_high"])],
            "p_value": float(row["p_adjusted"]), "days": corr.n_days, "warning": corr.warning}
