"""Who the demo users are: where they live, how old they are, when they signed up.

Users are spread over countries by population x internet share x a market factor, and over a
country's regions by region population. Ages follow the country's reference population, except for
the planted under-represented band (story 3).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .countries import HOME_MARKET
from .plan import DISPOSITION_SHARE, N_DAYS, WEEKDAY_FACTOR, START, AgeStory
from .world import AGE_BAND_EDGES, AGE_BANDS, World, female_share

# A US-based product reaches more people per internet user in richer markets.
MARKET_FACTOR = {"high": 2.0, "upper-middle": 1.0, "lower-middle": 0.6, "low": 0.4}
HOME_FACTOR = 3.0
LEGACY_SHARE = 0.15          # signed up in the two years before the window
GENDERS = np.array(["female", "male", "non-binary", "prefer not to say", ""], dtype=object)
OTHER_GENDER_SHARE = np.array([0.015, 0.025, 0.02])   # non-binary, prefer not to say, blank
PLANS = np.array(["free", "pro", "team", "enterprise"], dtype=object)
PLAN_SHARE = np.array([0.68, 0.22, 0.08, 0.02])
MISSING_AGE_SHARE = 0.03


@dataclass
class Users:
    country: np.ndarray        # index into world.countries
    region: np.ndarray         # index into world.regions
    signup_s: np.ndarray       # seconds since START (negative for legacy users)
    band: np.ndarray           # age band index
    age: np.ndarray            # float, NaN where missing
    gender: np.ndarray         # index into GENDERS
    language: np.ndarray       # ISO 639-1 code (object)
    plan: np.ndarray           # index into PLANS
    disposition: np.ndarray    # 0 promoter, 1 passive, 2 detractor (latent)

    def __len__(self) -> int:
        return len(self.country)


def country_weights(world: World) -> np.ndarray:
    c = world.countries
    w = c["population_m"].to_numpy() * c["internet"].to_numpy() * c["income"].map(MARKET_FACTOR).to_numpy()
    return w * np.where(c["code"].to_numpy() == HOME_MARKET, HOME_FACTOR, 1.0)


def _pick(rng: np.random.Generator, cum: np.ndarray, n: int | None = None, rows: np.ndarray | None = None) -> np.ndarray:
    """Categorical draws from cumulative probabilities (one row per draw when `rows` is given)."""
    if rows is None:
        return np.searchsorted(cum, rng.random(n) * cum[-1], side="right")
    u = rng.random(len(rows)) * cum[rows, -1]
    return (cum[rows] <= u[:, None]).sum(axis=1)


def make_users(world: World, n: int, age_story: AgeStory, rng: np.random.Generator) -> Users:
    cw = country_weights(world)
    country = _pick(rng, np.cumsum(cw), n)

    regions = world.regions
    region_country = regions["country"].map({c: i for i, c in enumerate(world.countries["code"])}).to_numpy()
    region_pop = regions["population"].to_numpy().astype(float)
    # world.regions lists each country's regions as one block, in country order.
    first = np.searchsorted(region_country, np.arange(len(cw)))
    region = np.empty(n, dtype=np.int64)
    for ci in range(len(cw)):
        idx = np.flatnonzero(country == ci)
        block = region_pop[region_country == ci]
        region[idx] = first[ci] + _pick(rng, np.cumsum(block), len(idx))

    signup_day = np.empty(n, dtype=np.int64)
    legacy = rng.random(n) < LEGACY_SHARE
    signup_day[legacy] = rng.integers(-730, 0, legacy.sum())
    days = np.arange(N_DAYS)
    growth = np.exp(1.1 * days / N_DAYS) * WEEKDAY_FACTOR[(days + START.weekday()) % 7]
    signup_day[~legacy] = _pick(rng, np.cumsum(growth), int((~legacy).sum()))
    signup_s = signup_day * 86400 + rng.integers(0, 86400, n)

    shares = world.band_shares.copy()
    shares[:, AGE_BANDS.index(age_story.band)] *= age_story.factor
    band = _pick(rng, np.cumsum(shares, axis=1), rows=country)
    lo = np.array(AGE_BAND_EDGES[:-1])[band]
    hi = np.array(AGE_BAND_EDGES[1:])[band]
    last_band = band == len(AGE_BANDS) - 1
    hi = np.where(last_band, lo + 1, hi)
    age = (lo + np.floor(rng.random(n) * (hi - lo))).astype(float)
    age[last_band] += np.minimum(np.floor(rng.exponential(8.0, last_band.sum())), 30)
    age[rng.random(n) < MISSING_AGE_SHARE] = np.nan

    u = rng.random(n)
    binary = 1.0 - OTHER_GENDER_SHARE.sum()
    gender = np.where(u < binary * female_share(band), 0, 1)
    edges = binary + np.cumsum(OTHER_GENDER_SHARE)
    gender = np.where(u >= binary, 2 + np.searchsorted(edges, u, side="right"), gender)
    gender = np.minimum(gender, len(GENDERS) - 1)

    language = np.empty(n, dtype=object)
    for ci, langs in enumerate(world.countries["languages"]):
        idx = np.flatnonzero(country == ci)
        codes = np.array([code for code, _ in langs], dtype=object)
        language[idx] = codes[_pick(rng, np.cumsum([s for _, s in langs]), len(idx))]

    plan = _pick(rng, np.cumsum(PLAN_SHARE), n)
    disposition = _pick(rng, np.cumsum(DISPOSITION_SHARE), n)
    return Users(country, region, signup_s, band, age, gender, language, plan, disposition)


def earliest_second(users: Users, user: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Second of the day from which `user` can act on `day`: after signing up, on the signup day."""
    signup = users.signup_s[user]
    return np.where(signup // 86400 == day, signup % 86400, 0)


def seconds_on(users: Users, user: np.ndarray, day: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A uniform moment of `day` (seconds since START) at which `user` had already signed up."""
    floor = earliest_second(users, user, day)
    return day * 86400 + floor + (rng.random(len(user)) * (86400 - floor)).astype(np.int64)
