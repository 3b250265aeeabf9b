"""Segments the Usage metrics split by: profile columns, layer labels joined on region, NPS answers."""
from __future__ import annotations

import pandas as pd

from humetrics_desktop.core.filters import Filter
from humetrics_desktop.core.metrics.activity import build_activity
from humetrics_desktop.core.metrics.engagement import active_users
from humetrics_desktop.core.metrics.usage import UsageSettings, usage_for_workspace
from humetrics_desktop.core.metrics.usage_segments import NPS_SEGMENT, segment_options, user_segments
from humetrics_desktop.core.workspace import Layer, Workspace


def workspace() -> Workspace:
    t = pd.to_datetime(["2024-01-01 10:00", "2024-01-01 11:00", "2024-01-02 10:00", "2024-01-03 10:00"], utc=True)
    events = pd.DataFrame({"user_id": ["a", "b", "c", "a"], "timestamp": t, "event": "open"})
    profiles = pd.DataFrame({"user_id": ["a", "b", "c"], "region": ["DE-BY", "DE-BE", "FR-IDF"],
                             "country": ["DE", "DE", "FR"], "plan": ["pro", "free", None]})
    layer = Layer(pd.DataFrame({"key": ["DE-BY", "DE-BE", "FR-IDF"], "income_group": ["high", "high", "upper-middle"]}),
                  {"kind": "socio-economic", "synthetic": True, "source": "test"})
    survey = pd.DataFrame({"user_id": ["a", "a", "b", None], "score": [2, 10, 7, 9],
                           "submitted_at": pd.to_datetime(["2024-01-01", "2024-01-05", "2024-01-02", "2024-01-02"], utc=True)})
    return Workspace(tables={"events": events, "profiles": profiles, "survey": survey},
                     layers={"income": layer})


def test_options_cover_profile_layer_and_nps():
    opts = segment_options(workspace())
    assert {"region", "country", "plan", "income_group", NPS_SEGMENT} <= set(opts)


def test_labels_per_user():
    ws = workspace()
    assert user_segments(ws, "income_group").to_dict() == {"a": "high", "b": "high", "c": "upper-middle"}
    # a's latest answer (10) makes a promoter; the response without a user id is nobody's
    assert user_segments(ws, NPS_SEGMENT).to_dict() == {"a": "promoter", "b": "passive"}
    assert user_segments(ws, "plan").to_dict() == {"a": "pro", "b": "free"}


def test_split_by_layer_and_nps_in_usage():
    ws = workspace()
    res = usage_for_workspace(ws, Filter(), UsageSettings(split_by="income_group"))
    jan1 = res.active[res.active["date"] == pd.Timestamp("2024-01-01", tz="UTC")].set_index("segment")["dau"]
    assert jan1.to_dict() == {"high": 2, "upper-middle": 0}
    res = usage_for_workspace(ws, Filter(), UsageSettings(split_by=NPS_SEGMENT))
    mau = res.active[res.active["date"] == res.active["date"].max()].set_index("segment")["mau"]
    assert mau.to_dict() == {"passive": 1, "promoter": 1, "unknown": 1}  # c never answered
    plain = active_users(build_activity(ws.table("events")))
    assert mau.sum() == plain["mau"].iloc[-1]
