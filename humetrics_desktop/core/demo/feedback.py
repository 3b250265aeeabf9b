"""App-store reviews, social posts and support tickets, and the daily traffic export.

Feedback is written in proportion to the day's active users. On an incident day of story 2 more of
it is written and most of it is negative (about the outage); activity dips `lag_days` later, which
the traffic export shows because it counts the same active days as the events.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .activity import Activity
from .people import Users, seconds_on
from .plan import N_DAYS, OutageStory
from .survey import NEGATIVE_THEME_P
from .texts import NEGATIVE_THEMES, POSITIVE_THEMES, compose

FEEDBACK_PER_USER = 1.0
SOURCES = np.array(["app_store", "google_play", "twitter", "reddit", "support"], dtype=object)
SOURCE_P = np.array([0.30, 0.35, 0.12, 0.08, 0.15])
RATED = np.array([True, True, False, False, True])     # stores rate 1-5 stars, support asks for CSAT
NEUTRAL_SHARE = 0.18        # of the feedback that is not negative
OUTAGE_THEME_SHARE = 0.5    # of the negative feedback on an incident day


def make_feedback(users: Users, activity: Activity, incident: np.ndarray, story: OutageStory,
                  rng: np.random.Generator) -> pd.DataFrame:
    dau = np.bincount(activity.cell_day, minlength=N_DAYS).astype(float)
    volume = dau * np.where(incident, story.volume_factor, 1.0)
    n = int(round(FEEDBACK_PER_USER * len(users)))
    day = np.searchsorted(np.cumsum(volume), rng.random(n) * volume.sum(), side="right")

    # The author is one of the day's active users.
    by_day = np.argsort(activity.cell_day, kind="stable")
    first = np.searchsorted(activity.cell_day[by_day], np.arange(N_DAYS))
    cell = by_day[first[day] + (rng.random(n) * dau[day]).astype(np.int64)]
    author = activity.cell_user[cell]

    negative_p = np.where(incident[day], story.negative_share, story.baseline_negative_share)
    u = rng.random(n)
    tone = np.where(u < negative_p, 0, np.where(u < negative_p + NEUTRAL_SHARE * (1 - negative_p), 1, 2))
    cum = np.cumsum(NEGATIVE_THEME_P)
    theme = np.array(NEGATIVE_THEMES, dtype=object)[np.searchsorted(cum, rng.random(n) * cum[-1], side="right")]
    theme = np.where(incident[day] & (rng.random(n) < OUTAGE_THEME_SHARE), "outage", theme)
    theme = np.where(tone == 1, "neutral", theme)
    theme = np.where(tone == 2, np.array(POSITIVE_THEMES, dtype=object)[rng.integers(0, 5, n)], theme)
    text = compose(rng, users.language[author], theme)

    source = rng.choice(len(SOURCES), n, p=SOURCE_P)
    stars = np.select([tone == 0, tone == 1], [1 + (rng.random(n) < 0.35), np.full(n, 3)],
                      4 + (rng.random(n) < 0.7))
    second = seconds_on(users, author, day, rng)
    order = np.argsort(second, kind="stable")
    return pd.DataFrame({
        "feedback_id": [f"F{i:07d}" for i in range(1, n + 1)],
        "_second": second[order],
        "source": SOURCES[source[order]],
        "text": text[order],
        "rating": pd.Series(stars[order]).where(RATED[source[order]]).astype("Int64"),
        "_user": author[order],
        "_support": source[order] == 4,
        "_tone": tone[order],
    })


def make_traffic(activity: Activity) -> pd.DataFrame:
    """Daily active users and sessions, counted over the same active days as the events."""
    return pd.DataFrame({
        "day": np.arange(N_DAYS),
        "active_users": np.bincount(activity.cell_day, minlength=N_DAYS),
        "sessions": np.bincount(activity.cell_day, weights=activity.cell_sessions, minlength=N_DAYS).astype(np.int64),
    })
