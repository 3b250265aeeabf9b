"""The manifest's account of the planted stories: what, where, when, and the size seen in the data."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .activity import Activity
from .people import Users
from .plan import FEATURES, Plan, date_of, day_of
from .texts import PRICE_WORDS
from .world import AGE_BANDS, World

_PRICE = re.compile("|".join(w for words in PRICE_WORDS.values() for w in words), re.IGNORECASE)


def _nps(scores: np.ndarray) -> float:
    return round(100.0 * (np.mean(scores >= 9) - np.mean(scores <= 6)), 1) if len(scores) else float("nan")


def describe_stories(plan: Plan, world: World, users: Users, activity: Activity, responses: pd.DataFrame,
                     feedback: pd.DataFrame, incidents: list[tuple[int, int]]) -> list[dict]:
    return [_price(plan, world, users, responses), _outage(plan, feedback, incidents),
            _age(plan, world, users), _feature(plan, users, activity, responses), _income(plan, world, users, activity)]


def _valid(responses: pd.DataFrame) -> pd.DataFrame:
    return responses[~responses["_invalid"] & ~responses["_duplicate"]]


def _price(plan: Plan, world: World, users: Users, responses: pd.DataFrame) -> dict:
    s = plan.price
    region = world.regions.set_index("key").loc[s.region]
    valid = _valid(responses)
    in_region = world.regions["key"].to_numpy()[users.region[valid["_user"].to_numpy()]] == s.region
    after = valid["_second"].to_numpy() >= day_of(s.release) * 86400
    score = valid["score"].astype(int).to_numpy()
    comment = valid["comment"].to_numpy()

    def side(mask):
        det = mask & (score <= 6) & (comment != "")
        mentions = np.array([bool(_PRICE.search(c)) for c in comment[det]], dtype=bool)
        return {"responses": int(mask.sum()), "nps": _nps(score[mask]),
                "detractor_comments": int(det.sum()),
                "price_mention_share": round(float(mentions.mean()), 3) if len(mentions) else None}

    return {
        "id": 1, "name": "price-release",
        "title": f"Release {s.release_name} raised prices in {region['name']}: NPS fell and detractors talk about price",
        "where": {"region": s.region, "name": region["name"], "country": region["country"]},
        "when": {"release": s.release.isoformat(), "month": s.release.strftime("%Y-%m")},
        "planted": {"responses_turned_detractor": s.shift_to_detractor,
                    "their_comments_on_price": s.theme_share_after,
                    "region_share_of_country_population": s.region_share},
        "observed": {"before": side(in_region & ~after), "after": side(in_region & after),
                     "elsewhere_before": side(~in_region & ~after), "elsewhere_after": side(~in_region & after)},
        "detect_with": "NPS in the region before vs after the release (z-test); price words in detractor comments",
    }


def _outage(plan: Plan, feedback: pd.DataFrame, incidents: list[tuple[int, int]]) -> dict:
    s = plan.outage
    day = feedback["_second"].to_numpy() // 86400
    incident_day = np.zeros(day.max() + 1 if len(day) else 1, dtype=bool)
    for start, length in incidents:
        incident_day[start:start + length] = True
    negative = feedback["_tone"].to_numpy() == 0
    on = incident_day[day]
    return {
        "id": 2, "name": "outage-lead",
        "title": f"Negative feedback spikes lead traffic dips by {s.lag_days} days",
        "where": {"region": None, "scope": "all users"},
        "when": {"incidents": [{"start": date_of(a).isoformat(), "days": n} for a, n in incidents],
                 "traffic_dips": [{"start": date_of(a + s.lag_days).isoformat(), "days": n} for a, n in incidents]},
        "planted": {"lag_days": s.lag_days, "negative_share_incident": s.negative_share,
                    "negative_share_baseline": s.baseline_negative_share, "traffic_factor": s.traffic_factor},
        "observed": {"negative_share_incident_days": round(float(negative[on].mean()), 3),
                     "negative_share_other_days": round(float(negative[~on].mean()), 3)},
        "detect_with": "cross-correlation of the differenced daily negative share (feedback.csv) and "
                       "active users (traffic.csv): peak at lag +3 days",
    }


def _age(plan: Plan, world: World, users: Users) -> dict:
    s = plan.age
    b = AGE_BANDS.index(s.band)
    known = ~np.isnan(users.age)
    share = float(np.mean(users.band[known] == b))
    expected = float(np.mean(world.band_shares[users.country[known], b]))
    return {
        "id": 3, "name": "missing-age-group",
        "title": f"Users aged {s.band} are strongly under-represented",
        "where": {"age_band": s.band, "scope": "every country"},
        "when": {"period": "whole window"},
        "planted": {"representation_factor": s.factor},
        "observed": {"user_share": round(share, 4), "expected_share_from_reference": round(expected, 4),
                     "representation_index": round(share / expected, 3)},
        "detect_with": "representation index of age bands against layers/reference_population.csv, "
                       "weighted by the users' countries",
    }


def _feature(plan: Plan, users: Users, activity: Activity, responses: pd.DataFrame) -> dict:
    s = plan.feature
    used = np.zeros(len(users), dtype=bool)
    used[activity.user[activity.event == FEATURES.index(s.feature)]] = True
    valid = _valid(responses)
    score = valid["score"].astype(int).to_numpy()
    who = valid["_user"].to_numpy()
    adoption = {name: round(float(used[np.unique(who[mask])].mean()), 3)
                for name, mask in (("promoters", score >= 9), ("passives", (score >= 7) & (score <= 8)),
                                   ("detractors", score <= 6))}
    return {
        "id": 4, "name": "feature-loved-by-promoters",
        "title": f"Promoters use {s.feature}; detractors rarely do",
        "where": {"feature": s.feature},
        "when": {"period": "whole window"},
        "planted": {"adoption_promoter_passive_detractor": list(s.adoption)},
        "observed": {"share_of_respondents_who_used_it": adoption},
        "detect_with": "share of respondents who ever did the event, by NPS category (chi-square)",
    }


def _income(plan: Plan, world: World, users: Users, activity: Activity) -> dict:
    group = world.regions["income_group"].to_numpy()[users.region]
    days = np.bincount(activity.cell_user, minlength=len(users))
    events = np.bincount(activity.user, minlength=len(users))
    active = days > 0
    observed = {g: {"active_users": int((active & (group == g)).sum()),
                    "mean_active_days": round(float(days[active & (group == g)].mean()), 2),
                    "mean_events_per_active_day": round(float(events[active & (group == g)].sum()
                                                              / days[active & (group == g)].sum()), 2)}
                for g in plan.income.activity if (active & (group == g)).any()}
    return {
        "id": 5, "name": "income-engagement",
        "title": "Users in higher-income regions are more engaged",
        "where": {"layer": "layers/socioeconomic_regions.csv", "column": "income_group"},
        "when": {"period": "whole window"},
        "planted": {"activity_factor": dict(plan.income.activity)},
        "observed": observed,
        "detect_with": "active days per active user and events per active day by the income group of "
                       "the user's region (Kruskal-Wallis)",
    }
