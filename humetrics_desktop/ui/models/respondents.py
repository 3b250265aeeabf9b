"""The NPS drill-down model: a million respondents stay fluid.

Columns are kept as numpy arrays; filtering builds a boolean mask over them, sorting is an argsort
over cached sort keys (strings are factorised once, in sorted order), and rows reach the view in
chunks through fetchMore. Personal fields (and the user id) are masked cell by cell at display time
unless the session has unmasked them, so the underlying data are never rewritten.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from ...core.privacy import mask_value, pseudonymise
from ...core.schema import PERSONAL_COLUMNS
from ..table_model import is_missing, value_role

COLUMNS = ("user_id", "submitted_at", "score", "category", "comment", "sentiment", "region", "country",
           "age_band", "gender", "language", "plan", "days_active", "features_used", "last_seen",
           "engagement", "survey", "email", "name")
CHUNK = 2000
CATEGORY_COLOURS = {"promoter": QColor("#1a7f37"), "passive": QColor("#8a6d00"), "detractor": QColor("#c62828")}


class RespondentsModel(QAbstractTableModel):
    rows_changed = Signal(int)   # the number of rows the filter keeps

    def __init__(self, parent=None, columns: tuple[str, ...] = COLUMNS) -> None:
        super().__init__(parent)
        self._wanted = columns
        self._frame = pd.DataFrame()
        self._names: list[str] = []
        self._cols: list[np.ndarray] = []
        self._keys: dict[int, np.ndarray] = {}
        self._view = np.arange(0)
        self._loaded = 0
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._lower_comments: np.ndarray | None = None
        self.secret = b""
        self.unmasked = False
        self._pseudonyms: dict[Any, str] = {}

    # ---- data ------------------------------------------------------------------------------------
    def set_frame(self, df: pd.DataFrame, secret: bytes = b"") -> None:
        self.beginResetModel()
        self._frame = df.reset_index(drop=True)
        self._names = [c for c in self._wanted if c in self._frame.columns]
        self._cols = [self._frame[c].to_numpy(dtype=object) if isinstance(self._frame[c].dtype, pd.CategoricalDtype)
                      else self._frame[c].to_numpy() for c in self._names]
        self._keys.clear()
        self._lower_comments = None
        self._pseudonyms = {}
        self.secret = secret
        self._view = np.arange(len(self._frame))
        self._loaded = min(CHUNK, len(self._view))
        self._sort = None
        self.endResetModel()
        self.rows_changed.emit(len(self._view))

    def set_unmasked(self, on: bool) -> None:
        self.unmasked = on
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))

    def column_names(self) -> list[str]:
        return list(self._names)

    def total_rows(self) -> int:
        """Rows the filter keeps (loaded into the view or not yet)."""
        return len(self._view)

    def frame_rows(self, view_rows: list[int] | None = None) -> pd.DataFrame:
        """The underlying rows (unmasked: export masks them itself) shown at the given view rows, or
        every row the filter keeps in the order shown."""
        idx = self._view if view_rows is None else self._view[np.asarray(view_rows, dtype=int)]
        return self._frame.iloc[idx]

    def value(self, row: int, column: str) -> Any:
        return self._frame[column].iat[int(self._view[row])]

    # ---- filtering -------------------------------------------------------------------------------
    def set_filter(self, category: str | None = None, text: str = "",
                   equals: dict[str, list[str]] | None = None,
                   start: pd.Timestamp | None = None, end: pd.Timestamp | None = None) -> None:
        """Keep rows of one category, whose comment contains `text` (case-insensitive), whose columns
        take one of the given values, and submitted in [start, end)."""
        n = len(self._frame)
        mask = np.ones(n, dtype=bool)
        if category and "category" in self._frame.columns:
            mask &= (self._frame["category"].astype(object) == category).to_numpy()
        for col, values in (equals or {}).items():
            if col in self._frame.columns:
                mask &= self._frame[col].astype("string").isin([str(v) for v in values]).fillna(False).to_numpy()
        if (start is not None or end is not None) and "submitted_at" in self._frame.columns:
            t = self._frame["submitted_at"]
            if start is not None:
                mask &= (t >= start).fillna(False).to_numpy()
            if end is not None:
                mask &= (t < end).fillna(False).to_numpy()
        if text and "comment" in self._frame.columns:
            if self._lower_comments is None:
                self._lower_comments = self._frame["comment"].astype("string").str.lower().fillna("").to_numpy(dtype=object)
            needle = text.lower()
            mask &= np.fromiter((needle in c for c in self._lower_comments), dtype=bool, count=n)
        self.beginResetModel()
        self._view = np.flatnonzero(mask)
        if self._sort is not None:
            self._view = self._sorted(self._view, *self._sort)
        self._loaded = min(CHUNK, len(self._view))
        self.endResetModel()
        self.rows_changed.emit(len(self._view))

    # ---- sorting ---------------------------------------------------------------------------------
    def _key(self, column: int) -> np.ndarray:
        """Sortable integer/float keys of a column, missing values last, computed once."""
        if column not in self._keys:
            s = self._frame[self._names[column]]
            if isinstance(s.dtype, pd.CategoricalDtype):
                key = s.cat.codes.to_numpy().astype("float64")
                key[key < 0] = np.inf
            elif pd.api.types.is_datetime64_any_dtype(s):
                key = pd.DatetimeIndex(s).asi8.astype("float64")
                key[s.isna().to_numpy()] = np.inf
            elif pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
                key = s.to_numpy(dtype="float64", na_value=np.nan)
                key = np.where(np.isnan(key), np.inf, key)
            else:
                codes, _ = pd.factorize(s.astype("string"), sort=True)
                key = codes.astype("float64")
                key[codes < 0] = np.inf
            self._keys[column] = key
        return self._keys[column]

    def _sorted(self, rows: np.ndarray, column: int, order: Qt.SortOrder) -> np.ndarray:
        key = self._key(column)[rows]
        if order == Qt.SortOrder.DescendingOrder:
            # descending, but missing values still last
            key = np.where(np.isinf(key), np.inf, -key)
        return rows[np.argsort(key, kind="stable")]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._names):
            return
        self.layoutAboutToBeChanged.emit()
        self._sort = (column, order)
        self._view = self._sorted(self._view, column, order)
        self.layoutChanged.emit()

    # ---- Qt model API ----------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._loaded

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._names)

    def canFetchMore(self, parent: QModelIndex = QModelIndex()) -> bool:
        return not parent.isValid() and self._loaded < len(self._view)

    def fetchMore(self, parent: QModelIndex = QModelIndex()) -> None:
        if parent.isValid():
            return
        more = min(CHUNK, len(self._view) - self._loaded)
        if more <= 0:
            return
        self.beginInsertRows(QModelIndex(), self._loaded, self._loaded + more - 1)
        self._loaded += more
        self.endInsertRows()

    def _display(self, name: str, value: Any) -> str:
        if is_missing(value):
            return ""
        if isinstance(value, pd.Timestamp) or isinstance(value, np.datetime64):
            ts = pd.Timestamp(value)
            return "" if pd.isna(ts) else ts.strftime("%Y-%m-%d %H:%M")
        if not self.unmasked:
            if name == "user_id":
                if value not in self._pseudonyms:
                    self._pseudonyms[value] = pseudonymise(pd.Series([value]), self.secret).iat[0] \
                        if self.secret else mask_value(value)
                return self._pseudonyms[value]
            if name in PERSONAL_COLUMNS:
                return mask_value(value)
        if isinstance(value, (float, np.floating)):
            return f"{value:.2f}"
        return str(value)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self._loaded:
            return None
        name = self._names[index.column()]
        value = self._cols[index.column()][self._view[index.row()]]
        if role == Qt.ItemDataRole.DisplayRole:
            text = self._display(name, value)
            return text if name != "comment" or len(text) <= 120 else text[:117] + "…"
        if role == Qt.ItemDataRole.ToolTipRole and name == "comment":
            return self._display(name, value)
        if role == Qt.ItemDataRole.ForegroundRole and name in ("category", "score"):
            cat = self._cols[self._names.index("category")][self._view[index.row()]] if "category" in self._names else None
            return CATEGORY_COLOURS.get(str(cat))
        return value_role(role, value)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._names[section].replace("_", " ")
        return str(section + 1)
