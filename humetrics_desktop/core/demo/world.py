"""The synthetic geography of the demo: first-level regions, their layers and a reference population.

Region codes and names are real (pycountry's first-level ISO 3166-2 subdivisions); every figure
attached to a region is synthetic. A country's real population is split over its regions with
log-normal weights, then each region gets an income group near its country's, a median-income
index, an unemployment rate and a two-party vote. The split uses a fixed seed so every demo
workspace has the same map, whatever the seed of its users.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pycountry

from .countries import COUNTRIES, INCOME_GROUPS, Country

WORLD_SEED = 31662  # fixed: the map is the same for every demo seed
AGE_BANDS: tuple[str, ...] = ("18-24", "25-34", "35-44", "45-54", "55-64", "65+")
AGE_BAND_EDGES: tuple[int, ...] = (18, 25, 35, 45, 55, 65, 101)
_SKIPPED_TYPE_WORDS = ("overseas", "outlying", "dependency", "special municipality")


def first_level_regions(country: str) -> list[tuple[str, str]]:
    """(ISO 3166-2 code, name) of the country's first-level subdivisions, overseas parts left out."""
    out = []
    for sub in pycountry.subdivisions.get(country_code=country) or []:
        if sub.parent_code is not None:
            continue
        if any(word in sub.type.lower() for word in _SKIPPED_TYPE_WORDS):
            continue
        # Parts with their own ISO 3166-1 code (NL-AW Aruba, NL-SX Sint Maarten) are mapped as countries.
        own = pycountry.countries.get(alpha_2=sub.code.split("-", 1)[1])
        if own is not None and (own.name == sub.name or sub.type == "Country"):
            continue
        out.append((sub.code, sub.name))
    return sorted(out)


@dataclass(frozen=True)
class World:
    countries: pd.DataFrame   # one row per country: code, population, internet, income, ...
    regions: pd.DataFrame     # one row per region: key, country, name, population, layers' columns
    reference: pd.DataFrame   # country, age_band, gender, population (adults)
    band_shares: np.ndarray   # countries x age bands: share of each band among the adults


def build_world(fixed_shares: dict[str, float] | None = None) -> World:
    """The demo world; `fixed_shares` gives chosen regions a set share of their country's people."""
    rng = np.random.default_rng(WORLD_SEED)
    countries = pd.DataFrame([c.__dict__ for c in COUNTRIES])
    regions = pd.concat([_regions_of(c, rng, fixed_shares or {}) for c in COUNTRIES], ignore_index=True)
    _add_socioeconomic(regions, rng)
    _add_political(regions, rng)
    band_shares = np.vstack([_adult_band_shares(c.median_age) for c in COUNTRIES])
    reference = _reference_population(band_shares)
    return World(countries, regions, reference, band_shares)


def _regions_of(country: Country, rng: np.random.Generator, fixed: dict[str, float]) -> pd.DataFrame:
    subs = first_level_regions(country.code)
    weights = rng.lognormal(0.0, 0.9, len(subs))
    is_fixed = np.array([key in fixed for key, _ in subs])
    if is_fixed.any():
        weights *= (1.0 - sum(fixed[k] for k, _ in subs if k in fixed)) / weights[~is_fixed].sum()
        weights[is_fixed] = [fixed[k] for k, _ in subs if k in fixed]
    population = np.round(country.population_m * 1e6 * weights / weights.sum()).astype(np.int64)
    return pd.DataFrame({"key": [k for k, _ in subs], "country": country.code,
                         "name": [n for _, n in subs], "population": population})


def _add_socioeconomic(regions: pd.DataFrame, rng: np.random.Generator) -> None:
    """Income group within one step of the country's; index and unemployment follow the group."""
    income_of = {c.code: INCOME_GROUPS.index(c.income) for c in COUNTRIES}
    base = regions["country"].map(income_of).to_numpy()
    step = rng.choice([-1, 0, 1], size=len(regions), p=[0.2, 0.6, 0.2])
    group = np.clip(base + step, 0, len(INCOME_GROUPS) - 1)
    regions["income_group"] = np.array(INCOME_GROUPS, dtype=object)[group]
    level = np.array([0.22, 0.42, 0.68, 1.0])[group] * rng.lognormal(0.0, 0.12, len(regions))
    # Index 100 = the population-weighted median region of the demo world.
    order = np.argsort(level)
    cum = np.cumsum(regions["population"].to_numpy()[order])
    median = level[order][np.searchsorted(cum, cum[-1] / 2)]
    regions["median_income_index"] = np.round(100 * level / median, 1)
    unemployment = np.array([14.0, 10.0, 7.5, 5.0])[group] * rng.lognormal(0.0, 0.25, len(regions))
    regions["unemployment_rate"] = np.round(unemployment, 1)


def _add_political(regions: pd.DataFrame, rng: np.random.Generator) -> None:
    """A two-party vote drawn independently of everything else (no story is planted in it)."""
    major = rng.uniform(0.75, 0.95, len(regions))
    a_share = rng.beta(6, 6, len(regions))
    regions["vote_share_a"] = np.round(major * a_share, 3)
    regions["vote_share_b"] = np.round(major * (1 - a_share), 3)
    lean = (regions["vote_share_a"] - regions["vote_share_b"]) / (regions["vote_share_a"] + regions["vote_share_b"])
    regions["lean"] = np.round(lean, 3)
    regions["turnout"] = np.round(rng.uniform(0.45, 0.8, len(regions)), 3)


def _age_density(median_age: float) -> np.ndarray:
    """Relative population at ages 0..100: exponential decline by age times a survival curve,
    with the decline fitted (by bisection) so the population's median age is the country's."""
    ages = np.arange(101.0)
    survival = 1.0 / (1.0 + np.exp((ages - 78.0) / 5.0))

    def density(g: float) -> np.ndarray:
        return np.exp(-g * ages) * survival

    lo, hi = -0.05, 0.1
    for _ in range(60):
        g = (lo + hi) / 2
        cum = np.cumsum(density(g))
        if np.searchsorted(cum, cum[-1] / 2) > median_age:
            lo = g
        else:
            hi = g
    return density((lo + hi) / 2)


def _adult_band_shares(median_age: float) -> np.ndarray:
    dens = _age_density(median_age)
    totals = np.array([dens[a:b].sum() for a, b in zip(AGE_BAND_EDGES[:-1], AGE_BAND_EDGES[1:])])
    return totals / totals.sum()


def _adult_share(median_age: float) -> float:
    dens = _age_density(median_age)
    return float(dens[18:].sum() / dens.sum())


def female_share(band_index: np.ndarray | int) -> np.ndarray | float:
    """Women outlive men: the female share of a band rises from 49% to 56% for 65+."""
    return 0.49 + 0.014 * np.asarray(band_index, dtype=float)


def _reference_population(band_shares: np.ndarray) -> pd.DataFrame:
    rows = []
    for ci, c in enumerate(COUNTRIES):
        adults = c.population_m * 1e6 * _adult_share(c.median_age)
        for bi, band in enumerate(AGE_BANDS):
            n = adults * band_shares[ci, bi]
            f = female_share(bi)
            rows.append((c.code, band, "female", int(round(n * f))))
            rows.append((c.code, band, "male", int(round(n * (1 - f)))))
    return pd.DataFrame(rows, columns=["country", "age_band", "gender", "population"])
