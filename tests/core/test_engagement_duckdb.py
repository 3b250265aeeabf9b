"""Usage metrics against an independent implementation: plain DuckDB SQL over the raw events of a
generated dataset (a few thousand events, uneven lifecycles) and of a small demo workspace (the
demo generator's exports, with session ids)."""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from humetrics_desktop.core.metrics.activity import build_activity
from humetrics_desktop.core.metrics.depth import engagement_matrix, feature_adoption
from humetrics_desktop.core.metrics.engagement import active_users, days_active, power_curve
from humetrics_desktop.core.metrics.lifecycle import lifecycle
from humetrics_desktop.core.metrics.retention import retention
from humetrics_desktop.core.metrics.sessions import session_stats


def generate(n_users: int = 300, n_events: int = 6000, days: int = 80, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    first = rng.integers(0, days, n_users)
    life = rng.exponential(20, n_users)
    user = rng.choice(n_users, n_events, p=(w := rng.pareto(1.5, n_users) + 0.1) / w.sum())
    day = np.minimum(first[user] + (rng.random(n_events) * life[user]).astype(int), days - 1)
    # bursts within a day so that the 30-minute session rule matters
    sec = day * 86400 + rng.integers(8, 20, n_events) * 3600 + rng.integers(0, 5400, n_events)
    return pd.DataFrame({
        "user_id": [f"u{u}" for u in user],
        "timestamp": pd.to_datetime(sec + 1_704_067_200, unit="s", utc=True),  # from 2024-01-01
        "event": rng.choice(["open", "view", "search", "share", "export"], n_events, p=[.4, .3, .15, .1, .05]),
    })


@pytest.fixture(scope="module", params=["generated", "demo"])
def data(request, tmp_path_factory):
    if request.param == "generated":
        ev = generate()
    else:
        from humetrics_desktop.core.demo import generate as generate_demo
        folder = tmp_path_factory.mktemp("demo")
        generate_demo(folder, users=300, events=15_000, seed=1)
        ev = pd.read_parquet(folder / "events.parquet")
        ev["timestamp"] = pd.to_datetime(ev["timestamp"], utc=True)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    raw = ev.assign(ts=ev["timestamp"].dt.tz_convert("UTC").dt.tz_localize(None)).drop(columns="timestamp")
    if "session_id" not in raw.columns:
        raw["session_id"] = None
    con.register("raw", raw)
    con.execute("CREATE TABLE ev AS SELECT user_id, ts, event, session_id, CAST(ts AS DATE) AS d FROM raw")
    con.execute("CREATE TABLE ud AS SELECT DISTINCT user_id, d FROM ev")
    con.execute("CREATE TABLE uw AS SELECT DISTINCT user_id, date_trunc('week', d)::DATE AS w FROM ev")
    return ev, build_activity(ev), con


def q(con, sql: str) -> pd.DataFrame:
    return con.execute(sql).df()


def test_active_users(data):
    ev, act, con = data
    ref = q(con, """
        WITH days AS (SELECT unnest(generate_series((SELECT min(d) FROM ud), (SELECT max(d) FROM ud),
                                                    INTERVAL 1 DAY))::DATE AS day)
        SELECT day, count(DISTINCT CASE WHEN d = day THEN user_id END) AS dau,
               count(DISTINCT CASE WHEN d > day - 7 THEN user_id END) AS wau,
               count(DISTINCT user_id) AS mau
        FROM days LEFT JOIN ud ON d BETWEEN day - 29 AND day GROUP BY day ORDER BY day""")
    mine = active_users(act)
    assert len(mine) == len(ref) == (ev["timestamp"].max().normalize() - ev["timestamp"].min().normalize()).days + 1
    for col in ("dau", "wau", "mau"):
        assert mine[col].tolist() == ref[col].tolist(), col


def test_lifecycle_weekly(data):
    ev, act, con = data
    ref = q(con, """
        WITH f AS (SELECT user_id, min(w) AS fw FROM uw GROUP BY 1),
        cls AS (SELECT c.w, CASE WHEN c.w = f.fw THEN 'new'
                                 WHEN p.user_id IS NOT NULL THEN 'returning' ELSE 'resurrecting' END AS kind
                FROM uw c JOIN f USING (user_id)
                LEFT JOIN uw p ON p.user_id = c.user_id AND p.w = c.w - INTERVAL 7 DAY),
        dormant AS (SELECT (p.w + INTERVAL 7 DAY)::DATE AS w, 'dormant' AS kind FROM uw p
                    LEFT JOIN uw c ON c.user_id = p.user_id AND c.w = p.w + INTERVAL 7 DAY
                    WHERE c.user_id IS NULL AND p.w + INTERVAL 7 DAY <= (SELECT max(w) FROM uw))
        SELECT w, kind, count(*) AS n FROM (SELECT * FROM cls UNION ALL SELECT * FROM dormant) GROUP BY 1, 2""")
    mine = lifecycle(act, "week")
    for kind in ("new", "returning", "resurrecting", "dormant"):
        r = ref[ref["kind"] == kind].set_index("w")["n"]
        m = mine.set_index(mine["period_start"].dt.tz_localize(None))[kind]
        assert m[m > 0].to_dict() == {pd.Timestamp(k): v for k, v in r.items()}, kind


@pytest.mark.parametrize("mode", ["n", "unbounded"])
def test_retention_weekly(data, mode):
    ev, act, con = data
    # last week that has fully elapsed: the data's last day is a Sunday, or the week before it
    cmp = "=" if mode == "n" else ">="
    ref = q(con, f"""
        WITH f AS (SELECT user_id, min(w) AS c FROM uw GROUP BY 1),
        last_full AS (SELECT CASE WHEN dayofweek(max(d)) = 0 THEN date_trunc('week', max(d))
                                  ELSE date_trunc('week', max(d)) - INTERVAL 7 DAY END::DATE AS lw FROM ud),
        sizes AS (SELECT c, count(*) AS size FROM f GROUP BY 1),
        ks AS (SELECT DISTINCT c, k FROM sizes, range(0, 1000) t(k), last_full
               WHERE c + INTERVAL (k * 7) DAY <= lw)
        SELECT ks.c, ks.k, size, count(DISTINCT uw.user_id) AS users
        FROM ks JOIN sizes USING (c) JOIN f ON f.c = ks.c
        LEFT JOIN uw ON uw.user_id = f.user_id AND uw.w {cmp} ks.c + INTERVAL (ks.k * 7) DAY
        GROUP BY 1, 2, 3""")
    grid = retention(act, "week", mode)
    mine = {(c.tz_localize(None), k): (u, r) for c, k, u, r in
            zip(grid.cells["cohort"], grid.cells["k"], grid.cells["users"], grid.cells["rate"])}
    theirs = {(pd.Timestamp(c), k): (u, u / s) for c, k, u, s in zip(ref["c"], ref["k"], ref["users"], ref["size"])}
    assert mine.keys() == theirs.keys()
    for key, (u, r) in theirs.items():
        assert mine[key][0] == u and mine[key][1] == pytest.approx(r), key


def test_feature_adoption_and_matrix_at_end(data):
    ev, act, con = data
    ref = q(con, """
        WITH e AS (SELECT max(d) AS e FROM ud),
        recent AS (SELECT * FROM ev, e WHERE d > e.e - 30),
        mau AS (SELECT count(DISTINCT user_id) AS m FROM recent)
        SELECT event, count(DISTINCT user_id) / any_value(m) AS breadth,
               count(DISTINCT (user_id, d)) / count(DISTINCT user_id) AS frequency
        FROM recent, mau GROUP BY event""").set_index("event")
    ad = feature_adoption(act)
    end = ad[ad["date"] == ad["date"].max()].set_index("event")["share"]
    m = engagement_matrix(act).set_index("event")
    for event in ref.index:
        assert end[event] == pytest.approx(ref.loc[event, "breadth"])
        assert m.loc[event, "breadth"] == pytest.approx(ref.loc[event, "breadth"])
        assert m.loc[event, "frequency"] == pytest.approx(ref.loc[event, "frequency"])


def test_sessions(data):
    ev, act, con = data
    # the export's id where a row has one, else a new session after a 30-minute gap
    ref = q(con, """
        WITH g AS (SELECT user_id, ts, session_id,
                          CASE WHEN lag(ts) OVER w IS NULL OR epoch(ts) - epoch(lag(ts) OVER w) > 1800
                               OR lag(session_id) OVER w IS NOT NULL THEN 1 ELSE 0 END AS new
                   FROM ev WHERE session_id IS NULL WINDOW w AS (PARTITION BY user_id ORDER BY ts)),
        s AS (SELECT user_id, ts, 'gap' || sum(new) OVER (PARTITION BY user_id ORDER BY ts
                                                          ROWS UNBOUNDED PRECEDING) AS sid FROM g
              UNION ALL SELECT user_id, ts, 'id' || session_id FROM ev WHERE session_id IS NOT NULL),
        sess AS (SELECT user_id, sid, min(ts) AS t0, epoch(max(ts)) - epoch(min(ts)) AS len FROM s GROUP BY 1, 2)
        SELECT CAST(t0 AS DATE) AS day, count(*) AS sessions, avg(len) AS mean_len
        FROM sess GROUP BY 1 ORDER BY 1""")
    mine = session_stats(act)
    assert mine["sessions"].tolist() == ref["sessions"].tolist()
    assert mine["mean_length_s"].to_numpy() == pytest.approx(ref["mean_len"].to_numpy())


def test_power_curve_and_days_active(data):
    ev, act, con = data
    ref = q(con, """
        WITH n AS (SELECT user_id, count(*) AS k FROM ud WHERE d > (SELECT max(d) FROM ud) - 30 GROUP BY 1)
        SELECT k, count(*) AS users FROM n GROUP BY 1""")
    pc = power_curve(act, 30).set_index("days")["users"]
    assert pc[pc > 0].to_dict() == dict(zip(ref["k"], ref["users"]))
    ref = q(con, """
        SELECT w, k, count(*) AS users FROM (SELECT user_id, date_trunc('week', d)::DATE AS w, count(*) AS k
                                             FROM ud GROUP BY 1, 2) GROUP BY 1, 2""")
    da = days_active(act, "week")
    da = da[da["users"] > 0]
    assert {(p.tz_localize(None), k): u for p, k, u in zip(da["period_start"], da["days"], da["users"])} == \
        {(pd.Timestamp(w), k): u for w, k, u in zip(ref["w"], ref["k"], ref["users"])}


def test_segment_split_sums_to_total(data):
    ev, act, con = data
    users = ev["user_id"].unique()
    labels = pd.Series(np.where(np.arange(len(users)) % 3 == 0, "north", "south"), index=users)
    con.register("seg", labels.rename("segment").rename_axis("user_id").reset_index())
    ref = q(con, """SELECT segment, count(DISTINCT user_id) AS mau FROM ud JOIN seg USING (user_id)
                    WHERE d > (SELECT max(d) FROM ud) - 30 GROUP BY 1""").set_index("segment")["mau"]
    au = active_users(act, act.segment_codes(labels))
    last = au[au["date"] == au["date"].max()].set_index("segment")["mau"]
    assert last.to_dict() == ref.to_dict()


def test_filter_masks_agree_with_the_global_filter(data):
    from humetrics_desktop.core.filters import Filter, selected_users
    from humetrics_desktop.core.metrics.usage import UsageSettings, filter_mask, usage_for_workspace
    from humetrics_desktop.core.workspace import Workspace

    ev, act, con = data
    users = np.array(sorted(ev["user_id"].unique()))
    rng = np.random.default_rng(3)
    prof = pd.DataFrame({"user_id": users[:-20],  # some users have no profile
                         "country": rng.choice(["DE", "FR"], len(users) - 20),
                         "plan": rng.choice(["free", "pro", None], len(users) - 20)})
    prof["region"] = prof["country"] + "-" + rng.choice(["A", "B"], len(prof))
    ws = Workspace(tables={"events": ev, "profiles": prof})
    for flt in (Filter(countries=("DE",)), Filter(regions=("FR-A", "DE-B")), Filter(segments={"plan": ("pro",)}),
                Filter(countries=("FR",), segments={"plan": ("free", "pro")})):
        expected = act.user_mask(selected_users(ws, flt))
        assert np.array_equal(filter_mask(act, prof, flt), expected), flt
    # a filtered result equals the metrics of the filtered events; asking again returns the kept result
    flt = Filter(regions=("FR-A",))
    res = usage_for_workspace(ws, flt, UsageSettings())
    keep = ev["user_id"].isin(selected_users(ws, flt))
    ref = active_users(build_activity(ev[keep]).restrict())
    mine = res.active.set_index("date")["mau"]
    assert mine.reindex(ref["date"]).tolist() == ref["mau"].tolist()
    assert usage_for_workspace(ws, flt, UsageSettings()) is res
