"""Growth by place on a small workspace whose answers are worked out by hand below."""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from humetrics_desktop.core.filters import Filter
from humetrics_desktop.core.geo.layers import lean_labels
from humetrics_desktop.core.metrics import growth
from humetrics_desktop.core.workspace import Layer, Workspace

JAN = Filter(start=date(2024, 1, 1), end=date(2024, 1, 31))
BEFORE, INSIDE, AFTER = "2023-12-15", "2024-01-10", "2024-02-10"


def _profiles() -> pd.DataFrame:
    rows = []
    # DE: 12 people, 4 started before January and 8 in it; 11 in Bavaria written three ways
    bavaria = ["DE-BY", "Bayern", "Bavaria"] * 4
    for i in range(12):
        rows.append((f"de{i}", BEFORE if i < 4 else INSIDE, "DE", bavaria[i] if i < 11 else "Atlantis"))
    # US: 10 before, 5 in January, 2 after the period (not yet users)
    for i in range(17):
        rows.append((f"us{i}", BEFORE if i < 10 else (INSIDE if i < 15 else AFTER), "US", None))
    rows += [(f"fr{i}", BEFORE, "FR", None) for i in range(3)]
    rows += [(f"jp{i}", BEFORE, "JP", None) for i in range(11)]
    df = pd.DataFrame(rows, columns=["user_id", "signup_at", "country", "region"])
    df["signup_at"] = pd.to_datetime(df["signup_at"], utc=True)
    return df


def _events() -> pd.DataFrame:
    # us0..us9 each active on 3 distinct January days (twice on one of them); de0 only in December
    rows = []
    for i in range(10):
        for d in (5, 12, 20, 20):
            rows.append((f"us{i}", f"2024-01-{d:02d}T10:00:00Z", "open"))
    rows.append(("de0", "2023-12-20T10:00:00Z", "open"))
    df = pd.DataFrame(rows, columns=["user_id", "timestamp", "event"])
    df["timestamp"] = pd.to_datetime(df["timestamp"], utc=True)
    return df


US_SCORES = [10, 9, 9, 10, 9, 10, 7, 8, 8, 0, 3, 6]   # 6 promoters, 3 passives, 3 detractors


def _survey() -> pd.DataFrame:
    rows = [(f"r{i}", f"us{i % 10}", "2024-01-15T00:00:00Z", s, None) for i, s in enumerate(US_SCORES)]
    rows.append(("r-anon", None, "2024-01-16T00:00:00Z", 9, "US"))   # placed by its own country
    rows.append(("r-old", "us1", "2023-11-01T00:00:00Z", 0, None))   # outside the period
    df = pd.DataFrame(rows, columns=["response_id", "user_id", "submitted_at", "score", "country"])
    df["submitted_at"] = pd.to_datetime(df["submitted_at"], utc=True)
    return df


@pytest.fixture
def ws() -> Workspace:
    w = Workspace(tables={"profiles": _profiles(), "events": _events(), "survey": _survey()})
    w.layers["votes"] = Layer(pd.DataFrame({"key": ["DE-BY", "DE-BE"], "lean": [0.3, -0.05],
                                            "vote_share_a": [0.6, 0.45], "vote_share_b": [0.3, 0.5]}),
                              {"kind": "political"})
    w.layers["pop"] = Layer(pd.DataFrame({"key": ["DE-BY", "DE-BE"], "population": [13_000_000, 3_600_000]}),
                            {"kind": "population"})
    return w


def adjusted_wald(p: int, d: int, n: int) -> tuple[float, float]:
    n2 = n + 3
    pp, dd = (p + 0.75) / n2, (d + 0.75) / n2
    half = 1.96 * np.sqrt(((pp + dd) - (pp - dd) ** 2) / n2)
    return 100 * (pp - dd - half), 100 * (pp - dd + half)


def test_country_table_counts_rates_and_suppression(ws):
    t, miss = growth.place_table(ws, JAN, "country", k=1)
    assert t.loc["DE", "users"] == 12 and t.loc["DE", "users_start"] == 4 and t.loc["DE", "new_users"] == 8
    assert t.loc["US", "users"] == 15 and t.loc["US", "growth_rate"] == pytest.approx(5 / 10)
    assert t.loc["DE", "users_per_100k"] == pytest.approx(12 / 83_132_799 * 1e5)
    assert t.loc["FR", "users"] == 3
    t, miss = growth.place_table(ws, JAN, "country", k=10)
    # FR (3) is below k; the smallest other cell (JP, 11) goes too, or FR = total - the rest
    assert t.loc["FR", "suppressed_users"] and np.isnan(t.loc["FR", "users"])
    assert t.loc["JP", "suppressed_users"] and np.isnan(t.loc["JP", "users_per_100k"])
    assert not t.loc["DE", "suppressed_users"]
    # DE's 8 and US's 5 new users are both small: hidden with their growth rates
    assert t.loc["DE", "suppressed_new_users"] and np.isnan(t.loc["DE", "growth_rate"])
    assert miss.empty


def test_activity_and_stickiness(ws):
    t, _ = growth.place_table(ws, JAN, "country", k=10)
    assert t.loc["US", "active_users"] == 10
    # 30 user-days over the last 30 days of January, 10 monthly actives: (30 / 30) / 10
    assert t.loc["US", "stickiness"] == pytest.approx(0.1)
    assert t.loc["DE", "active_users"] == 0          # de0 was active only in December


def test_nps_by_place_uses_respondents_and_own_country(ws):
    t, _ = growth.place_table(ws, JAN, "country", k=10)
    # 12 scored by US people + 1 anonymous US promoter; the November response is outside
    assert t.loc["US", "nps_n"] == 13
    assert t.loc["US", "nps"] == pytest.approx(100 * (7 - 3) / 13)
    lo, hi = adjusted_wald(7, 3, 13)
    assert (t.loc["US", "nps_low"], t.loc["US", "nps_high"]) == pytest.approx((lo, hi), abs=0.01)


def test_regions_match_names_and_list_the_unmatched(ws):
    t, miss = growth.place_table(ws, JAN, "region", country="DE", k=10)
    assert t.loc["DE-BY", "users"] == 11
    assert t.loc["DE-BY", "population"] == 13_000_000
    assert miss.to_dict("records") == [{"value": "Atlantis", "count": 1}]


def test_growth_by_month(ws):
    m = growth.growth_by_month(ws, Filter(start=date(2023, 12, 1), end=date(2024, 1, 31)), k=1)
    m = m.set_index(["month", "key"])
    assert m.loc[("2023-12", "US"), "new_users"] == 10 and m.loc[("2024-01", "US"), "new_users"] == 5
    assert m.loc[("2024-01", "US"), "users"] == 15 and m.loc[("2023-12", "DE"), "users"] == 4
    hidden = growth.growth_by_month(ws, JAN, k=10).set_index(["month", "key"])
    assert hidden.loc[("2024-01", "DE"), "suppressed_new"]
    assert hidden.loc[("2024-01", "JP"), "suppressed_users"]   # complement of FR's 3


def test_users_section_for_the_cli(ws):
    out = growth.users_section(ws, JAN)
    assert out == {"total": 41, "by_country": {"DE": 12, "FR": 3, "JP": 11, "US": 15},
                   "new_by_month": {"2024-01": 13}}


def test_income_group_split(ws):
    t = growth.income_group_table(ws, JAN, k=10)
    row = t.loc["1. High income: OECD"]
    assert row["users"] == 41 and row["mau"] == 10
    assert row["active_share"] == pytest.approx(10 / 41)
    assert row["nps_n"] == 13


def test_lean_split_in_neutral_words(ws):
    lean = lean_labels(ws.layers["votes"])
    assert lean.to_dict() == {"DE-BY": "leans a", "DE-BE": "balanced (within 10 pts)"}
    t = growth.lean_table(ws, JAN, lean, k=10)
    assert t.loc["leans a", "users"] == 11
    assert t.loc["(no data)", "users"] == 30
    assert t.loc["(no data)", "nps_n"] == 13


def test_bivariate_terciles():
    x = pd.Series([1, 2, 3, 4, 5, 6], index=list("abcdef"), dtype=float)
    y = pd.Series([6, 5, 4, 3, 2, np.nan], index=list("abcdef"), dtype=float)
    b = growth.bivariate_classes(x, y)
    assert list(b.index) == list("abcde")
    assert b["x_class"].tolist() == [0, 0, 1, 1, 2] and b["y_class"].tolist() == [2, 1, 1, 0, 0]


def test_place_filter_and_cached_sentiment_by_place(ws):
    from humetrics_desktop.core.text.cache import text_hash

    de_only = Filter(start=JAN.start, end=JAN.end, countries=("DE",))
    assert growth.users_section(ws, de_only)["by_country"] == {"DE": 12}
    texts = [f"review {i}" for i in range(12)]
    ws.tables["reviews"] = pd.DataFrame({"text": texts + ["not scored yet"],
                                         "user_id": [f"us{i}" for i in range(12)] + ["us0"],
                                         "created_at": pd.Timestamp("2024-01-10", tz="UTC")})
    polarity = [0.5] * 6 + [-0.5] * 3 + [0.0] * 3
    ws.cache["sentiment"] = pd.DataFrame({"hash": [text_hash(t) for t in texts], "model": "textblob x",
                                          "language": "en", "polarity": polarity, "subjectivity": 0.5,
                                          "status": "scored"})
    t, _ = growth.place_table(ws, JAN, "country", k=10)
    assert t.loc["US", "sentiment_n"] == 12                     # the unscored text is not a zero
    assert t.loc["US", "sentiment"] == pytest.approx(np.mean(polarity))
    sd = np.std(polarity, ddof=1)
    assert t.loc["US", "sentiment_high"] == pytest.approx(np.mean(polarity) + 1.959964 * sd / np.sqrt(12))
