"""The shipped boundary layers: keys, codes the demo and users rely on, size, clean coverage."""
from __future__ import annotations

import pandas as pd
import pycountry
import pytest
import shapely

from humetrics_desktop.core.geo import boundaries

MAJOR = ["US", "DE", "FR", "GB", "IN", "BR", "JP", "MX", "ES", "IT", "CA", "AU", "CN", "PL", "KR", "ZA",
         "NG", "AR", "TR", "ID"]
# first-level codes Natural Earth has no geometry for (filed as countries, or newer than its survey)
NO_GEOMETRY = {"US-AS", "US-GU", "US-MP", "US-PR", "US-UM", "US-VI", "IN-LA", "IN-TS",
               "CN-HK", "CN-MO", "CN-TW"} | {f"FR-{c}" for c in ("BL", "MF", "NC", "PF", "PM", "TF", "WF", "CP")}


def test_countries_keyed_by_alpha2_with_attributes():
    c = boundaries.countries()
    assert c["key"].is_unique
    iso = c[c["iso"]]
    assert iso["key"].str.fullmatch(r"[A-Z]{2}").all()
    row = c.set_index("key").loc["XK"]
    assert row["iso_a3"] == "XKX" and row["pop_est"] > 1e6
    assert c.set_index("key").loc["DE", "income_grp"] == "1. High income: OECD"
    assert {"pop_est", "gdp_md", "income_grp", "economy", "continent", "name"} <= set(c.columns)
    # France absorbs Clipperton: one FR row
    assert (c["key"] == "FR").sum() == 1


@pytest.mark.parametrize("country", MAJOR)
def test_major_countries_have_every_first_level_code(country):
    have = set(boundaries.regions_of(country)["key"])
    first = {s.code for s in pycountry.subdivisions.get(country_code=country) if s.parent_code is None}
    assert first - NO_GEOMETRY <= have, sorted(first - NO_GEOMETRY - have)


def test_region_keys_are_first_level_iso_or_hasc():
    r = boundaries.regions()
    assert r["key"].is_unique
    subs = {s.code: s for s in pycountry.subdivisions}
    iso = r[r["iso"]]
    assert all(subs[k].parent_code is None for k in iso["key"])  # never a department or province
    assert iso["key"].str[:2].eq(iso["country"]).all()
    assert len(iso) > 3000


def test_finer_units_are_dissolved_into_their_first_level_parent():
    r = boundaries.regions().set_index("key")
    assert r.loc["GB-ENG", "ne_units"] > 100           # English counties and unitary authorities
    assert r.loc["FR-IDF", "ne_units"] == 8             # the eight departments of Ile-de-France
    assert "FR-75C" not in r.index and "IT-MI" not in r.index


def test_index_csv_matches_layer():
    idx = pd.read_csv(boundaries.geo_dir() / "admin1_index.csv", keep_default_na=False)
    assert list(idx.columns) == ["code", "country", "name", "hasc"]
    assert set(idx["code"]) == set(boundaries.regions()["key"])


def test_every_place_has_a_shape():
    for layer in (boundaries.countries(), boundaries.regions()):
        assert not layer.is_empty.any()
        assert layer.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    assert boundaries.regions().set_index("key").geometry["VA.X01~"].area > 0   # an enclave kept


def test_layers_are_small_and_clean_coverages():
    total = sum(p.stat().st_size for p in boundaries.geo_dir().glob("*.parquet"))
    assert total < 25 * 2**20
    de = boundaries.regions_of("DE").geometry.values
    assert shapely.coverage_is_valid(de)
    # neighbours share edges exactly: the union of the Länder has no interior slivers
    union = shapely.coverage_union_all(de)
    assert sum(len(p.interiors) for p in shapely.get_parts(union)) == 0
