"""NPS counts, adjusted-Wald intervals, the z-test and the headless section, against hand-computed
cases (the arithmetic is written out in the comments)."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from humetrics_desktop.core.metrics.nps import (
    NpsStats, change_test, combined_nps, grouped_stats, nps_section, nps_stats, plain_variance,
    valid_scores)


def test_counts_ignore_invalid_scores():
    s = pd.Series([10, 9, 8, 7, 6, 0, "11", None, 7.5, "x", -1, "9"])
    st = nps_stats(s)
    # valid: 10, 9, 8, 7, 6, 0, "9" -> promoters 10, 9, 9; passives 8, 7; detractors 6, 0
    assert (st.responses, st.promoters, st.passives, st.detractors) == (7, 3, 2, 2)
    assert st.score == pytest.approx(100 * (3 - 2) / 7)
    assert list(valid_scores(pd.Series([3.0, 3.5, 12]))) == [3]


def test_balanced_case_interval():
    # 10,10,9,9 promoters; 8,7 passives; 6,5,3,0 detractors: n = 10, P = D = 4, NPS = 0
    # n' = 13, P' = D' = 4.75/13 = 0.365385, NPS' = 0
    # var = (0.730769 - 0) / 13 = 0.0562130, sqrt = 0.237093, x 1.96 = 0.464702
    st = nps_stats(pd.Series([10, 10, 9, 9, 8, 7, 6, 5, 3, 0]))
    assert st.score == 0
    assert st.variance == pytest.approx(0.0562130, abs=1e-6)
    assert st.ci95 == pytest.approx((-46.4702, 46.4702), abs=1e-3)
    # plain variance: ((0.4 + 0.4) - 0^2) / 10 = 0.08
    assert st.plain_variance == pytest.approx(0.08)


def test_skewed_case_interval():
    # n = 20: 12 promoters, 5 passives, 3 detractors; NPS = 100 x 9/20 = 45
    # n' = 23, P' = 12.75/23 = 0.554348, D' = 3.75/23 = 0.163043, NPS' = 0.391304
    # var = (0.717391 - 0.391304^2) / 23 = (0.717391 - 0.153119) / 23 = 0.0245336
    # half = 1.96 x 0.156632 = 0.306999 -> [8.4306, 69.8303]
    st = NpsStats(20, 12, 5, 3)
    assert st.score == 45
    assert st.ci95 == pytest.approx((8.4306, 69.8303), abs=1e-3)
    # plain: ((0.6 + 0.15) - 0.45^2) / 20 = (0.75 - 0.2025) / 20 = 0.027375
    assert plain_variance(12, 3, 20) == pytest.approx(0.027375)


def test_interval_is_clipped():
    # 5 promoters: n' = 8, P' = 5.75/8 = 0.71875, D' = 0.75/8 = 0.09375, NPS' = 0.625
    # var = (0.8125 - 0.390625) / 8 = 0.0527344, half = 1.96 x 0.229640 = 0.450094
    # -> [17.4906, 107.51] clipped to [17.4906, 100]
    st = NpsStats(5, 5, 0, 0)
    assert st.score == 100
    assert st.ci95 == pytest.approx((17.4906, 100.0), abs=1e-3)


def test_empty_is_nan_not_zero():
    st = nps_stats(pd.Series([], dtype="int64"))
    assert st.responses == 0 and math.isnan(st.score) and all(math.isnan(x) for x in st.ci95)


def test_z_test_worked_example():
    # current: n = 100, 30 promoters, 30 detractors -> NPS 0
    #   n' = 103, P' = D' = 30.75/103 = 0.298544, var = 0.597087/103 = 0.00579696
    # baseline: n = 100, 50 promoters, 20 detractors -> NPS 30
    #   P' = 50.75/103 = 0.492718, D' = 20.75/103 = 0.201456,
    #   var = (0.694175 - 0.291262^2)/103 = (0.694175 - 0.0848337)/103 = 0.00591593
    # z = (0 - 0.30) / sqrt(0.00579696 + 0.00591593) = -0.30 / 0.108227 = -2.77197
    # one-sided p = Phi(-2.77197) = 0.002786
    t = change_test(NpsStats(100, 30, 40, 30), NpsStats(100, 50, 30, 20))
    assert t.delta == pytest.approx(-30.0)
    assert t.z == pytest.approx(-2.77197, abs=1e-4)
    assert t.p_decline == pytest.approx(0.002786, abs=1e-5)
    assert t.decline
    # a rise is never a decline; a small fall is not significant
    assert not change_test(NpsStats(100, 50, 30, 20), NpsStats(100, 30, 40, 30)).decline
    assert not change_test(NpsStats(100, 48, 30, 22), NpsStats(100, 50, 30, 20)).decline


def test_combined_over_surveys_with_breakdown():
    df = pd.DataFrame({"score": [10, 9, 3, 8, 0, 10, 7],
                       "survey": ["a", "a", "a", "b", "b", None, "b"]})
    c = combined_nps(df)
    # pooled: promoters 10, 9, 10 = 3; detractors 3, 0 = 2; n = 7
    assert (c.total.responses, c.total.promoters, c.total.detractors) == (7, 3, 2)
    assert c.by_survey.loc["a", ["responses", "promoters", "detractors"]].tolist() == [3, 2, 1]
    assert c.by_survey.loc["b", ["responses", "passives", "detractors"]].tolist() == [3, 2, 1]
    assert c.by_survey.loc["(unnamed)", "promoters"] == 1
    assert c.by_survey["responses"].sum() == c.total.responses


def test_grouped_stats_matches_scalar_path():
    df = pd.DataFrame({"score": [10, 9, 3, 8, 0, 10, 7, 6, 6], "g": list("aaabbbccc")})
    g = grouped_stats(df, "g")
    for key, part in df.groupby("g"):
        st = nps_stats(part["score"])
        assert g.loc[key, "score"] == pytest.approx(st.score)
        assert (g.loc[key, "ci_low"], g.loc[key, "ci_high"]) == pytest.approx(st.ci95)


def test_nps_section_shape_and_numbers():
    survey = pd.DataFrame({
        "score": [10, 9, 0, 7, 5, 10, 99],
        "submitted_at": pd.to_datetime(["2026-01-03T10:00Z", "2026-01-31T23:59Z", "2026-02-01T00:00Z",
                                        "2026-02-10T00:00Z", None, "2026-03-01T00:00Z",
                                        "2026-03-02T00:00Z"], utc=True),
        "country": ["DE", "DE", "FR", None, "FR", "DE", "DE"],
        "user_id": ["u1", "u2", "u3", "u4", "u5", "u6", "u7"],
    })
    profiles = pd.DataFrame({"user_id": ["u4"], "country": ["ES"]})
    out = nps_section(survey, profiles)
    # the score 99 is invalid: 6 responses, promoters 10, 9, 10; passive 7; detractors 0, 5
    assert (out["responses"], out["promoters"], out["passives"], out["detractors"]) == (6, 3, 1, 2)
    assert out["score"] == pytest.approx(100 / 6, abs=1e-3)
    lo, hi = NpsStats(6, 3, 1, 2).ci95
    assert out["ci95"] == pytest.approx([lo, hi], abs=1e-3)
    # 2026-01-31T23:59Z is still January in UTC; the undated response is in no month
    assert list(out["by_month"]) == ["2026-01", "2026-02", "2026-03"]
    assert out["by_month"]["2026-01"]["promoters"] == 2
    assert out["by_month"]["2026-02"]["detractors"] == 1 and out["by_month"]["2026-02"]["passives"] == 1
    assert set(out["by_month"]["2026-03"]) >= {"responses", "promoters", "passives", "detractors", "score", "ci95"}
    # u4 has no country of its own: its profile says ES
    assert out["by_country"]["ES"]["passives"] == 1
    assert out["by_country"]["DE"]["responses"] == 3 and out["by_country"]["DE"]["score"] == 100
    assert sum(c["responses"] for c in out["by_country"].values()) == 6


def test_nps_section_unknown_country_is_kept():
    out = nps_section(pd.DataFrame({"score": [9, 3]}))
    assert out["by_country"] == {"??": {"responses": 2, "promoters": 1, "passives": 0, "detractors": 1,
                                        "score": 0.0, "ci95": out["by_country"]["??"]["ci95"]}}
    assert out["by_month"] == {}
    assert nps_section(None) is None
