"""NPS: the score with its interval, over time with an EWMA chart, decline alerts that open the
drill-down, breakdowns by segment, respondents and their timelines, advocates and people at risk,
usage by category, and the closed-loop export. Renders what core.metrics.nps_overview computed."""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFileDialog, QFrame, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QPushButton, QSplitter, QTableView, QTabWidget, QVBoxLayout,
                               QWidget)

from ...core.export import ExportSummary, export_rows
from ...core.filters import Filter
from ...core.metrics.nps_overview import NpsOverview, nps_overview
from ...core.privacy import safe_filename
from ...core.progress import Progress
from ...core.workspace import Workspace
from ..models.respondents import RespondentsModel
from ..table_model import DataFrameModel
from ..workers import JobRunner
from .base import Section

BAND = (66, 133, 244, 60)
LINE = "#1a5fb4"
RED = "#c62828"
GREY = "#9e9e9e"
COLUMN_WIDTHS = {"user_id": 125, "submitted_at": 120, "score": 50, "comment": 280, "category": 80,
                 "last_seen": 120, "email": 150, "name": 120, "recent": 60, "prior": 55, "change": 60}
# the advocates and at-risk lists lead with why each person is on the list
LIST_COLUMNS = ("user_id", "score", "recent", "prior", "change", "comment", "submitted_at", "region", "country",
                "plan", "days_active", "features_used", "last_seen", "category", "email", "name")


def _fmt(x: float, digits: int = 1) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


def _table(model) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSortingEnabled(True)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    view.verticalHeader().setDefaultSectionSize(22)
    return view


def _months_span(label: str) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """[start, end) of a month label or range ("2026-04" or "2026-04..2026-11"); (None, None) if it
    is not one."""
    try:
        first, last = (pd.Period(part, freq="M") for part in (label.split("..")[0], label.split("..")[-1]))
    except ValueError:
        return None, None
    return first.start_time.tz_localize("UTC"), (last + 1).start_time.tz_localize("UTC")


def _titled(title: str, *widgets: QWidget) -> QWidget:
    box = QWidget()
    lay = QVBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    head = QLabel(f"<b>{title}</b>")
    head.setWordWrap(True)
    lay.addWidget(head)
    for w in widgets:
        lay.addWidget(w, 1 if isinstance(w, (QTableView, pg.PlotWidget, QSplitter)) else 0)
    return box


class NpsSection(Section):
    name = "nps"
    title = "NPS"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result: NpsOverview | None = None
        self.runner = JobRunner(self)
        self.runner.progress.connect(lambda v, msg: self.count_label.setText(f"{msg} {v:.0%}"))
        self.runner.error.connect(lambda label, msg: self.count_label.setText(f"{label} failed: {msg}"))
        self._alert_index = 0
        self.last_export: ExportSummary | None = None

        self.headline = QLabel("No survey responses imported.")
        self.headline.setTextFormat(Qt.TextFormat.RichText)
        self.headline.setWordWrap(True)

        # alert banner: the most certain decline, a button to see the people behind it
        self.banner = QFrame()
        self.banner.setObjectName("npsAlert")
        self.banner_text = QLabel()
        self.banner_text.setWordWrap(True)
        self.banner_open = QPushButton("Show respondents")
        self.banner_next = QPushButton("Next alert")
        bl = QHBoxLayout(self.banner)
        bl.addWidget(self.banner_text, 1)
        bl.addWidget(self.banner_open)
        bl.addWidget(self.banner_next)
        self.banner_open.clicked.connect(self.open_current_alert)
        self.banner_next.clicked.connect(self._next_alert)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_time_tab(), "Over time")
        self.tabs.addTab(self._build_segments_tab(), "Segments")
        self.tabs.addTab(self._build_people_tab(), "Respondents")
        self.tabs.addTab(self._build_lists_tab(), "Advocates and at risk")
        self.tabs.addTab(self._build_usage_tab(), "Usage and comments")

        lay = QVBoxLayout(self)
        lay.addWidget(self.headline)
        lay.addWidget(self.banner)
        lay.addWidget(self.tabs, 1)
        self.banner.hide()

    # ---- tabs --------------------------------------------------------------------------------------
    def _build_time_tab(self) -> QWidget:
        self.period = QComboBox()
        for f in ("week", "month", "quarter"):
            self.period.addItem(f"by {f}", f)
        self.period.setCurrentIndex(1)
        self.period.currentIndexChanged.connect(self._draw_time)
        self.merge_thin = QCheckBox("merge thin periods")
        self.merge_thin.setToolTip("Merge each period with fewer responses than the minimum into the following "
                                   "ones instead of showing it as too thin")
        self.merge_thin.toggled.connect(self._draw_time)
        self.time_note = QLabel()
        self.time_note.setWordWrap(True)
        self.nps_plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem()})
        self.nps_plot.setLabel("left", "NPS (95% interval)")
        self.nps_plot.showGrid(y=True, alpha=0.2)
        self.nps_plot.addLegend(offset=(10, 5), labelTextColor="#222", brush=(255, 255, 255, 200))
        self.ewma_plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem()})
        self.ewma_plot.setLabel("left", "EWMA of NPS")
        self.ewma_plot.showGrid(y=True, alpha=0.2)
        self.ewma_plot.addLegend(offset=(10, 5), labelTextColor="#222", brush=(255, 255, 255, 200))
        self.ewma_plot.setXLink(self.nps_plot)
        for p in (self.nps_plot, self.ewma_plot):
            p.setBackground("w")
        self.survey_model = DataFrameModel()
        surveys = _table(self.survey_model)
        surveys.setMaximumHeight(130)
        top = QHBoxLayout()
        top.addWidget(QLabel("NPS"))
        top.addWidget(self.period)
        top.addWidget(self.merge_thin)
        top.addWidget(self.time_note, 1)
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.addLayout(top)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.nps_plot)
        split.addWidget(self.ewma_plot)
        split.addWidget(_titled("Surveys pooled into this score", surveys))
        split.setSizes([420, 250, 130])
        lay.addWidget(split, 1)
        return w

    def _build_segments_tab(self) -> QWidget:
        self.segment = QComboBox()
        self.segment.currentIndexChanged.connect(self._draw_segment)
        self.segment_note = QLabel()
        self.segment_note.setWordWrap(True)
        self.segment_model = DataFrameModel()
        self.segment_view = _table(self.segment_model)
        self.segment_view.doubleClicked.connect(self._segment_double_clicked)
        self.segment_plot = pg.PlotWidget()
        self.segment_plot.setBackground("w")
        self.segment_plot.setLabel("bottom", "NPS (95% interval)")
        self.segment_plot.showGrid(x=True, alpha=0.2)
        top = QHBoxLayout()
        top.addWidget(QLabel("NPS by"))
        top.addWidget(self.segment)
        top.addWidget(self.segment_note, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.segment_plot)
        split.addWidget(self.segment_view)
        split.setSizes([550, 650])
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.addLayout(top)
        lay.addWidget(split, 1)
        return w

    def _build_people_tab(self) -> QWidget:
        self.category = QComboBox()
        for label, value in (("everyone", None), ("detractors", "detractor"), ("passives", "passive"),
                             ("promoters", "promoter")):
            self.category.addItem(label, value)
        self.search = QLineEdit()
        self.search.setPlaceholderText("comment contains…")
        self.scope_label = QLabel()
        self.clear_scope = QPushButton("Clear focus")
        self.clear_scope.clicked.connect(self.clear_focus)
        self.count_label = QLabel()
        self.export_mode = QComboBox()
        self.export_mode.addItem("pseudonymised", "pseudonymise")
        self.export_mode.addItem("masked", "mask")
        self.export_mode.addItem("in clear (unmasked session only)", "keep")
        self.export_button = QPushButton("Export rows…")
        self.export_button.clicked.connect(lambda: self._export_dialog("respondents"))
        self.respondents = RespondentsModel()
        self.respondents.rows_changed.connect(lambda n: self.count_label.setText(f"{n:,} responses"))
        self.respondents_view = _table(self.respondents)
        self.respondents_view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.respondents_view.selectionModel().currentRowChanged.connect(self._person_selected)
        self.category.currentIndexChanged.connect(self._apply_drill_filter)
        self.search.returnPressed.connect(self._apply_drill_filter)
        self._focus: dict[str, Any] = {}

        self.person_title = QLabel("Select a respondent to see their timeline.")
        self.person_title.setWordWrap(True)
        self.timeline_model = DataFrameModel()
        person = _titled("Person", self.person_title, _table(self.timeline_model))

        bar = QHBoxLayout()
        for wdg in (QLabel("Show"), self.category, self.search, self.scope_label, self.clear_scope):
            bar.addWidget(wdg)
        bar.addStretch(1)
        bar.addWidget(self.count_label)
        bar.addWidget(self.export_mode)
        bar.addWidget(self.export_button)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.respondents_view)
        split.addWidget(person)
        split.setSizes([900, 350])
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.addLayout(bar)
        lay.addWidget(split, 1)
        return w

    def _build_lists_tab(self) -> QWidget:
        self.advocates = RespondentsModel(columns=LIST_COLUMNS)
        self.at_risk = RespondentsModel(columns=LIST_COLUMNS)
        self.advocates_note, self.at_risk_note = QLabel(), QLabel()
        for lab in (self.advocates_note, self.at_risk_note):
            lab.setWordWrap(True)
        export_risk = QPushButton("Export people at risk…")
        export_risk.clicked.connect(lambda: self._export_dialog("at_risk"))
        export_adv = QPushButton("Export advocates…")
        export_adv.clicked.connect(lambda: self._export_dialog("advocates"))
        split = QSplitter(Qt.Orientation.Horizontal)
        self.advocates_view, self.at_risk_view = _table(self.advocates), _table(self.at_risk)
        split.addWidget(_titled("Advocates: promoters who are highly engaged now (referral candidates)",
                                self.advocates_note, self.advocates_view, export_adv))
        split.addWidget(_titled("At risk: detractors whose engagement is falling",
                                self.at_risk_note, self.at_risk_view, export_risk))
        return split

    def _build_usage_tab(self) -> QWidget:
        self.adoption_model, self.days_model = DataFrameModel(), DataFrameModel()
        self.detractor_terms, self.promoter_terms = DataFrameModel(), DataFrameModel()
        self.usage_note = QLabel()
        self.usage_note.setWordWrap(True)
        self.adoption_plot = pg.PlotWidget()
        self.adoption_plot.setBackground("w")
        self.adoption_plot.setLabel("bottom", "% of people who used the feature in the 30 days before answering")
        self.adoption_plot.addLegend(offset=(-10, 5), labelTextColor="#222", brush=(255, 255, 255, 200))
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(_titled("Feature adoption: promoters vs detractors (95% intervals)", self.adoption_plot))
        left.addWidget(_table(self.adoption_model))
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(_titled("Days active in the 30 days before answering", self.usage_note,
                                _table(self.days_model)))
        terms = QSplitter(Qt.Orientation.Horizontal)
        terms.addWidget(_titled("Detractors say", _table(self.detractor_terms)))
        terms.addWidget(_titled("Promoters say", _table(self.promoter_terms)))
        right.addWidget(_titled("Terms that separate detractors' comments from promoters' (comments using "
                                "each; z of weighted log-odds)", terms))
        right.setSizes([200, 600])
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        return split

    # ---- job and result ------------------------------------------------------------------------------
    @staticmethod
    def job(ws: Workspace, flt: Filter, settings: dict[str, Any]) -> Callable[[Progress], Any]:
        return lambda progress: nps_overview(ws, flt, settings, progress)

    def show_result(self, result: NpsOverview | None) -> None:
        self.result = result
        if result is None:
            self.headline.setText("No survey responses imported. Import a Delighted, Qualtrics, SurveyMonkey, "
                                  "Typeform or generic NPS export to see the score.")
            self.banner.hide()
            for model in (self.respondents, self.advocates, self.at_risk):
                model.set_frame(pd.DataFrame())
            for model in (self.survey_model, self.segment_model, self.timeline_model, self.adoption_model,
                          self.days_model, self.detractor_terms, self.promoter_terms):
                model.set_frame(pd.DataFrame())
            for plot in (self.nps_plot, self.ewma_plot, self.segment_plot, self.adoption_plot):
                plot.clear()
            return
        t = result.total
        lo, hi = t.ci95
        n = max(t.responses, 1)
        self.headline.setText(
            f"<span style='font-size:20pt'><b>NPS {_fmt(t.score)}</b></span> "
            f"&nbsp; 95% interval {_fmt(lo)} to {_fmt(hi)} &nbsp; n = {t.responses:,}<br>"
            f"<span style='color:#1a7f37'>promoters {t.promoters:,} ({100 * t.promoters / n:.0f}%)</span> · "
            f"<span style='color:#8a6d00'>passives {t.passives:,} ({100 * t.passives / n:.0f}%)</span> · "
            f"<span style='color:#c62828'>detractors {t.detractors:,} ({100 * t.detractors / n:.0f}%)</span>"
            + ("<br><i>" + " ".join(result.notes) + "</i>" if result.notes else ""))
        self._alert_index = 0
        self._show_alert()
        by = result.by_survey.reset_index()
        self.survey_model.set_frame(by[["survey", "responses", "promoters", "passives", "detractors", "score",
                                        "ci_low", "ci_high"]])
        self.period.blockSignals(True)
        self.period.setCurrentIndex(max(0, self.period.findData(result.freq)))
        self.period.blockSignals(False)
        self._draw_time()
        current = self.segment.currentText()
        self.segment.blockSignals(True)
        self.segment.clear()
        self.segment.addItems(list(result.segments))
        self.segment.setCurrentIndex(max(0, self.segment.findText(current)))
        self.segment.blockSignals(False)
        self._draw_segment()
        self.respondents.set_frame(result.respondents, result.secret)
        self.respondents.set_unmasked(self.unmasked)
        for i, name in enumerate(self.respondents.column_names()):
            self.respondents_view.setColumnWidth(i, COLUMN_WIDTHS.get(name, 90))
        self._apply_drill_filter()
        for model, view, frame in ((self.advocates, self.advocates_view, result.advocates),
                                   (self.at_risk, self.at_risk_view, result.at_risk)):
            model.set_frame(frame, result.secret)
            model.set_unmasked(self.unmasked)
            for i, name in enumerate(model.column_names()):
                view.setColumnWidth(i, COLUMN_WIDTHS.get(name, 70))
        self.advocates_note.setText(f"{len(result.advocates):,} people: latest answer 9-10 and active (recent) on at least "
                                    f"{_fmt(float(result.advocates['threshold'].iloc[0]) if len(result.advocates) else math.nan, 0)} "
                                    "of the last 28 days (top quarter of active users).")
        self.at_risk_note.setText(f"{len(result.at_risk):,} people: latest answer 0-6 and fewer active days in the "
                                  "last 28 days (recent) than in the 28 before (prior).")
        self._draw_usage()

    # ---- over time -------------------------------------------------------------------------------------
    def _draw_time(self) -> None:
        self.nps_plot.clear()
        self.ewma_plot.clear()
        self.ewma_plot.enableAutoRange()
        if self.result is None:
            return
        freq = self.period.currentData() or "month"
        p = (self.result.merged_periods if self.merge_thin.isChecked() else self.result.periods)[freq]
        if p.empty:
            return
        # the middle of each period (merged periods span several)
        x = ((p["start"] + (p["end"] - p["start"]) / 2) - pd.Timestamp(0, tz="UTC")).dt.total_seconds().to_numpy()
        ok = ~p["too_thin"].to_numpy()
        score, lo, hi = (p[c].to_numpy(dtype=float) for c in ("score", "ci_low", "ci_high"))
        if ok.any():
            upper = pg.PlotDataItem(x[ok], hi[ok], pen=pg.mkPen(BAND[:3], width=1))
            lower = pg.PlotDataItem(x[ok], lo[ok], pen=pg.mkPen(BAND[:3], width=1))
            self.nps_plot.addItem(pg.FillBetweenItem(upper, lower, brush=pg.mkBrush(*BAND)))
            self.nps_plot.plot(x[ok], score[ok], pen=pg.mkPen(LINE, width=2), symbol="o", symbolSize=6,
                               symbolBrush=LINE, name="NPS")
        thin = ~ok & (p["responses"].to_numpy() > 0)
        if thin.any():
            self.nps_plot.addItem(pg.ErrorBarItem(x=x[thin], y=score[thin], top=hi[thin] - score[thin],
                                                  bottom=score[thin] - lo[thin], pen=pg.mkPen(GREY)))
            self.nps_plot.plot(x[thin], score[thin], pen=None, symbol="o", symbolSize=7, symbolBrush=None,
                               symbolPen=pg.mkPen(GREY), name=f"too thin (under {self.result.min_n})")
        dec = p["decline"].to_numpy(dtype=bool)
        if dec.any():
            self.nps_plot.plot(x[dec], score[dec], pen=None, symbol="t", symbolSize=12, symbolBrush=RED,
                               name="significant fall")
        self.nps_plot.addItem(pg.InfiniteLine(0, angle=0, pen=pg.mkPen(GREY, style=Qt.PenStyle.DashLine)))
        ex = p["ewma"].to_numpy(dtype=float)
        good = ~np.isnan(ex)
        if good.any():
            self.ewma_plot.plot(x[good], ex[good], pen=pg.mkPen(LINE, width=2), name="EWMA (λ = 0.2)")
            centre = p.loc[p["in_centre"], "label"]
            first, last = centre.iloc[0].split("..")[0], centre.iloc[-1].split("..")[-1]
            centre_label = first if first == last else f"{first}..{last}"
            self.ewma_plot.plot(x[good], p["center"].to_numpy(dtype=float)[good],
                                pen=pg.mkPen(GREY, style=Qt.PenStyle.DashLine), name=f"centre: NPS of {centre_label}")
            self.ewma_plot.plot(x[good], p["lcl"].to_numpy(dtype=float)[good], pen=pg.mkPen(RED, width=1),
                                name="control limits (3σ)")
            self.ewma_plot.plot(x[good], p["ucl"].to_numpy(dtype=float)[good], pen=pg.mkPen(RED, width=1))
            sig = (p["signal"] == "low").to_numpy() & good
            if sig.any():
                self.ewma_plot.plot(x[sig], ex[sig], pen=None, symbol="o", symbolSize=9, symbolBrush=RED,
                                    name="below the lower limit")
        else:
            note = pg.TextItem("Every period is too thin for a control chart: choose a longer period "
                               "or merge thin periods.", color="#555", anchor=(0.5, 0.5))
            self.ewma_plot.addItem(note)
            note.setPos(float(np.mean(x)), 0.5)
            self.ewma_plot.setYRange(0, 1)
        # both charts show every period, thin ones included (the charts share the x axis)
        self.nps_plot.setXRange(float(x.min()), float(x.max()), padding=0.02)
        n_thin = int((~ok).sum())
        flagged = ", ".join(p.loc[dec, "label"])
        self.time_note.setText(
            f"{len(p)} period{'s' if len(p) != 1 else ''}; {n_thin} too thin (< {self.result.min_n} responses: grey, never flagged). "
            + (f"Significant falls against the previous period: {flagged}." if flagged else
               "No period fell significantly against the one before."))

    # ---- alerts ------------------------------------------------------------------------------------------
    def _watch_text(self) -> str:
        watch = self.result.watch if self.result else []
        if not watch:
            return ""
        items = "; ".join(f"{w.where} {w.delta:+.1f} points from {w.current_label} (p = {w.p:.2g} alone)"
                          for w in watch[:3])
        return (f"<br><span style='color:#555'>Worth watching, not beyond chance once every comparison is "
                f"allowed for: {items}.</span>")

    def _show_alert(self) -> None:
        alerts = self.result.alerts if self.result else []
        if not alerts:
            self.banner.setStyleSheet("#npsAlert { background: #eef5ee; border: 1px solid #9ccc9c; border-radius: 4px; }")
            self.banner_text.setText("No decline in NPS stands out from chance in any region or segment "
                                     "(every comparison allowed for)." + self._watch_text())
            self.banner_open.hide()
            self.banner_next.hide()
            self.banner.show()
            return
        a = alerts[self._alert_index % len(alerts)]
        self.banner.setStyleSheet("#npsAlert { background: #fdecea; border: 1px solid #e57373; border-radius: 4px; }")
        count = f"Alert {self._alert_index % len(alerts) + 1} of {len(alerts)}: " if len(alerts) > 1 else "Alert: "
        self.banner_text.setText(f"<b>{count}</b>{a.message}." + self._watch_text())
        self.banner_open.show()
        self.banner_next.setVisible(len(alerts) > 1)
        self.banner.show()

    def _next_alert(self) -> None:
        self._alert_index += 1
        self._show_alert()

    def open_current_alert(self) -> None:
        """The drill-down on the people behind the alert: its segment, its later window, detractors."""
        if not self.result or not self.result.alerts:
            return
        a = self.result.alerts[self._alert_index % len(self.result.alerts)]
        ctx = {"start": a.current_start.isoformat(), "end": a.current_end.isoformat(), "category": "detractor",
               "label": f"{a.where}, {a.current_label}"}
        if a.scope != "all":
            ctx["equals"] = {a.scope: [a.value]}
        self.focus_on(ctx)

    def focus_on(self, context: dict) -> None:
        """Open the drill-down focused on a segment and period (from the alert banner, or from another
        section such as Findings). Keys: equals {column: [values]}, regions, countries, scope + value
        (an alert's segment), start / end (ISO) or current (an alert's period label such as
        "2026-04..2026-11"), category, term (comment search), label; feature opens the usage tab."""
        if context.get("feature"):
            self.tabs.setCurrentIndex(4)
            return
        equals = {k: list(v) for k, v in context.get("equals", {}).items()}
        if context.get("regions"):
            equals["region"] = list(context["regions"])
        if context.get("countries"):
            equals["country"] = list(context["countries"])
        scope = context.get("scope")
        if scope and scope != "all" and context.get("value") is not None:
            equals[scope] = [str(context["value"])]
        start = pd.Timestamp(context["start"]) if context.get("start") else None
        end = pd.Timestamp(context["end"]) if context.get("end") else None
        if start is None and context.get("current"):
            start, end = _months_span(str(context["current"]))
        label = context.get("label") or ", ".join(
            [f"{k} {', '.join(v)}" for k, v in equals.items()] + ([str(context["current"])] if context.get("current") else []))
        self._focus = {"equals": equals, "start": start, "end": end, "label": label}
        # a decline's people are its detractors unless the caller says otherwise
        category = context.get("category", "detractor" if scope else None)
        self.category.blockSignals(True)
        self.category.setCurrentIndex(max(0, self.category.findData(category)))
        self.category.blockSignals(False)
        self.search.setText(context.get("term") or "")
        self.tabs.setCurrentIndex(2)
        self._apply_drill_filter()

    def clear_focus(self) -> None:
        self._focus = {}
        self._apply_drill_filter()

    # ---- drill-down ------------------------------------------------------------------------------------
    def _apply_drill_filter(self) -> None:
        f = self._focus
        self.respondents.set_filter(category=self.category.currentData(), text=self.search.text().strip(),
                                    equals=f.get("equals"), start=f.get("start"), end=f.get("end"))
        self.scope_label.setText(f"focus: {f['label']}" if f else "")
        self.clear_scope.setVisible(bool(f))

    def _person_selected(self, current, _previous=None) -> None:
        if self.result is None or not current.isValid() or "user_id" not in self.respondents.column_names():
            return
        uid = self.respondents.value(current.row(), "user_id")
        if uid is None or (isinstance(uid, float) and math.isnan(uid)) or uid is pd.NA:
            self.person_title.setText("This response has no user id: no timeline.")
            self.timeline_model.set_frame(pd.DataFrame())
            return
        shown = self.respondents.data(self.respondents.index(current.row(), self.respondents.column_names().index("user_id")))
        tl = self.result.timelines.of(uid)
        self.person_title.setText(f"<b>{shown}</b>: {int((tl['kind'] == 'event').sum()):,} events, "
                                  f"{int((tl['kind'] == 'response').sum())} survey answers (latest {len(tl):,} rows)")
        frame = tl.assign(time=tl["time"].dt.strftime("%Y-%m-%d %H:%M")).iloc[::-1]
        self.timeline_model.set_frame(frame)

    # ---- segments --------------------------------------------------------------------------------------
    def _draw_segment(self) -> None:
        self.segment_plot.clear()
        if self.result is None or not self.segment.currentText():
            return
        col = self.segment.currentText()
        seg = self.result.segments[col]
        table = seg.reset_index()[[col, "responses", "promoters", "passives", "detractors", "score", "ci_low",
                                   "ci_high", "suppressed"]]
        self.segment_model.set_frame(table)
        hidden = int(seg["suppressed"].sum())
        self.segment_note.setText(f"{len(seg)} groups; {hidden} hidden (fewer than {self.result.k} responses, or "
                                  "hidden with one so the total does not reveal it)."
                                  + (" Double-click a region to filter every view." if col in ("region", "country") else ""))
        shown = seg[~seg["suppressed"]].head(20).iloc[::-1]
        if shown.empty:
            return
        y = np.arange(len(shown), dtype=float)
        s, lo, hi = (shown[c].to_numpy(dtype=float) for c in ("score", "ci_low", "ci_high"))
        self.segment_plot.addItem(pg.ErrorBarItem(x=s, y=y, left=s - lo, right=hi - s, pen=pg.mkPen(LINE)))
        self.segment_plot.plot(s, y, pen=None, symbol="o", symbolBrush=LINE, symbolSize=8)
        self.segment_plot.addItem(pg.InfiniteLine(self.result.total.score, angle=90,
                                                  pen=pg.mkPen(GREY, style=Qt.PenStyle.DashLine)))
        labels = [(float(i), f"{v} (n={int(n):,})") for i, (v, n) in enumerate(zip(shown.index, shown["responses"]))]
        self.segment_plot.getAxis("left").setTicks([labels])

    def _segment_double_clicked(self, index) -> None:
        col = self.segment.currentText()
        if col not in ("region", "country"):
            return
        value = self.segment_model.data(self.segment_model.index(index.row(), 0))
        self.filter_requested.emit({"regions" if col == "region" else "countries": [value]})

    # ---- usage -----------------------------------------------------------------------------------------
    def _draw_usage(self) -> None:
        r = self.result
        self.adoption_plot.clear()
        if r.adoption.empty:
            self.adoption_model.set_frame(pd.DataFrame())
            self.days_model.set_frame(pd.DataFrame())
            self.usage_note.setText("No events imported.")
        else:
            gaps = r.adoption.reset_index()
            self.adoption_model.set_frame(gaps)
            order = list(gaps["event"].iloc[::-1])   # largest promoter lead at the top
            long = r.adoption_by_category.set_index(["event", "category"])
            y = np.arange(len(order), dtype=float)
            for cat, colour, name, dy in (("promoter", "#1a7f37", "promoters", 0.15),
                                          ("detractor", RED, "detractors", -0.15)):
                part = long.xs(cat, level="category").reindex(order)
                s, lo, hi = (100 * part[c].to_numpy(dtype=float) for c in ("share", "ci_low", "ci_high"))
                self.adoption_plot.addItem(pg.ErrorBarItem(x=s, y=y + dy, left=s - lo, right=hi - s,
                                                           pen=pg.mkPen(colour)))
                self.adoption_plot.plot(s, y + dy, pen=None, symbol="o", symbolBrush=colour, symbolSize=8, name=name)
            self.adoption_plot.getAxis("left").setTicks([[(float(i), str(e)) for i, e in enumerate(order)]])
            self.adoption_plot.setXRange(0, 100)
            self.days_model.set_frame(r.days_active.reset_index())
            self.usage_note.setText("Mean per person (latest answer), with a 95% interval.")
        for model, side, count in ((self.detractor_terms, "detractor", "detractor_comments"),
                                   (self.promoter_terms, "promoter", "promoter_comments")):
            part = r.terms[r.terms["side"] == side]
            model.set_frame(part[["term", count, "z"]].rename(columns={count: "comments"}))

    # ---- privacy and export ----------------------------------------------------------------------------
    def set_unmasked(self, on: bool) -> None:
        super().set_unmasked(on)
        for model in (self.respondents, self.advocates, self.at_risk):
            model.set_unmasked(self.unmasked)

    def _export_job(self, path: str | Path, which: str, mode: str | None) -> Callable[[Progress], ExportSummary]:
        """The export as a job: the rows are chosen now (what the view shows), written later.
        Personal fields leave in clear only from an unmasked session."""
        mode = mode or self.export_mode.currentData() or "pseudonymise"
        if mode == "keep" and not self.unmasked:
            mode = "pseudonymise"
        if which == "respondents":
            rows = sorted({i.row() for i in self.respondents_view.selectionModel().selectedRows()})
            frame = self.respondents.frame_rows(rows or None)
            columns = self.respondents.column_names()
        else:
            model = self.advocates if which == "advocates" else self.at_risk
            frame, columns = model.frame_rows(), model.column_names()
        secret = self.result.secret
        return lambda progress: export_rows(frame, path, secret, personal=mode, columns=columns, progress=progress)

    def export_to(self, path: str | Path, which: str = "respondents", mode: str | None = None) -> ExportSummary:
        """Write the drill-down's rows (the selection if any, else every row the filter keeps), or the
        advocates / at-risk list, right away."""
        self.last_export = self._export_job(path, which, mode)(Progress())
        return self.last_export

    def _export_dialog(self, which: str) -> None:
        if self.result is None:
            return
        suggested = safe_filename(f"nps-{which}.xlsx")
        path, _ = QFileDialog.getSaveFileName(self, "Export rows", suggested, "Excel (*.xlsx);;CSV (*.csv)")
        if not path:
            return

        def done(s: ExportSummary) -> None:
            self.last_export = s
            self.count_label.setText(f"Exported {s.rows:,} rows to {Path(path).name}"
                                     + (f" ({', '.join(s.personal)} {s.mode}d)" if s.personal else ""))

        # large exports take seconds: written off the GUI thread, with progress in the count label
        self.runner.start("export", self._export_job(path, which, None), done, "Exporting")

SECTION = NpsSection
