"""The calendar of the demo and the parameters of the five planted stories.

Everything a story changes is named here, so the generator modules read one plan and the manifest
describes exactly what was planted. Days are indexed from START (day 0) in UTC.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

START = date(2025, 6, 1)
END = date(2026, 11, 30)                 # inclusive: 18 months of data
N_DAYS = (END - START).days + 1
START_EPOCH_S = int(np.datetime64(START.isoformat(), "s").astype(np.int64))

# Monday .. Sunday: a work tool is used less at weekends.
WEEKDAY_FACTOR = np.array([1.0, 1.0, 0.99, 0.97, 0.9, 0.7, 0.66])

FEATURES: tuple[str, ...] = ("app_open", "view_dashboard", "search", "create_doc", "edit_doc",
                             "comment", "share_doc", "export_pdf", "invite_member", "use_template")
# Share of users who ever use each feature, and its weight among an adopter's events.
FEATURE_ADOPTION = np.array([1.0, 1.0, 0.7, 0.8, 0.85, 0.5, 0.45, 0.3, 0.25, np.nan])
FEATURE_WEIGHT = np.array([0.0, 0.22, 0.12, 0.10, 0.25, 0.10, 0.06, 0.04, 0.02, 0.09])

# Latent disposition of each user towards recommending the product: promoter, passive, detractor.
DISPOSITION_SHARE = np.array([0.47, 0.30, 0.23])


def day_of(d: date) -> int:
    return (d - START).days


def date_of(day: int) -> date:
    return START + timedelta(days=int(day))


@dataclass(frozen=True)
class PriceStory:
    """(1) A release raises prices in one region: its NPS falls and detractors talk about price."""
    region: str = "US-CA"
    region_share: float = 0.22           # of its country's population, so hundreds answer the survey
    release: date = date(2026, 3, 16)
    release_name: str = "5.0"
    shift_to_detractor: float = 0.32     # share of the region's later responses turned detractor
    theme: str = "price"
    theme_share_after: float = 0.85      # of those turned detractors' comments


@dataclass(frozen=True)
class OutageStory:
    """(2) Service incidents: negative feedback rises, and traffic dips `lag_days` later."""
    lag_days: int = 3
    incidents: int = 18
    slot_margin_days: int = 12           # an incident starts this long before its slot ends
    negative_share: float = 0.72         # share of feedback that is negative on an incident day
    baseline_negative_share: float = 0.22
    traffic_factor: float = 0.62         # activity on a dip day relative to a normal day
    volume_factor: float = 1.4           # more feedback is written on an incident day


@dataclass(frozen=True)
class AgeStory:
    """(3) One age group joins far less than its share of the population."""
    band: str = "55-64"
    factor: float = 0.3


@dataclass(frozen=True)
class FeatureStory:
    """(4) One feature is adopted by promoters and rarely by detractors."""
    feature: str = "use_template"
    adoption: tuple[float, float, float] = (0.72, 0.35, 0.08)   # promoter, passive, detractor


@dataclass(frozen=True)
class IncomeStory:
    """(5) Users in richer regions are active on more days and do more per active day."""
    activity: dict[str, float] = field(default_factory=lambda: {
        "high": 1.0, "upper-middle": 0.78, "lower-middle": 0.6, "low": 0.48})


@dataclass(frozen=True)
class Plan:
    price: PriceStory = PriceStory()
    outage: OutageStory = OutageStory()
    age: AgeStory = AgeStory()
    feature: FeatureStory = FeatureStory()
    income: IncomeStory = IncomeStory()


def incident_days(rng: np.random.Generator, story: OutageStory) -> list[tuple[int, int]]:
    """(first day, length) of each incident: one at a random day of each of `incidents` equal slots,
    so incidents never overlap and stay clear of the window's edges."""
    first, last = 21, N_DAYS - story.lag_days - 8
    edges = np.linspace(first, last, story.incidents + 1).astype(int)
    out = []
    for a, b in zip(edges[:-1], edges[1:]):
        out.append((int(rng.integers(a, b - story.slot_margin_days)), int(rng.integers(2, 5))))
    return out


def daily_factors(incidents: list[tuple[int, int]], story: OutageStory) -> tuple[np.ndarray, np.ndarray]:
    """Per day: activity factor (weekday x dips) and whether the day is an incident day."""
    weekday = WEEKDAY_FACTOR[(np.arange(N_DAYS) + START.weekday()) % 7]
    incident = np.zeros(N_DAYS, dtype=bool)
    dip = np.ones(N_DAYS)
    for s, length in incidents:
        incident[s:s + length] = True
        dip[s + story.lag_days:s + story.lag_days + length] = story.traffic_factor
    return weekday * dip, incident
