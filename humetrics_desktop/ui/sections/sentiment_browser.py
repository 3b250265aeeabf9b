"""The comment browser: every feedback text with its score, model and metadata, filtered by
sentiment, source, language, place and term. Personal fields (user id, author, e-mail addresses
inside texts) are masked unless the session is unmasked."""
from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton,
                               QSplitter, QTableView, QTextBrowser, QVBoxLayout, QWidget)

from ...core.privacy import mask_value
from ...core.schema import PERSONAL_COLUMNS
from ...core.text.terms import term_mask
from ..table_model import DataFrameModel

COLUMNS = ["created_at", "sentiment", "polarity", "subjectivity", "model", "source", "detected_language",
           "language", "country", "region", "rating", "text", "user_id", "author"]
MASKED = set(PERSONAL_COLUMNS) | {"user_id"}
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
WIDTHS = {"created_at": 190, "sentiment": 120, "polarity": 60, "subjectivity": 70, "model": 110, "source": 90,
          "detected_language": 110, "language": 60, "country": 55, "region": 60, "rating": 50, "text": 420}
ALL = "(all)"


def _mask_text(text: Any) -> Any:
    return _EMAIL.sub(lambda m: mask_value(m.group(0)), text) if isinstance(text, str) else text


class FeedbackModel(DataFrameModel):
    """The table's model; masking happens at display, the frame keeps the real values."""

    def __init__(self, parent=None) -> None:
        super().__init__(None, parent)
        self.unmasked = False

    def set_unmasked(self, on: bool) -> None:
        self.unmasked = on
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        value = super().data(index, role)
        if role != Qt.ItemDataRole.DisplayRole or self.unmasked or not index.isValid():
            return value
        column = str(self._df.columns[index.column()])
        if column in MASKED:
            raw = self._cols[index.column()][self._order[index.row()]]
            return mask_value(raw) or "–"
        if column == "text":
            return _mask_text(value)
        return value


class CommentBrowser(QWidget):
    rows_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.frame = pd.DataFrame(columns=COLUMNS)
        self._rows = np.arange(0)  # frame row of each table row (before sorting)
        self.combos: dict[str, QComboBox] = {}
        bar = QHBoxLayout()
        for key, label in (("sentiment", "Sentiment"), ("source", "Source"),
                           ("detected_language", "Language"), ("place", "Region"), ("month", "Month")):
            box = QComboBox()
            box.setMinimumContentsLength(8)
            box.currentIndexChanged.connect(self.apply)
            self.combos[key] = box
            bar.addWidget(QLabel(label))
            bar.addWidget(box)
        self.term = QLineEdit()
        self.term.setPlaceholderText("term…")
        self.term.returnPressed.connect(self.apply)
        self.clear = QPushButton("Clear filters")
        self.clear.clicked.connect(self.clear_filters)
        self.count = QLabel()
        bar.addWidget(QLabel("Term"))
        bar.addWidget(self.term)
        bar.addWidget(self.clear)
        bar.addWidget(self.count, 1)

        self.model = FeedbackModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.selectionModel().currentRowChanged.connect(self._show_detail)
        self.detail = QTextBrowser()
        self.detail.setPlaceholderText("Select a text to read it with its score and metadata.")

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setSizes([520, 140])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(bar)
        lay.addWidget(split, 1)

    # ---- data ---------------------------------------------------------------------------------------
    def set_frame(self, feedback: pd.DataFrame) -> None:
        """Feedback rows as sentiment_overview returns them (with sentiment, status, tokens)."""
        needed = ["text", "status", "sentiment", "created_at", "source", "detected_language", "country", "region"]
        df = feedback.reindex(columns=list(feedback.columns) + [c for c in needed if c not in feedback])
        df["created_at"] = pd.to_datetime(df["created_at"], utc=True)
        not_scored = "not scored (" + df["status"].astype(str) + ")"
        df["sentiment"] = df["sentiment"].astype("object").where(df["sentiment"].notna(), not_scored)
        df["place"] = df["region"].where(df["region"].notna(), df["country"])
        df["month"] = df["created_at"].dt.strftime("%Y-%m")
        self.frame = df.reset_index(drop=True)
        for key, box in self.combos.items():
            current = box.currentText()
            box.blockSignals(True)
            box.clear()
            box.addItem(ALL)
            values = sorted({str(v) for v in self.frame[key].dropna()})
            box.addItems(values)
            if current in values:
                box.setCurrentText(current)
            box.blockSignals(False)
        self.apply()

    def clear_filters(self) -> None:
        for box in self.combos.values():
            box.blockSignals(True)
            box.setCurrentIndex(0)
            box.blockSignals(False)
        self.term.clear()
        self.apply()

    def set_term(self, term: str) -> None:
        """Show the texts containing a term (from a click in the themes)."""
        self.term.setText(term)
        self.apply()

    def set_filter(self, key: str, value: str) -> None:
        box = self.combos[key]
        if box.findText(value) < 0:
            box.addItem(value)
        box.setCurrentText(value)

    def visible_frame(self) -> pd.DataFrame:
        return self.model.frame()

    def apply(self) -> None:
        df = self.frame
        keep = np.ones(len(df), dtype=bool)
        for key, box in self.combos.items():
            value = box.currentText()
            if value and value != ALL:
                keep &= (df[key].astype("object").astype(str) == value).to_numpy()
        term = self.term.text().strip()
        if term and len(df):
            keep &= term_mask(df, [term]).to_numpy()
        self._rows = np.flatnonzero(keep)
        shown = df.loc[keep, [c for c in COLUMNS if c in df.columns]]
        self.model.set_frame(shown)
        for i, name in enumerate(shown.columns):
            self.table.setColumnWidth(i, WIDTHS.get(name, 90))
        self.count.setText(f"{len(shown):,} of {len(df):,} texts")
        self.detail.clear()
        self.rows_changed.emit(len(shown))

    def set_unmasked(self, on: bool) -> None:
        self.model.set_unmasked(on)
        self._show_detail(self.table.currentIndex())

    def _show_detail(self, index: QModelIndex, *_: Any) -> None:
        if not index.isValid():
            self.detail.clear()
            return
        row = self.frame.iloc[int(self._rows[self.model.source_row(index.row())])]
        masked = not self.model.unmasked
        text = _mask_text(row["text"]) if masked else row["text"]
        meta = []
        for col in ("created_at", "source", "rating", "country", "region", "language", "detected_language",
                    "user_id", "author"):
            if col in row.index and pd.notna(row[col]) and str(row[col]) != "":
                value = mask_value(row[col]) if masked and col in MASKED else row[col]
                meta.append(f"{col}: {value}")
        score = ("not scored: " + str(row["status"])) if str(row["status"]) != "scored" else (
            f"polarity {row['polarity']:.3f}" + (f", subjectivity {row['subjectivity']:.3f}"
                                                 if pd.notna(row["subjectivity"]) else ""))
        self.detail.setPlainText(f"{text}\n\n{row['sentiment']} · {score} · {row['model']}\n" + " · ".join(meta))
