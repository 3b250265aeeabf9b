"""Usage: active users and stickiness over time, lifecycle, retention cohorts, feature adoption and the
engagement matrix, power users, sessions; split by a segment, with release and campaign markers.
Renders what core.metrics.usage computed; the controls that change a computation re-run it in a worker."""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
                               QGridLayout, QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPushButton,
                               QTabWidget, QVBoxLayout, QWidget)

from ...core.filters import Filter
from ...core.io.report import ImportError_
from ...core.metrics.markers import KINDS, add_markers, make_marker, markers, read_markers
from ...core.metrics.periods import ALL, PERIODS
from ...core.metrics.retention import MODES
from ...core.metrics.usage import UsageResult, UsageSettings, usage_for_workspace
from ...core.metrics.usage_segments import segment_options
from ...core.privacy import DEFAULT_K
from ...core.progress import Progress
from ...core.workspace import Workspace
from ..charts.heatmap import Heatmap
from ..charts.timeline import DAY_S, PALETTE, TimelinePlot, epoch_seconds, link_x
from ..workers import JobRunner
from .base import Section

STATE_KEY = "usage"
MAX_SEGMENT_LINES = 8   # more lines than this are unreadable: the largest segments are drawn
LIFECYCLE = (("new", "#2ca02c"), ("returning", "#1f77b4"), ("resurrecting", "#ff7f0e"))
DORMANT = "#d62728"
PERIOD_S = {"day": DAY_S, "week": 7 * DAY_S, "month": 30.44 * DAY_S}
SPLIT_NAMES = {"region": "region", "country": "country", "plan": "plan", "age_band": "age band",
               "gender": "gender", "language": "language", "nps_category": "NPS category"}


@dataclass
class UsageView:
    """What the job hands the view: the metrics plus what is needed to re-run with other options."""
    result: UsageResult | None
    options: list[str]
    ws: Workspace
    flt: Filter
    k: int = DEFAULT_K


def saved_settings(ws: Workspace) -> UsageSettings:
    """The section's options kept in the workspace; values a newer or damaged file holds that this
    version does not know fall back to the defaults."""
    saved = ws.view_state.get(STATE_KEY, {})
    default = UsageSettings()
    allowed = {"period": PERIODS, "retention_period": PERIODS, "retention_mode": MODES}
    values = {}
    for f in dataclasses.fields(UsageSettings):
        v = saved.get(f.name, getattr(default, f.name))
        if f.name in allowed and v not in allowed[f.name]:
            v = getattr(default, f.name)
        values[f.name] = v if f.name != "split_by" or v is None or isinstance(v, str) else None
    return UsageSettings(**values)


def compute(ws: Workspace, flt: Filter, progress: Progress, k: int = DEFAULT_K) -> UsageView:
    options = segment_options(ws)
    settings = saved_settings(ws)
    if settings.split_by not in options:
        settings = dataclasses.replace(settings, split_by=None)
    return UsageView(usage_for_workspace(ws, flt, settings, progress, k), options, ws, flt, k)


def _n(x: float) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:,.0f}"


def _pct(x: float) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.1%}"


def _titled(title: str, widget: QWidget) -> QWidget:
    box = QWidget()
    lay = QVBoxLayout(box)
    lay.setContentsMargins(2, 2, 2, 2)
    lay.setSpacing(2)
    lay.addWidget(QLabel(f"<b>{title}</b>"))
    lay.addWidget(widget, 1)
    return box


class MarkerDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a marker")
        self.date = QDateEdit(QDate.currentDate())
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.label = QLineEdit()
        self.label.setPlaceholderText("e.g. v2.3 release, spring campaign")
        self.kind = QComboBox()
        self.kind.addItems(KINDS)
        form = QFormLayout(self)
        form.addRow("Date (UTC)", self.date)
        form.addRow("Label", self.label)
        form.addRow("Kind", self.kind)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def marker(self) -> dict:
        return make_marker(self.date.date().toString("yyyy-MM-dd"), self.label.text(), self.kind.currentText())


class UsageSection(Section):
    name = "usage"
    title = "Usage"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view: UsageView | None = None
        self.runner = JobRunner(self)

        self.headline = QLabel("No events imported.")
        self.headline.setWordWrap(True)
        self.headline.setTextFormat(Qt.TextFormat.RichText)
        self.readout = QLabel(" ")
        self.readout.setTextFormat(Qt.TextFormat.RichText)

        # controls that change the computation
        self.split = QComboBox()
        self.period = self._combo([("by day", "day"), ("by week", "week"), ("by month", "month")])
        self.ret_period = self._combo([("daily cohorts", "day"), ("weekly cohorts", "week"), ("monthly cohorts", "month")])
        self.ret_mode = self._combo([("N-period retention", "n"), ("unbounded retention", "unbounded")])
        for c in (self.split, self.period, self.ret_period, self.ret_mode):
            c.activated.connect(self._settings_changed)
        # controls that only change the drawing
        self.segment = QComboBox()
        self.segment.setMinimumContentsLength(12)
        self.segment.activated.connect(self._redraw)
        self.metric_box = self._combo([("DAU", "dau"), ("WAU", "wau"), ("MAU", "mau")])
        self.metric_box.activated.connect(self._redraw)
        self.filter_button = QPushButton("Filter to segment")
        self.filter_button.setToolTip("Apply this segment as the global filter (every view follows it)")
        self.filter_button.clicked.connect(self._filter_to_segment)
        self.add_marker_button = QPushButton("Add marker…")
        self.add_marker_button.clicked.connect(self._add_marker)
        self.import_markers_button = QPushButton("Import markers…")
        self.import_markers_button.setToolTip("CSV with columns date, label and optionally kind (release or campaign)")
        self.import_markers_button.clicked.connect(self._import_markers)

        bar = QHBoxLayout()
        for label, w in (("Split by", self.split), ("Show", self.segment), ("", self.metric_box), ("", self.filter_button),
                         ("Lifecycle", self.period), ("Retention", self.ret_period), ("", self.ret_mode)):
            if label:
                bar.addWidget(QLabel(label))
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.add_marker_button)
        bar.addWidget(self.import_markers_button)

        self.active_plot = TimelinePlot("Active users")
        self.lifecycle_plot = TimelinePlot("Users (dormant below zero)")
        self.retention_map = Heatmap("Periods since the cohort started")
        self.matrix_plot = pg.PlotWidget()
        self.stickiness_plot = TimelinePlot("DAU / MAU", percent=True)
        self.adoption_plot = TimelinePlot("Share of MAU", percent=True)
        self.sessions_plot = TimelinePlot("Sessions per active user")
        self.length_plot = TimelinePlot("Mean session length (min)")
        self.time_plot = TimelinePlot("Minutes per user with durations")
        self.power_plot = pg.PlotWidget()
        self.days_plot = pg.PlotWidget()
        self.length_hist = pg.PlotWidget()
        self.timelines = [self.active_plot, self.lifecycle_plot, self.stickiness_plot, self.adoption_plot,
                          self.sessions_plot, self.length_plot, self.time_plot]
        link_x(self.timelines)
        for p in self.timelines:
            p.hovered.connect(self._hovered)
        self.retention_map.hovered.connect(self._retention_hovered)
        for p in (self.matrix_plot, self.power_plot, self.days_plot, self.length_hist):
            p.setBackground("w")
            p.showGrid(x=True, y=True, alpha=0.15)
            p.getAxis("left").enableAutoSIPrefix(False)
        self.matrix_plot.setLabel("bottom", "Breadth: share of MAU using the feature")
        self.matrix_plot.setLabel("left", "Frequency: days used per user (30 days)")

        self.tabs = QTabWidget()
        self.tabs.addTab(self._grid([(self.active_plot, "Active users"), (self.lifecycle_plot, "Lifecycle"),
                                     (self.retention_map, "Retention by cohort (row: cohort start and size)"),
                                     (self.matrix_plot, "Engagement matrix (lines at the medians)")]), "Overview")
        self.tabs.addTab(self._grid([(self.stickiness_plot, "Stickiness (DAU / MAU)"),
                                     (self.adoption_plot, "Feature adoption (30-day users / MAU)"),
                                     (self.power_plot, "Power users: active days in the last 7 and 30 days"),
                                     (self.days_plot, "Days active per period (last complete period)")]),
                         "Stickiness and features")
        self.tabs.addTab(self._grid([(self.sessions_plot, "Sessions"), (self.length_plot, "Session length"),
                                     (self.length_hist, "Session lengths"), (self.time_plot, "Time spent")]),
                         "Sessions")

        self._drawn: set[int] = set()
        self.tabs.currentChanged.connect(self._draw_tab)

        lay = QVBoxLayout(self)
        lay.addWidget(self.headline)
        lay.addLayout(bar)
        lay.addWidget(self.readout)
        lay.addWidget(self.tabs, 1)

    # ---- Section contract ------------------------------------------------------------------------
    @staticmethod
    def job(ws: Workspace, flt: Filter, settings: dict[str, Any]) -> Callable[[Progress], Any]:
        k = int(settings.get("suppression_k", DEFAULT_K))
        return lambda progress: compute(ws, flt, progress, k)

    def show_result(self, result: UsageView | None) -> None:
        self.view = result
        res = result.result if result else None
        self._fill_controls(result)
        if res is None:
            self.headline.setText("No events imported: the Usage section needs an events table.")
            for p in self.timelines:
                p.clear_series()
            return
        self._redraw()

    # ---- helpers to build the layout ----------------------------------------------------------------
    @staticmethod
    def _combo(items: list[tuple[str, str]]) -> QComboBox:
        c = QComboBox()
        for text, data in items:
            c.addItem(text, data)
        return c

    @staticmethod
    def _grid(cells: list[tuple[QWidget, str]]) -> QWidget:
        w = QWidget()
        g = QGridLayout(w)
        g.setContentsMargins(0, 0, 0, 0)
        for i, (widget, title) in enumerate(cells):
            g.addWidget(_titled(title, widget), i // 2, i % 2)
        return w

    def _fill_controls(self, view: UsageView | None) -> None:
        st = view.result.settings if view and view.result else UsageSettings()
        self.split.clear()
        self.split.addItem("no split", None)
        for opt in (view.options if view else []):
            self.split.addItem(SPLIT_NAMES.get(opt, opt.replace("_", " ")), opt)
        self.split.setCurrentIndex(max(0, self.split.findData(st.split_by)))
        for combo, value in ((self.period, st.period), (self.ret_period, st.retention_period),
                             (self.ret_mode, st.retention_mode)):
            combo.setCurrentIndex(max(0, combo.findData(value)))
        previous = self.segment.currentData()
        self.segment.clear()
        for s in self._segments_by_size():
            self.segment.addItem(s, s)
        self.segment.setCurrentIndex(max(0, self.segment.findData(previous)))
        split_on = bool(view and view.result and view.result.settings.split_by)
        for w in (self.segment, self.metric_box, self.filter_button):
            w.setEnabled(split_on)

    def _segments_by_size(self) -> list[str]:
        res = self.view.result if self.view else None
        if res is None or res.active.empty:
            return []
        last = res.active[res.active["date"] == res.active["date"].max()]
        return last.sort_values("mau", ascending=False, kind="stable")["segment"].tolist()

    def current_segment(self) -> str:
        return self.segment.currentData() or ALL

    # ---- drawing ----------------------------------------------------------------------------------
    def _redraw(self, *_: Any) -> None:
        """Draw the open tab now and the others when they are opened: the GUI thread stays free."""
        res = self.view.result if self.view else None
        if res is None:
            return
        self._draw_headline(res, self.current_segment())
        self._drawn.clear()
        self._draw_tab(self.tabs.currentIndex())
        self._draw_markers()

    def _draw_tab(self, index: int) -> None:
        res = self.view.result if self.view else None
        if res is None or index in self._drawn:
            return
        self._drawn.add(index)
        seg = self.current_segment()
        if index == 0:
            self._draw_active(res)
            self._draw_lifecycle(res, seg)
            self._draw_retention(res, seg)
            self._draw_matrix(res, seg)
        elif index == 1:
            self._draw_stickiness(res)
            self._draw_adoption(res, seg)
            self._draw_power(res, seg)
            self._draw_days_active(res, seg)
        else:
            self._draw_sessions(res, seg)

    def _draw_headline(self, res: UsageResult, seg: str) -> None:
        a = res.active[res.active["segment"] == seg]
        if a.empty:
            self.headline.setText("No activity in the filtered period.")
            return
        last = a.iloc[-1]
        lc = res.lifecycle[(res.lifecycle["segment"] == seg) & res.lifecycle["complete"]]
        pulse = lc["pulse"].iloc[-1] if len(lc) else float("nan")
        where = "" if seg == ALL else f" — {seg}"
        source = "the export's session ids" if res.has_session_ids else "a 30-minute gap"
        rejected = f" · {res.rejected:,} events without user, time or name not counted" if res.rejected else ""
        if res.suppression_k > 1:
            rejected += f" · counts below {res.suppression_k} hidden"
        self.headline.setText(
            f"<b>{last['date']:%Y-%m-%d}{where}</b>: DAU <b>{_n(last['dau'])}</b> · WAU {_n(last['wau'])} · "
            f"MAU <b>{_n(last['mau'])}</b> · stickiness <b>{_pct(last['stickiness'])}</b> · "
            f"pulse ratio (last complete {res.settings.period}) <b>{'–' if math.isnan(pulse) else f'{pulse:.2f}'}</b>"
            f"<br>{res.users:,} users active {res.start} to {res.end}; sessions by {source}{rejected}")

    def _top_segments(self, res: UsageResult) -> list[str]:
        segs = self._segments_by_size()
        return segs[:MAX_SEGMENT_LINES]

    def _draw_active(self, res: UsageResult) -> None:
        p = self.active_plot
        p.clear_series()
        if not res.settings.split_by:
            a = res.active
            x = epoch_seconds(a["date"])
            for col, colour in (("dau", PALETTE[0]), ("wau", PALETTE[1]), ("mau", PALETTE[2])):
                p.add_line(col.upper(), x, a[col].to_numpy(), colour)
            return
        metric = self.metric_box.currentData()
        for i, s in enumerate(self._top_segments(res)):
            a = res.active[res.active["segment"] == s]
            p.add_line(f"{s} {metric.upper()}", epoch_seconds(a["date"]), a[metric].to_numpy(), PALETTE[i % len(PALETTE)])

    def _draw_stickiness(self, res: UsageResult) -> None:
        p = self.stickiness_plot
        p.clear_series()
        segs = self._top_segments(res) if res.settings.split_by else [ALL]
        for i, s in enumerate(segs):
            a = res.active[res.active["segment"] == s]
            p.add_line(s if res.settings.split_by else "DAU / MAU", epoch_seconds(a["date"]),
                       a["stickiness"].to_numpy(), PALETTE[i % len(PALETTE)])

    def _draw_lifecycle(self, res: UsageResult, seg: str) -> None:
        p = self.lifecycle_plot
        p.clear_series()
        lc = res.lifecycle[res.lifecycle["segment"] == seg]
        width = PERIOD_S[res.settings.period]
        x = epoch_seconds(lc["period_start"]) + width / 2
        base = np.zeros(len(lc))
        partial = ~lc["complete"].to_numpy()  # pale: the window cuts these periods short
        for col, colour in LIFECYCLE:
            h = np.nan_to_num(lc[col].to_numpy(dtype=float))  # hidden small counts stack as nothing
            p.add_bars(col, x, base, h, colour, width, partial)
            base = base + h
        p.add_bars("dormant", x, np.zeros(len(lc)), -lc["dormant"].to_numpy(dtype=float), DORMANT, width, partial)
        self._pulse = (x - width / 2, lc["pulse"].to_numpy(dtype=float))

    def _draw_retention(self, res: UsageResult, seg: str) -> None:
        grid = res.retention
        sizes = grid.sizes[grid.sizes["segment"] == seg].sort_values("cohort")
        cells = grid.cells[grid.cells["segment"] == seg]
        if sizes.empty:
            self.retention_map.set_grid(np.zeros((0, 0)), [], [])
            return
        n_k = int(cells["k"].max()) + 1 if len(cells) else 1
        row = {c: i for i, c in enumerate(sizes["cohort"])}
        values = np.full((len(sizes), n_k), np.nan)
        values[cells["cohort"].map(row).to_numpy(), cells["k"].to_numpy()] = cells["rate"].to_numpy()
        fmt = {"day": "%Y-%m-%d", "week": "%Y-%m-%d", "month": "%Y-%m"}[grid.period]
        rows = [f"{c:{fmt}}  n={n:,}" for c, n in zip(sizes["cohort"], sizes["size"])]
        unit = {"day": "D", "week": "W", "month": "M"}[grid.period]
        # k = 0 is 100% by definition in N-period grids: scale the colours to the later periods
        later = values[:, 1:] if n_k > 1 else values
        top = float(np.nanpercentile(later, 98)) if np.isfinite(later).any() else 1.0
        self.retention_map.set_grid(values, rows, [f"{unit}{k}" for k in range(n_k)], levels=(0.0, max(top, 0.01)))
        self._retention_rows = sizes.reset_index(drop=True)

    def _draw_matrix(self, res: UsageResult, seg: str) -> None:
        p = self.matrix_plot
        p.clear()
        m = res.matrix[res.matrix["segment"] == seg]
        if m.empty:
            return
        colours = {"core": "#1b9e77", "popular": "#7570b3", "niche": "#d95f02", "peripheral": "#999999"}
        spots = [{"pos": (b, f), "brush": colours[q], "size": 12, "data": e}
                 for b, f, q, e in zip(m["breadth"], m["frequency"], m["quadrant"], m["event"])]
        self.matrix_points = pg.ScatterPlotItem(spots=spots, pen=pg.mkPen("#333"))
        p.addItem(self.matrix_points)
        for b, f, e in zip(m["breadth"], m["frequency"], m["event"]):
            t = pg.TextItem(str(e), color="#222", anchor=(0, 1))
            t.setPos(b, f)
            p.addItem(t)
        mb, mf = float(m["breadth"].median()), float(m["frequency"].median())
        pen = pg.mkPen("#888", style=Qt.PenStyle.DashLine)
        self.matrix_medians = (pg.InfiniteLine(mb, angle=90, pen=pen), pg.InfiniteLine(mf, angle=0, pen=pen))
        for line in self.matrix_medians:
            p.addItem(line)
        xr = (0, max(1.0, float(m["breadth"].max())) * 1.18)
        yr = (min(1.0, float(m["frequency"].min())) * 0.95, float(m["frequency"].max()) * 1.1)
        for text, (x, y, anchor) in {"core": (xr[1], yr[1], (1, 0)), "popular": (xr[1], yr[0], (1, 1)),
                                     "niche": (xr[0], yr[1], (0, 0)), "peripheral": (xr[0], yr[0], (0, 1))}.items():
            t = pg.TextItem(text, color=colours[text], anchor=anchor)
            t.setPos(x, y)
            p.addItem(t)
        p.setXRange(*xr)
        p.setYRange(*yr)

    def _draw_adoption(self, res: UsageResult, seg: str) -> None:
        p = self.adoption_plot
        p.clear_series()
        ad = res.adoption[res.adoption["segment"] == seg]
        order = (ad[ad["date"] == ad["date"].max()].sort_values("share", ascending=False)["event"].tolist())
        for i, e in enumerate(order[:len(PALETTE)]):
            d = ad[ad["event"] == e]
            p.add_line(str(e), epoch_seconds(d["date"]), d["share"].to_numpy(), PALETTE[i])

    def _draw_power(self, res: UsageResult, seg: str) -> None:
        p = self.power_plot
        p.clear()
        p.addLegend(offset=(10, 5))
        p.setLabel("bottom", "Active days in the window")
        p.setLabel("left", "% of users active in the window")
        for frame, colour, shift, name in ((res.power30, PALETTE[0], 0.2, "L30"), (res.power7, PALETTE[1], -0.2, "L7")):
            d = frame[frame["segment"] == seg]
            p.addItem(pg.BarGraphItem(x=d["days"].to_numpy() + shift, height=100 * d["share"].fillna(0).to_numpy(),
                                      width=0.4, brush=colour, name=name))

    def _draw_days_active(self, res: UsageResult, seg: str) -> None:
        p = self.days_plot
        p.clear()
        da = res.days_active[(res.days_active["segment"] == seg) & res.days_active["complete"]]
        p.setLabel("bottom", f"Days active in the {res.settings.period}")
        p.setLabel("left", "% of the period's active users")
        if da.empty:
            return
        last = da[da["period_start"] == da["period_start"].max()]
        p.setTitle(f"{res.settings.period} of {last['period_start'].iloc[0]:%Y-%m-%d}")
        p.addLegend(offset=(-10, 5))
        p.addItem(pg.BarGraphItem(x=last["days"].to_numpy(), height=100 * last["share"].fillna(0).to_numpy(),
                                  width=0.7, brush=PALETTE[2], name="exactly k days"))
        p.addItem(pg.PlotDataItem(last["days"].to_numpy(), 100 * last["share_at_least"].to_numpy(), pen=pg.mkPen(PALETTE[3], width=2),
                                  symbol="o", symbolSize=5, symbolBrush=PALETTE[3], name="k days or more"))

    def _draw_sessions(self, res: UsageResult, seg: str) -> None:
        s = res.sessions[res.sessions["segment"] == seg]
        x = epoch_seconds(s["date"])
        self.sessions_plot.clear_series()
        self.sessions_plot.add_line("sessions per active user", x, s["sessions_per_user"].to_numpy(), PALETTE[0])
        self.length_plot.clear_series()
        self.length_plot.add_line("mean length (min)", x, s["mean_length_s"].to_numpy() / 60, PALETTE[2])
        h = res.session_lengths[res.session_lengths["segment"] == seg]
        median = h["median_length_s"].iloc[0] if len(h) else float("nan")
        self.length_hist.setTitle(None if math.isnan(median) else
                                  f"median session {median / 60:.1f} min" if median >= 60 else f"median session {median:.0f} s")
        self.length_hist.clear()
        self.length_hist.addItem(pg.BarGraphItem(x=np.arange(len(h)), height=100 * h["share"].fillna(0).to_numpy(),
                                                 width=0.7, brush=PALETTE[4]))
        self.length_hist.getAxis("bottom").setTicks([list(enumerate(h["length"]))])
        self.length_hist.setLabel("left", "% of sessions")
        self.time_plot.clear_series()
        if res.time_spent is not None:
            t = res.time_spent[res.time_spent["segment"] == seg]
            self.time_plot.add_line("minutes per user", epoch_seconds(t["date"]), t["mean_per_user_s"].to_numpy() / 60,
                                    PALETTE[3])
        self.time_plot.setTitle(None if res.time_spent is not None else "The export has no event durations")

    def _draw_markers(self) -> None:
        ms = markers(self.view.ws.view_state) if self.view else []
        for p in self.timelines:
            p.set_markers(ms)

    # ---- interaction ------------------------------------------------------------------------------
    def _hovered(self, x: float) -> None:
        for p in self.timelines:
            p.show_crosshair(x)
        day = pd.Timestamp(int(round(x / DAY_S)) * DAY_S, unit="s")
        parts = []
        for p in (self.active_plot, self.stickiness_plot):
            for name, v in p.values_at(x):
                parts.append(f"{name} {(_pct(v) if p.percent else _n(v))}")
        for name, v in self.lifecycle_plot.values_at(x):
            parts.append(f"{name} {_n(abs(v))}")
        starts, pulse = getattr(self, "_pulse", (np.zeros(0), np.zeros(0)))
        i = int(np.searchsorted(starts, x, side="right")) - 1
        if 0 <= i < len(pulse):
            parts.append(f"pulse {'–' if np.isnan(pulse[i]) else f'{pulse[i]:.2f}'}")
        self.readout.setText(f"<b>{day:%Y-%m-%d}</b> · " + " · ".join(parts))

    def _retention_hovered(self, r: int, c: int) -> None:
        rows = getattr(self, "_retention_rows", None)
        if rows is None or r >= len(rows):
            return
        v = self.retention_map.values[r, c]
        self.readout.setText(f"Cohort <b>{rows['cohort'].iloc[r]:%Y-%m-%d}</b> (n={rows['size'].iloc[r]:,}), "
                             f"period {c}: <b>{_pct(v)}</b> retained")

    def _settings_changed(self, *_: Any) -> None:
        if self.view is None:
            return
        st = UsageSettings(period=self.period.currentData(), retention_period=self.ret_period.currentData(),
                           retention_mode=self.ret_mode.currentData(), split_by=self.split.currentData())
        self.view.ws.view_state[STATE_KEY] = dataclasses.asdict(st)
        ws, flt, k = self.view.ws, self.view.flt, self.view.k
        self.headline.setText("Computing…")
        self.runner.start("usage", lambda progress: compute(ws, flt, progress, k), self.show_result, "Computing Usage")

    def _filter_to_segment(self) -> None:
        res = self.view.result if self.view else None
        seg = self.current_segment()
        if res is None or not res.settings.split_by or seg in (ALL, "unknown"):
            return
        by = res.settings.split_by
        if by == "region":
            self.filter_requested.emit({"regions": [seg]})
        elif by == "country":
            self.filter_requested.emit({"countries": [seg]})
        else:
            self.filter_requested.emit({"segments": {by: [seg]}})

    def _add_marker(self) -> None:
        if self.view is None:
            return
        dlg = MarkerDialog(self)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            self.add_markers([dlg.marker()])
        except ValueError as e:
            QMessageBox.warning(self, "Marker not added", str(e))

    def _import_markers(self) -> None:
        if self.view is None:
            return
        path, _ = QFileDialog.getOpenFileName(self, "Import markers", "", "CSV files (*.csv *.tsv *.txt)")
        if not path:
            return
        try:
            self.add_markers(read_markers(path))
        except ImportError_ as e:
            QMessageBox.warning(self, "Markers not imported", str(e))

    def add_markers(self, new: list[dict]) -> None:
        """Keep markers in the workspace's view state (saved with it) and draw them on every timeline."""
        add_markers(self.view.ws.view_state, new)
        self._draw_markers()


SECTION = UsageSection
