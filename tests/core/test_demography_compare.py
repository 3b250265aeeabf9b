"""Promoters vs detractors and engaged vs dormant, on fixtures counted by hand."""
import datetime as dt
import json
import math

import pandas as pd
import pytest

from humetrics_desktop.core.metrics.demography import demography_section
from humetrics_desktop.core.metrics.demography_compare import (activity_groups, compare,
                                                               nps_groups)
from humetrics_desktop.core.metrics.demography_tables import prepare_profiles

T0 = pd.Timestamp("2026-03-01", tz="UTC")


def test_nps_groups_take_each_users_latest_valid_answer():
    survey = pd.DataFrame({
        "user_id": ["a", "a", "b", "c", "d", None, "e"],
        "score": [10, 3, 9, "x", 11, 8, 7.5],
        "submitted_at": [T0 + pd.Timedelta(days=d) for d in (5, 1, 0, 0, 0, 0, 0)],
    })
    groups, left_out = nps_groups(survey)
    # a answered 3 first and 10 later: the later answer counts
    assert groups.to_dict() == {"a": "promoter", "b": "promoter"}
    assert left_out == {"invalid score": 3, "no user id": 1, "earlier answer of the same user": 1}


def test_activity_groups_over_the_last_30_days():
    end = pd.Timestamp("2026-03-31", tz="UTC")
    start = end - pd.Timedelta(days=29)  # 2 March, the window's first day
    events = pd.DataFrame({"user_id": ["a"] * 5 + ["b", "b", "b"] + ["c", "e"],
                           "timestamp": [start, start + pd.Timedelta(hours=5),  # same day twice
                                         end + pd.Timedelta(hours=23), T0 + pd.Timedelta(days=10),
                                         T0 + pd.Timedelta(days=11),
                                         T0 + pd.Timedelta(days=3), T0 + pd.Timedelta(days=3, hours=1),
                                         start - pd.Timedelta(seconds=1),
                                         start - pd.Timedelta(days=40), start],
                           "event": "x"})
    groups, last = activity_groups(events, pd.Series(["a", "b", "c", "d", "e"]), end, engaged_min_days=4)
    # a: 2 Mar, 31 Mar, 11 Mar, 12 Mar = 4 days; b: 4 Mar, plus 1 Mar which is outside = 1 day
    assert groups.to_dict() == {"a": "engaged", "b": "occasional", "c": "dormant",
                                "d": "never active", "e": "occasional"}
    assert last == end


def _people():
    rows = [("f", "pro")] * 30 + [("m", "free")] * 10 + [("f", "free")] * 20 + [("m", "pro")] * 40
    df = pd.DataFrame(rows, columns=["gender", "plan"])
    df.insert(0, "user_id", [f"u{i}" for i in range(len(df))])
    return prepare_profiles(df, dt.date(2026, 6, 1))


def test_comparison_shares_intervals_and_tests_by_hand():
    people = _people()
    # the first 40 users are promoters (30 female, 10 male), the other 60 detractors (20 f, 40 m)
    groups = pd.Series(["promoter"] * 40 + ["detractor"] * 60, index=people["user_id"].to_numpy())
    cmp = compare(people, groups, "promoter", "detractor", ["gender"])
    t = cmp.tables["gender"].set_index("value")
    assert cmp.sizes == {"promoter": 40, "detractor": 60}
    assert t.loc["female", "share_a"] == pytest.approx(0.75)
    assert t.loc["female", "share_b"] == pytest.approx(20 / 60)
    assert t.loc["female", "difference"] == pytest.approx(0.75 - 1 / 3)
    # Wilson 30/40: centre (0.75 + 0.048019) / 1.096038 = 0.728094,
    # half-width 1.96 sqrt(0.0046875 + 0.00060024) / 1.096038 = 0.130034
    assert [t.loc["female", "low_a"], t.loc["female", "high_a"]] == pytest.approx([0.59806, 0.85813],
                                                                                  abs=1e-4)
    # pooled z: 0.41667 / sqrt(0.25 x (1/40 + 1/60)) = 4.0825; two-sided p = erfc(z / sqrt 2)
    z = (0.75 - 1 / 3) / math.sqrt(0.25 * (1 / 40 + 1 / 60))
    assert t.loc["female", "p_value"] == pytest.approx(math.erfc(z / math.sqrt(2)))
    # for a 2 x 2 table Pearson's chi-square is the square of the pooled z
    assert cmp.tests["gender"]["chi2"] == pytest.approx(z * z)
    assert cmp.tests["gender"]["df"] == 1
    assert cmp.tests["gender"]["text"] == ("The gender mix of promoters and detractors differs: "
                                           "chi-square 16.7, 1 degree of freedom, p = 4.46e-05.")


def test_comparison_suppresses_small_cells_and_what_rests_on_them():
    people = _people()
    # promoters: 5 female, 35 male -> 5 is hidden, and male 35 with it (the promoter total is shown)
    groups = pd.Series(["promoter"] * 5 + ["x"] * 25 + ["promoter"] * 10 + ["detractor"] * 20
                       + ["promoter"] * 25 + ["detractor"] * 15, index=people["user_id"].to_numpy())
    t = compare(people, groups, "promoter", "detractor", ["gender"], k=10).tables["gender"]
    t = t.set_index("value")
    assert t["suppressed"].tolist() == [True, True]
    assert t[["n_a", "share_a", "low_a", "difference", "p_value"]].isna().all().all()


def test_demography_section_is_json_and_agrees_with_a_plain_count():
    people = pd.DataFrame({"user_id": [f"u{i}" for i in range(60)],
                           "age": ["18-24"] * 25 + ["65+"] * 30 + [None] * 5,
                           "gender": ["f"] * 20 + ["m"] * 30 + ["nb"] * 4 + ["Genderqueer"] * 6,
                           "language": ["en-GB"] * 60, "country": ["GB"] * 60})
    ref = pd.DataFrame({"key": ["GB"] * 2, "age_band": ["18-24", "65+"], "population": [50, 50]})
    survey = pd.DataFrame({"user_id": [f"u{i}" for i in range(60)], "score": [10] * 30 + [2] * 30})
    events = pd.DataFrame({"user_id": ["u1"], "timestamp": [T0], "event": ["x"]})
    out = demography_section(people, ref, survey, events, k=10)
    json.dumps(out, allow_nan=False)  # strict JSON: no NaN or Infinity anywhere
    gender = out["distributions"]["gender"]["values"]
    plain = people["gender"].value_counts()
    assert gender["female"]["count"] == plain["f"] == 20
    assert gender["male"]["count"] == 30
    # 4 non-binary and 6 genderqueer users: both below 10, both hidden, neither merged away
    assert gender["non-binary"] == {"count": None, "share": None}
    assert gender["Genderqueer"] == {"count": None, "share": None}
    assert out["age"]["median"] is None  # band labels give no exact age
    assert out["representation"]["statements"] == []  # 25/55 vs 50%: the interval spans 1
    pvd = out["promoters_vs_detractors"]
    assert pvd["sizes"] == {"promoter": 30, "detractor": 30}
    # promoters 18-24: 25, 65+: 5; detractors 65+: 25, unknown: 5. Both 5s are small; 65+ needs a
    # complement in its row (detractors 25), the promoter column one too (18-24's 25)
    ages = pvd["by_attribute"]["age_band"]["values"]
    assert {v: ages[v]["suppressed"] for v in ages} == {"18-24": True, "65+": True, "unknown": True}
    assert ages["65+"]["n_a"] is None and ages["18-24"]["n_b"] == 0
    assert out["engaged_vs_dormant"]["sizes"] == {"engaged": 0, "dormant": 0}
