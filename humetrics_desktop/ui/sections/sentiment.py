"""Sentiment: mean polarity over time with its interval, overlaid on traffic; whether traffic is tied
to it (cross-correlation by lag, with whiskers and a plain sentence); the terms that distinguish
negative from positive feedback (click one to read its texts); and the comment browser.
Renders what core.metrics.sentiment.sentiment_overview computed."""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QSplitter, QTableView, QTabWidget, QVBoxLayout, QWidget)

from ...core.filters import Filter, apply_filter
from ...core.metrics.sentiment import sentiment_overview
from ...core.progress import Progress
from ...core.workspace import Workspace
from ..table_model import DataFrameModel
from .base import Section
from .sentiment_browser import CommentBrowser

VIEW_STATE_KEY = "sentiment"  # the view's own choices, kept in ws.view_state (saved with the project)
BLUE, RED, GREY, GREEN = "#1a5fb4", "#c62828", "#8a8a8a", "#2e7d32"
BAND = (26, 95, 180, 50)
CHOICES: dict[str, list[tuple[str, str]]] = {
    "sentiment_model": [("TextBlob (pattern)", "textblob"), ("VADER", "vader")],
    "sentiment_traffic": [("traffic: automatic", "auto"), ("daily active users (events)", "dau"),
                          ("sessions (events)", "sessions"), ("active users (traffic export)", "active_users"),
                          ("sessions (traffic export)", "traffic_sessions")],
    "sentiment_series": [("share negative", "share_negative"), ("mean polarity", "mean")],
    "sentiment_method": [("differenced", "difference"), ("detrended", "detrend")],
}
TERM_COLUMNS = ["term", "z", "n_negative", "n_positive"]


def _epoch(index: pd.Index) -> np.ndarray:
    return pd.DatetimeIndex(index).as_unit("s").asi8.astype("float64")


def _fmt(x: Any, digits: int = 2) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


def _table(model: DataFrameModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    view.verticalHeader().setDefaultSectionSize(22)
    view.verticalHeader().hide()
    return view


class SentimentSection(Section):
    name = "sentiment"
    title = "Sentiment"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result: dict[str, Any] | None = None
        self.headline = QLabel("No feedback texts imported.")
        self.headline.setWordWrap(True)
        self.headline.setTextFormat(Qt.TextFormat.RichText)

        self.controls: dict[str, QComboBox] = {}
        bar = QHBoxLayout()
        for key, items in CHOICES.items():
            box = QComboBox()
            for label, value in items:
                box.addItem(label, value)
            box.currentIndexChanged.connect(lambda _i, key=key: self._choice_changed(key))
            self.controls[key] = box
            bar.addWidget(box)
        self.lexicon_button = QPushButton("User lexicon…")
        self.lexicon_button.setToolTip("A CSV of word,score (score in -1..1) that extends the model")
        self.lexicon_button.clicked.connect(self._choose_lexicon)
        self.lexicon_clear = QPushButton("No lexicon")
        self.lexicon_clear.clicked.connect(lambda: self.set_lexicon(None))
        self.lexicon_clear.hide()
        bar.addWidget(self.lexicon_button)
        bar.addWidget(self.lexicon_clear)
        bar.addStretch(1)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_time_tab(), "Over time and traffic")
        self.tabs.addTab(self._build_terms_tab(), "Themes")
        self.browser = CommentBrowser()
        self.tabs.addTab(self.browser, "Comments")

        lay = QVBoxLayout(self)
        lay.addWidget(self.headline)
        lay.addLayout(bar)
        lay.addWidget(self.tabs, 1)

    # ---- building -----------------------------------------------------------------------------------
    def _build_time_tab(self) -> QWidget:
        self.time_plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem()})
        self.time_plot.setBackground("w")
        self.time_plot.showGrid(y=True, alpha=0.2)
        self.time_plot.setLabel("left", "polarity / share negative")
        self.time_plot.addLegend(offset=(10, 5), labelTextColor="#222", brush=(255, 255, 255, 200))
        self.traffic_box = pg.ViewBox()
        pi = self.time_plot.getPlotItem()
        pi.showAxis("right")
        pi.scene().addItem(self.traffic_box)
        pi.getAxis("right").linkToView(self.traffic_box)
        pi.getAxis("right").setLabel("traffic", color=GREY)
        self.traffic_box.setXLink(pi)
        pi.vb.sigResized.connect(lambda: self.traffic_box.setGeometry(pi.vb.sceneBoundingRect()))

        self.lag_plot = pg.PlotWidget()
        self.lag_plot.setBackground("w")
        self.lag_plot.showGrid(y=True, alpha=0.2)
        self.lag_plot.setLabel("bottom", "lag in days (+k: sentiment leads traffic by k days; -k: traffic leads)")
        self.lag_plot.setLabel("left", "correlation r (95% interval)")
        for plot in (self.time_plot, self.lag_plot):
            plot.getAxis("left").enableAutoSIPrefix(False)
        self.sentence = QLabel()
        self.sentence.setWordWrap(True)
        self.sentence.setTextFormat(Qt.TextFormat.RichText)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(f"color: {RED};")

        lower = QWidget()
        ll = QVBoxLayout(lower)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.sentence)
        ll.addWidget(self.warning)
        ll.addWidget(self.lag_plot, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        self.day_label = QLabel("Point at a day to read its numbers.")
        self.day_label.setStyleSheet("color: #444;")
        self.time_plot.scene().sigMouseMoved.connect(self._mouse_moved)
        upper = QWidget()
        ul = QVBoxLayout(upper)
        ul.setContentsMargins(0, 0, 0, 0)
        ul.addWidget(self.time_plot, 1)
        ul.addWidget(self.day_label)
        split.addWidget(upper)
        split.addWidget(lower)
        split.setSizes([430, 380])
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.addWidget(split, 1)
        return w

    def _build_terms_tab(self) -> QWidget:
        self.scope = QComboBox()
        self.scope.currentIndexChanged.connect(self._draw_terms)
        self.terms_note = QLabel("Click a term to read the texts that use it.")
        self.neg_model, self.pos_model = DataFrameModel(), DataFrameModel()
        self.neg_view, self.pos_view = _table(self.neg_model), _table(self.pos_model)
        self.neg_view.clicked.connect(lambda i: self._term_clicked(self.neg_model, i))
        self.pos_view.clicked.connect(lambda i: self._term_clicked(self.pos_model, i))
        top = QHBoxLayout()
        top.addWidget(QLabel("Terms in"))
        top.addWidget(self.scope)
        top.addWidget(self.terms_note, 1)
        pair = QSplitter(Qt.Orientation.Horizontal)
        for title, view in (("Typical of negative feedback", self.neg_view),
                            ("Typical of positive feedback", self.pos_view)):
            box = QWidget()
            bl = QVBoxLayout(box)
            bl.setContentsMargins(0, 0, 0, 0)
            bl.addWidget(QLabel(f"<b>{title}</b> (weighted log-odds z, informative prior)"))
            bl.addWidget(view, 1)
            pair.addWidget(box)
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.addLayout(top)
        lay.addWidget(pair, 1)
        return w

    # ---- jobs ---------------------------------------------------------------------------------------
    @staticmethod
    def job(ws: Workspace, flt: Filter, settings: dict[str, Any]) -> Callable[[Progress], Any]:
        def run(progress: Progress) -> dict[str, Any] | None:
            view = apply_filter(ws, flt)
            if all(view.table(k) is None or view.table(k).empty for k in ("reviews", "survey")):
                return None
            chosen = {**settings, **ws.view_state.get(VIEW_STATE_KEY, {})}
            return {"overview": sentiment_overview(view, chosen, progress), "workspace": view,
                    "settings": settings}
        return run

    def _choice_changed(self, key: str) -> None:
        self._set_choice(key, self.controls[key].currentData())

    def _choose_lexicon(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "User lexicon (word,score)", "", "CSV files (*.csv *.txt)")
        if path:
            self.set_lexicon(path)

    def set_lexicon(self, path: str | None) -> None:
        """Extend the model with a user lexicon (read by the core job), or drop it."""
        self._set_choice("sentiment_lexicon", path)

    def _set_choice(self, key: str, value: Any) -> None:
        if self.result is None:
            return
        ws: Workspace = self.result["workspace"]
        state = dict(ws.view_state.get(VIEW_STATE_KEY, {}))
        state[key] = value
        ws.view_state[VIEW_STATE_KEY] = state
        settings = self.result["settings"]

        def run(progress: Progress) -> dict[str, Any]:
            return {"overview": sentiment_overview(ws, {**settings, **state}, progress), "workspace": ws,
                    "settings": settings}
        self._run(run, self.show_result)

    def _run(self, fn: Callable[[Progress], Any], done: Callable[[Any], None]) -> None:
        """On the window's worker pool (a newer choice cancels an older one); alone (tests,
        snapshots), right here."""
        runner = getattr(self.window(), "runner", None)
        if runner is not None and self.window() is not self:
            runner.start("sentiment:choice", fn, done, "Computing Sentiment")
        else:
            done(fn(Progress()))

    # ---- results ------------------------------------------------------------------------------------
    def show_result(self, result: dict[str, Any] | None) -> None:
        self.result = result
        if result is None:
            self.headline.setText("No feedback texts imported. Import app-store reviews, social posts, "
                                  "support exports or survey comments to see how users feel.")
            for plot in (self.time_plot, self.lag_plot):
                plot.clear()
            self.traffic_box.clear()
            self.browser.set_frame(pd.DataFrame())
            return
        ov = result["overview"]
        for key, box in self.controls.items():
            box.blockSignals(True)
            box.setCurrentIndex(max(0, box.findData(ov["settings"][key])))
            box.blockSignals(False)
        lexicon = ov["settings"].get("sentiment_lexicon")
        self.lexicon_clear.setVisible(bool(lexicon))
        self.lexicon_button.setText(f"Lexicon: {Path(lexicon).name}" if lexicon else "User lexicon…")
        self._draw_headline(ov)
        self._draw_time(ov)
        self._draw_lags(ov)
        self._fill_scopes(ov)
        self.browser.set_frame(ov["feedback"])
        self.browser.set_unmasked(self.unmasked)

    def _draw_headline(self, ov: dict[str, Any]) -> None:
        c = ov["counts"]
        reasons = ", ".join(f"{n:,} {'in a language the model cannot score' if k == 'language' else 'empty'}"
                            for k, n in c["by_status"].items() if k != "scored" and n)
        scored = ov["feedback"].loc[ov["feedback"]["status"] == "scored", "polarity"]
        label = ov["feedback"]["sentiment"]
        shares = {k: (label == k).sum() / max(1, len(scored)) for k in ("negative", "neutral", "positive")}
        self.headline.setText(
            f"<b>{c['scored']:,}</b> of {c['texts']:,} texts scored with <b>{ov['model']}</b>"
            + (f" ({reasons}: not scored, not counted as neutral)" if reasons else "")
            + f". Mean polarity <b>{_fmt(scored.mean())}</b>; "
            f"{shares['negative']:.0%} negative, {shares['neutral']:.0%} neutral, {shares['positive']:.0%} positive "
            f"(thresholds {ov['settings']['negative_threshold']:+g} / {ov['settings']['positive_threshold']:+g}).")

    def _draw_time(self, ov: dict[str, Any]) -> None:
        self.time_plot.clear()
        self.traffic_box.clear()
        legend = self.time_plot.getPlotItem().legend
        if legend is not None:
            legend.clear()
        daily, traffic = ov["daily"], ov["traffic"]
        if not daily.empty:
            x = _epoch(daily.index)
            lo = pg.PlotDataItem(x, daily["ci_low"].fillna(daily["mean"]).to_numpy())
            hi = pg.PlotDataItem(x, daily["ci_high"].fillna(daily["mean"]).to_numpy())
            self.time_plot.addItem(pg.FillBetweenItem(lo, hi, brush=BAND))
            self.mean_curve = self.time_plot.plot(x, daily["mean"].to_numpy(), pen=pg.mkPen(BLUE, width=1.5),
                                                  name="mean polarity (95% interval)")
            self.neg_curve = self.time_plot.plot(x, daily["share_negative"].to_numpy(),
                                                 pen=pg.mkPen(RED, width=1, style=Qt.PenStyle.DashLine),
                                                 name="share negative")
            self.time_plot.addLine(y=0, pen=pg.mkPen("#bbb"))
        self.time_plot.getPlotItem().getAxis("right").setLabel(ov["traffic_name"], color=GREY)
        if not traffic.empty:
            self.traffic_curve = pg.PlotDataItem(_epoch(traffic.index), traffic.to_numpy(),
                                                 pen=pg.mkPen(GREY, width=1))
            self.traffic_box.addItem(self.traffic_curve)
            self.traffic_box.enableAutoRange()
            if legend is not None:
                legend.addItem(self.traffic_curve, f"{ov['traffic_name']} (right axis)")
        for item in self.time_plot.listDataItems() + [getattr(self, "traffic_curve", None)]:
            if isinstance(item, pg.PlotDataItem):
                item.setDownsampling(auto=True, method="peak")
                item.setClipToView(True)

    def _mouse_moved(self, pos) -> None:
        if self.result is not None and self.time_plot.sceneBoundingRect().contains(pos):
            self.show_day(self.time_plot.getPlotItem().vb.mapSceneToView(pos).x())

    def show_day(self, x: float) -> None:
        """The numbers of the day nearest to x (epoch seconds) under the timeline."""
        ov = self.result["overview"] if self.result else None
        if ov is None or ov["daily"].empty:
            return
        daily = ov["daily"]
        days = _epoch(daily.index)
        i = int(np.clip(np.searchsorted(days, x), 1, len(days) - 1))
        i = i - 1 if abs(x - days[i - 1]) <= abs(days[i] - x) else i
        row, day = daily.iloc[i], daily.index[i]
        traffic = ov["traffic"].get(day, math.nan)
        self.day_label.setText(
            f"{day:%a %d %b %Y}: mean polarity {_fmt(row['mean'])} [{_fmt(row['ci_low'])}, {_fmt(row['ci_high'])}], "
            f"n = {int(row['n']):,} scored texts, {row['share_negative']:.0%} negative; "
            f"{ov['traffic_name']} {_fmt(traffic, 0)}")

    def _draw_lags(self, ov: dict[str, Any]) -> None:
        self.lag_plot.clear()
        corr = ov["correlation"]
        lags = corr.lags.dropna(subset=["r"])
        best = corr.best
        colour = RED if best is not None else "#333"
        self.sentence.setText(f"<span style='color:{colour}'><b>{corr.sentence}</b></span> "
                              f"<span style='color:#555'>Both series {corr.method}d; a lag counts as significant "
                              f"when it stays so after allowing for all {len(corr.lags)} lags looked at.</span>")
        self.warning.setText(corr.warning or "")
        self.warning.setVisible(bool(corr.warning))
        if lags.empty:
            return
        x, r = lags["lag"].to_numpy(dtype=float), lags["r"].to_numpy()
        brushes = [pg.mkBrush(RED if s else "#9fb8d9") for s in lags["significant"]]
        self.lag_bars = pg.BarGraphItem(x=x, height=r, width=0.7, brushes=brushes, pen=pg.mkPen(None))
        self.lag_plot.addItem(self.lag_bars)
        self.lag_whiskers = pg.ErrorBarItem(x=x, y=r, top=lags["ci_high"].to_numpy() - r,
                                            bottom=r - lags["ci_low"].to_numpy(), beam=0.25,
                                            pen=pg.mkPen("#444"))
        self.lag_plot.addItem(self.lag_whiskers)
        self.lag_plot.addLine(y=0, pen=pg.mkPen("#888"))
        self.lag_plot.addLine(x=0, pen=pg.mkPen("#ccc", style=Qt.PenStyle.DotLine))

    def _fill_scopes(self, ov: dict[str, Any]) -> None:
        current = self.scope.currentData()
        self.scope.blockSignals(True)
        self.scope.clear()
        self.scope.addItem("all feedback", "all:")
        for key in sorted(ov["terms_by"]["month"]):
            self.scope.addItem(f"month {key}", f"month:{key}")
        for key in sorted(ov["terms_by"]["place"]):
            self.scope.addItem(f"region {key}", f"place:{key}")
        idx = self.scope.findData(current) if current else 0
        self.scope.setCurrentIndex(max(0, idx))
        self.scope.blockSignals(False)
        self._draw_terms()

    def _draw_terms(self) -> None:
        if self.result is None:
            return
        ov = self.result["overview"]
        kind, _, key = (self.scope.currentData() or "all:").partition(":")  # "month:2026-02"
        table = ov["terms"] if kind == "all" else ov["terms_by"][kind].get(key, pd.DataFrame())
        if table.empty:
            table = pd.DataFrame(columns=TERM_COLUMNS + ["side"])
        neg = table[table["side"] == "negative"][TERM_COLUMNS].round({"z": 1})
        pos = table[table["side"] == "positive"][TERM_COLUMNS].round({"z": 1})
        self.neg_model.set_frame(neg)
        self.pos_model.set_frame(pos)
        self._term_scope = (kind, key)

    def _term_clicked(self, model: DataFrameModel, index) -> None:
        term = str(model.frame().iloc[index.row()]["term"])
        self.show_term(term)

    def show_term(self, term: str) -> None:
        """Open the comment browser on the texts that contain the term (in the themes' scope)."""
        self.browser.clear_filters()
        kind, key = getattr(self, "_term_scope", ("all", ""))
        if kind in ("place", "month"):
            self.browser.set_filter(kind, key)
        self.browser.set_term(term)
        self.tabs.setCurrentWidget(self.browser)

    def set_unmasked(self, on: bool) -> None:
        super().set_unmasked(on)
        self.browser.set_unmasked(self.unmasked)


SECTION = SentimentSection
