"""Sentiment over time, traffic series, the headless section (cli.md), and the demo's planted lead."""
from __future__ import annotations

import json
import math
import statistics

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from textblob import TextBlob
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from humetrics_desktop.core.metrics.sentiment import (daily_sentiment, feedback_texts, label,
                                                      sentiment_overview, sentiment_section,
                                                      traffic_link, traffic_series)


def _t(s: str) -> pd.Timestamp:
    return pd.Timestamp(s, tz="UTC")


REVIEWS = pd.DataFrame({
    "text": ["Great app, love it", "Crashes all the time, useless", "Die App ist schlecht und langsam",
             "", "Nice design but slow sync"],
    "created_at": [_t("2025-03-01 08:00"), _t("2025-03-01 23:59"), _t("2025-03-02 01:00"),
                   _t("2025-03-02 02:00"), _t("2025-03-02 10:00")],
    "source": ["google-play", "app-store", "google-play", "google-play", None],
    "rating": [5, 1, 2, 3, 4], "country": ["US", "GB", "DE", "DE", "US"],
})
SURVEY = pd.DataFrame({"score": [9, 2, 7], "comment": ["Very helpful team", None, "  "],
                       "submitted_at": [_t("2025-03-02 12:00"), _t("2025-03-03 12:00"), _t("2025-03-03 13:00")]})


def test_feedback_texts_takes_reviews_and_non_blank_comments():
    fb = feedback_texts(REVIEWS, SURVEY)
    assert len(fb) == 6
    assert list(fb["source"]) == ["google-play", "app-store", "google-play", "google-play", "reviews", "survey"]
    assert fb["text"].iloc[-1] == "Very helpful team" and math.isnan(fb["rating"].iloc[-1])


@pytest.mark.parametrize("model", ["textblob", "vader"])
def test_section_matches_cli_contract_and_the_models_own_scores(model):
    out = sentiment_section(REVIEWS, SURVEY, model=model)
    json.dumps(out)
    assert {"model", "scored", "not_scored", "mean_polarity", "by_day"} <= set(out)
    assert out["model"].startswith(model)
    # German and empty review are not scored; 4 English texts are.
    assert (out["scored"], out["not_scored"]) == (4, 2)
    assert out["not_scored_by_reason"] == {"language": 1, "empty": 1}
    if model == "textblob":
        score = lambda t: TextBlob(t).sentiment.polarity  # noqa: E731
    else:
        score = lambda t: SentimentIntensityAnalyzer().polarity_scores(t)["compound"]  # noqa: E731
    day1 = [score("Great app, love it"), score("Crashes all the time, useless")]
    day2 = [score("Nice design but slow sync"), score("Very helpful team")]
    assert out["by_day"]["2025-03-01"] == {"n": 2, "mean": round(statistics.mean(day1), 6)}
    assert out["by_day"]["2025-03-02"] == {"n": 2, "mean": round(statistics.mean(day2), 6)}
    assert "2025-03-03" not in out["by_day"]
    assert out["mean_polarity"] == pytest.approx(statistics.mean(day1 + day2), abs=1e-6)


def test_section_without_any_text():
    out = sentiment_section(None, None)
    assert out["scored"] == 0 and out["not_scored"] == 0 and out["mean_polarity"] is None and out["by_day"] == {}


def test_daily_sentiment_interval_and_shares_by_hand():
    pol = [0.5, -0.5, 0.2, -0.04, 0.3]
    scored = pd.DataFrame({"polarity": pol + [np.nan],
                           "status": ["scored"] * 5 + ["language"],
                           "created_at": [_t("2025-01-01 01:00")] * 3 + [_t("2025-01-02 05:00")] * 3})
    d = daily_sentiment(scored)
    day1 = d.loc[pd.Timestamp("2025-01-01")]
    vals = [0.5, -0.5, 0.2]
    lo, hi = stats.t.interval(0.95, 2, loc=statistics.mean(vals), scale=statistics.stdev(vals) / math.sqrt(3))
    assert day1["n"] == 3 and day1["mean"] == pytest.approx(statistics.mean(vals))
    assert (day1["ci_low"], day1["ci_high"]) == pytest.approx((lo, hi))
    assert day1["share_negative"] == pytest.approx(1 / 3) and day1["share_positive"] == pytest.approx(2 / 3)
    day2 = d.loc[pd.Timestamp("2025-01-02")]  # -0.04 is neutral at the default thresholds
    assert day2["n"] == 2 and day2["share_negative"] == 0.0 and day2["share_positive"] == 0.5
    assert daily_sentiment(scored, negative=-0.01).loc[pd.Timestamp("2025-01-02"), "share_negative"] == 0.5
    assert list(label(pd.Series([-0.2, 0.0, 0.06, np.nan]))) == ["negative", "neutral", "positive", pd.NA]


def test_traffic_series_dau_sessions_and_imported():
    events = pd.DataFrame({
        "user_id": ["a", "a", "b", "a", "c"],
        "timestamp": [_t("2025-01-01 00:10"), _t("2025-01-01 02:00"), _t("2025-01-01 23:59"),
                      _t("2025-01-02 00:00"), _t("2025-01-02 00:20")],
        "event": ["x"] * 5,
    })
    dau = traffic_series(events, measure="dau")
    assert dau.to_dict() == {pd.Timestamp("2025-01-01"): 2.0, pd.Timestamp("2025-01-02"): 2.0}
    # a: 00:10, 02:00 (gap > 30 min: new), next day 00:00 (new); b: 1; c: 1 -> 3 on day 1, 2 on day 2
    sessions = traffic_series(events, measure="sessions")
    assert sessions.to_dict() == {pd.Timestamp("2025-01-01"): 3.0, pd.Timestamp("2025-01-02"): 2.0}
    traffic = pd.DataFrame({"date": [_t("2025-01-01"), _t("2025-01-01"), _t("2025-01-02")],
                            "active_users": [10, 5, 7], "sessions": [20, 8, 9], "country": ["US", "DE", "US"]})
    assert traffic_series(traffic=traffic, measure="active_users").tolist() == [15.0, 7.0]
    assert traffic_series(traffic=traffic, measure="traffic_sessions").tolist() == [28.0, 9.0]


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory):
    from humetrics_desktop.core.demo import generate
    from humetrics_desktop.core.loading import load_paths

    out = tmp_path_factory.mktemp("sentiment_demo")
    manifest = generate(out, seed=0)
    return load_paths([out]).workspace, manifest


@pytest.mark.parametrize("model", ["textblob", "vader"])
def test_demo_planted_three_day_lead_is_found(demo_ws, model):
    ws, manifest = demo_ws
    story = next(s for s in manifest["stories"] if s["name"] == "outage-lead")
    link = traffic_link(ws, {"sentiment_model": model})
    assert link["significant"] and link["lag"] == story["planted"]["lag_days"] == 3
    assert link["r"] < 0 and link["ci95"][1] < 0 and link["days"] >= 365
    assert link["sentence"].startswith("Negative feedback leads active users (traffic export) by 3 days")


def test_demo_shuffled_sentiment_shows_no_tie(demo_ws):
    from humetrics_desktop.core.metrics.sentiment import sentiment_vs_traffic

    ws, _ = demo_ws
    view = sentiment_overview(ws)  # scores come from the cache filled above
    daily = view["daily"].copy()
    ties = 0
    for seed in range(20):
        daily["share_negative"] = np.random.default_rng(seed).permutation(view["daily"]["share_negative"].to_numpy())
        ties += sentiment_vs_traffic(daily, view["traffic"]).best is not None
    # A 5% family-wise error rate over 29 lags: about 1 in 20 shuffles may show a tie by chance.
    assert ties <= 2
    # Themes: the outage shows up among the negative terms.
    neg_terms = set(view["terms"].loc[view["terms"]["side"] == "negative", "term"])
    assert neg_terms & {"crash", "crashes", "outage", "down", "sync", "slow", "failed"}


def test_month_labels_by_utc_month_and_no_date():
    from humetrics_desktop.core.metrics.sentiment import month_labels
    times = pd.Series(pd.to_datetime(["2025-01-31 23:59:59+00:00", None, "2024-12-01 00:00:00+00:00",
                                      "2025-02-01 00:30:00+01:00", "2025-01-02 00:00:00+00:00"], utc=True),
                      index=[5, 6, 7, 8, 9])
    out = month_labels(times)
    assert out.tolist() == ["2025-01", "(no date)", "2024-12", "2025-01", "2025-01"]
    assert out.index.tolist() == [5, 6, 7, 8, 9]
    assert month_labels(times.iloc[:0]).tolist() == []
