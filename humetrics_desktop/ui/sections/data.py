"""Data: every imported file with its row accounting, rejected rows with their reasons, layers."""
from __future__ import annotations

from typing import Any, Callable

import pandas as pd
from PySide6.QtWidgets import (QHeaderView, QLabel, QListWidget, QSplitter, QTableView, QVBoxLayout,
                               QWidget)
from PySide6.QtCore import Qt

from ...core.filters import Filter
from ...core.io.overview import import_overview
from ...core.progress import Progress
from ...core.workspace import Workspace
from ..table_model import DataFrameModel
from .base import Section

FILE_COLUMNS = ["path", "format", "kind", "read", "valid", "duplicates", "rejected", "merged", "top_reasons"]


class DataSection(Section):
    name = "data"
    title = "Data"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel("No data loaded.")
        self.summary.setWordWrap(True)
        self.files_model = DataFrameModel()
        self.files = QTableView()
        self.files.setModel(self.files_model)
        self.files.setSortingEnabled(True)
        self.files.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.files.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.messages = QListWidget()
        self.layers_model = DataFrameModel()
        self.layers = QTableView()
        self.layers.setModel(self.layers_model)
        split = QSplitter(Qt.Orientation.Vertical)
        for w, label in ((self.files, "Imported files: rows read = valid + duplicates + rejected"),
                         (self.messages, "Rejected rows, unmatched values and unreadable files"),
                         (self.layers, "Reference layers")):
            box = QWidget()
            lay = QVBoxLayout(box)
            lay.setContentsMargins(0, 0, 0, 0)
            lay.addWidget(QLabel(f"<b>{label}</b>"))
            lay.addWidget(w)
            split.addWidget(box)
        lay = QVBoxLayout(self)
        lay.addWidget(self.summary)
        lay.addWidget(split, 1)
        self.files.selectionModel().selectionChanged.connect(self._show_messages)
        self._overview: dict[str, Any] = {"files": [], "errors": []}

    @staticmethod
    def job(ws: Workspace, flt: Filter, settings: dict[str, Any]) -> Callable[[Progress], Any]:
        return lambda progress: import_overview(ws)

    def show_result(self, result: dict[str, Any]) -> None:
        self._overview = result
        files = pd.DataFrame(result["files"], columns=FILE_COLUMNS + ["messages", "unmatched", "notes"])
        self.files_model.set_frame(files[FILE_COLUMNS])
        tables = ", ".join(f"{k}: {n:,} rows" for k, n in result["tables"].items())
        self.summary.setText(f"<b>{len(result['files'])} files imported.</b> Tables: {tables or 'none'}. "
                             f"{len(result['errors'])} files could not be read.")
        self.layers_model.set_frame(pd.DataFrame([{"layer": n, **m} for n, m in result["layers"].items()]))
        self._show_messages()

    def _show_messages(self, *_: Any) -> None:
        self.messages.clear()
        self.messages.addItems(self._overview.get("errors", []))
        rows = {i.row() for i in self.files.selectionModel().selectedRows()}
        files = self._overview.get("files", [])
        chosen = [files[self.files_model.source_row(i)] for i in sorted(rows)] if rows else files
        for f in chosen:
            for note in f.get("notes", []):
                self.messages.addItem(f"{f['path']}: {note}")
            self.messages.addItems(f["messages"])
            for value, n in f.get("unmatched", {}).items():
                self.messages.addItem(f"{f['path']}: unmatched {value} ({n} rows, counted under ??)")


SECTION = DataSection
