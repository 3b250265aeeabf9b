"""Growth: users on the map. World countries in Equal Earth; click a country for its first-level
regions in its own equal-area projection; click a region to filter every view to it.

Every figure arrives from core already suppressed; the view only draws, formats and routes clicks.
Projection, classification and colouring run in core, off the GUI thread where a window runs them.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import QMarginsF, QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPageLayout, QPageSize, QPainter, QPdfWriter
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFileDialog, QGridLayout, QHBoxLayout, QInputDialog, QLabel,
                               QLineEdit, QListWidget, QPushButton, QSlider, QSpinBox, QSplitter,
                               QTableView, QTabWidget, QToolTip, QVBoxLayout, QWidget)

from ...core.filters import Filter
from ...core.geo.choropleth import (Colouring, Shapes, all_region_shapes, colour_bivariate, colour_measure,
                                    region_shapes, user_shapes, world_shapes)
from ...core.geo.userfile import boundary_columns
from ...core.geo.classify import SCHEMES
from ...core.geo.palettes import DIVERGING, SEQUENTIAL
from ...core.metrics.growth import MEASURES, GrowthData, growth_data, month_view
from ...core.privacy import DEFAULT_K
from ...core.progress import Progress
from ...core.workspace import Workspace
from ..map.choropleth_item import ChoroplethItem, brushes_for
from ..table_model import DataFrameModel
from .base import Section

BIVARIATE = "bivariate"
OWN = "(own boundaries)"   # the drill-down "country" while a user's boundary file is shown
ALL_REGIONS = "(all regions)"  # ... and while every first-level region of the world is shown


DEFAULT_CHOICE = {"measure": "users_per_100k", "scheme": "quantiles", "k": 5, "palette": "blues"}


@dataclass
class GrowthResult:
    data: GrowthData
    world: Shapes
    initial: Colouring   # the world map with the default choices, coloured in the worker


def colour_choice(table: pd.DataFrame, measure: str, scheme: str, k: int, palette: str,
                  breaks: list[float] | None = None) -> Colouring:
    """colour_measure for one of MEASURES (core computes; this only picks its parameters)."""
    m = MEASURES[measure]
    return colour_measure(table, measure, m.count, m.label, scheme, k, palette, breaks, m.midpoint,
                          m.percent, f"suppressed_{m.count}", (f"{measure}_low", f"{measure}_high"))


class MapView(pg.PlotWidget):
    """Zoom and pan (mouse wheel, drag), with hover and click reported by region index."""

    hovered = Signal(object, QPointF)   # region index or None, global screen position
    clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, background="w")
        self.item = ChoroplethItem()
        self.addItem(self.item)
        for axis in ("left", "bottom"):
            self.hideAxis(axis)
        self.setAspectLocked(True)
        self.setMenuEnabled(False)
        self.hideButtons()
        self.scene().sigMouseMoved.connect(self._moved)
        self.scene().sigMouseClicked.connect(self._clicked)

    def show_shapes(self, shapes: Shapes) -> None:
        self.item.set_shapes(shapes)
        x0, y0, x1, y1 = shapes.focus
        vb = self.getViewBox()
        vb.disableAutoRange()
        vb.setRange(QRectF(x0, y0, x1 - x0, y1 - y0), padding=0.02)

    def region_at_scene(self, scene_pos: QPointF) -> int | None:
        return self.item.region_at(self.getViewBox().mapSceneToView(scene_pos))

    def _moved(self, scene_pos: QPointF) -> None:
        index = self.region_at_scene(scene_pos)
        self.item.set_highlight(index)
        view_pos = self.mapFromScene(scene_pos)
        self.hovered.emit(index, self.mapToGlobal(view_pos))

    def _clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        index = self.region_at_scene(event.scenePos())
        if index is not None:
            self.clicked.emit(index)


class Swatch(QWidget):
    """A legend swatch painted as a rectangle (vector in PDF exports), hatched when suppressed."""

    def __init__(self, colour: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.colour = colour
        self.setFixedSize(18, 12)

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        for brush in brushes_for(self.colour):
            p.fillRect(0, 0, 18, 12, brush)
        p.setPen(QColor("#888888"))
        p.drawRect(0, 0, 17, 11)
        p.end()


class Legend(QWidget):
    """Class bounds with swatches, then "no data" and "suppressed"; a 3 x 3 grid when bivariate."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.outer = QVBoxLayout(self)
        self.outer.setContentsMargins(0, 0, 0, 0)
        self.inner: QWidget | None = None
        self.entries: list[tuple[str, str]] = []
        self.setFixedWidth(240)

    @staticmethod
    def _swatch(colour: str) -> QWidget:
        return Swatch(colour)

    def set_colouring(self, c: Colouring) -> None:
        if self.inner is not None:
            self.inner.hide()
            self.inner.deleteLater()
        self.inner = QWidget(self)
        self.grid = QGridLayout(self.inner)
        self.grid.setContentsMargins(4, 4, 4, 4)
        self.grid.setHorizontalSpacing(6)
        self.grid.setVerticalSpacing(2)
        self.outer.addWidget(self.inner)
        title = QLabel(f"<b>{c.title}</b>")
        title.setWordWrap(True)
        self.grid.addWidget(title, 0, 0, 1, 4)
        row = 1
        self.entries = []
        if c.bivariate:
            n = len(c.bivariate)
            for i in range(n):                       # top row = highest indicator tercile
                for j in range(n):
                    self.grid.addWidget(self._swatch(c.bivariate[n - 1 - i][j]), row + i, j)
            axes = QLabel(c.legend[0].label)
            axes.setWordWrap(True)
            self.grid.addWidget(axes, row + n, 0, 1, 4)
            row += n + 1
            rest = c.legend[1:]
        else:
            rest = c.legend
        for entry in rest:
            self.grid.addWidget(self._swatch(entry.colour), row, 0)
            label = QLabel(entry.label)
            label.setWordWrap(True)
            self.grid.addWidget(label, row, 1, 1, 3)
            self.entries.append((entry.label, entry.colour))
            row += 1
        self.grid.setRowStretch(row, 1)


def _combo(items: list[tuple[str, str]]) -> QComboBox:
    box = QComboBox()
    for key, label in items:
        box.addItem(label, key)
    return box


class GrowthSection(Section):
    name = "growth"
    title = "Growth"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result: GrowthResult | None = None
        self.country: str | None = None
        self.shapes: Shapes | None = None
        self.colouring: Colouring | None = None
        self.title_text = "Growth"
        self.own_report: dict = {}

        self.crumb = QLabel("<b>World</b>")
        self.back = QPushButton("◀ World")
        self.back.clicked.connect(self.show_world)
        self.all_regions = QPushButton("All regions")
        self.all_regions.setToolTip("Every first-level region of the world")
        self.all_regions.clicked.connect(self.show_all_regions)
        self.filter_country = QPushButton("Filter all views to this country")
        self.filter_country.clicked.connect(self._filter_to_country)
        self.measure = _combo([(k, m.label) for k, m in MEASURES.items()] +
                              [(BIVARIATE, "Users per 100k × indicator (bivariate)")])
        self.indicator = QComboBox()
        self.scheme = _combo(list(SCHEMES.items()))
        self.classes = QSpinBox(minimum=2, maximum=9, value=5)
        self.breaks = QLineEdit(placeholderText="breaks, e.g. 1, 5, 10")
        self.palette = QComboBox()
        self.by_month = QCheckBox("By month")
        self.month = QSlider(Qt.Orientation.Horizontal)
        self.month_label = QLabel()
        self.own_button = QPushButton("Own boundaries…")
        self.own_button.clicked.connect(self._boundary_dialog)
        self.png_button = QPushButton("Export PNG…")
        self.pdf_button = QPushButton("Export PDF…")
        self.png_button.clicked.connect(lambda: self._export_dialog("png"))
        self.pdf_button.clicked.connect(lambda: self._export_dialog("pdf"))

        self.map = MapView()
        self.legend = Legend()
        self.map_title = QLabel()
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.map_panel = QWidget()
        mp = QVBoxLayout(self.map_panel)
        mp.setContentsMargins(0, 0, 0, 0)
        mp.addWidget(self.map_title)
        body = QHBoxLayout()
        body.addWidget(self.map, 1)
        body.addWidget(self.legend)
        mp.addLayout(body, 1)
        mp.addWidget(self.note)

        self.places_model = DataFrameModel()
        self.income_model = DataFrameModel()
        self.lean_model = DataFrameModel()
        self.income_attr = _combo([("income_grp", "Income group"), ("economy", "Economy class")])
        self.lean_layer = QComboBox()
        self.lean_caption = QLabel()
        self.lean_caption.setWordWrap(True)
        self.unmatched = QListWidget()
        self.tabs = QTabWidget()
        self.tabs.addTab(self._table(self.places_model), "Places")
        income_caption = QLabel("Users, engagement, NPS and sentiment by the group of each person's "
                                "country (Natural Earth), with n and 95% intervals")
        income_caption.setWordWrap(True)
        self.tabs.addTab(self._stack(income_caption,
                                     self.income_attr, self._table(self.income_model)), "Socio-economic")
        self.tabs.addTab(self._stack(self.lean_layer, self.lean_caption, self._table(self.lean_model)),
                         "Political")
        self.tabs.addTab(self.unmatched, "Unmatched")

        where_row = QHBoxLayout()
        for w in (self.back, self.crumb, self.all_regions):
            where_row.addWidget(w)
        where_row.addStretch(1)
        where_row.addWidget(self.filter_country)
        controls = QHBoxLayout()
        for w in (QLabel("Measure"), self.measure, self.indicator, QLabel("Classes"), self.scheme,
                  self.classes, self.breaks, QLabel("Palette"), self.palette):
            controls.addWidget(w)
        controls.addStretch(1)
        time_row = QHBoxLayout()
        for w in (self.by_month, self.month, self.month_label, self.own_button, self.png_button, self.pdf_button):
            time_row.addWidget(w)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.map_panel)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        self.tabs.setMaximumWidth(560)
        self.tabs.setMinimumWidth(460)
        lay = QVBoxLayout(self)
        lay.addLayout(where_row)
        lay.addLayout(controls)
        lay.addWidget(split, 1)
        lay.addLayout(time_row)

        self.map.hovered.connect(self._hover)
        self.map.clicked.connect(self._click)
        self.measure.currentIndexChanged.connect(self._measure_changed)
        for sig in (self.indicator.currentIndexChanged, self.scheme.currentIndexChanged,
                    self.classes.valueChanged, self.breaks.editingFinished,
                    self.palette.currentIndexChanged, self.by_month.toggled, self.month.valueChanged):
            sig.connect(self.recolour)
        self.income_attr.currentIndexChanged.connect(self._show_income)
        self.lean_layer.currentIndexChanged.connect(self._show_lean)
        self._fill_palettes()
        self._update_controls()

    @staticmethod
    def _table(model: DataFrameModel) -> QTableView:
        view = QTableView()
        view.setModel(model)
        view.setSortingEnabled(True)
        return view

    @staticmethod
    def _stack(*widgets: QWidget) -> QWidget:
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        for w in widgets:
            lay.addWidget(w)
        return box

    # ---- jobs -------------------------------------------------------------------------------------
    @staticmethod
    def job(ws: Workspace, flt: Filter, settings: dict[str, Any]) -> Callable[[Progress], Any]:
        k = int(settings.get("suppression_k", DEFAULT_K) or DEFAULT_K)

        def run(progress: Progress) -> GrowthResult:
            data = growth_data(ws, flt, k, progress.sub(0.0, 0.9))
            progress.set(0.92, "Projecting the world")
            world = world_shapes()
            c = DEFAULT_CHOICE
            initial = colour_choice(data.countries.reindex(list(world.keys)), c["measure"], c["scheme"],
                                    c["k"], c["palette"])
            return GrowthResult(data, world, initial)
        return run

    def _run(self, key: str, fn: Callable[[Progress], Any], done: Callable[[Any], None]) -> None:
        """In the window, on its worker pool (cancelling an older job of the same key); alone
        (tests, snapshots), right here."""
        runner = getattr(self.window(), "runner", None)
        if runner is not None and self.window() is not self:
            runner.start(f"growth:{key}", fn, done, "Drawing the map")
        else:
            done(fn(Progress()))

    # ---- results ----------------------------------------------------------------------------------
    def show_result(self, result: GrowthResult) -> None:
        self.result = result
        d = result.data
        self.unmatched.clear()
        for label, table in (("country", d.unmatched_countries), ("region", d.unmatched_regions)):
            for value, n in zip(table["value"], table["count"]):
                self.unmatched.addItem(f"{label} {value!r}: {n} people not on the map")
        if not self.unmatched.count():
            self.unmatched.addItem("Every location matched a country or region.")
        self.lean_layer.blockSignals(True)
        self.lean_layer.clear()
        self.lean_layer.addItems(sorted(d.lean))
        self.lean_layer.blockSignals(False)
        self._show_income()
        self._show_lean()
        if self.country is not None and self.shapes is not None:
            self.recolour()
        else:
            self._show_shapes(result.world, None, colour=not self._default_choice())
            if self._default_choice():
                self._show_colouring(result.initial)

    def _default_choice(self) -> bool:
        c = DEFAULT_CHOICE
        return (self.measure.currentData() == c["measure"] and self.scheme.currentData() == c["scheme"]
                and self.classes.value() == c["k"] and self.palette.currentData() == c["palette"]
                and not self.by_month.isChecked())

    def show_world(self) -> None:
        if self.result is not None:
            self._show_shapes(self.result.world, None)

    def show_all_regions(self) -> None:
        """Every first-level region of the world in Equal Earth (projected once, in core)."""
        self._run("drill", lambda progress: all_region_shapes(),
                  lambda shapes: self._show_shapes(shapes, ALL_REGIONS))

    def drill(self, country: str) -> None:
        """Show one country's first-level regions in its own projection (computed in core)."""
        self._run("drill", lambda progress: region_shapes(country),
                  lambda shapes: self._show_shapes(shapes, country))

    def _show_shapes(self, shapes: Shapes, country: str | None, colour: bool = True) -> None:
        if country is not None and not len(shapes):
            self.note.setText(f"No first-level regions are shipped for {country}.")
            return
        self.country, self.shapes = country, shapes
        self.map.show_shapes(shapes)
        self.crumb.setText("<b>World</b>" if country is None else
                           f"World › <b>{self._country_name(country)}</b>")
        if country == ALL_REGIONS:
            self.crumb.setText("World › <b>first-level regions</b>")
        if country == OWN:
            r = self.own_report
            self.crumb.setText(f"World › <b>{Path(r['path']).name}</b> ({r['valid']} of {r['read']} areas; "
                               + (", ".join(f"{n} {why}" for why, n in r["reasons"].items()) or "none rejected")
                               + ")")
        self._update_controls()
        if colour:
            self.recolour()

    # ---- the user's own boundaries -------------------------------------------------------------------
    def _boundary_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Boundary file", "",
                                              "Boundaries (*.geojson *.json *.gpkg *.zip);;All files (*)")
        if not path:
            return

        def choose(columns: list[str]) -> None:
            key, ok = QInputDialog.getItem(self, "Key column", "Column holding each area's code:", columns, 0, False)
            if ok:
                self.load_boundaries(path, key)
        self._run("columns", lambda progress: boundary_columns(path), choose)

    def load_boundaries(self, path: str, key_column: str) -> None:
        """Draw the measures on a user's boundary file: its keys are matched to the region codes
        (else the country codes) of the data; areas without a match show as no data."""
        def shown(out: tuple[Shapes, dict]) -> None:
            shapes, report = out
            self.own_report = report
            self._show_shapes(shapes, OWN)
        self._run("own", lambda progress: user_shapes(path, key_column), shown)

    def _country_name(self, key: str) -> str:
        if key == ALL_REGIONS:
            return "World, first-level regions"
        ws = self.result.world if self.result else None
        if ws is not None and key in ws.keys:
            return ws.names[ws.keys.index(key)]
        return key

    # ---- colouring --------------------------------------------------------------------------------
    def current_table(self) -> pd.DataFrame:
        """The measures of the places now drawn (a month of them when the slider is on)."""
        d = self.result.data
        table = d.countries if self.country is None else d.regions
        if self.country == OWN and not set(self.shapes.keys) & set(d.regions.index):
            table = d.countries
        if self.by_month.isChecked():
            monthly = d.monthly_countries if table is d.countries else d.monthly_regions
            months = sorted(monthly["month"].unique())
            if months:
                month = months[min(self.month.value(), len(months) - 1)]
                self.month_label.setText(month)
                table = month_view(monthly, month, table["population"])
        return table.reindex(list(self.shapes.keys))

    def recolour(self, *_: Any) -> None:
        if self.result is None or self.shapes is None:
            return
        self._update_controls()
        table = self.current_table()
        measure = self.measure.currentData()
        if measure == BIVARIATE:
            ind_name = self.indicator.currentText()
            indicators = (self.result.data.country_indicators if self.country is None
                          else self.result.data.region_indicators)
            if ind_name not in indicators:
                self.note.setText("No indicator for this level: import a socio-economic layer per region.")
                return
            x_col = "users_per_100k" if table["population"].notna().any() else "users"
            x_label = "Users per 100k" if x_col == "users_per_100k" else "Users"
            fn = lambda progress: colour_bivariate(table[x_col], indicators[ind_name], x_label, ind_name,
                                                   table["suppressed_users"], 3)
        else:
            m = MEASURES[measure]
            if measure not in table or m.count not in table:
                self.note.setText(f"{m.label} is not available by month.")
                return
            breaks = self._breaks()
            if self.scheme.currentData() == "user_defined" and not breaks:
                self.note.setText("Type at least one break for user-defined classes.")
                return
            k = self.classes.value()
            scheme, palette = self.scheme.currentData(), self.palette.currentData()
            fn = lambda progress: colour_choice(table, measure, scheme, k, palette, breaks)
        self._run("colour", fn, self._show_colouring)

    def _breaks(self) -> list[float]:
        out = []
        for part in self.breaks.text().replace(";", ",").split(","):
            try:
                out.append(float(part))
            except ValueError:
                continue
        return out

    def _show_colouring(self, c: Colouring) -> None:
        self.colouring = c
        table = c.table.reindex(list(self.shapes.keys))
        self.map.item.set_colours(table["colour"].fillna("#d9d9d9").tolist())
        self.legend.set_colouring(c)
        d = self.result.data
        where = "World" if self.country is None else self._country_name(self.country)
        month = self.month_label.text()
        when = (f"{d.period[0]} to {d.period[1]}" if not self.by_month.isChecked()
                else f"in {month}" if self.measure.currentData() == "new_users" else f"at the end of {month}")
        self.title_text = f"{c.title} — {where}, {when}"
        self.map_title.setText(f"<b>{c.title}</b> — {where}, {when}")
        notes = list(d.notes)
        shown = table["value"].notna().sum()
        notes.append(f"{shown} of {len(table)} places with a figure; counts below {d.k} are suppressed.")
        self.note.setText(" ".join(notes))
        names = dict(zip(self.shapes.keys, self.shapes.names))
        places = table.assign(place=[names[k] for k in table.index]).reset_index(names="key")
        places = places[places["value"].notna() | places["suppressed"]]
        cols = ["place", "key", "value", "n", "rank"] + [c for c in ("low", "high", "indicator") if c in places]
        self.places_model.set_frame(places.sort_values("rank")[cols])

    # ---- hover and click --------------------------------------------------------------------------
    def tooltip_text(self, index: int) -> str:
        key, name = self.shapes.keys[index], self.shapes.names[index]
        if self.colouring is None:
            return name
        row = self.colouring.table.reindex([key]).iloc[0]
        if bool(row.get("suppressed", False)) is True:
            return f"<b>{name}</b><br>fewer than {self.result.data.k}: not shown"
        if pd.isna(row["value"]):
            return f"<b>{name}</b><br>no data"
        measure = self.measure.currentData()
        pct = measure != BIVARIATE and MEASURES[measure].percent
        value = f"{row['value'] * 100:.1f}%" if pct else f"{row['value']:,.3g}"
        ranked = int(self.colouring.table["rank"].notna().sum())
        n = "" if pd.isna(row["n"]) else f"<br>n = {int(row['n']):,}"
        if "low" in row and not pd.isna(row["low"]):
            value += f" (95% interval {row['low']:,.3g} to {row['high']:,.3g})"
        extra = f"<br>{self.indicator.currentText()}: {row['indicator']:,.3g}" if "indicator" in row and \
            not pd.isna(row.get("indicator")) else ""
        return f"<b>{name}</b><br>{self.colouring.title}: {value}{n}<br>rank {int(row['rank'])} of {ranked}{extra}"

    def _hover(self, index: int | None, global_pos: QPointF) -> None:
        if index is None:
            QToolTip.hideText()
            return
        QToolTip.showText(global_pos.toPoint() if hasattr(global_pos, "toPoint") else global_pos,
                          self.tooltip_text(index), self.map)

    def _click(self, index: int) -> None:
        key = self.shapes.keys[index]
        if self.country is None:
            self.drill(key)
        elif self.country == OWN:
            if key in self.result.data.countries.index:
                self.filter_requested.emit({"countries": [key]})
            elif key in self.result.data.regions.index:
                self.filter_requested.emit({"regions": [key]})
        else:
            self.filter_requested.emit({"regions": [key]})

    def _filter_to_country(self) -> None:
        if self.country not in (None, OWN, ALL_REGIONS):
            self.filter_requested.emit({"countries": [self.country]})

    # ---- controls ---------------------------------------------------------------------------------
    def _measure_changed(self) -> None:
        self._fill_palettes()
        self.recolour()

    def _fill_palettes(self) -> None:
        measure = self.measure.currentData()
        diverging = measure != BIVARIATE and MEASURES[measure].midpoint is not None
        current = self.palette.currentData()
        self.palette.blockSignals(True)
        self.palette.clear()
        names = (list(DIVERGING) if diverging else []) + list(SEQUENTIAL)
        for n in names:
            self.palette.addItem(n + (" (around 0)" if n in DIVERGING else ""), n)
        idx = self.palette.findData(current)
        self.palette.setCurrentIndex(idx if idx >= 0 and not diverging else 0)
        self.palette.blockSignals(False)

    def _update_controls(self) -> None:
        bivariate = self.measure.currentData() == BIVARIATE
        for w in (self.scheme, self.classes, self.palette):
            w.setEnabled(not bivariate)
        self.breaks.setVisible(self.scheme.currentData() == "user_defined" and not bivariate)
        self.indicator.setVisible(bivariate)
        self.back.setVisible(self.country is not None)
        self.filter_country.setVisible(self.country not in (None, OWN, ALL_REGIONS))
        self.all_regions.setVisible(self.country is None)
        if self.result is not None:
            d = self.result.data
            names = sorted(d.country_indicators if self.country is None else d.region_indicators)
            if [self.indicator.itemText(i) for i in range(self.indicator.count())] != names:
                self.indicator.blockSignals(True)
                self.indicator.clear()
                self.indicator.addItems(names)
                self.indicator.blockSignals(False)
            monthly = d.monthly_countries if self.country is None else d.monthly_regions
            self.month.blockSignals(True)
            self.month.setMaximum(max(0, monthly["month"].nunique() - 1))
            self.month.blockSignals(False)
        self.month.setEnabled(self.by_month.isChecked())

    def _show_income(self) -> None:
        if self.result is None:
            return
        d = self.result.data
        table = d.income if self.income_attr.currentData() == "income_grp" else d.economy
        self.income_model.set_frame(_split_columns(table))

    def _show_lean(self) -> None:
        if self.result is None or not self.lean_layer.currentText():
            self.lean_model.set_frame(pd.DataFrame())
            self.lean_caption.setText("Import a per-region table of vote shares or lean (kind: political) "
                                      "to split users, engagement, NPS and sentiment by the lean of their locale.")
            return
        name = self.lean_layer.currentText()
        source = self.result.data.lean_sources.get(name, "")
        self.lean_caption.setText(f"By the lean of each person's region in layer “{name}” ({source}). "
                                  "Groups of places, not of people: a person's own views are unknown.")
        self.lean_model.set_frame(_split_columns(self.result.data.lean[name]))

    # ---- export ---------------------------------------------------------------------------------
    def _export_dialog(self, kind: str) -> None:
        path, _ = QFileDialog.getSaveFileName(self, f"Export map as {kind.upper()}", f"growth-map.{kind}",
                                              f"{kind.upper()} (*.{kind})")
        if path:
            (self.export_png if kind == "png" else self.export_pdf)(path)

    def export_png(self, path: str, scale: float = 2.0) -> None:
        size = self.map_panel.size() * scale
        image = self.map_panel.grab().scaled(size, Qt.AspectRatioMode.KeepAspectRatio,
                                             Qt.TransformationMode.SmoothTransformation)
        image.save(path, "PNG")

    def export_pdf(self, path: str) -> None:
        """Vector PDF (A4 landscape): title, the map as drawn paths, the legend and the notes as
        text. The map is rendered through its view, so zoom and pan are kept."""
        writer = QPdfWriter(path)
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        writer.setPageOrientation(QPageLayout.Orientation.Landscape)
        writer.setPageMargins(QMarginsF(10, 10, 10, 10), QPageLayout.Unit.Millimeter)
        writer.setTitle(self.title_text)
        painter = QPainter(writer)
        w, h = float(writer.width()), float(writer.height())
        title = QRectF(0, 0, w, h * 0.06)
        legend_w = w * 0.24
        body = QRectF(0, h * 0.07, w - legend_w - w * 0.01, h * 0.83)
        painter.setFont(self.map_title.font())
        painter.drawText(title, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), self.title_text)
        self.map.render(painter, body, self.map.viewport().rect())
        painter.save()
        painter.translate(body.right() + w * 0.01, body.top())
        s = legend_w / max(self.legend.width(), 1)
        painter.scale(s, s)
        self.legend.render(painter, QPoint(0, 0))
        painter.restore()
        painter.drawText(QRectF(0, h * 0.91, w, h * 0.09), int(Qt.TextFlag.TextWordWrap), self.note.text())
        painter.end()

    def sizeHint(self) -> QSize:
        return QSize(1200, 800)


SPLIT_COLUMNS = ["countries", "users", "users_per_100k", "mau", "active_share", "active_low", "active_high",
                 "stickiness", "nps_n", "nps", "nps_low", "nps_high", "sentiment_n", "sentiment",
                 "sentiment_low", "sentiment_high"]


def _split_columns(table: pd.DataFrame) -> pd.DataFrame:
    cols = [c for c in SPLIT_COLUMNS if c in table.columns]
    return table[cols].reset_index()


SECTION = GrowthSection
