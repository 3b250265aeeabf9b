"""The Usage section through its plot items, controls and signals (offscreen, pytest-qt)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from humetrics_desktop.core.filters import Filter
from humetrics_desktop.core.metrics.activity import build_activity
from humetrics_desktop.core.metrics.engagement import active_users
from humetrics_desktop.core.metrics.lifecycle import lifecycle
from humetrics_desktop.core.metrics.markers import STATE_KEY
from humetrics_desktop.core.progress import Progress
from humetrics_desktop.core.workspace import Workspace
from humetrics_desktop.ui.charts.timeline import epoch_seconds
from humetrics_desktop.ui.sections.usage import UsageSection

REGIONS = ["US-CA", "DE-BY"]


def workspace(users: int = 200, events: int = 6000, days: int = 70, seed: int = 1) -> Workspace:
    rng = np.random.default_rng(seed)
    ids = np.array([f"u{i:03d}" for i in range(users)])
    first = rng.integers(0, days - 10, users)
    who = rng.integers(0, users, events)
    day = np.minimum(first[who] + rng.integers(0, 20, events), days - 1)
    ev = pd.DataFrame({
        "user_id": ids[who],
        "timestamp": pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(day * 86400 + rng.integers(0, 86400, events), unit="s"),
        "event": rng.choice(["open", "edit", "share", "export"], events, p=[.5, .3, .15, .05]),
    })
    region = np.array(REGIONS)[np.arange(users) % 2]
    prof = pd.DataFrame({"user_id": ids, "region": region, "country": [r[:2] for r in region],
                         "plan": np.where(np.arange(users) % 3 == 0, "pro", "free")})
    return Workspace(tables={"events": ev, "profiles": prof})


@pytest.fixture
def section(qtbot):
    sec = UsageSection()
    qtbot.addWidget(sec)
    sec.resize(1400, 900)
    return sec


def show(section: UsageSection, ws: Workspace, flt: Filter = Filter(), k: int = 1) -> None:
    section.show_result(UsageSection.job(ws, flt, {"suppression_k": k})(Progress()))


def test_active_users_curves_match_core(section):
    ws = workspace()
    show(section, ws)
    curves = {s.name: s for s in section.active_plot.series}
    assert set(curves) == {"DAU", "WAU", "MAU"}
    ref = active_users(build_activity(ws.table("events")))
    x, y = section.active_plot.items[2].getData()  # MAU
    assert np.array_equal(y, ref["mau"].to_numpy(dtype=float))
    assert np.array_equal(x, epoch_seconds(ref["date"]))
    assert section.active_plot.getAxis("bottom").__class__.__name__ == "DateAxisItem"
    assert "DAU" in section.headline.text() and "stickiness" in section.headline.text()


def test_lifecycle_bars_put_dormant_below_zero(section):
    ws = workspace()
    show(section, ws)
    ref = lifecycle(build_activity(ws.table("events")), "week")
    bars = {s.name: item for s, item in zip(section.lifecycle_plot.series, section.lifecycle_plot.items)}
    dormant = bars["dormant"].opts["height"]
    assert np.all(dormant <= 0) and np.array_equal(-dormant, ref["dormant"].to_numpy(dtype=float))
    # returning bars stack on top of the new ones
    assert np.array_equal(bars["returning"].opts["y0"], ref["new"].to_numpy(dtype=float))


def test_timelines_share_the_x_range_and_the_crosshair(section, qtbot):
    show(section, workspace())
    section.active_plot.setXRange(1.7e9, 1.71e9, padding=0)
    lo, hi = section.sessions_plot.getPlotItem().vb.viewRange()[0]
    assert (lo, hi) == pytest.approx((1.7e9, 1.71e9))
    x = float(pd.Timestamp("2024-02-01", tz="UTC").timestamp())
    with qtbot.waitSignal(section.active_plot.hovered, timeout=1000):
        section.active_plot.hovered.emit(x)
    assert section.stickiness_plot.crosshair.isVisible() and section.stickiness_plot.crosshair.value() == x
    assert "2024-02-01" in section.readout.text() and "MAU" in section.readout.text()


def test_retention_heatmap_rows_carry_cohort_sizes(section):
    show(section, workspace())
    grid = section.view.result.retention
    values = section.retention_map.values
    assert values.shape[0] == len(grid.sizes)
    first = grid.cells[grid.cells["cohort"] == grid.sizes["cohort"].iloc[0]].sort_values("k")
    assert np.allclose(values[0, :len(first)], first["rate"].to_numpy())
    labels = [t[1] for t in section.retention_map.getAxis("left")._tickLevels[0]]
    assert labels[0].endswith(f"n={grid.sizes['size'].iloc[0]:,}")


def test_tabs_draw_when_opened(section):
    show(section, workspace())
    assert section.adoption_plot.series == []  # not drawn while its tab is closed
    section.tabs.setCurrentIndex(1)
    events = {s.name for s in section.adoption_plot.series}
    assert events == {"open", "edit", "share", "export"}
    x, y = section.adoption_plot.items[0].getOriginalDataset()  # getData() is clipped to the view
    ad = section.view.result.adoption
    top = ad[ad["event"] == section.adoption_plot.series[0].name]
    assert np.allclose(y, top["share"].to_numpy(), equal_nan=True)


def test_engagement_matrix_points_and_median_lines(section):
    show(section, workspace())
    m = section.view.result.matrix
    xs, ys = section.matrix_points.getData()
    assert np.allclose(sorted(xs), sorted(m["breadth"])) and np.allclose(sorted(ys), sorted(m["frequency"]))
    assert section.matrix_medians[0].value() == pytest.approx(m["breadth"].median())
    assert section.matrix_medians[1].value() == pytest.approx(m["frequency"].median())


def test_split_by_region_recomputes_and_filters(section, qtbot):
    ws = workspace()
    show(section, ws)
    section.split.setCurrentIndex(section.split.findData("region"))
    section.split.activated.emit(section.split.currentIndex())
    qtbot.waitUntil(lambda: section.view.result.settings.split_by == "region", timeout=10_000)
    assert ws.view_state["usage"]["split_by"] == "region"
    names = {s.name for s in section.active_plot.series}
    assert names == {"US-CA DAU", "DE-BY DAU"}
    section.segment.setCurrentIndex(section.segment.findData("DE-BY"))
    with qtbot.waitSignal(section.filter_requested, timeout=1000) as sig:
        section.filter_button.click()
    assert sig.args == [{"regions": ["DE-BY"]}]


def test_global_filter_and_suppression(section):
    ws = workspace()
    show(section, ws, Filter(regions=("US-CA",)))
    ca_users = set(ws.table("profiles").query("region == 'US-CA'")["user_id"])
    ev = ws.table("events")
    ref = active_users(build_activity(ev[ev["user_id"].isin(ca_users)]))
    x, y = section.active_plot.items[2].getData()
    # the window stays the data's; days before the first Californian event count 0
    mine = pd.Series(y, index=x)
    assert np.array_equal(mine.reindex(epoch_seconds(ref["date"])).to_numpy(), ref["mau"].to_numpy(dtype=float))
    assert mine.drop(epoch_seconds(ref["date"])).eq(0).all()
    show(section, ws, k=10)
    _, dau = section.active_plot.items[0].getData()
    assert not np.any((dau > 0) & (dau < 10))  # small counts hidden, not drawn
    assert "counts below 10 hidden" in section.headline.text()


def test_markers_are_kept_in_view_state_and_drawn(section, tmp_path):
    ws = workspace()
    show(section, ws)
    section.add_markers([{"date": "2024-02-05", "label": "v2 release", "kind": "release"}])
    csv = tmp_path / "markers.csv"
    csv.write_text("date,label,kind\n2024-02-20,spring campaign,campaign\n", encoding="utf-8")
    from humetrics_desktop.core.metrics.markers import read_markers
    section.add_markers(read_markers(csv))
    assert [m["label"] for m in ws.view_state[STATE_KEY]] == ["v2 release", "spring campaign"]
    for plot in section.timelines:
        assert [round(m.value()) for m in plot.marker_items] == [
            int(pd.Timestamp("2024-02-05", tz="UTC").timestamp()), int(pd.Timestamp("2024-02-20", tz="UTC").timestamp())]


def test_no_events_shows_a_message(section):
    show(section, Workspace(tables={}))
    assert "No events" in section.headline.text()


def test_redraws_do_not_release_references_they_never_took(section):
    """PySide6 6.12 released references to None/True on every void call and item change, which
    aborted Python 3.11 after a few redraws; the pinned PySide6 must not (see test_qt_runtime)."""
    import sys
    show(section, workspace())
    before = [sys.getrefcount(x) for x in (None, True, False)]
    for _ in range(20):
        section._redraw()
    after = [sys.getrefcount(x) for x in (None, True, False)]
    assert all(a >= b - 100 for a, b in zip(after, before)), (before, after)


def test_damaged_saved_options_fall_back_to_defaults(section):
    ws = workspace()
    ws.view_state["usage"] = {"period": "fortnight", "retention_mode": "n", "split_by": 3, "unknown": 1}
    show(section, ws)
    st = section.view.result.settings
    assert (st.period, st.retention_mode, st.split_by) == ("week", "n", None)
