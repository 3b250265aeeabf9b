"""NPS survey responses: about 5% of the users answer each quarter, on a day they were active.

A response's score follows the user's latent disposition; after the price release (story 1) a share
of the story region's responses turn detractor and their comments talk about price. The export also
carries the defects of a real one: a few invalid scores and duplicated rows.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .activity import Activity
from .people import Users, seconds_on
from .plan import N_DAYS, START, Plan, day_of
from .texts import NEGATIVE_THEMES, POSITIVE_THEMES, compose
from .world import World

RESPONSE_RATE = 0.05          # of all users, per full quarter
COMMENT_SHARE = 0.62
# P(score) per latent disposition, scores 0..10.
SCORE_P = np.array([
    [0, 0, 0, 0, 0, 0, 0, 0.06, 0.09, 0.38, 0.47],              # promoter
    [0, 0, 0, 0, 0, 0, 0.12, 0.38, 0.37, 0.13, 0],              # passive
    [0.04, 0.03, 0.06, 0.1, 0.12, 0.2, 0.3, 0.1, 0.05, 0, 0],   # detractor
])
DETRACTOR_SCORE_P = np.array([0.04, 0.03, 0.06, 0.1, 0.14, 0.25, 0.38, 0, 0, 0, 0])
NEGATIVE_THEME_P = np.array([0.10, 0.24, 0.20, 0.14, 0.12, 0.16, 0.04])   # order of NEGATIVE_THEMES
INVALID_SCORES = ("11", "-1", "ten", "")
INVALID_SHARE, DUPLICATE_SHARE = 0.004, 0.003


def quarter_of_day() -> np.ndarray:
    months = np.datetime64(START.isoformat(), "D") + np.arange(N_DAYS)
    m = months.astype("datetime64[M]").astype(np.int64)   # months since 1970-01
    return m // 3


def respondents(activity: Activity, n_users: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(user, day) of each response: per quarter, distinct users drawn among those active in it."""
    quarter = quarter_of_day()
    months_in_window = np.bincount(quarter - quarter[0]) / 30.44   # days -> months
    users, days = [], []
    cell_q = quarter[activity.cell_day] - quarter[0]
    for q, months in enumerate(months_in_window):
        cells = np.flatnonzero(cell_q == q)
        if not len(cells):
            continue
        cells = cells[rng.permutation(len(cells))]
        _, first = np.unique(activity.cell_user[cells], return_index=True)   # one random active day per user
        one_each = cells[np.sort(first)]
        n = min(len(one_each), int(round(RESPONSE_RATE * n_users * months / 3)))
        chosen = one_each[rng.choice(len(one_each), n, replace=False)]
        users.append(activity.cell_user[chosen])
        days.append(activity.cell_day[chosen])
    return np.concatenate(users), np.concatenate(days)


def make_responses(users: Users, activity: Activity, world: World, plan: Plan,
                   rng: np.random.Generator) -> pd.DataFrame:
    """All responses, valid and not, sorted by time; the planted columns start with an underscore."""
    who, day = respondents(activity, len(users), rng)
    n = len(who)
    score = _draw(rng, SCORE_P[users.disposition[who]])
    story_region = int(np.flatnonzero(world.regions["key"].to_numpy() == plan.price.region)[0])
    in_story = (users.region[who] == story_region) & (day >= day_of(plan.price.release))
    shifted = in_story & (rng.random(n) < plan.price.shift_to_detractor)
    score[shifted] = _draw(rng, np.broadcast_to(DETRACTOR_SCORE_P, (int(shifted.sum()), 11)))

    theme = np.empty(n, dtype=object)
    theme[:] = np.array(NEGATIVE_THEMES, dtype=object)[_draw(rng, np.broadcast_to(NEGATIVE_THEME_P, (n, 7)))]
    positive = np.array(POSITIVE_THEMES, dtype=object)[rng.integers(0, len(POSITIVE_THEMES), n)]
    theme = np.where(score >= 9, positive, theme)
    passive_tone = rng.random(n)
    theme = np.where((score >= 7) & (score <= 8) & (passive_tone < 0.5), "neutral", theme)
    theme = np.where((score >= 7) & (score <= 8) & (passive_tone >= 0.5) & (passive_tone < 0.8), positive, theme)
    theme = np.where(shifted & (rng.random(n) < plan.price.theme_share_after), plan.price.theme, theme)
    comment = np.where(rng.random(n) < COMMENT_SHARE, compose(rng, users.language[who], theme), "")

    second = seconds_on(users, who, day, rng)
    order = np.argsort(second, kind="stable")
    df = pd.DataFrame({
        "response_id": [f"R{i:07d}" for i in range(1, n + 1)],
        "_user": who[order], "_second": second[order],
        "score": score[order].astype(str).astype(object), "comment": comment[order],
        "_shifted": shifted[order],
    })
    return _with_defects(df, rng)


def _draw(rng: np.random.Generator, p: np.ndarray) -> np.ndarray:
    """One categorical draw per row of p."""
    cum = np.cumsum(p, axis=1)
    return np.minimum((cum < rng.random(len(p))[:, None] * cum[:, -1:]).sum(axis=1), p.shape[1] - 1)


def _with_defects(df: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Invalid scores of every kind on a few rows, and a few rows exported twice."""
    n = len(df)
    k = min(n, max(len(INVALID_SCORES), int(round(INVALID_SHARE * n))))
    bad = rng.choice(n, k, replace=False)
    df.loc[bad, "score"] = np.resize(np.array(INVALID_SCORES, dtype=object), k)
    df["_invalid"] = False
    df.loc[bad, "_invalid"] = True
    dup = rng.choice(n, min(n, max(3, int(round(DUPLICATE_SHARE * n)))), replace=False)
    out = pd.concat([df, df.iloc[np.sort(dup)]], ignore_index=False).sort_index(kind="stable")
    out["_duplicate"] = out.index.duplicated(keep="first")
    return out.reset_index(drop=True)
