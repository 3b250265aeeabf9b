"""When the demo users are active and what they do: lifecycles, active days, sessions and events.

Each user lives one activity segment from signup (quickly churned, regular or power user) and may
come back for a second one (resurrected). Within a segment the active days are a Bernoulli process
drawn as geometric gaps, thinned by the weekday and the outage dips of the plan; the events of all
active days then share the requested total. Everything is vectorised over users, days and events.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .people import Users, earliest_second
from .plan import FEATURE_ADOPTION, FEATURE_WEIGHT, FEATURES, N_DAYS, START_EPOCH_S, Plan
from .world import World

POWER_SHARE, QUICK_SHARE = 0.04, 0.45
MEAN_LIFETIME_DAYS = {"quick": 6.0, "regular": 110.0, "power": 500.0}
LEGACY_ALIVE = 0.55            # share of legacy users still active when the window opens
RESURRECT_SHARE, RESURRECT_GAP_DAYS, RESURRECT_LIFETIME_DAYS = 0.25, 75.0, 40.0
MIN_EVENTS_PER_DAY = 6         # active days are fewer when the events would be spread thinner
MEAN_EVENT_GAP_S = 45.0
# Relative share of sessions starting at each local hour: a morning and an evening peak.
DIURNAL = np.array([1, 0.6, 0.4, 0.3, 0.3, 0.5, 1.2, 2.5, 4, 5, 5.2, 4.8, 4, 4.2, 4.5, 4.3, 4,
                    3.8, 3.5, 3.6, 3.8, 3.2, 2.4, 1.6])


@dataclass
class Activity:
    cell_user: np.ndarray      # one row per active user-day, sorted by user then day
    cell_day: np.ndarray
    cell_sessions: np.ndarray
    user: np.ndarray           # one row per event, sorted by time
    time_ms: np.ndarray        # epoch milliseconds, UTC
    event: np.ndarray          # index into FEATURES
    session: np.ndarray        # global session number


def user_income_factor(users: Users, world: World, plan: Plan) -> np.ndarray:
    per_region = world.regions["income_group"].map(plan.income.activity).to_numpy(dtype=float)
    return per_region[users.region]


def simulate(users: Users, world: World, plan: Plan, day_factor: np.ndarray, n_events: int,
             rng: np.random.Generator) -> Activity:
    n = len(users)
    income = user_income_factor(users, world, plan)
    kind = np.where(rng.random(n) < POWER_SHARE, 2, np.where(rng.random(n) < QUICK_SHARE, 0, 1))
    cell_user, cell_day = _active_days(users, kind, income, day_factor, n_events / MIN_EVENTS_PER_DAY, rng)

    a = len(cell_user)
    if a > n_events:   # only for absurdly few events: one event per kept day
        keep = np.sort(rng.choice(a, n_events, replace=False))
        cell_user, cell_day, a = cell_user[keep], cell_day[keep], n_events

    power = kind[cell_user] == 2
    intensity = np.where(power, 2.5, rng.lognormal(0.0, 0.5, a)) * income[cell_user]
    counts = 1 + rng.multinomial(n_events - a, intensity / intensity.sum())
    sessions = np.minimum(counts, 1 + rng.poisson(0.3 + 0.9 * power))

    offsets = world.countries["utc_offset"].to_numpy()[users.country[cell_user]]
    floor = earliest_second(users, cell_user, cell_day)
    ev_user, ev_time_ms, ev_session, first = _event_times(cell_user, cell_day, counts, sessions, offsets, floor, rng)
    ev_event = _event_names(users, ev_user, first, plan, rng)

    order = np.argsort(ev_time_ms, kind="stable")
    return Activity(cell_user, cell_day, sessions, ev_user[order], ev_time_ms[order],
                    ev_event[order], ev_session[order])


def _active_days(users: Users, kind: np.ndarray, income: np.ndarray, day_factor: np.ndarray,
                 most_days: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(user, day) of every active day, sorted, about `most_days` of them at most."""
    n = len(users)
    signup_day = users.signup_s // 86400
    mean_life = np.array([MEAN_LIFETIME_DAYS[k] for k in ("quick", "regular", "power")])[kind]
    rate = np.select([kind == 0, kind == 1], [rng.beta(2, 3, n), rng.beta(1.3, 11, n)], rng.beta(9, 3, n))
    rate = np.minimum(rate * income, 0.95)

    start1 = np.maximum(signup_day, 0)
    alive = (signup_day >= 0) | (rng.random(n) < LEGACY_ALIVE)
    end1 = np.where(alive, np.minimum(start1 + 1 + rng.exponential(mean_life).astype(np.int64), N_DAYS), start1)
    churned = alive & (end1 < N_DAYS - 14)
    back = churned & (rng.random(n) < RESURRECT_SHARE)
    start2 = end1 + 14 + rng.exponential(RESURRECT_GAP_DAYS, n).astype(np.int64)
    end2 = np.minimum(start2 + 1 + rng.exponential(RESURRECT_LIFETIME_DAYS, n).astype(np.int64), N_DAYS)
    back &= start2 < N_DAYS

    # Segments in user order (a user's comeback after the first segment), so the days come out
    # sorted by user and day without duplicates.
    seg_user = np.concatenate([np.flatnonzero(alive), np.flatnonzero(back)])
    order = np.argsort(seg_user, kind="stable")
    seg_user = seg_user[order]
    seg_start = np.concatenate([start1[alive], start2[back]])[order]
    seg_end = np.concatenate([end1[alive], end2[back]])[order]
    seg_rate = np.concatenate([rate[alive], 0.8 * rate[back]])[order]
    # A new user is active on the day of signing up: the first day of their first segment.
    seg_signup = np.concatenate([signup_day[alive] >= 0, np.zeros(int(back.sum()), dtype=bool)])[order]

    # When the events would be spread thinner than MIN_EVENTS_PER_DAY, every non-signup day is
    # kept with the same chance q: the same as drawing the Bernoulli days at rate x q.
    cum_factor = np.concatenate([[0.0], np.cumsum(day_factor)])
    expected = float((seg_rate * (cum_factor[seg_end] - cum_factor[seg_start])).sum())
    q = (most_days - seg_signup.sum()) / expected if expected > 0 else 1.0
    seg_rate = seg_rate * min(1.0, max(q, 1e-6))

    # Bernoulli days as geometric gaps; enough gaps per segment to pass its end with near certainty.
    length = seg_end - seg_start
    mu = length * seg_rate
    k = np.minimum(np.ceil(mu + 4 * np.sqrt(mu) + 4).astype(np.int64), length)
    seg_of = np.repeat(np.arange(len(seg_user)), k)
    gap = rng.geometric(seg_rate[seg_of])
    first = np.cumsum(k) - k
    gap[first[seg_signup]] = 1
    signup_cell = np.zeros(len(gap), dtype=bool)
    signup_cell[first[seg_signup]] = True
    pos = np.cumsum(gap)
    before = np.concatenate([[0], pos[first[1:] - 1]]) if len(k) else np.zeros(0, np.int64)
    day = seg_start[seg_of] + pos - np.repeat(before, k) - 1
    keep = (day < seg_end[seg_of]) & (signup_cell | (rng.random(len(day)) < day_factor[np.minimum(day, N_DAYS - 1)]))
    return seg_user[seg_of[keep]], day[keep]


def _event_times(cell_user, cell_day, counts, sessions, utc_offset_h, floor, rng):
    """Session starts by local hour of day (from `floor`, the cell's earliest second, on), events
    within a session a few seconds to minutes apart."""
    n_sessions = int(sessions.sum())
    cell_of_session = np.repeat(np.arange(len(counts)), sessions)
    hour = np.searchsorted(np.cumsum(DIURNAL), rng.random(n_sessions) * DIURNAL.sum(), side="right")
    local = hour * 3600 + rng.integers(0, 3600, n_sessions)
    utc = (local - np.round(utc_offset_h[cell_of_session] * 3600).astype(np.int64)) % 86400
    start = np.sort(cell_of_session * 86400 + utc) % 86400   # sessions in time order within a day
    low = floor[cell_of_session]
    start = low + start * (86400 - low) // 86400

    n = int(counts.sum())
    cell_of_event = np.repeat(np.arange(len(counts)), counts)
    first_event = np.cumsum(counts) - counts
    j = np.arange(n) - first_event[cell_of_event]
    first_session = np.cumsum(sessions) - sessions
    ev_session = first_session[cell_of_event] + j * sessions[cell_of_event] // counts[cell_of_event]
    first = np.ones(n, dtype=bool)
    first[1:] = ev_session[1:] != ev_session[:-1]

    gap = np.where(first, 0.0, 2.0 + rng.exponential(MEAN_EVENT_GAP_S, n))
    elapsed = np.cumsum(gap)
    session_starts = np.flatnonzero(first)
    elapsed -= np.repeat(elapsed[session_starts], np.diff(np.append(session_starts, n)))
    second = np.minimum(start[ev_session] + elapsed.astype(np.int64), 86399)
    day = cell_day[cell_of_event]
    time_ms = (START_EPOCH_S + day * 86400 + second) * 1000 + rng.integers(0, 1000, n)
    return cell_user[cell_of_event], time_ms, ev_session, first


def _event_names(users: Users, ev_user: np.ndarray, first: np.ndarray, plan: Plan,
                 rng: np.random.Generator, chunk: int = 2_000_000) -> np.ndarray:
    """A session opens with app_open; other events follow each user's own mix of adopted features."""
    n_users, k = len(users), len(FEATURES)
    story = FEATURES.index(plan.feature.feature)
    chance = np.broadcast_to(FEATURE_ADOPTION, (n_users, k)).copy()
    chance[:, story] = np.array(plan.feature.adoption)[users.disposition]
    adopted = rng.random((n_users, k)) < chance
    cum = np.cumsum(FEATURE_WEIGHT * rng.lognormal(0.0, 0.5, (n_users, k)) * adopted, axis=1).astype(np.float32)

    out = np.zeros(len(ev_user), dtype=np.int8)
    for lo in range(0, len(ev_user), chunk):
        rows = ev_user[lo:lo + chunk]
        u = rng.random(len(rows), dtype=np.float32) * cum[rows, -1]
        out[lo:lo + chunk] = np.minimum((cum[rows] <= u[:, None]).sum(axis=1), k - 1)
    out[first] = FEATURES.index("app_open")
    return out
