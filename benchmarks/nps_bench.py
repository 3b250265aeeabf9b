"""NPS at scale: prints JSON timings of the NPS core (and the drill-down model) beside a plain DuckDB
query of the same figures, so each figure is a ratio measured in the same run.

    python benchmarks/nps_bench.py [--responses 300000] [--events 3000000] [--users 200000] [--rows 1000000]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import duckdb
import numpy as np
import pandas as pd

from humetrics_desktop.core.filters import Filter
from humetrics_desktop.core.metrics.nps import nps_section
from humetrics_desktop.core.metrics.nps_alerts import find_declines
from humetrics_desktop.core.metrics.nps_overview import nps_overview
from humetrics_desktop.core.metrics.nps_people import Timelines, respondents_table
from humetrics_desktop.core.workspace import Workspace


def synthetic(users: int, responses: int, events: int, seed: int = 0) -> Workspace:
    rng = np.random.default_rng(seed)
    uid = np.array([f"u{i:07d}" for i in range(users)], dtype=object)
    regions = np.array([f"XX-{i:02d}" for i in range(40)], dtype=object)
    ureg = regions[rng.integers(0, 40, users)]
    profiles = pd.DataFrame({"user_id": uid, "region": ureg, "country": [r[:2] for r in ureg],
                             "plan": rng.choice(["free", "pro", "team"], users), "age": rng.integers(16, 80, users)})
    start = pd.Timestamp("2025-06-01", tz="UTC")
    minutes = 540 * 24 * 60
    who = rng.integers(0, users, responses)
    survey = pd.DataFrame({"user_id": uid[who], "country": [r[:2] for r in ureg[who]],
                           "score": rng.integers(0, 11, responses),
                           "submitted_at": start + pd.to_timedelta(rng.integers(0, minutes, responses), unit="min"),
                           "comment": rng.choice(["too expensive", "love it", "slow search", ""], responses)})
    ev = pd.DataFrame({"user_id": uid[rng.integers(0, users, events)],
                       "timestamp": start + pd.to_timedelta(rng.integers(0, minutes, events), unit="min"),
                       "event": rng.choice([f"feature_{i}" for i in range(10)], events)})
    return Workspace(tables={"profiles": profiles, "survey": survey, "events": ev})


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def reference_section(survey: pd.DataFrame) -> float:
    """The same counts by month and by country with one DuckDB query each (the reference)."""
    con = duckdb.connect()
    con.register("s", survey)
    t0 = time.perf_counter()
    for group in ("strftime(submitted_at, '%Y-%m')", "coalesce(country, '??')"):
        con.execute(f"""select {group} g, count(*) n, sum((score >= 9)::int) p, sum((score <= 6)::int) d
                        from s where score between 0 and 10 group by g""").fetchall()
    return time.perf_counter() - t0


def reference_engagement(survey: pd.DataFrame, events: pd.DataFrame) -> float:
    con = duckdb.connect()
    con.register("r", survey.assign(rid=np.arange(len(survey)))[["rid", "user_id", "submitted_at"]])
    con.register("e", events)
    t0 = time.perf_counter()
    con.execute("""select r.rid, count(distinct cast(e.timestamp as date)), count(distinct e.event)
                   from r join e on e.user_id = r.user_id and e.timestamp <= r.submitted_at
                   and e.timestamp > r.submitted_at - interval 30 day group by r.rid""").fetchall()
    return time.perf_counter() - t0


def model_figures(rows: int) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication
    from humetrics_desktop.ui.models.respondents import RespondentsModel
    app = QApplication.instance() or QApplication(sys.argv[:1])
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"user_id": [f"u{i}" for i in range(rows)], "score": rng.integers(0, 11, rows),
                          "category": pd.Categorical.from_codes(rng.integers(0, 3, rows),
                                                                ["detractor", "passive", "promoter"]),
                          "comment": rng.choice(["too expensive", "love it", "slow search", ""], rows),
                          "region": rng.choice([f"XX-{i:02d}" for i in range(40)], rows)})
    m = RespondentsModel()
    _, t_set = timed(lambda: m.set_frame(frame, b"k"))
    _, t_sort_first = timed(lambda: m.sort(m.column_names().index("region")))
    _, t_sort_again = timed(lambda: m.sort(m.column_names().index("region"), Qt.SortOrder.DescendingOrder))
    _, t_filter = timed(lambda: m.set_filter(category="detractor", equals={"region": ["XX-01"]}))
    _, t_text = timed(lambda: m.set_filter(text="expensive"))
    _, t_pandas_sort = timed(lambda: frame.sort_values("region", kind="stable"))
    del app
    return {"rows": rows, "set_frame_s": t_set, "sort_string_first_s": t_sort_first,
            "sort_again_s": t_sort_again, "filter_category_region_s": t_filter, "filter_text_s": t_text,
            "reference_pandas_sort_s": t_pandas_sort, "sort_first_vs_pandas": t_sort_first / t_pandas_sort}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=200_000)
    ap.add_argument("--responses", type=int, default=300_000)
    ap.add_argument("--events", type=int, default=3_000_000)
    ap.add_argument("--rows", type=int, default=1_000_000)
    a = ap.parse_args()
    ws = synthetic(a.users, a.responses, a.events)
    survey, events = ws.table("survey"), ws.table("events")
    _, t_section = timed(lambda: nps_section(survey))
    t_ref = reference_section(survey)
    resp, t_resp = timed(lambda: respondents_table(survey, ws.table("profiles"), events))
    t_ref_eng = reference_engagement(survey, events)
    _, t_alerts = timed(lambda: find_declines(resp, scopes=("region", "country", "plan", "age_band")))
    _, t_overview = timed(lambda: nps_overview(ws, Filter(), {}))
    timelines, t_tl_build = timed(lambda: Timelines(events, survey))
    uid = survey["user_id"].iloc[0]
    tl, t_tl = timed(lambda: timelines.of(uid))
    _, t_tl_ref = timed(lambda: events.loc[events["user_id"] == uid].sort_values("timestamp"))
    print(json.dumps({
        "responses": a.responses, "events": a.events, "users": a.users,
        "nps_section_s": t_section, "reference_duckdb_s": t_ref, "nps_section_vs_duckdb": t_section / t_ref,
        "respondents_table_s": t_resp, "reference_engagement_duckdb_s": t_ref_eng,
        "respondents_vs_duckdb": t_resp / t_ref_eng,
        "decline_scan_s": t_alerts, "overview_total_s": t_overview,
        "timeline_build_s": t_tl_build, "timeline_lookup_s": t_tl, "reference_pandas_lookup_s": t_tl_ref,
        "timeline_rows": len(tl),
        "drill_down_model": model_figures(a.rows),
    }, indent=1))


if __name__ == "__main__":
    main()
