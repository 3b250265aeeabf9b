"""A read-only table model over a DataFrame's columns (no item per cell), sortable by argsort."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt


def is_missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


def value_role(role: int, value: Any) -> Any:
    """The roles every table model answers alike: numbers aligned right, the raw value as UserRole."""
    if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, (int, float, np.number)):
        return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if role == Qt.ItemDataRole.UserRole:
        return value
    return None


class DataFrameModel(QAbstractTableModel):
    def __init__(self, df: pd.DataFrame | None = None, parent=None) -> None:
        super().__init__(parent)
        self._df = pd.DataFrame()
        self._order = np.arange(0)
        if df is not None:
            self.set_frame(df)

    def set_frame(self, df: pd.DataFrame) -> None:
        self.beginResetModel()
        self._df = df.reset_index(drop=True)
        self._cols = [self._df[c].to_numpy() for c in self._df.columns]
        self._order = np.arange(len(self._df))
        self.endResetModel()

    def frame(self) -> pd.DataFrame:
        """The rows in the order shown."""
        return self._df.iloc[self._order]

    def source_row(self, row: int) -> int:
        """The frame's row shown at view row `row` (after sorting)."""
        return int(self._order[row])

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._order)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._df.shape[1]

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        value = self._cols[index.column()][self._order[index.row()]]
        if role == Qt.ItemDataRole.DisplayRole:
            if is_missing(value):
                return "–"
            if isinstance(value, (float, np.floating)):
                return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"
            if isinstance(value, (int, np.integer)):
                return f"{value:,}"
            return str(value)
        return value_role(role, value)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return str(self._df.columns[section])
        return str(section + 1)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < self._df.shape[1]:
            return
        self.layoutAboutToBeChanged.emit()
        keys = self._df.iloc[:, column]
        order_idx = np.asarray(keys.argsort(kind="stable", na_position="last"))
        if order == Qt.SortOrder.DescendingOrder:
            order_idx = order_idx[::-1]
        self._order = order_idx
        self.layoutChanged.emit()
