import multiprocessing as mp
import os
import signal
import time
from datetime import date

import pandas as pd
import pytest

from humetrics_desktop.core.filters import Filter, apply_filter, filter_options
from humetrics_desktop.core.io.report import ImportReport, ImportResult
from humetrics_desktop.core.workspace import Workspace


def _ws() -> Workspace:
    ws = Workspace()
    profiles = pd.DataFrame({"user_id": ["a", "b", "c"], "country": ["DE", "DE", "FR"],
                             "region": ["DE-BY", "DE-BE", "FR-IDF"], "plan": ["free", "pro", "pro"]})
    events = pd.DataFrame({"user_id": ["a", "a", "b", "c"],
                           "timestamp": pd.to_datetime(["2026-01-01T10:00Z", "2026-01-05T23:59Z",
                                                        "2026-01-03T00:00Z", "2026-01-06T00:00Z"], utc=True),
                           "event": ["open", "buy", "open", "open"]})
    survey = pd.DataFrame({"response_id": ["r1", "r2"], "user_id": ["a", None], "score": [9, 3],
                           "submitted_at": pd.to_datetime(["2026-01-02", "2026-01-04"], utc=True),
                           "country": ["DE", "FR"], "region": [None, None]})
    rep = ImportReport(path="x.csv", format="generic-csv", kind="profiles", read=4, valid=3)
    rep.duplicate()
    ws.add(ImportResult(profiles, rep))
    ws.add(ImportResult(events, ImportReport("e.parquet", kind="events", read=4, valid=4)))
    ws.add(ImportResult(survey, ImportReport("s.csv", kind="survey", read=2, valid=2)))
    ws.add(ImportResult(pd.DataFrame({"key": ["DE-BY"], "lean": [0.2]}),
                        ImportReport("pol.csv", kind="layer"), meta={"kind": "political", "synthetic": True}))
    return ws


def test_save_and_reopen_round_trip(tmp_path):
    ws = _ws()
    ws.view_state["filter"] = {"countries": ["DE"]}
    ws.cache["sentiment"] = pd.DataFrame({"hash": ["h"], "model": ["textblob"], "polarity": [0.5]})
    path = ws.save(tmp_path / "project")
    assert path.name == "project.humetrics"
    back = Workspace.load(path)
    pd.testing.assert_frame_equal(back.table("events"), ws.table("events"))
    pd.testing.assert_frame_equal(back.table("profiles"), ws.table("profiles"))
    assert back.layers["pol"].meta == {"kind": "political", "synthetic": True}
    assert back.reports[0].duplicates == 1 and back.reports[0].reasons["duplicate"] == 1
    assert back.view_state["filter"] == {"countries": ["DE"]}
    assert back.cache["sentiment"].loc[0, "polarity"] == 0.5
    assert back.secret == ws.secret


def test_load_rejects_other_files_with_one_line(tmp_path):
    bad = tmp_path / "x.humetrics"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="not a HuMetrics workspace"):
        Workspace.load(bad)


def _save_forever(path: str, ready) -> None:
    ws = Workspace()
    big = pd.DataFrame({"user_id": [f"u{i}" for i in range(200_000)], "event": ["e"] * 200_000})
    ws.tables["events"] = big
    ready.set()
    while True:
        ws.save(path)


def test_killed_save_leaves_last_good_file(tmp_path):
    path = tmp_path / "w.humetrics"
    good = _ws()
    good.save(path)
    ctx = mp.get_context("spawn")
    for i in range(6):
        ready = ctx.Event()
        proc = ctx.Process(target=_save_forever, args=(str(path), ready))
        proc.start()
        ready.wait(60)
        time.sleep(0.05 + 0.07 * i)
        os.kill(proc.pid, signal.SIGKILL)
        proc.join()
        back = Workspace.load(path)  # never a torn file: either the old or a complete new one
        assert back.table("events") is not None
    leftovers = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    # a killed writer may leave its temporary file, but never in place of the workspace
    assert all(p != path for p in leftovers)


def test_filter_by_place_date_and_segment():
    ws = _ws()
    view = apply_filter(ws, Filter(countries=("DE",)))
    assert sorted(view.table("profiles")["user_id"]) == ["a", "b"]
    assert sorted(view.table("events")["user_id"]) == ["a", "a", "b"]
    assert view.table("survey")["response_id"].tolist() == ["r1"]  # r2 is an unknown person in FR
    view = apply_filter(ws, Filter(countries=("FR",)))
    assert view.table("survey")["response_id"].tolist() == ["r2"]
    # end day is inclusive to 23:59:59
    view = apply_filter(ws, Filter(start=date(2026, 1, 2), end=date(2026, 1, 5)))
    assert view.table("events")["event"].tolist() == ["buy", "open"]
    view = apply_filter(ws, Filter(segments={"plan": ("pro",)}))
    assert sorted(view.table("events")["user_id"]) == ["b", "c"]
    assert apply_filter(ws, Filter()) is ws


def test_filter_round_trips_json_and_options():
    flt = Filter(start=date(2026, 1, 1), regions=("DE-BY",), segments={"plan": ("pro",)})
    assert Filter.from_json(flt.to_json()) == flt
    opts = filter_options(_ws())
    assert opts["countries"] == ["DE", "FR"]
    assert opts["regions"]["DE"] == ["DE-BE", "DE-BY"]
    assert opts["segments"]["plan"] == ["free", "pro"]
    assert opts["dates"] == (date(2026, 1, 1), date(2026, 1, 6))


def test_segment_filter_matches_normalised_labels():
    ws = _ws()
    prof = ws.table("profiles").assign(gender=["f", "Weiblich", "m"], age=[23, "25-34", 70])
    ws.tables["profiles"] = prof
    view = apply_filter(ws, Filter(segments={"gender": ("female",)}))
    assert sorted(view.table("profiles")["user_id"]) == ["a", "b"]
    view = apply_filter(ws, Filter(segments={"age_band": ("65+",)}))
    assert view.table("profiles")["user_id"].tolist() == ["c"]
    opts = filter_options(ws)
    assert opts["segments"]["gender"] == ["female", "male"] and "18-24" in opts["segments"]["age_band"]


def test_personal_fields_are_noted_for_people_not_for_places(tmp_path):
    from humetrics_desktop.core.loading import load_paths
    pd.DataFrame({"user_id": ["a", "b"], "email": ["a@x.org", "b@y.org"]}).to_csv(tmp_path / "users.csv", index=False)
    pd.DataFrame({"key": ["DE-BY", "DE-BE"], "name": ["Bayern", "Berlin"], "lean": [0.1, -0.2]}).to_csv(
        tmp_path / "political_regions.csv", index=False)
    notes = {r.kind: r.notes for r in load_paths([tmp_path]).workspace.reports}
    assert any("email" in n for n in notes["profiles"])
    assert notes["layer"] == []
