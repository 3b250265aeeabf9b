"""Usage metrics against a tiny fixture whose answers were worked out by hand (see the comments).

2024-01-01 is a Monday: ISO weeks W1 = Jan 1-7, W2 = Jan 8-14, W3 = Jan 15-21 (data ends Jan 15, so W3
is incomplete). Users and their events:
  a: Jan 1 10:00 open, 10:10 search, 11:00 open (50 min later: a new session), Jan 2 09:00 open, Jan 9 open
  b: Jan 2 open, Jan 3 search, Jan 15 open
  c: Jan 8 open, Jan 9 share
  d: Jan 1 open
"""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from humetrics_desktop.core.metrics.activity import build_activity
from humetrics_desktop.core.metrics.depth import engagement_matrix, feature_adoption
from humetrics_desktop.core.metrics.engagement import active_users, days_active, engagement_section, power_curve
from humetrics_desktop.core.metrics.lifecycle import lifecycle
from humetrics_desktop.core.metrics.retention import retention
from humetrics_desktop.core.metrics.sessions import session_lengths, session_stats, time_spent

ROWS = [
    ("a", "2024-01-01 10:00", "open", 30.0), ("a", "2024-01-01 10:10", "search", 60.0),
    ("a", "2024-01-01 11:00", "open", None), ("a", "2024-01-02 09:00", "open", None),
    ("a", "2024-01-09 12:00", "open", None),
    ("b", "2024-01-02 08:00", "open", None), ("b", "2024-01-03 08:00", "search", None),
    ("b", "2024-01-15 08:00", "open", None),
    ("c", "2024-01-08 20:00", "open", None), ("c", "2024-01-09 20:00", "share", None),
    ("d", "2024-01-01 23:59", "open", None),
]


def events(durations: bool = False) -> pd.DataFrame:
    df = pd.DataFrame(ROWS, columns=["user_id", "timestamp", "event", "duration_s"])
    df["timestamp"] = pd.to_datetime(df["timestamp"], utc=True)
    df = df.sample(frac=1.0, random_state=3).reset_index(drop=True)  # order must not matter
    return df if durations else df.drop(columns="duration_s")


@pytest.fixture
def act():
    return build_activity(events())


def by_date(df: pd.DataFrame, col: str, segment: str = "All") -> dict[str, float]:
    d = df[df["segment"] == segment]
    key = "date" if "date" in d.columns else "period_start"
    return dict(zip(d[key].dt.strftime("%m-%d"), d[col]))


def test_dau_wau_mau_stickiness(act):
    au = active_users(act)
    assert list(au["date"].dt.strftime("%m-%d")) == [f"01-{i:02d}" for i in range(1, 16)]
    dau = by_date(au, "dau")
    assert [dau[f"01-{i:02d}"] for i in range(1, 16)] == [2, 2, 1, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 1]
    wau = by_date(au, "wau")
    # Jan 8: Jan 2-8 -> a, b, c; Jan 10-14: only a, c in reach; Jan 15 (Jan 9-15): a, c, b
    assert [wau[f"01-{i:02d}"] for i in range(1, 16)] == [2, 3, 3, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 3]
    mau = by_date(au, "mau")
    assert [mau[f"01-{i:02d}"] for i in range(1, 16)] == [2, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4]
    assert by_date(au, "stickiness")["01-15"] == pytest.approx(1 / 4)


def test_days_active_weekly(act):
    da = days_active(act, "week")
    w1 = da[da["period_start"] == pd.Timestamp("2024-01-01", tz="UTC")].set_index("days")
    # W1: a on 2 days, b on 2 days, d on 1 day
    assert w1.loc[1, "users"] == 1 and w1.loc[2, "users"] == 2 and w1.loc[3:, "users"].sum() == 0
    assert w1.loc[2, "share"] == pytest.approx(2 / 3)
    assert w1.loc[1, "share_at_least"] == 1.0 and w1.loc[2, "share_at_least"] == pytest.approx(2 / 3)
    assert w1.loc[3, "share_at_least"] == 0.0
    w2 = da[da["period_start"] == pd.Timestamp("2024-01-08", tz="UTC")].set_index("days")
    assert w2.loc[1, "users"] == 1 and w2.loc[2, "users"] == 1  # a on Jan 9; c on Jan 8, 9
    assert bool(w1["complete"].all()) and not da[da["period_start"] == pd.Timestamp("2024-01-15", tz="UTC")]["complete"].any()


def test_power_curves(act):
    l7 = power_curve(act, 7).set_index("days")["users"]  # Jan 9-15: a, c on Jan 9, b on Jan 15
    assert l7[1] == 3 and l7.drop(1).sum() == 0
    l30 = power_curve(act, 30).set_index("days")["users"]  # a 3 days, b 3, c 2, d 1
    assert (l30[1], l30[2], l30[3]) == (1, 1, 2) and l30.drop([1, 2, 3]).sum() == 0
    at_least = power_curve(act, 30).set_index("days")["share_at_least"]
    assert (at_least[1], at_least[2], at_least[3], at_least[4]) == (1.0, 0.75, 0.5, 0.0)


def test_lifecycle_weekly(act):
    lc = lifecycle(act, "week").set_index(lifecycle(act, "week")["period_start"].dt.strftime("%m-%d"))
    assert lc.loc["01-01", ["new", "returning", "resurrecting", "dormant"]].tolist() == [3, 0, 0, 0]
    # W2: c new, a returning, b and d dormant
    assert lc.loc["01-08", ["new", "returning", "resurrecting", "dormant"]].tolist() == [1, 1, 0, 2]
    assert lc.loc["01-08", "pulse"] == pytest.approx(0.5)
    # W3: b comes back after a week away; a and c go dormant
    assert lc.loc["01-15", ["new", "returning", "resurrecting", "dormant"]].tolist() == [0, 0, 1, 2]
    assert not lc.loc["01-15", "complete"]
    assert np.isnan(lc.loc["01-01", "pulse"])  # no dormant users: undefined, not infinite


def test_lifecycle_daily_new_uses_first_ever_event(act):
    lc = lifecycle(act.restrict(start=date(2024, 1, 8)), "day")
    row = lc[lc["period_start"] == pd.Timestamp("2024-01-09", tz="UTC")].iloc[0]
    # Jan 9: a last active Jan 2 -> resurrecting; c active Jan 8 -> returning; dormant: none (only c on Jan 8)
    assert (row["new"], row["returning"], row["resurrecting"], row["dormant"]) == (0, 1, 1, 0)
    assert lc["period_start"].min() == pd.Timestamp("2024-01-08", tz="UTC")


def test_retention_weekly_n_and_unbounded(act):
    grid = retention(act, "week")
    sizes = dict(zip(grid.sizes["cohort"].dt.strftime("%m-%d"), grid.sizes["size"]))
    assert sizes == {"01-01": 3, "01-08": 1}
    cells = {(c.strftime("%m-%d"), k): r for c, k, r in zip(grid.cells["cohort"], grid.cells["k"], grid.cells["rate"])}
    # W3 has not fully elapsed, so no cell reaches it
    assert cells == {("01-01", 0): 1.0, ("01-01", 1): pytest.approx(1 / 3), ("01-08", 0): 1.0}
    unb = retention(act, "week", "unbounded")
    cells = {(c.strftime("%m-%d"), k): r for c, k, r in zip(unb.cells["cohort"], unb.cells["k"], unb.cells["rate"])}
    assert cells == {("01-01", 0): 1.0, ("01-01", 1): pytest.approx(2 / 3), ("01-08", 0): 1.0}


def test_retention_daily_and_signup_cohorts():
    prof = pd.DataFrame({"user_id": ["c"], "signup_at": pd.to_datetime(["2024-01-03 12:00"], utc=True)})
    grid = retention(build_activity(events(), prof), "week")
    cells = {(c.strftime("%m-%d"), k): r for c, k, r in zip(grid.cells["cohort"], grid.cells["k"], grid.cells["rate"])}
    # c signed up in W1: cohort W1 = a, b, c, d; active in W1: a, b, d; in W2: a, c
    assert dict(zip(grid.sizes["cohort"].dt.strftime("%m-%d"), grid.sizes["size"])) == {"01-01": 4}
    assert cells == {("01-01", 0): 0.75, ("01-01", 1): 0.5}
    daily = retention(build_activity(events()), "day", max_k=2)
    d = {(c.strftime("%m-%d"), k): u for c, k, u in zip(daily.cells["cohort"], daily.cells["k"], daily.cells["users"])}
    # Jan 1 cohort a, d: day 1 (Jan 2) a; day 2 (Jan 3) nobody. Jan 2 cohort b: Jan 3 b
    assert d[("01-01", 0)] == 2 and d[("01-01", 1)] == 1 and d[("01-01", 2)] == 0 and d[("01-02", 1)] == 1
    assert daily.cells["k"].max() == 2


def test_feature_adoption_and_matrix(act):
    ad = feature_adoption(act)
    end = ad[ad["date"] == pd.Timestamp("2024-01-15", tz="UTC")].set_index("event")
    assert end["share"].to_dict() == {"open": 1.0, "search": 0.5, "share": 0.25}
    jan8 = ad[ad["date"] == pd.Timestamp("2024-01-08", tz="UTC")].set_index("event")
    assert jan8.loc["search", "adopters"] == 2 and jan8.loc["search", "mau"] == 4
    m = engagement_matrix(act).set_index("event")
    # open: a 3 days, b 2, c 1, d 1 -> 7 / 4
    assert m.loc["open", "frequency"] == pytest.approx(1.75) and m.loc["open", "breadth"] == 1.0
    assert m.loc["search", "frequency"] == 1.0 and m.loc["search", "breadth"] == 0.5
    # medians: breadth 0.5, frequency 1.0 (>= median counts as high)
    assert m["quadrant"].to_dict() == {"open": "core", "search": "core", "share": "niche"}


def test_sessions_by_gap_and_by_export_id():
    act = build_activity(events())
    st = session_stats(act).set_index(session_stats(act)["date"].dt.strftime("%m-%d"))
    # a has 4 sessions (10:00-10:10, 11:00, Jan 2, Jan 9), b 3, c 2, d 1
    assert st["sessions"].sum() == 10
    assert st.loc["01-01", ["sessions", "users"]].tolist() == [3, 2]
    assert st.loc["01-01", "mean_length_s"] == pytest.approx(200.0)
    lengths = session_lengths(act).set_index("length")["sessions"]
    assert lengths["< 1 s"] == 9 and lengths["5-15 min"] == 1 and lengths.sum() == 10
    ev = events()
    ev["session_id"] = np.where((ev["user_id"] == "a") & (ev["timestamp"] < pd.Timestamp("2024-01-02", tz="UTC")),
                                "s1", None)
    st2 = session_stats(build_activity(ev))
    jan1 = st2[st2["date"] == pd.Timestamp("2024-01-01", tz="UTC")].iloc[0]
    assert jan1["sessions"] == 2 and jan1["mean_length_s"] == pytest.approx(1800.0)  # a's s1 lasts 1 h; d 0 s


def test_time_spent_only_where_durations_exist():
    assert time_spent(build_activity(events())) is None
    ts = time_spent(build_activity(events(durations=True)))
    assert ts["date"].dt.strftime("%m-%d").tolist() == ["01-01"]
    assert ts[["total_s", "users", "mean_per_user_s"]].iloc[0].tolist() == [90.0, 1, 90.0]


def test_segment_split_and_user_filter(act):
    labels = pd.Series({"a": "north", "b": "north", "c": "south"})
    split = act.segment_codes(labels)
    assert split[1] == ["north", "south", "unknown"]
    au = active_users(act, split)
    assert by_date(au, "dau", "north")["01-01"] == 1 and by_date(au, "dau", "unknown")["01-01"] == 1
    assert by_date(au, "mau", "north")["01-15"] == 2 and by_date(au, "mau", "south")["01-15"] == 1
    lc = lifecycle(act, "week", split)
    w2 = lc[lc["period_start"] == pd.Timestamp("2024-01-08", tz="UTC")].set_index("segment")
    assert w2.loc["north", ["new", "returning", "dormant"]].tolist() == [0, 1, 1]
    assert w2.loc["south", "new"] == 1 and w2.loc["unknown", "dormant"] == 1
    north = act.restrict(users=act.user_mask(["a", "b"]))  # gathers the users' row ranges
    assert by_date(active_users(north), "mau")["01-15"] == 2
    assert north.user_day["uid"].n_unique() == 2 and north.sessions.height == 7  # a: 4 sessions, b: 3
    again = act.restrict(end=date(2024, 1, 14)).restrict(users=act.user_mask(["a", "c"]))  # masks rows
    # a: (Jan 1 open, search), (Jan 2 open), (Jan 9 open); c: (Jan 8 open), (Jan 9 share)
    assert by_date(active_users(again), "mau")["01-14"] == 2 and again.user_day_event.height == 6


def test_date_filter_keeps_history_for_rolling_windows(act):
    au = active_users(act.restrict(start=date(2024, 1, 8), end=date(2024, 1, 9)))
    assert au["date"].dt.strftime("%m-%d").tolist() == ["01-08", "01-09"]
    assert by_date(au, "wau")["01-08"] == 3 and by_date(au, "mau")["01-09"] == 4


def test_engagement_section_matches_cli_contract():
    sec = engagement_section(events())
    assert set(sec) >= {"dau", "wau", "mau", "stickiness", "retention_weekly", "feature_adoption"}
    assert sec["dau"]["2024-01-01"] == 2 and sec["mau"]["2024-01-15"] == 4
    assert sec["stickiness"]["2024-01-15"] == pytest.approx(0.25) and sec["stickiness"]["2024-01-04"] == 0.0
    assert sec["retention_weekly"] == {"2024-01-01": {"size": 3, "rates": [1.0, pytest.approx(1 / 3)]},
                                       "2024-01-08": {"size": 1, "rates": [1.0]}}
    assert sec["feature_adoption"] == {"open": 1.0, "search": 0.5, "share": 0.25}


def test_engagement_section_suppressed():
    sec = engagement_section(events(), suppress_k=3)
    # DAU 2 on Jan 1 is hidden, MAU 4 on Jan 15 is not; its stickiness (DAU 1) is hidden too
    assert sec["dau"]["2024-01-01"] is None and sec["dau"]["2024-01-04"] == 0 and sec["mau"]["2024-01-15"] == 4
    assert sec["stickiness"]["2024-01-15"] is None
    # the W2 cohort (1 user) is left out; W1 (3 users) keeps r0 (3 of 3) and hides r1 (1 of 3)
    assert sec["retention_weekly"] == {"2024-01-01": {"size": 3, "rates": [1.0, None]}}
    assert sec["feature_adoption"] == {"open": 1.0, "search": None, "share": None}


def test_rows_without_user_or_time_are_counted_not_used():
    ev = events()
    ev.loc[0, "user_id"] = None
    ev.loc[1, "timestamp"] = pd.NaT
    act = build_activity(ev)
    assert act.rejected == 2
    with pytest.raises(ValueError, match="missing column 'event'"):
        build_activity(ev.drop(columns="event"))


def test_interleaved_session_ids_are_grouped_by_id():
    t = pd.to_datetime(["2024-01-01 10:00", "2024-01-01 10:05", "2024-01-01 10:20", "2024-01-01 12:00"], utc=True)
    ev = pd.DataFrame({"user_id": ["x", "x", "x", "y"], "timestamp": t, "event": "open",
                       "session_id": ["A", "B", "A", None]})
    st = session_stats(build_activity(ev)).iloc[0]
    # A spans 10:00-10:20 (1200 s), B one event (0 s), y's event without an id is a session of its own
    assert st["sessions"] == 3 and st["mean_length_s"] == pytest.approx(400.0)
