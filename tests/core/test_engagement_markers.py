"""Release and campaign markers: validation, CSV import with line-level errors, view-state storage."""
from __future__ import annotations

import pytest

from humetrics_desktop.core.io.report import ImportError_
from humetrics_desktop.core.metrics.markers import (STATE_KEY, add_markers, make_marker, read_markers,
                                                    remove_marker)


def test_make_marker_validates():
    assert make_marker("2024-03-05", " v2 ", "Campaign") == {"date": "2024-03-05", "label": "v2", "kind": "campaign"}
    with pytest.raises(ValueError, match="kind"):
        make_marker("2024-03-05", "x", "launch party")
    with pytest.raises(ValueError, match="empty"):
        make_marker("2024-03-05", "  ")


def test_read_markers_semicolons_and_default_kind(tmp_path):
    f = tmp_path / "m.csv"
    f.write_text("Date;Label;Kind\n2024-01-02;v1.0;\n2024-02-03;Spring sale;campaign\n", encoding="utf-8")
    assert read_markers(f) == [{"date": "2024-01-02", "label": "v1.0", "kind": "release"},
                               {"date": "2024-02-03", "label": "Spring sale", "kind": "campaign"}]


def test_read_markers_names_file_and_line(tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text("date,label\n2024-01-02,ok\nnot a date,broken\n", encoding="utf-8")
    with pytest.raises(ImportError_, match=r"bad.csv: line 3"):
        read_markers(f)
    g = tmp_path / "nolabel.csv"
    g.write_text("date,name\n2024-01-02,x\n", encoding="utf-8")
    with pytest.raises(ImportError_, match="missing label"):
        read_markers(g)


def test_markers_in_view_state_replace_same_date_and_label():
    state: dict = {}
    add_markers(state, [make_marker("2024-02-01", "b"), make_marker("2024-01-01", "a")])
    add_markers(state, [make_marker("2024-02-01", "b", "campaign")])
    assert [(m["date"], m["label"], m["kind"]) for m in state[STATE_KEY]] == [
        ("2024-01-01", "a", "release"), ("2024-02-01", "b", "campaign")]
    remove_marker(state, "2024-01-01", "a")
    assert [m["label"] for m in state[STATE_KEY]] == ["b"]
