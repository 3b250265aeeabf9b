"""The shipped boundary layers (resources/geo, built by scripts/build_boundaries.py), loaded once.

countries(): one row per country keyed by ISO alpha-2 (`key`), with Natural Earth's population,
GDP, income group and economy class. regions(): one row per first-level region keyed by ISO 3166-2
(HASC where ISO has no code), with its `country`. Both in EPSG:4326.
"""
from __future__ import annotations

from functools import lru_cache

import geopandas as gpd
import pandas as pd

from ...resources import resources_dir

COUNTRY_ATTRIBUTES = ["key", "iso_a3", "name", "continent", "subregion", "pop_est", "pop_year",
                      "gdp_md", "gdp_per_capita", "income_grp", "economy"]


def geo_dir():
    return resources_dir() / "geo"


@lru_cache(maxsize=1)
def countries() -> gpd.GeoDataFrame:
    """World countries; `key` is the ISO alpha-2 code (Natural Earth's ADM0_A3 for the few
    places ISO does not code, `iso` False)."""
    gdf = gpd.read_parquet(geo_dir() / "countries.parquet")
    gdf.insert(0, "key", gdf["iso_a2"])
    return gdf


@lru_cache(maxsize=1)
def regions() -> gpd.GeoDataFrame:
    """First-level regions of every country Natural Earth covers; `key` is the region code."""
    gdf = gpd.read_parquet(geo_dir() / "regions.parquet")
    gdf.insert(0, "key", gdf["code"])
    return gdf


def regions_of(country: str) -> gpd.GeoDataFrame:
    """The first-level regions of one country (empty when none are shipped)."""
    gdf = regions()
    return gdf[gdf["country"] == country].reset_index(drop=True)


def country_attributes() -> pd.DataFrame:
    """Country attributes without geometry, indexed by alpha-2 (the socio-economic base layer)."""
    return pd.DataFrame(countries()[COUNTRY_ATTRIBUTES]).set_index("key")


def country_population() -> pd.Series:
    """Natural Earth's POP_EST by alpha-2 (NaN where unknown or zero)."""
    pop = country_attributes()["pop_est"].astype("float64")
    return pop.where(pop > 0)
