"""Representation index against a reference population, with figures worked out by hand.

Wilson bounds below were computed with the textbook formula
(p + z^2/2n -/+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n), z = 1.95996, on a pocket calculator
script independent of the code under test.
"""
import datetime as dt

import pandas as pd
import pytest

from humetrics_desktop.core.metrics.demography_representation import representation
from humetrics_desktop.core.metrics.demography_tables import prepare_profiles

REF_DAY = dt.date(2026, 6, 1)


def _users(rows):
    """rows: (count, age, gender, country)."""
    out = []
    for count, age, gender, country in rows:
        out += [(age, gender, country)] * count
    df = pd.DataFrame(out, columns=["age", "gender", "country"])
    df.insert(0, "user_id", [f"u{i}" for i in range(len(df))])
    return prepare_profiles(df, REF_DAY)


@pytest.fixture
def one_country():
    ref = pd.DataFrame({
        "key": ["NL"] * 5,
        "age_band": ["18 - 34", "18 - 34", "35+", "35+", "18 - 34"],
        "gender": ["F", "M", "female", "male", "Total"],  # the total row repeats the others
        "population": [300, 300, 220, 180, 600],
    })
    users = _users([(38, 20, "f", "NL"), (38, 20, "m", "NL"), (4, 20, "nb", "NL"),
                    (9, 50, "f", "NL"), (9, 50, "m", "NL"), (2, 50, "prefer not to say", "NL"),
                    (5, 15, "f", "NL"), (3, None, "m", "NL"), (2, 20, "f", "FR")])
    return users, ref


def test_index_and_wilson_interval_by_hand(one_country):
    rep = representation(*one_country)
    age = rep.groups[rep.groups["dimension"] == "age_band"].set_index("group")
    # 100 NL users in the reference's bands: 80 aged 18-34 (60% of the population), 20 aged 35+ (40%)
    assert age.loc["18-34", "users"] == 80 and age.loc["35+", "users"] == 20
    assert age.loc["18-34", "index"] == pytest.approx(0.8 / 0.6)
    assert age.loc["35+", "index"] == pytest.approx(0.5)
    assert age.loc["35+", ["ci_low", "ci_high"]].tolist() == pytest.approx([0.333417, 0.722073], abs=1e-5)
    assert age.loc["18-34", ["ci_low", "ci_high"]].tolist() == pytest.approx([1.185285, 1.444388], abs=1e-5)
    assert rep.users_outside_reference_places == 2
    assert rep.place_column == "country"


def test_gender_compares_only_the_reference_categories_and_reports_the_rest(one_country):
    rep = representation(*one_country)
    g = rep.groups[rep.groups["dimension"] == "gender"].set_index("group")
    # female 38 + 9 + 5 = 52, male 38 + 9 + 3 = 50; reference female (300 + 220) / 1000
    assert g.loc["female", "users"] == 52 and g.loc["female", "compared"] == 102
    assert g.loc["female", "expected_share"] == pytest.approx(0.52)
    assert g.loc["female", "index"] == pytest.approx((52 / 102) / 0.52)
    assert rep.excluded["gender"] == {"non-binary": 4, "prefer not to say": 2}
    assert rep.excluded["age_band"] == {"under 18": 5, "unknown": 3}


def test_plain_list_names_only_groups_whose_interval_excludes_one(one_country):
    rep = representation(*one_country)
    texts = [s["text"] for s in rep.statements]
    assert texts[0] == ("Users aged 35+ are under-represented: 20.0% of users against 40.0% of the "
                        "reference population (-20.0 points), an index of 0.50 (95% interval 0.33 "
                        "to 0.72).")
    assert texts[1].startswith("Users aged 18-34 are over-represented: 80.0% of users against 60.0%")
    assert not any(s["dimension"] == "gender" for s in rep.statements)  # 0.98, interval spans 1


def test_expected_share_is_standardised_to_the_users_places():
    ref = pd.DataFrame({"country": ["AT", "AT", "BE", "BE"], "age_band": ["18-39", "40+"] * 2,
                        "population": [500, 500, 800, 200]})
    users = _users([(50, 25, "f", "AT"), (50, 60, "f", "AT"), (270, 25, "m", "BE"),
                    (30, 60, "m", "BE")])
    rep = representation(users, ref)
    young = rep.groups.set_index("group").loc["18-39"]
    # expected = 100/400 x 0.5 + 300/400 x 0.8 = 0.725; observed 320/400
    assert young["expected_share"] == pytest.approx(0.725)
    assert young["index"] == pytest.approx(0.8 / 0.725)
    assert [young["ci_low"], young["ci_high"]] == pytest.approx([1.045558, 1.153466], abs=1e-5)
    per_place = rep.by_place[rep.by_place["group"] == "18-39"].set_index("place")["index"]
    assert per_place["AT"] == pytest.approx(1.0) and per_place["BE"] == pytest.approx(0.9 / 0.8)
    assert set(rep.groups["dimension"]) == {"age_band"}  # no gender in this reference


def test_empty_and_tiny_groups_with_suppression():
    ref = pd.DataFrame({"key": ["CA"] * 3, "age_band": ["18-34", "35-64", "65+"],
                        "population": [500, 300, 200]})
    users = _users([(105, 20, "f", "CA"), (5, 40, "m", "CA")])
    rep = representation(users, ref, k=10)
    g = rep.groups.set_index("group")
    # 5 users aged 35-64 are hidden, and 18-34 with them (the total would give them back);
    # nobody aged 65+ is a visible zero with a real upper bound: 0.03374 / 0.2
    assert g["suppressed"].tolist() == [True, True, False]
    assert pd.isna(g.loc["35-64", "users"]) and pd.isna(g.loc["35-64", "index"])
    assert g.loc["65+", "index"] == 0
    assert g.loc["65+", "ci_high"] == pytest.approx(0.168720, abs=1e-5)
    texts = {s["group"]: s["text"] for s in rep.statements}
    assert texts["65+"].startswith("Users aged 65+ are under-represented: 0.0% of users against 20.0%")
    # hidden for being small, yet even 9 users of 110 would be under-represented (bound 0.494)
    assert texts["35-64"] == ("Users aged 35-64 are under-represented: fewer than 10 of 110 users "
                              "(under 8.2%) against 30.0% of the reference population (index below "
                              "0.49).")
    assert "18-34" not in texts  # a complement reveals nothing, so says nothing


def test_region_level_reference_matches_users_by_region():
    ref = pd.DataFrame({"key": ["DE-BY", "DE-BY", "DE-BE", "DE-BE"], "gender": ["f", "m"] * 2,
                        "population": [50, 50, 50, 50]})
    users = _users([(30, 30, "f", "DE"), (10, 30, "m", "DE")])
    users["region"] = ["DE-BY"] * 20 + ["DE-BE"] * 10 + ["DE-BY"] * 5 + ["DE-HH"] * 5
    rep = representation(users, ref)
    assert rep.place_column == "region"
    assert rep.users_outside_reference_places == 5
    g = rep.groups.set_index("group")
    assert g.loc["female", "users"] == 30 and g.loc["female", "compared"] == 35


def test_group_with_no_reference_population_has_no_index():
    ref = pd.DataFrame({"key": ["PT"] * 2, "age_band": ["18-34", "35+"], "population": [100, 0]})
    rep = representation(_users([(10, 20, "f", "PT"), (10, 50, "f", "PT")]), ref)
    g = rep.groups.set_index("group")
    assert pd.isna(g.loc["35+", "index"]) and g.loc["18-34", "index"] == pytest.approx(0.5)
    assert rep.to_json()["groups"][1]["index"] is None


def test_reference_without_population_is_a_clear_error():
    with pytest.raises(ValueError, match="population"):
        representation(_users([(3, 30, "f", "DE")]), pd.DataFrame({"key": ["DE"], "n": [1]}))
