"""The global filter bar: date range, country and region, one segment. Every view obeys it."""
from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QHBoxLayout, QLabel, QPushButton,
                               QWidget)

from ..core.filters import Filter

ALL = "All"


class FilterBar(QWidget):
    filter_changed = Signal(object)  # Filter

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._options: dict[str, Any] = {"dates": None, "countries": [], "regions": {}, "segments": {}}
        self._updating = False
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 2, 6, 2)
        self.use_dates = QCheckBox("From")
        self.start = QDateEdit(calendarPopup=True)
        self.end = QDateEdit(calendarPopup=True)
        for w in (self.start, self.end):
            w.setDisplayFormat("yyyy-MM-dd")
            w.setEnabled(False)
        self.country = QComboBox(minimumContentsLength=10)
        self.region = QComboBox(minimumContentsLength=10)
        self.segment_col = QComboBox()
        self.segment_val = QComboBox(minimumContentsLength=10)
        self.reset = QPushButton("Reset")
        for w in (self.use_dates, self.start, QLabel("to"), self.end, QLabel("Country"), self.country,
                  QLabel("Region"), self.region, QLabel("Segment"), self.segment_col, self.segment_val,
                  self.reset):
            lay.addWidget(w)
        lay.addStretch(1)
        self.use_dates.toggled.connect(self._dates_toggled)
        self.start.dateChanged.connect(self._emit)
        self.end.dateChanged.connect(self._emit)
        self.country.currentIndexChanged.connect(self._country_changed)
        self.region.currentIndexChanged.connect(self._emit)
        self.segment_col.currentIndexChanged.connect(self._segment_col_changed)
        self.segment_val.currentIndexChanged.connect(self._emit)
        self.reset.clicked.connect(lambda: self.set_filter(Filter()))

    # ---- options from the workspace -----------------------------------------------------------
    def set_options(self, options: dict[str, Any]) -> None:
        self._updating = True
        self._options = options
        self.country.clear()
        self.country.addItems([ALL] + options["countries"])
        self.segment_col.clear()
        self.segment_col.addItems([ALL] + list(options["segments"]))
        if options["dates"]:
            lo, hi = options["dates"]
            for w in (self.start, self.end):
                w.setDateRange(QDate(lo.year, lo.month, lo.day), QDate(hi.year, hi.month, hi.day))
            self.start.setDate(QDate(lo.year, lo.month, lo.day))
            self.end.setDate(QDate(hi.year, hi.month, hi.day))
        self._fill_regions()
        self._fill_segment_values()
        self._updating = False

    def _fill_regions(self) -> None:
        self.region.clear()
        c = self.country.currentText()
        self.region.addItems([ALL] + (self._options["regions"].get(c, []) if c != ALL else []))

    def _fill_segment_values(self) -> None:
        self.segment_val.clear()
        col = self.segment_col.currentText()
        self.segment_val.addItems([ALL] + (self._options["segments"].get(col, []) if col != ALL else []))

    # ---- reading and writing the filter -------------------------------------------------------
    def current_filter(self) -> Filter:
        def qd(w: QDateEdit) -> date:
            d = w.date()
            return date(d.year(), d.month(), d.day())
        dates = self.use_dates.isChecked()
        c, r = self.country.currentText(), self.region.currentText()
        col, val = self.segment_col.currentText(), self.segment_val.currentText()
        return Filter(start=qd(self.start) if dates else None, end=qd(self.end) if dates else None,
                      countries=(c,) if c and c != ALL else (), regions=(r,) if r and r != ALL else (),
                      segments={col: (val,)} if col != ALL and val and val != ALL else {})

    def set_filter(self, flt: Filter) -> None:
        self._updating = True
        self.use_dates.setChecked(bool(flt.start or flt.end))
        if flt.start:
            self.start.setDate(QDate(flt.start.year, flt.start.month, flt.start.day))
        if flt.end:
            self.end.setDate(QDate(flt.end.year, flt.end.month, flt.end.day))
        self.country.setCurrentText(flt.countries[0] if flt.countries else ALL)
        if not flt.countries and flt.regions:
            self.country.setCurrentText(flt.regions[0].split("-")[0])
        self._fill_regions()
        self.region.setCurrentText(flt.regions[0] if flt.regions else ALL)
        col, vals = next(iter(flt.segments.items()), (ALL, ()))
        self.segment_col.setCurrentText(col)
        self._fill_segment_values()
        self.segment_val.setCurrentText(vals[0] if vals else ALL)
        self._updating = False
        self._emit()

    def _dates_toggled(self, on: bool) -> None:
        self.start.setEnabled(on)
        self.end.setEnabled(on)
        self._emit()

    def _country_changed(self) -> None:
        if not self._updating:
            self._updating = True
            self._fill_regions()
            self._updating = False
        self._emit()

    def _segment_col_changed(self) -> None:
        if not self._updating:
            self._updating = True
            self._fill_segment_values()
            self._updating = False
        self._emit()

    def _emit(self, *_: Any) -> None:
        if not self._updating:
            self.filter_changed.emit(self.current_filter())
