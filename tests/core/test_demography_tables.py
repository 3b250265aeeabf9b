"""Distributions, cross-tabs and their suppression, on fixtures counted by hand."""
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from humetrics_desktop.core.privacy.tables import table_mask
from humetrics_desktop.core.metrics.demography_tables import (
    by_period, by_region, crosstab, distribution, prepare_profiles, pyramid, segment_columns)

REF = dt.date(2026, 6, 1)


@pytest.fixture
def forty():
    """40 users. Ages: 15 x 20, 12 x 30, 3 x 70, 5 missing, 5 given as the band "18-24".
    Genders: 10 "f", 15 "m", 3 "nb", 2 missing, 10 "Weiblich". Rows pair up as:
    18-24: female 10 + 5 (the band rows are Weiblich), male 5; 25-34: male 10, non-binary 2;
    65+: non-binary 1, unknown 2; unknown age: female 5."""
    return pd.DataFrame({
        "user_id": [f"u{i}" for i in range(40)],
        "age": [20] * 15 + [30] * 12 + [70] * 3 + [None] * 5 + ["18-24"] * 5,
        "gender": ["f"] * 10 + ["m"] * 15 + ["nb"] * 3 + [None] * 2 + ["Weiblich"] * 10,
        "language": ["en-US"] * 20 + ["de"] * 20,
        "country": ["US"] * 20 + ["DE"] * 20,
        "region": ["US-CA"] * 12 + ["US-NY"] * 8 + ["DE-BY"] * 20,
        "plan": ["free"] * 30 + ["pro"] * 10,
        "email": [f"u{i}@example.org" for i in range(40)],
        "signup_at": pd.to_datetime(["2026-01-15"] * 18 + ["2026-04-02"] * 19 + [None] * 3, utc=True),
    })


def test_prepare_normalises_and_keeps_every_attribute(forty):
    people = prepare_profiles(forty, REF)
    assert len(people) == 40
    assert set(people["language"]) == {"en", "de"}
    assert "email" not in people.columns  # personal data is never a segment
    assert segment_columns(people) == ["age_band", "gender", "language", "country", "region", "plan"]


def test_prepare_last_row_of_a_user_wins_and_birth_year_columns_are_read():
    raw = pd.DataFrame({"user_id": ["a", "b", "a", "c"], "birth_year": [1990, "1960", 2000, None],
                        "gender": ["f", "m", "nb", "x-unknown-label"],
                        "culture": ["  Sami ", "Roma", "Sami", None]})
    people = prepare_profiles(raw, REF).set_index("user_id")
    assert people.loc["a", "age"] == 26 and people.loc["a", "gender"] == "non-binary"
    assert people.loc["b", "age_band"] == "65+"
    assert people.loc["c", "age_band"] == "unknown"
    assert people.loc["c", "gender"] == "x-unknown-label"
    assert people.loc[["a", "b", "c"], "culture"].tolist() == ["Sami", "Roma", "unknown"]
    assert "culture" in segment_columns(people.reset_index())


def test_distribution_counts_every_gender(forty):
    d = distribution(prepare_profiles(forty, REF), "gender")
    assert d.table["value"].tolist() == ["female", "male", "non-binary", "unknown"]
    assert d.table["count"].tolist() == [20, 15, 3, 2]
    assert d.table["share"].tolist() == pytest.approx([0.5, 0.375, 0.075, 0.05])


def test_distribution_suppression_with_a_complement():
    people = prepare_profiles(pd.DataFrame({
        "user_id": [str(i) for i in range(30)], "gender": ["f"] * 12 + ["m"] * 15 + ["nb"] * 3}), REF)
    d = distribution(people, "gender", k=10)
    # 3 is below k; with the total shown, 30 - 12 - 15 would give it back, so 12 goes too
    assert d.table["suppressed"].tolist() == [True, False, True]
    assert d.table["count"].isna().tolist() == [True, False, True]
    assert d.table["share"].isna().tolist() == [True, False, True]
    assert d.total == 30


def test_pyramid_unsuppressed_counts(forty):
    p = pyramid(prepare_profiles(forty, REF))
    assert p.counts.index.tolist() == ["18-24", "25-34", "65+", "unknown"]
    assert p.counts.columns.tolist() == ["female", "male", "non-binary", "unknown"]
    assert p.counts.to_numpy().tolist() == [[15, 5, 0, 0], [0, 10, 2, 0], [0, 0, 1, 2], [5, 0, 0, 0]]
    assert p.row_totals.tolist() == [20, 12, 3, 5]
    assert p.col_totals.tolist() == [20, 15, 3, 2]
    assert p.total == 40


def test_pyramid_suppressed_by_hand(forty):
    p = pyramid(prepare_profiles(forty, REF), k=10)
    # primary: 5, 2, 1, 2, 5 and the margins 3, 5 (age) and 3, 2 (gender);
    # complements: female 15 (row 18-24 held one hidden cell), male 10 (row 25-34)
    expected_hidden = [[True, True, False, False], [False, True, True, False],
                       [False, False, True, True], [True, False, False, False]]
    assert p.hidden.to_numpy().tolist() == expected_hidden
    assert p.row_totals.isna().tolist() == [False, False, True, True]
    assert p.col_totals.isna().tolist() == [False, False, True, True]
    assert p.total == 40
    # zeros reveal nobody and stay visible
    assert p.counts.loc["25-34", "female"] == 0


def test_table_mask_never_leaves_a_lone_hidden_entry_in_a_line():
    rng = np.random.default_rng(7)
    for _ in range(60):
        cells = rng.integers(0, 25, size=(rng.integers(1, 6), rng.integers(1, 6)))
        hidden = table_mask(cells, 10)
        full = np.zeros((cells.shape[0] + 1, cells.shape[1] + 1))
        full[:-1, :-1] = cells
        full[:-1, -1], full[-1, :-1], full[-1, -1] = cells.sum(1), cells.sum(0), cells.sum()
        assert (hidden[(full > 0) & (full < 10)]).all()
        assert not hidden[full == 0].any()
        for line in [*hidden, *hidden.T]:
            assert line.sum() != 1


def test_crosstab_language_by_country_and_by_region(forty):
    people = prepare_profiles(forty, REF)
    t = crosstab(people, "language", "country")
    assert t.counts.loc["en", "US"] == 20 and t.counts.loc["de", "DE"] == 20
    assert t.counts.loc["en", "DE"] == 0
    r = by_region(people, "plan")
    assert r.counts.loc["US-CA", "free"] == 12 and r.counts.loc["DE-BY", "pro"] == 10
    assert r.counts.loc["DE-BY", "free"] == 10
    assert r.shares_within_rows().loc["DE-BY", "pro"] == pytest.approx(0.5)


def test_by_period_uses_signup_quarters_and_keeps_unknown(forty):
    t = by_period(prepare_profiles(forty, REF), "gender")
    assert t.counts.index.tolist() == ["2026-Q1", "2026-Q2", "unknown"]
    assert t.row_totals.tolist() == [18, 19, 3]
    # rows 0..17 are Q1: female 10, male 8
    assert t.counts.loc["2026-Q1"].tolist() == [10, 8, 0, 0]


def test_crosstab_to_json_shows_hidden_as_null(forty):
    j = pyramid(prepare_profiles(forty, REF), k=10).to_json()
    assert j["counts"]["18-24"]["male"] is None
    assert j["counts"]["25-34"]["female"] == 0
    assert j["row_totals"]["18-24"] == 20 and j["total"] == 40
