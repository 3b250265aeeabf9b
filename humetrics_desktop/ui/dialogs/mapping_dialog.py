"""The column-mapping dialog: shows the first rows of an export and what the importer recognised,
and lets the user change the table's kind and where each column goes.

It reads no file: the caller passes the preview rows and the proposed Mapping (from
core.io.generic.preview) and gets the confirmed Mapping back. Changing the kind re-proposes
columns from the preview rows with core.io.mapping.for_kind.
"""
from __future__ import annotations

from typing import Any

import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QHBoxLayout,
                               QHeaderView, QLabel, QStyledItemDelegate, QTableView, QVBoxLayout, QWidget)

from ...core.io.generic import check_preview
from ...core.io.mapping import LAYER_KINDS, Mapping, for_kind
from ...core.io.report import ImportReport
from ...core.schema import KINDS
from ..table_model import DataFrameModel

KEEP = "(keep as extra column)"
KIND_LABELS = {"profiles": "Users / profiles", "events": "Events", "survey": "Survey responses (NPS)",
               "reviews": "Feedback / reviews", "traffic": "Traffic", "layer": "Per-region layer"}
LAYER_LABELS = {"population": "Population", "socio-economic": "Socio-economic indicators",
                "political": "Political (vote shares, lean)",
                "reference-population": "Reference population (by age, gender)"}
EXAMPLES = 3


class MappingModel(QAbstractTableModel):
    """One row per raw column: its name, example values and the canonical field it maps to.
    The third column is editable; choosing a field another column holds moves it here."""

    mapping_changed = Signal()
    HEADERS = ("Column in the file", "Examples", "Maps to")

    def __init__(self, preview: pd.DataFrame, mapping: Mapping, parent=None) -> None:
        super().__init__(parent)
        self._columns = list(mapping.columns)
        self._examples = {c: _examples(preview[c]) if c in preview.columns else "" for c in self._columns}
        self._kind = mapping.kind
        self._target: dict[str, str | None] = dict(mapping.columns)
        self._confidence = dict(mapping.column_confidence)
        self.layer_kind = mapping.layer_kind

    # -- the mapping ---------------------------------------------------------------------------
    @property
    def kind(self) -> str:
        return self._kind

    def set_mapping(self, mapping: Mapping) -> None:
        self.beginResetModel()
        self._kind = mapping.kind
        self._target = {c: mapping.columns.get(c) for c in self._columns}
        self._confidence = dict(mapping.column_confidence)
        self.layer_kind = mapping.layer_kind
        self.endResetModel()
        self.mapping_changed.emit()

    def choices(self) -> list[str]:
        """The fields a column can map to for the current kind, required ones first."""
        spec = KINDS[self._kind]
        return spec["required"] + spec["optional"]

    def target(self, column: str) -> str | None:
        return self._target[column]

    def set_target(self, column: str, field: str | None) -> None:
        row = self._columns.index(column)
        self.setData(self.index(row, 2), field or KEEP)

    def missing_required(self) -> list[str]:
        have = set(self._target.values())
        return [f for f in KINDS[self._kind]["required"] if f not in have]

    def mapping(self) -> Mapping:
        return Mapping(self._kind, dict(self._target), 1.0,
                       {c: 1.0 for c, f in self._target.items() if f},
                       self.layer_kind if self._kind == "layer" else None)

    # -- Qt model ------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else 3

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        f = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return f | Qt.ItemFlag.ItemIsEditable if index.column() == 2 else f

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        col = self._columns[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if index.column() == 0:
                return col
            if index.column() == 1:
                return self._examples[col]
            return self._target[col] or KEEP
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 2:
            conf = self._confidence.get(col)
            if self._target[col] and conf is not None:
                return f"recognised with confidence {conf:.0%}"
        return None

    def setData(self, index: QModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != 2 or role != Qt.ItemDataRole.EditRole:
            return False
        col = self._columns[index.row()]
        field = None if value in (None, "", KEEP) else str(value)
        if field is not None and field not in self.choices():
            return False
        if field is not None:  # one column per field: the previous holder becomes an extra
            for other, f in self._target.items():
                if f == field and other != col:
                    self._target[other] = None
                    r = self._columns.index(other)
                    self.dataChanged.emit(self.index(r, 2), self.index(r, 2))
        self._target[col] = field
        self._confidence.pop(col, None)
        self.dataChanged.emit(index, index)
        self.mapping_changed.emit()
        return True


class _FieldDelegate(QStyledItemDelegate):
    """A combo box of the current kind's fields in the "Maps to" column."""

    def __init__(self, model: MappingModel, parent=None) -> None:
        super().__init__(parent)
        self._model = model

    def createEditor(self, parent: QWidget, option, index: QModelIndex) -> QWidget:
        combo = QComboBox(parent)
        combo.addItems([KEEP] + self._model.choices())
        combo.currentTextChanged.connect(lambda _t, c=combo: self.commitData.emit(c))
        return combo

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        editor.blockSignals(True)
        editor.setCurrentText(index.data(Qt.ItemDataRole.EditRole))
        editor.blockSignals(False)

    def setModelData(self, editor: QWidget, model, index: QModelIndex) -> None:
        model.setData(index, editor.currentText())


class MappingDialog(QDialog):
    """Confirm or change how an export is read. `mapping()` gives the result after accept()."""

    mapping_confirmed = Signal(object)  # Mapping

    def __init__(self, preview: pd.DataFrame, mapping: Mapping, file_name: str = "",
                 decimal: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"How should {file_name or 'this file'} be read?")
        self.resize(900, 640)
        self._preview = preview
        self._decimal = decimal or preview.attrs.get("decimal", ".")
        self.model = MappingModel(preview, mapping, self)

        self.kind_combo = QComboBox()
        for kind in KINDS:
            self.kind_combo.addItem(KIND_LABELS.get(kind, kind), kind)
        self.kind_combo.setCurrentIndex(list(KINDS).index(mapping.kind))
        self.kind_combo.currentIndexChanged.connect(self._kind_chosen)
        self.confidence_label = conf = QLabel(f"recognised with confidence {mapping.confidence:.0%}")
        top = QHBoxLayout()
        top.addWidget(QLabel("This table holds:"))
        top.addWidget(self.kind_combo, 1)
        top.addWidget(conf)
        # what a layer holds decides where the app uses it (maps, per-capita, political split)
        self.layer_combo = QComboBox()
        for lk in LAYER_KINDS:
            self.layer_combo.addItem(LAYER_LABELS[lk], lk)
        self.layer_combo.currentIndexChanged.connect(self._layer_kind_chosen)
        self.layer_row = QWidget()
        layer_lay = QHBoxLayout(self.layer_row)
        layer_lay.setContentsMargins(0, 0, 0, 0)
        layer_lay.addWidget(QLabel("The layer holds:"))
        layer_lay.addWidget(self.layer_combo, 1)

        self.mapping_view = QTableView()
        self.mapping_view.setModel(self.model)
        self.mapping_view.setItemDelegateForColumn(2, _FieldDelegate(self.model, self.mapping_view))
        header = self.mapping_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(2, 260)
        self.mapping_view.verticalHeader().hide()
        self.model.modelReset.connect(self._open_editors)
        self._open_editors()

        self.preview_model = DataFrameModel(preview.head(50).astype(object), self)
        preview_view = QTableView()
        preview_view.setModel(self.preview_model)

        self.problem = QLabel()
        self.problem.setStyleSheet("color: #b00020;")
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.remember = QCheckBox("Remember this mapping for files with the same columns")
        self.remember.setChecked(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.layer_row)
        lay.addWidget(QLabel("Columns"))
        lay.addWidget(self.mapping_view, 2)
        lay.addWidget(QLabel(f"First {min(len(preview), 50)} rows as they are in the file"))
        lay.addWidget(preview_view, 2)
        lay.addWidget(self.outcome)
        lay.addWidget(self.problem)
        lay.addWidget(self.remember)
        lay.addWidget(self.buttons)
        self.model.mapping_changed.connect(self._check)
        self.model.modelReset.connect(self._show_layer_kind)
        self._show_layer_kind()
        self._check()

    def _open_editors(self) -> None:
        for r in range(self.model.rowCount()):
            self.mapping_view.openPersistentEditor(self.model.index(r, 2))

    def _kind_chosen(self, i: int) -> None:
        kind = self.kind_combo.itemData(i)
        if kind != self.model.kind:
            self.model.set_mapping(for_kind(self._preview, kind, self._decimal))
            self.confidence_label.setText("your choice; columns proposed for it")

    def _show_layer_kind(self) -> None:
        is_layer = self.model.kind == "layer"
        self.layer_row.setVisible(is_layer)
        if is_layer:
            if self.model.layer_kind not in LAYER_KINDS:
                self.model.layer_kind = "socio-economic"
            self.layer_combo.setCurrentIndex(LAYER_KINDS.index(self.model.layer_kind))

    def _layer_kind_chosen(self, i: int) -> None:
        if self.model.kind == "layer":
            self.model.layer_kind = self.layer_combo.itemData(i)

    def _check(self) -> None:
        missing = self.model.missing_required()
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not missing)
        self.problem.setText("" if not missing else
                             "Choose a column for: " + ", ".join(missing))
        self.outcome.setText("" if missing else _outcome_text(check_preview(self._preview,
                                                                            self.model.mapping())))

    def mapping(self) -> Mapping:
        return self.model.mapping()

    def accept(self) -> None:
        if self.model.missing_required():
            return
        self.mapping_confirmed.emit(self.model.mapping())
        super().accept()


def _outcome_text(report: ImportReport) -> str:
    """'Of the first 50 rows: 47 valid, 1 duplicate, 2 rejected (score outside 0-10: 2).'"""
    text = (f"Of the first {report.read} rows with this mapping: {report.valid} valid, "
            f"{report.duplicates} duplicate, {report.rejected} rejected")
    reasons = [(r, n) for r, n in report.reasons.most_common() if not r.startswith("duplicate")]
    if reasons:
        text += " (" + "; ".join(f"{r}: {n}" for r, n in reasons[:3]) + ")"
    return text + "."


def _examples(values: pd.Series) -> str:
    shown = []
    for v in values.tolist():
        if v is None or (isinstance(v, float) and pd.isna(v)) or str(v).strip() == "":
            continue
        s = " ".join(str(v).split())
        shown.append(s if len(s) <= 30 else s[:29] + "…")
        if len(shown) == EXAMPLES:
            break
    return ", ".join(shown)


def confirm_mappings(parent: QWidget | None, plans: dict[str, Any],
                     store_dir: str | None = None) -> dict[str, Mapping] | None:
    """On the GUI thread, between two background steps: `plans` maps paths to
    core.io.generic.ImportPlan (made by generic.plan in a worker; None for files a format module
    reads). Asks about each unsure plan, remembers confirmed mappings in `store_dir` when the user
    leaves "Remember" ticked, and returns path -> Mapping to pass to read_any(path, p, mapping),
    or None when the user cancels."""
    from pathlib import Path

    from ...core.io import mapping_store

    chosen: dict[str, Mapping] = {}
    for path, plan in plans.items():
        if plan is None:
            continue
        if not plan.ask:
            chosen[path] = plan.mapping
            continue
        dlg = MappingDialog(plan.preview, plan.mapping, Path(path).name, parent=parent)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return None
        chosen[path] = dlg.mapping()
        if store_dir is not None and dlg.remember.isChecked():
            mapping_store.save(store_dir, plan.preview.attrs.get("columns", list(plan.preview.columns)),
                               chosen[path])
    return chosen
