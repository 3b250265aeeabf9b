"""Age, gender and language labels as exports spell them, against hand-made expectations."""
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from humetrics_desktop.core.metrics.demography_labels import (
    band_of, band_order, gender_order, make_bands, normalise_ages, normalise_gender_label,
    normalise_genders, normalise_language_label, parse_age_interval)

REF = dt.date(2026, 6, 30)


@pytest.mark.parametrize("raw, interval, band", [
    ("18-24", (18, 24), "18-24"),
    ("18 - 24", (18, 24), "18-24"),
    ("25–34", (25, 34), "25-34"),           # en dash
    ("35 — 44", (35, 44), "35-44"),         # em dash with spaces
    ("18 to 24 years", (18, 24), "18-24"),
    ("55-64 Jahre", (55, 64), "55-64"),
    ("65+", (65, None), "65+"),
    ("65 and over", (65, None), "65+"),
    ("65 years and over", (65, None), "65+"),
    ("≥65", (65, None), "65+"),
    ("> 65", (66, None), "65+"),
    ("under 18", (0, 17), "under 18"),
    ("Under 18 years", (0, 17), "under 18"),
    ("<18", (0, 17), "under 18"),
    ("25-29", (25, 29), "25-34"),           # a finer band falls inside a standard one
    ("20-29", (20, 29), "20-29"),           # a straddling band keeps its own label
    (34, (34, 34), "25-34"),
    ("34", (34, 34), "25-34"),
    (24.9, (24, 24), "18-24"),              # a fractional age counts completed years
    (1990, (36, 36), "35-44"),              # birth year: 2026 - 1990
    ("1990-07-01", (35, 35), "35-44"),      # birth date: birthday not yet reached on 30 June
    ("1990-06-30", (36, 36), "35-44"),
    (pd.Timestamp("2008-07-01"), (17, 17), "under 18"),
])
def test_age_values_and_band_labels(raw, interval, band):
    got = parse_age_interval(raw, REF)
    assert got == interval
    assert band_of(got) == band


@pytest.mark.parametrize("raw", [None, np.nan, "", "n/a", "unknown", 200, -3, "abc", "1-2-3"])
def test_unreadable_or_missing_ages_give_none(raw):
    assert parse_age_interval(raw, REF) is None
    assert band_of(parse_age_interval(raw, REF)) == "unknown"


def test_normalise_ages_flags_unreadable_but_not_missing():
    out = normalise_ages(pd.Series(["18-24", np.nan, None, "abc", 30, "", 1990], dtype=object), REF)
    assert out["age_band"].tolist() == ["18-24", "unknown", "unknown", "unknown", "25-34", "unknown",
                                        "35-44"]
    assert out["age_raw_unread"].tolist() == [False, False, False, True, False, False, False]
    assert out["age"].isna().tolist() == [True, True, True, True, False, True, False]


def test_custom_bands_and_order():
    bands = make_bands([18, 30, 50])
    assert [b.label for b in bands] == ["under 18", "18-29", "30-49", "50+"]
    assert band_of((42, 42), bands) == "30-49"
    assert band_order(["65+", "unknown", "18-24", "under 18", "20-29", "25-34"]) == \
        ["under 18", "18-24", "20-29", "25-34", "65+", "unknown"]


@pytest.mark.parametrize("raw, label", [
    ("F", "female"), ("female", "female"), ("Woman", "female"), ("Weiblich", "female"),
    ("femme", "female"), ("Femenino", "female"), ("mulher", "female"), ("女性", "female"),
    ("w", "female"),
    ("M", "male"), ("Männlich", "male"), ("homme", "male"), ("Masculino", "male"), ("男性", "male"),
    ("nb", "non-binary"), ("Non-Binary", "non-binary"), ("nonbinary", "non-binary"),
    ("non_binary", "non-binary"), ("Nicht-binär", "non-binary"), ("non-binaire", "non-binary"),
    ("Other", "other"), ("divers", "other"), ("autre", "other"),
    ("Prefer not to say", "prefer not to say"), ("PNTS", "prefer not to say"),
    ("Keine Angabe", "prefer not to say"), ("Préfère ne pas dire", "prefer not to say"),
    ("prefiero no decir", "prefer not to say"),
    (None, "unknown"), (np.nan, "unknown"), ("", "unknown"), ("  ", "unknown"), ("N/A", "unknown"),
    ("Genderqueer", "Genderqueer"), ("  Two  Spirit ", "Two Spirit"), ("agender", "agender"),
])
def test_gender_labels(raw, label):
    assert normalise_gender_label(raw) == label


def test_genders_are_never_coerced_into_two():
    raw = pd.Series(["f", "m", "nb", "other", "prefer not to say", None, "Genderqueer", "Weiblich"])
    out = normalise_genders(raw)
    assert out.nunique() == 7
    assert gender_order(out) == ["female", "male", "non-binary", "other", "prefer not to say",
                                 "Genderqueer", "unknown"]


def test_unrecognised_labels_differing_in_case_are_one_category():
    out = normalise_genders(pd.Series(["genderqueer", "Genderqueer", "Genderqueer", "GENDERQUEER ",
                                       "Agender", "f"]))
    assert out.tolist() == ["Genderqueer"] * 4 + ["Agender", "female"]


@pytest.mark.parametrize("raw, code", [
    ("en-US", "en"), ("en_GB", "en"), ("EN", "en"), ("eng", "en"), ("English", "en"),
    ("Deutsch", "de"), ("ger", "de"), ("deu", "de"), ("pt-BR", "pt"), ("zh-Hant-TW", "zh"),
    ("fr.UTF-8", "fr"), ("Français", "fr"), ("español", "es"), ("日本語", "ja"),
    (None, "unknown"), ("", "unknown"), ("Klingon", "klingon"),
])
def test_language_labels(raw, code):
    assert normalise_language_label(raw) == code
