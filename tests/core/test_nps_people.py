"""Respondents with engagement, advocates, at-risk detractors, timelines, usage by category and
NPS by segment, on a small hand-made workspace."""
from __future__ import annotations

import pandas as pd
import pytest

from humetrics_desktop.core.metrics.nps_people import (
    adoption_gaps, advocates, at_risk, days_active_by_category, engagement_trend,
    feature_adoption_by_category, Timelines, respondents_table, wilson_interval)
from humetrics_desktop.core.metrics.nps_segments import nps_by_segment, segment_columns
from humetrics_desktop.core.workspace import Layer

T = pd.Timestamp


def _events(rows):
    return pd.DataFrame(rows, columns=["user_id", "timestamp", "event"]).assign(
        timestamp=lambda d: pd.to_datetime(d["timestamp"], utc=True))


@pytest.fixture
def ws():
    profiles = pd.DataFrame({"user_id": ["a", "b", "c", "d"], "country": ["DE", "DE", "FR", "FR"],
                             "region": ["DE-BY", "DE-BE", "FR-IDF", None], "age": [34, "18-24", None, 70],
                             "gender": ["F", "male", "nb", None], "plan": ["pro", "free", "free", "pro"],
                             "email": ["ann@example.org", "bob@example.org", "c@example.org", "d@example.org"]})
    survey = pd.DataFrame({
        "response_id": ["r1", "r2", "r3", "r4", "r5"],
        "user_id": ["a", "b", "c", "d", "c"],
        "score": [10, 3, 8, 0, 4],
        "submitted_at": pd.to_datetime(["2026-03-01T12:00Z", "2026-03-01T12:00Z", "2026-02-01T00:00Z",
                                        "2026-03-02T00:00Z", "2026-03-05T00:00Z"], utc=True),
        "comment": ["great", "too expensive", "", "=HYPERLINK(\"x\")", "slow"],
        "region": [None, None, None, "FR-NAQ", None]})
    # a: active 3 distinct days in the 30 days before 2026-03-01T12:00 (one event after it, one long before)
    # b: 1 day; c: 2 days before 2026-02-01 and none before 2026-03-05
    # d: no events
    events = _events([
        ("a", "2026-02-27T08:00Z", "search"), ("a", "2026-02-27T09:00Z", "export"),
        ("a", "2026-02-28T08:00Z", "search"), ("a", "2026-03-01T11:59Z", "share"),
        ("a", "2026-03-01T12:01Z", "billing"), ("a", "2026-01-01T00:00Z", "search"),
        ("b", "2026-02-15T00:00Z", "search"),
        ("c", "2026-01-20T00:00Z", "search"), ("c", "2026-01-25T00:00Z", "search"),
    ])
    layers = {"income": Layer(pd.DataFrame({"key": ["DE", "FR"], "income_group": ["high", "upper-middle"]}),
                              {"kind": "socio-economic", "synthetic": True, "source": "test"})}
    return profiles, events, survey, layers


def test_respondents_table_engagement_and_profile(ws):
    profiles, events, survey, layers = ws
    r = respondents_table(survey, profiles, events, layers).set_index("response_id")
    assert r.loc["r1", "category"] == "promoter" and r.loc["r2", "category"] == "detractor"
    assert r.loc["r3", "category"] == "passive"
    assert r.loc["r1", "days_active"] == 3 and r.loc["r1", "features_used"] == 3  # search, export, share
    assert r.loc["r2", "days_active"] == 1
    assert r.loc["r3", "days_active"] == 2 and r.loc["r5", "days_active"] == 0
    assert r.loc["r4", "days_active"] == 0 and pd.isna(r.loc["r4", "last_seen"])
    assert r.loc["r1", "last_seen"] == T("2026-03-01T12:01Z")
    assert r.loc["r1", "engagement"] == "light (1-3 days)" and r.loc["r4", "engagement"] == "inactive"
    # the response's own region wins over the profile's; a missing one is filled from the profile
    assert r.loc["r4", "region"] == "FR-NAQ" and r.loc["r1", "region"] == "DE-BY"
    assert r.loc["r1", "age_band"] == "25-34" and r.loc["r2", "age_band"] == "18-24"
    assert r.loc["r3", "age_band"] == "unknown" and r.loc["r4", "age_band"] == "65+"
    assert r.loc["r3", "gender"] == "non-binary"
    assert r.loc["r1", "income_group"] == "high" and r.loc["r4", "income_group"] == "upper-middle"
    assert {"plan", "age_band", "gender", "engagement", "income_group"} <= set(segment_columns(r))


def test_engagement_trend_windows(ws):
    _, events, _, _ = ws
    tr = engagement_trend(events)
    # last event 2026-03-01T12:01 -> recent window = the 28 days 2026-02-02..2026-03-01
    # a: 02-27, 02-28, 03-01 recent; nothing in 01-05..02-01 -> recent 3, prior 0
    # c: 01-20, 01-25 are in the prior window (2026-01-05..2026-02-01)
    assert tr.loc["a", ["recent", "prior"]].tolist() == [3, 0]
    assert tr.loc["c", ["recent", "prior"]].tolist() == [0, 2]
    assert tr.loc["b", ["recent", "prior"]].tolist() == [1, 0]


def test_advocates_and_at_risk(ws):
    profiles, events, survey, layers = ws
    r = respondents_table(survey, profiles, events)
    # recent active days of active users: a 3, b 1 -> 75th percentile = 2.5: a qualifies
    adv = advocates(r, engagement_trend(events))
    assert adv["user_id"].tolist() == ["a"]
    # c's latest answer (4, a detractor) and 2 -> 0 active days: at risk; d has no activity before
    risk = at_risk(r, engagement_trend(events))
    assert risk["user_id"].tolist() == ["c"] and risk["change"].iloc[0] == -2


def test_usage_by_category(ws):
    profiles, events, survey, _ = ws
    r = respondents_table(survey, profiles, events)
    ad = feature_adoption_by_category(r, events).set_index(["event", "category"])
    # latest per person: a promoter (search, export, share), b detractor (search), c detractor
    # (nothing in the 30 days before 2026-03-05), d detractor (no events) -> 3 detractors
    assert ad.loc[("search", "promoter"), ["users", "adopters"]].tolist() == [1, 1]
    assert ad.loc[("search", "detractor"), ["users", "adopters"]].tolist() == [3, 1]
    assert ad.loc[("export", "detractor"), "share"] == 0
    gaps = adoption_gaps(ad.reset_index())
    assert gaps.loc["search", "gap"] == pytest.approx(1 - 1 / 3)
    days = days_active_by_category(r)
    assert days.loc["promoter", "mean"] == 3 and days.loc["detractor", "mean"] == pytest.approx(1 / 3)


def test_wilson_interval_hand_computed():
    # k = 3, n = 10: p = 0.3, z^2 = 3.8416; denom = 1.38416; centre = (0.3 + 0.19208)/1.38416 = 0.355508
    # half = 1.96 x sqrt(0.021 + 0.009604)/1.38416 = 1.96 x 0.174940/1.38416 = 0.247720
    lo, hi = wilson_interval([3], [10])
    assert lo[0] == pytest.approx(0.10779, abs=1e-4) and hi[0] == pytest.approx(0.60323, abs=1e-4)


def test_person_timeline(ws):
    _, events, survey, _ = ws
    tl = Timelines(events, survey).of("c")
    assert tl["kind"].tolist() == ["event", "event", "response", "response"]
    assert tl["what"].tolist()[-1] == "NPS 4: slow" and tl["what"].tolist()[2] == "NPS 8"
    assert tl["time"].is_monotonic_increasing
    assert Timelines(events, survey).of("nobody").empty
    assert Timelines(None, survey).of("c")["kind"].tolist() == ["response", "response"]


def test_nps_by_segment_with_suppression():
    df = pd.DataFrame({"score": [10] * 12 + [0] * 8 + [9] * 3 + [7] * 25,
                       "plan": ["pro"] * 20 + ["team"] * 3 + ["free"] * 25})
    out = nps_by_segment(df, "plan", k=10)
    # pro: 12 promoters, 8 detractors -> 20; team has 3 (< 10): hidden, and the next smallest (pro) too
    assert out.loc["team", "suppressed"] and pd.isna(out.loc["team", "score"])
    assert out.loc["pro", "suppressed"] and not out.loc["free", "suppressed"]
    assert out.loc["free", "score"] == 0 and out.loc["free", "responses"] == 25
    raw = nps_by_segment(df, "plan", k=1)
    assert raw.loc["pro", "score"] == pytest.approx(20.0) and raw.loc["team", "score"] == 100
