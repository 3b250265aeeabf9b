"""Country and region normalisation against ISO 3166 codes checked by hand."""
import pandas as pd
import pycountry
import pytest

from humetrics_desktop.core.geo import names
from humetrics_desktop.core.geo.names import (normalize_country, normalize_country_series,
                                              normalize_region, normalize_region_series)


@pytest.mark.parametrize("value, expected", [
    ("USA", "US"), ("United States of America", "US"), ("United States", "US"), ("us", "US"),
    ("UK", "GB"), ("Great Britain", "GB"), ("United Kingdom", "GB"),
    ("Deutschland", "DE"), ("Allemagne", "DE"), ("ドイツ", "DE"), ("DEU", "DE"), ("276", "DE"),
    ("日本", "JP"), ("Türkiye", "TR"), ("Turkey", "TR"), ("TURKIYE", "TR"),
    ("Côte d'Ivoire", "CI"), ("Cote d’Ivoire", "CI"), ("Ivory Coast", "CI"),
    ("Korea, Republic of", "KR"), ("Republic of Korea", "KR"), ("South Korea", "KR"),
    ("North Korea", "KP"), ("Russia", "RU"), ("Россия", "RU"),
    ("PRI", "PR"), ("GUM", "GU"), ("HKG", "HK"), ("ABW", "AW"), ("REU", "RE"),
    ("840", "US"), ("4", "AF"), ("004", "AF"), (4, "AF"),
    ("  germany\t", "DE"), ("GERMANY", "DE"), ("Viet Nam", "VN"), ("Vietnam", "VN"),
    ("Congo", "CG"), ("DR Congo", "CD"), ("Congo, The Democratic Republic of the", "CD"),
    ("St Kitts and Nevis", "KN"), ("Saint Kitts and Nevis", "KN"), ("Kosovo", "XK"),
    ("Niger", "NE"), ("Nigeria", "NG"), ("Dominica", "DM"), ("Dominican Republic", "DO"),
    ("Sudan", "SD"), ("South Sudan", "SS"), ("Guinea", "GN"), ("Equatorial Guinea", "GQ"),
    ("中国", "CN"), ("대한민국", "KR"), ("Ελλάδα", "GR"), ("España", "ES"), ("Brasil", "BR"),
])
def test_country_names_and_codes(value, expected):
    assert normalize_country(value) == expected


@pytest.mark.parametrize("value", ["Atlantis", "", "  ", None, float("nan"), "ZZ", "999", "(not set)"])
def test_unknown_countries_are_none(value):
    assert normalize_country(value) is None


@pytest.mark.parametrize("country, value, expected", [
    ("DE", "Bavaria", "DE-BY"), ("DE", "Bayern", "DE-BY"), ("DE", "BY", "DE-BY"),
    ("DE", "DE-BY", "DE-BY"), ("DE", "de-by", "DE-BY"), ("DE", "DE.BY", "DE-BY"),
    ("JP", "JP.TK", "JP-13"), (None, "JP.TK", "JP-13"),  # HASC suffix unlike the ISO one
    ("DE", "North Rhine-Westphalia", "DE-NW"), ("DE", "Nordrhein-Westfalen", "DE-NW"),
    ("US", "California", "US-CA"), ("US", "CA", "US-CA"), ("USA", "california", "US-CA"),
    ("FR", "Île-de-France", "FR-IDF"), ("FR", "Ile de France", "FR-IDF"),
    ("JP", "東京都", "JP-13"), ("JP", "Tokyo", "JP-13"), ("JP", "Tōkyō", "JP-13"), ("JP", "13", "JP-13"),
    ("JP", "大阪府", "JP-27"), ("JP", "北海道", "JP-01"),
    ("KR", "서울특별시", "KR-11"), ("KR", "Seoul", "KR-11"),
    ("RU", "Москва", "RU-MOW"), ("RU", "Moscow", "RU-MOW"),
    ("CN", "北京市", "CN-BJ"), ("CN", "Beijing", "CN-BJ"),
    ("GB", "Scotland", "GB-SCT"), ("GB", "England", "GB-ENG"),
    ("ES", "Cataluña", "ES-CT"), ("ES", "Catalonia", "ES-CT"), ("ES", "Comunidad de Madrid", "ES-MD"),
    ("NL", "North Holland", "NL-NH"), ("CA", "Québec", "CA-QC"), ("CA", "Quebec", "CA-QC"),
    ("TR", "İstanbul", "TR-34"), ("BR", "Sao Paulo", "BR-SP"),
])
def test_region_names_and_codes(country, value, expected):
    assert normalize_region(country, value) == expected


@pytest.mark.parametrize("country, value, expected", [
    # finer subdivisions map to their first-level parent
    ("FR", "Paris", "FR-IDF"), ("FR", "FR-75C", "FR-IDF"), ("GB", "Kent", "GB-ENG"),
    ("IT", "Roma", "IT-62"), ("ES", "Madrid", "ES-MD"),
    # a full code names its country even without one
    (None, "US-TX", "US-TX"), ("??", "DE-BE", "DE-BE"),
])
def test_regions_roll_up_to_first_level(country, value, expected):
    assert normalize_region(country, value) == expected


@pytest.mark.parametrize("country, value", [
    ("US", "Atlantis"), ("US", None), ("US", ""), (None, "California"), ("??", "Bavaria"),
    ("DE", "California"),
])
def test_unknown_regions_are_none(country, value):
    assert normalize_region(country, value) is None


def test_every_alias_points_at_a_real_code():
    alpha2 = {c.alpha_2 for c in pycountry.countries} | {"XK"}
    assert set(names.COUNTRY_ALIASES.values()) <= alpha2
    subdivisions = {s.code for s in pycountry.subdivisions}
    for cc, aliases in names.REGION_ALIASES.items():
        for code in aliases.values():
            assert code in subdivisions and code.startswith(cc + "-"), code


def test_series_resolve_each_distinct_value_once(monkeypatch):
    calls = []
    real = names.normalize_country

    def counting(value):
        calls.append(value)
        return real(value)

    monkeypatch.setattr(names, "normalize_country", counting)
    s = pd.Series(["USA", "Deutschland", None, "USA", "Atlantis"] * 1000, index=range(10, 5010))
    out = normalize_country_series(s)
    assert len(calls) == 3
    assert out.index.equals(s.index)
    assert out.iloc[:5].tolist() == ["US", "DE", None, "US", None]
    assert out.isna().sum() == 2000


def test_region_series_pairs_country_and_value():
    c = pd.Series(["US", "DE", None, "JP", "US", float("nan")])
    v = pd.Series(["CA", "Bayern", "US-TX", None, "CA", "California"])
    assert normalize_region_series(c, v).tolist() == ["US-CA", "DE-BY", "US-TX", None, "US-CA", None]
