"""Demography: who the users are, shown inclusively, and who is missing.

One computation (demography_result) feeds both the People view and the `demography` section of
`humetrics metrics --json` (demography_section), so the window and the terminal show the same figures.
The pieces live beside this module:
  demography_labels          ages, birth years and band labels; gender and language labels
  demography_tables          one row per person, distributions, cross-tabs, pyramid, by region/period
  core.privacy.tables        small-cell suppression of a table with its margins (shared)
  demography_representation  representation index against a reference population, the plain list
  demography_compare         promoters vs detractors, engaged vs dormant
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..progress import Progress
from .demography_compare import (DETRACTOR, DORMANT, ENGAGED, PROMOTER, Comparison,
                                 activity_groups, compare, nps_groups)
from .demography_representation import Representation, representation
from .demography_tables import (CrossTab, Distribution, by_period, by_region, crosstab,
                                distribution, prepare_profiles, pyramid, segment_columns)

CROSSTABS = (("age_band", "gender"), ("language", "country"))
BY_PLACE_AND_PERIOD = ("age_band", "gender")


@dataclass
class DemographyResult:
    users: int
    k: int | None
    reference_date: dt.date
    segments: list[str]
    distributions: dict[str, Distribution]
    age: dict                               # exact ages known, median, values that could not be read
    pyramid: CrossTab
    crosstabs: dict[str, CrossTab]          # "age_band x gender", "language x country"
    by_region: dict[str, CrossTab]          # attribute -> region x attribute
    by_country: dict[str, CrossTab]         # attribute -> country x attribute
    by_period: dict[str, CrossTab]          # attribute -> signup quarter x attribute
    representation: Representation | None
    promoters_vs_detractors: Comparison | None
    engaged_vs_dormant: Comparison | None

    def to_json(self) -> dict:
        def opt(x):
            return None if x is None else x.to_json()
        return {
            "users": self.users, "suppression_k": self.k,
            "reference_date": self.reference_date.isoformat(), "segments": self.segments,
            "age": self.age,
            "distributions": {c: d.to_json() for c, d in self.distributions.items()},
            "pyramid": self.pyramid.to_json(),
            "crosstabs": {name: t.to_json() for name, t in self.crosstabs.items()},
            "by_region": {c: t.to_json() for c, t in self.by_region.items()},
            "by_country": {c: t.to_json() for c, t in self.by_country.items()},
            "by_period": {c: t.to_json() for c, t in self.by_period.items()},
            "representation": opt(self.representation),
            "promoters_vs_detractors": opt(self.promoters_vs_detractors),
            "engaged_vs_dormant": opt(self.engaged_vs_dormant),
        }


def demography_result(profiles: pd.DataFrame, reference=None, survey: pd.DataFrame | None = None,
                      events: pd.DataFrame | None = None, k: int | None = None,
                      reference_date: dt.date | None = None,
                      progress: Progress | None = None) -> DemographyResult:
    """Every demographic figure of the People view.

    reference: a reference-population layer (Layer or its table) or None. k: small-cell threshold
    (None: unsuppressed, for the data's owner). reference_date: the day birth years are aged to and
    the end of the 30-day activity window (default: the last event's day, else today).
    """
    progress = progress or Progress()
    has_events = events is not None and not events.empty
    if reference_date is None:
        last = pd.to_datetime(events["timestamp"], utc=True, errors="coerce").max() if has_events \
            else pd.NaT
        reference_date = last.date() if not pd.isna(last) else dt.datetime.now(dt.timezone.utc).date()
    progress.set(0.05, "Reading ages, genders and languages")
    people = prepare_profiles(profiles, reference_date)
    segments = segment_columns(people)
    progress.set(0.3, "Counting")
    distributions = {c: distribution(people, c, k) for c in segments}
    crosstabs = {f"{r} x {c}": crosstab(people, r, c, k) for r, c in CROSSTABS}
    progress.set(0.5, "By region and period")
    regional = {c: by_region(people, c, k) for c in BY_PLACE_AND_PERIOD}
    national = {c: crosstab(people, "country", c, k) for c in BY_PLACE_AND_PERIOD}
    periods = {c: by_period(people, c, "Q", k) for c in BY_PLACE_AND_PERIOD}
    progress.set(0.65, "Representation")
    rep = representation(people, reference, k) if reference is not None else None
    compared = [c for c in segments if c != "region"]
    progress.set(0.8, "Promoters and detractors")
    pvd = None
    if survey is not None and not survey.empty and "user_id" in survey:
        groups, notes = nps_groups(survey)
        notes["answers without a profile"] = int((~groups.index.isin(people["user_id"])).sum())
        pvd = compare(people, groups, PROMOTER, DETRACTOR, compared, k, notes)
    progress.set(0.9, "Engaged and dormant users")
    evd = None
    if has_events:
        groups, last_day = activity_groups(events, people["user_id"],
                                           pd.Timestamp(reference_date, tz="UTC"))
        notes = {g: int((groups == g).sum()) for g in ("occasional", "never active")}
        evd = compare(people, groups, ENGAGED, DORMANT, compared, k, notes)
    progress.set(1.0, "Done")
    return DemographyResult(
        users=len(people), k=k, reference_date=reference_date, segments=segments,
        distributions=distributions, age=_age_summary(people, k), pyramid=pyramid(people, k),
        crosstabs=crosstabs, by_region=regional, by_country=national, by_period=periods,
        representation=rep,
        promoters_vs_detractors=pvd, engaged_vs_dormant=evd)


def demography_section(profiles: pd.DataFrame, reference=None, survey: pd.DataFrame | None = None,
                       events: pd.DataFrame | None = None, k: int | None = None,
                       reference_date: dt.date | None = None,
                       progress: Progress | None = None) -> dict:
    """The `demography` section of `humetrics metrics --json`: demography_result as plain JSON.
    Suppressed counts and the figures derived from them are null."""
    return demography_result(profiles, reference, survey, events, k, reference_date,
                             progress).to_json()


def _age_summary(people: pd.DataFrame, k: int | None) -> dict:
    exact = people["age"].dropna()
    # a median of fewer than k ages is one of those people's age: hidden like any small cell
    median = float(np.median(exact)) if len(exact) and not (k and len(exact) < k) else None
    counts = {"exact_ages": len(exact), "unread_values": int(people["age_raw_unread"].sum()),
              "unknown": int((people["age_band"] == "unknown").sum())}
    shown = {key: (None if k and 0 < n < k else int(n)) for key, n in counts.items()}
    return {**shown, "median": median}
