"""People: who the users are, shown inclusively, and who is missing.

Renders a core DemographyResult (core/metrics/demography.py): the population pyramid with every
gender category, distributions, cross-tabs, the representation index against a reference population
with its plain list, and the demography of promoters vs detractors and engaged vs dormant users.
Every count arrives already suppressed; hidden cells are shown as hidden, never recomputed here.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QComboBox, QGridLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
                               QListWidget, QListWidgetItem, QTableView, QVBoxLayout, QWidget)

from ...core.filters import Filter, apply_filter
from ...core.metrics.demography import DemographyResult, demography_result
from ...core.metrics.demography_compare import plural
from ...core.metrics.demography_tables import CrossTab
from ...core.privacy import DEFAULT_K
from ...core.progress import Progress
from ...core.workspace import Workspace
from .base import Section

# Okabe-Ito: distinguishable with every common colour-vision deficiency; no pink/blue coding.
PALETTE = ["#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#0072B2", "#D55E00", "#F0E442", "#000000"]
UNKNOWN_COLOUR = "#999999"
UNDER, OVER, NEUTRAL = "#D55E00", "#0072B2", "#7f7f7f"
HIDDEN_TIP = ("Hidden by small-cell suppression: fewer than {k} people, or a second cell hidden so "
              "that a total cannot give the first one back.")
NICE = {"age_band": "age band", "signup_period": "signup quarter"}


def nice(column: str) -> str:
    return NICE.get(column, column.replace("_", " "))


def colour_for(label: str, index: int) -> str:
    return UNKNOWN_COLOUR if label == "unknown" else PALETTE[index % len(PALETTE)]


def wrap(label: str, width: int = 10) -> str:
    """A long axis label broken over lines, so neighbouring labels do not overlap."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


def set_bottom_ticks(plot: pg.PlotWidget, ticks: list[tuple[float, str]]) -> None:
    """Ticks that may run over several lines, with room below for all of them."""
    axis = plot.getAxis("bottom")
    axis.setTicks([ticks])
    lines = max((t.count("\n") + 1 for _, t in ticks), default=1)
    axis.setHeight(14 + 15 * lines)


def swatches(items: list[tuple[str, str]]) -> str:
    """An HTML legend line: a coloured square before each label."""
    return " ".join(f"<span style='color:{c}'>■</span>&nbsp;{label}" for label, c in items)


class CrossTabModel(QAbstractTableModel):
    """A suppressed cross-tab with its margins; hidden entries show as "hidden"."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._tab: CrossTab | None = None
        self._cells = np.zeros((0, 0))
        self.k = DEFAULT_K

    def set_table(self, tab: CrossTab | None, k: int | None) -> None:
        self.beginResetModel()
        self._tab, self.k = tab, k or DEFAULT_K
        if tab is not None:
            r, c = tab.counts.shape
            cells = np.empty((r + 1, c + 1))
            cells[:r, :c] = tab.counts.to_numpy()
            cells[:r, c], cells[r, :c], cells[r, c] = tab.row_totals, tab.col_totals, tab.total
            self._cells = cells
        else:
            self._cells = np.zeros((0, 0))
        self.endResetModel()

    def table(self) -> CrossTab | None:
        return self._tab

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._cells.shape[0]

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._cells.shape[1]

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        value = self._cells[index.row(), index.column()]
        hidden = np.isnan(value)
        if role == Qt.ItemDataRole.DisplayRole:
            return "hidden" if hidden else f"{int(value):,}"
        if role == Qt.ItemDataRole.UserRole:
            return None if hidden else int(value)
        if role == Qt.ItemDataRole.ToolTipRole and hidden:
            return HIDDEN_TIP.format(k=self.k)
        if role == Qt.ItemDataRole.ForegroundRole and hidden:
            return QColor(UNKNOWN_COLOUR)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or self._tab is None:
            return None
        labels = self._tab.counts.columns if orientation == Qt.Orientation.Horizontal \
            else self._tab.counts.index
        return str(labels[section]) if section < len(labels) else "Total"


class _AbsAxis(pg.AxisItem):
    """Counts on both sides of the pyramid read as positive numbers."""

    def tickStrings(self, values, scale, spacing):
        return [f"{abs(v):,.0f}" for v in values]


def _plot(title: str = "", abs_axis: bool = False) -> pg.PlotWidget:
    axes = {"bottom": _AbsAxis("bottom")} if abs_axis else {}
    w = pg.PlotWidget(axisItems=axes, background="w")
    w.setMenuEnabled(False)
    w.setMouseEnabled(x=False, y=False)
    w.hideButtons()
    if title:
        w.setTitle(title, color="#333", size="10pt")
    for side in ("left", "bottom"):
        w.getAxis(side).setPen("#555")
        w.getAxis(side).setTextPen("#333")
    return w


def _box(title: str, *widgets: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    lay = QVBoxLayout(box)
    lay.setContentsMargins(6, 6, 6, 6)
    for w in widgets:
        lay.addWidget(w, 1 if isinstance(w, (pg.PlotWidget, QTableView, QListWidget)) else 0)
    return box


def _row(*widgets: QWidget) -> QWidget:
    w = QWidget()
    lay = QHBoxLayout(w)
    lay.setContentsMargins(0, 0, 0, 0)
    for x in widgets:
        lay.addWidget(x, 1 if isinstance(x, (pg.PlotWidget, QLabel)) else 0)
    return w


class PeopleSection(Section):
    name = "people"
    title = "People"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result: DemographyResult | None = None
        self.summary = QLabel("No user profiles loaded.")
        self.summary.setWordWrap(True)

        self.pyramid_plot = _plot(abs_axis=True)
        self.others_plot = _plot()
        self.others_plot.setYLink(self.pyramid_plot)
        self.others_plot.setMaximumWidth(260)
        self.pyramid_caption = QLabel()
        self.pyramid_caption.setWordWrap(True)

        self.dist_choice = QComboBox()
        self.dist_plot = _plot()
        self.dist_caption = QLabel()
        self.dist_caption.setWordWrap(True)

        self.rep_choice = QComboBox()
        self.rep_plot = _plot()
        self.rep_caption = QLabel()
        self.rep_caption.setWordWrap(True)
        self.rep_legend = ""
        self.rep_list = QListWidget()
        self.rep_list.setWordWrap(True)

        self.tab_choice = QComboBox()
        self.tab_model = CrossTabModel(self)
        self.tab_view = QTableView()
        self.tab_view.setModel(self.tab_model)
        self.tab_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.tab_view.doubleClicked.connect(self._tab_double_clicked)

        self.cmp_choice = QComboBox()
        self.cmp_dim = QComboBox()
        self.cmp_plot = _plot()
        self.cmp_legend = QLabel()
        self.cmp_caption = QLabel()
        self.cmp_caption.setWordWrap(True)

        grid = QGridLayout()
        grid.addWidget(_box("Population pyramid: every gender the data carries",
                            _row(self.pyramid_plot, self.others_plot), self.pyramid_caption), 0, 0)
        grid.addWidget(_box("Distribution", _row(QLabel("Attribute"), self.dist_choice),
                            self.dist_plot, self.dist_caption), 0, 1)
        grid.addWidget(_box("Representation against the reference population",
                            _row(QLabel("Groups"), self.rep_choice), self.rep_plot,
                            self.rep_caption), 0, 2)
        grid.addWidget(_box("Cross-tab (double-click a region to filter by it)",
                            _row(QLabel("Table"), self.tab_choice), self.tab_view), 1, 0)
        grid.addWidget(_box("Who is under- or over-represented", self.rep_list), 1, 1)
        grid.addWidget(_box("Who they are: two groups compared",
                            _row(self.cmp_choice, self.cmp_dim), self.cmp_legend, self.cmp_plot,
                            self.cmp_caption),
                       1, 2)
        for i in range(3):
            grid.setColumnStretch(i, 1)
        lay = QVBoxLayout(self)
        lay.addWidget(self.summary)
        lay.addLayout(grid, 1)

        self.dist_choice.currentIndexChanged.connect(self._draw_distribution)
        self.rep_choice.currentIndexChanged.connect(self._draw_representation)
        self.tab_choice.currentIndexChanged.connect(self._show_crosstab)
        self.cmp_choice.currentIndexChanged.connect(self._comparison_changed)
        self.cmp_dim.currentIndexChanged.connect(self._draw_comparison)

    # ---- computation (runs in a worker) ----------------------------------------------------------

    @staticmethod
    def job(ws: Workspace, flt: Filter, settings: dict[str, Any]) -> Callable[[Progress], Any]:
        k = settings.get("suppression_k", DEFAULT_K)
        layers = ws.layers_of_kind("reference-population")
        reference = next(iter(layers.values()), None)

        def run(progress: Progress) -> DemographyResult | None:
            view = apply_filter(ws, flt)
            profiles = view.table("profiles")
            if profiles is None or profiles.empty:
                return None
            return demography_result(profiles, reference, view.table("survey"), view.table("events"),
                                     k=k, progress=progress)
        return run

    # ---- rendering (GUI thread) --------------------------------------------------------------------

    def show_result(self, result: DemographyResult | None) -> None:
        self.result = result
        for combo in (self.dist_choice, self.rep_choice, self.tab_choice, self.cmp_choice):
            combo.blockSignals(True)
            combo.clear()
        if result is None:
            self.summary.setText("No user profiles loaded: import a users table to see who they are.")
            for combo in (self.dist_choice, self.rep_choice, self.tab_choice, self.cmp_choice):
                combo.blockSignals(False)
            for plot in (self.pyramid_plot, self.others_plot, self.dist_plot, self.rep_plot,
                         self.cmp_plot):
                plot.clear()
            self.tab_model.set_table(None, None)
            self.rep_list.clear()
            return
        age = result.age
        hidden = f"counts below {result.k} are hidden" if result.k else "no suppression"
        median = f"median age {age['median']:.0f}" if age["median"] is not None else "median age not shown"
        self.summary.setText(
            f"<b>{result.users:,} users</b> · {median} (ages as of {result.reference_date}) · "
            f"{hidden} · unknown values are counted as <i>unknown</i>, never dropped.")
        for col in result.segments:
            self.dist_choice.addItem(nice(col), col)
        if result.representation is not None:
            for dim in dict.fromkeys(result.representation.groups["dimension"]):
                self.rep_choice.addItem(nice(dim), dim)
        for key, tab in self._crosstabs().items():
            self.tab_choice.addItem(key, key)
        for label, cmp in (("Promoters vs detractors", result.promoters_vs_detractors),
                           ("Engaged vs dormant", result.engaged_vs_dormant)):
            if cmp is not None:
                self.cmp_choice.addItem(label, label)
        for combo in (self.dist_choice, self.rep_choice, self.tab_choice, self.cmp_choice):
            combo.blockSignals(False)
            combo.setEnabled(combo.count() > 0)
        self._draw_pyramid()
        self._draw_distribution()
        self._draw_representation()
        self._fill_statements()
        self._show_crosstab()
        self._comparison_changed()

    def _crosstabs(self) -> dict[str, CrossTab]:
        r = self.result
        tabs = {name.replace("_", " "): t for name, t in r.crosstabs.items()}
        tabs.update({f"country x {nice(c)}": t for c, t in r.by_country.items()})
        tabs.update({f"region x {nice(c)}": t for c, t in r.by_region.items()})
        tabs.update({f"signup quarter x {nice(c)}": t for c, t in r.by_period.items()})
        return tabs

    def _gender_colours(self) -> dict[str, str]:
        """One colour per gender category, the same in the pyramid and the distribution."""
        genders = [str(g) for g in self.result.pyramid.counts.columns]
        return {g: colour_for(g, i) for i, g in enumerate(genders)}

    def _draw_pyramid(self) -> None:
        tab = self.result.pyramid
        self.pyramid_plot.clear()
        self.others_plot.clear()
        colours = self._gender_colours()
        bands = [str(b) for b in tab.counts.index]
        genders = [str(g) for g in tab.counts.columns]
        sides = [g for g in ("female", "male") if g in genders]
        if len(sides) < 2:  # no female/male pair in the data: the two largest categories face each other
            by_size = tab.col_totals.fillna(0).sort_values(ascending=False).index
            sides = [str(g) for g in by_size[:2]]
        y = np.arange(len(bands))
        hidden_cells = 0
        for side, sign in zip(sides, (-1, 1)):
            values = tab.counts[side].to_numpy(dtype=float)
            shown = ~np.isnan(values)
            hidden_cells += int((~shown).sum())
            if shown.any():
                widths = values[shown]
                x0 = -widths if sign < 0 else np.zeros_like(widths)
                self.pyramid_plot.addItem(pg.BarGraphItem(x0=x0, y=y[shown], width=widths, height=0.8,
                                                          brush=colours[side], pen=pg.mkPen("w")))
        self.pyramid_plot.getAxis("left").setTicks([list(enumerate(bands))])
        self.pyramid_plot.addItem(pg.InfiniteLine(pos=0, angle=90, pen=pg.mkPen("#555")))
        self.pyramid_plot.setLabel("bottom", f"◀ {sides[0]}   users   {sides[-1]} ▶")
        others = [g for g in genders if g not in sides]
        left = np.zeros(len(bands))
        for g in others:
            values = tab.counts[g].to_numpy(dtype=float)
            shown = ~np.isnan(values)
            hidden_cells += int((~shown).sum())
            if shown.any():
                self.others_plot.addItem(pg.BarGraphItem(x0=left[shown], y=y[shown],
                                                         width=values[shown], height=0.8,
                                                         brush=colours[g], pen=pg.mkPen("w")))
                left[shown] += values[shown]
        self.others_plot.getAxis("left").setTicks([list(enumerate(bands))])
        self.others_plot.setLabel("bottom", "other answers")
        totals = tab.col_totals
        legend = swatches([(f"{g}: {'hidden' if np.isnan(totals[g]) else f'{int(totals[g]):,}'}",
                            colours[g]) for g in genders])
        text = legend
        if hidden_cells:
            text += (f"<br>{hidden_cells} cells hidden (fewer than {self.result.k} people, or hidden "
                     "so a total cannot reveal one).")
        self.pyramid_caption.setText(text)

    def _draw_distribution(self) -> None:
        self.dist_plot.clear()
        col = self.dist_choice.currentData()
        if self.result is None or col is None:
            return
        d = self.result.distributions[col].table
        values = [str(v) for v in d["value"]]
        shares = d["share"].to_numpy(dtype=float) * 100
        shown = ~np.isnan(shares)
        x = np.arange(len(values))
        genders = self._gender_colours()
        brushes = [genders.get(v, UNKNOWN_COLOUR) if col == "gender" else
                   (UNKNOWN_COLOUR if v in ("unknown", "??") else PALETTE[4]) for v in values]
        if shown.any():
            self.dist_plot.addItem(pg.BarGraphItem(
                x=x[shown], height=shares[shown], width=0.75,
                brushes=[b for b, s in zip(brushes, shown) if s], pen=pg.mkPen("w")))
        ticks = [(i, wrap(v if s else f"{v} (hidden)")) for i, (v, s) in enumerate(zip(values, shown))]
        set_bottom_ticks(self.dist_plot, ticks)
        self.dist_plot.setLabel("left", "% of users")
        self.dist_plot.setXRange(-0.6, len(values) - 0.4, padding=0)
        hidden = [v for v, s in zip(values, shown) if not s]
        self.dist_caption.setText(
            f"{len(values)} {nice(col)} values among {self.result.distributions[col].total:,} users"
            + (f"; hidden: {', '.join(hidden)}." if hidden else "."))

    def _draw_representation(self) -> None:
        self.rep_plot.clear()
        rep = self.result.representation if self.result else None
        dim = self.rep_choice.currentData()
        if rep is None or dim is None:
            self.rep_plot.setTitle("No reference population imported", color="#333", size="10pt")
            self.rep_caption.setText("")
            return
        self.rep_plot.setTitle("")
        g = rep.groups[rep.groups["dimension"] == dim].reset_index(drop=True)
        labels = [str(v) for v in g["group"]]
        if dim == "age_band x gender":
            # one column per age band, a point per gender beside each other, in the gender's colour
            genders = list(dict.fromkeys(v.split(", ", 1)[0] for v in labels))
            bands = list(dict.fromkeys(v.split(", ", 1)[1] for v in labels))
            spread = np.linspace(-0.2, 0.2, len(genders)) if len(genders) > 1 else np.zeros(1)
            x = np.array([bands.index(v.split(", ", 1)[1]) + spread[genders.index(v.split(", ", 1)[0])]
                          for v in labels])
            colours = self._gender_colours()
            fill = np.array([colours.get(v.split(", ", 1)[0], NEUTRAL) for v in labels])
            ticks = list(enumerate(bands))
            self.rep_legend = swatches([(gn, colours.get(gn, NEUTRAL)) for gn in genders])
        else:
            x = np.arange(len(g), dtype=float)
            fill = None
            ticks = list(enumerate(labels))
            self.rep_legend = swatches([("under-represented", UNDER), ("over-represented", OVER),
                                        ("interval includes 1", NEUTRAL)])
        index = g["index"].to_numpy(dtype=float)
        lo, hi = g["ci_low"].to_numpy(dtype=float), g["ci_high"].to_numpy(dtype=float)
        shown = ~np.isnan(index)
        telling = (hi < 1) | (lo > 1)
        if fill is None:
            fill = np.where(hi < 1, UNDER, np.where(lo > 1, OVER, NEUTRAL))
        self.rep_plot.addItem(pg.InfiniteLine(pos=1, angle=0, pen=pg.mkPen("#333", width=1.5,
                                                                            style=Qt.PenStyle.DashLine)))
        if shown.any():
            self.rep_plot.addItem(pg.ErrorBarItem(x=x[shown], y=index[shown], top=(hi - index)[shown],
                                                  bottom=(index - lo)[shown], beam=0.12,
                                                  pen=pg.mkPen("#444", width=1.5)))
            # a hollow point: the interval includes 1, so no claim is made about the group
            self.rep_plot.addItem(pg.ScatterPlotItem(
                x=x[shown], y=index[shown], size=11,
                pen=[pg.mkPen(c, width=2) for c in fill[shown]],
                brush=[pg.mkBrush(c if t else "w") for c, t in zip(fill[shown], telling[shown])]))
        hidden = [v for v, s_ in zip(labels, shown) if not s_]
        set_bottom_ticks(self.rep_plot, ticks)
        self.rep_plot.setLabel("left", "share among users / expected share")
        self.rep_plot.setXRange(-0.6, len(ticks) - 0.4, padding=0)
        self.rep_caption.setText(
            self.rep_legend + "<br>1 = as in the population (dashed); whiskers: 95% interval; "
            "hollow: the interval includes 1." + (f" Hidden: {', '.join(hidden)}." if hidden else ""))

    def _fill_statements(self) -> None:
        self.rep_list.clear()
        rep = self.result.representation
        if rep is None:
            self.rep_list.addItem("Import a reference population (a layer of kind "
                                  "reference-population: place, age band, gender, population) to see "
                                  "who is missing.")
            return
        for s in rep.statements:
            item = QListWidgetItem(("▼ " if s["direction"] == "under" else "▲ ") + s["text"])
            item.setForeground(QColor(UNDER if s["direction"] == "under" else OVER))
            self.rep_list.addItem(item)
        if not rep.statements:
            self.rep_list.addItem("No group's 95% interval excludes 1: every group is represented as "
                                  "in the reference population, as far as these numbers can tell.")
        for dim, cats in rep.excluded.items():
            if dim == "age_band x gender" or not cats:
                continue
            listed = ", ".join(f"{c}: {'fewer than ' + str(rep.k) if n is None else f'{n:,}'}"
                               for c, n in cats.items())
            self.rep_list.addItem(f"Not in the reference's {nice(dim)} categories, so not compared "
                                  f"(but counted everywhere else): {listed}.")

    def _show_crosstab(self) -> None:
        key = self.tab_choice.currentData()
        tab = self._crosstabs().get(key) if self.result and key else None
        self.tab_model.set_table(tab, self.result.k if self.result else None)

    def _tab_double_clicked(self, index: QModelIndex) -> None:
        tab = self.tab_model.table()
        if tab is None or tab.rows != "region" or index.row() >= len(tab.counts.index):
            return
        region = str(tab.counts.index[index.row()])
        if region != "unknown":
            self.filter_requested.emit({"regions": [region]})

    def _current_comparison(self):
        label = self.cmp_choice.currentData()
        if self.result is None or label is None:
            return None
        return (self.result.promoters_vs_detractors if label.startswith("Promoters")
                else self.result.engaged_vs_dormant)

    def _comparison_changed(self) -> None:
        cmp = self._current_comparison()
        current = self.cmp_dim.currentData()
        self.cmp_dim.blockSignals(True)
        self.cmp_dim.clear()
        for dim in (cmp.tables if cmp else {}):
            self.cmp_dim.addItem(nice(dim), dim)
        self.cmp_dim.setEnabled(self.cmp_dim.count() > 0)
        if current is not None and self.cmp_dim.findData(current) >= 0:
            self.cmp_dim.setCurrentIndex(self.cmp_dim.findData(current))
        self.cmp_dim.blockSignals(False)
        self._draw_comparison()

    def _draw_comparison(self) -> None:
        self.cmp_plot.clear()
        cmp, dim = self._current_comparison(), self.cmp_dim.currentData()
        if cmp is None or dim is None:
            self.cmp_caption.setText("Needs survey answers (for promoters and detractors) or events "
                                     "(for engaged and dormant users) joined to profiles by user id.")
            return
        t = cmp.tables[dim]
        x = np.arange(len(t))
        names = []
        for side, offset, colour in (("a", -0.2, PALETTE[2]), ("b", 0.2, PALETTE[5])):
            share = t[f"share_{side}"].to_numpy(dtype=float) * 100
            lo, hi = t[f"low_{side}"].to_numpy(dtype=float) * 100, t[f"high_{side}"].to_numpy(dtype=float) * 100
            shown = ~np.isnan(share)
            group = getattr(cmp, side)
            name = f"{plural(group)} (n = {cmp.sizes[group]:,})"
            names.append((name, colour))
            if shown.any():
                self.cmp_plot.addItem(pg.BarGraphItem(x=x[shown] + offset, height=share[shown],
                                                      width=0.38, brush=colour, pen=pg.mkPen("w")))
                self.cmp_plot.addItem(pg.ErrorBarItem(x=x[shown] + offset, y=share[shown],
                                                      top=(hi - share)[shown], bottom=(share - lo)[shown],
                                                      beam=0.12, pen=pg.mkPen("#333")))
        ticks = [(i, wrap(str(v) + (" (hidden)" if s else ""))) for i, (v, s) in
                 enumerate(zip(t["value"], t["suppressed"]))]
        set_bottom_ticks(self.cmp_plot, ticks)
        self.cmp_plot.setLabel("left", "% of the group (95% interval)")
        self.cmp_plot.setXRange(-0.6, len(t) - 0.4, padding=0)
        self.cmp_legend.setText(swatches(names))
        notes = "; ".join(f"{k_}: {n:,}" for k_, n in cmp.notes.items() if n)
        self.cmp_caption.setText(cmp.tests[dim]["text"] + (f" Left out: {notes}." if notes else ""))


SECTION = PeopleSection
