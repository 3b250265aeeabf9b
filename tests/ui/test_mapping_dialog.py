"""The mapping dialog, driven through its model and signals (offscreen)."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialogButtonBox

from humetrics_desktop.core.io import generic
from humetrics_desktop.ui.dialogs.mapping_dialog import KEEP, MappingDialog

FIX = Path(__file__).parent.parent / "fixtures" / "generic"


@pytest.fixture
def dialog(qtbot):
    preview, mapping = generic.preview(FIX / "nps_awkward.csv")
    dlg = MappingDialog(preview, mapping, "nps_awkward.csv")
    qtbot.addWidget(dlg)
    return dlg


def ok_button(dlg):
    return dlg.buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_shows_proposal_and_examples(dialog):
    m = dialog.model
    assert m.kind == "survey" and dialog.kind_combo.currentData() == "survey"
    rows = {m.index(r, 0).data(): (m.index(r, 1).data(), m.index(r, 2).data()) for r in range(m.rowCount())}
    assert rows["score"] == ("9, 11, -1", "score")
    assert rows["comment"][0].startswith("Great, really great")  # line breaks flattened
    # 11 rows, less r9 whose field count is wrong (it cannot be shown in the columns)
    assert dialog.preview_model.rowCount() == 10 and dialog.preview_model.columnCount() == 6
    assert ok_button(dialog).isEnabled()
    # every "Maps to" cell has its combo, offering the survey's fields
    editor = dialog.mapping_view.indexWidget(m.index(0, 2))
    assert isinstance(editor, QComboBox)
    assert [editor.itemText(i) for i in range(editor.count())][:3] == [KEEP, "score", "response_id"]


def test_changing_a_column_moves_the_field(dialog, qtbot):
    m = dialog.model
    with qtbot.waitSignal(m.mapping_changed):
        m.set_target("comment", "score")  # score now comes from comment; old holder is released
    assert m.target("comment") == "score" and m.target("score") is None
    m.set_target("score", None)
    m.set_target("comment", None)
    assert m.missing_required() == ["score"]
    assert not ok_button(dialog).isEnabled() and "score" in dialog.problem.text()
    assert m.setData(m.index(0, 2), "not-a-field") is False


def test_combo_edits_reach_the_model(dialog):
    m = dialog.model
    row = [m.index(r, 0).data() for r in range(m.rowCount())].index("user_id")
    combo = dialog.mapping_view.indexWidget(m.index(row, 2))
    combo.setCurrentText(KEEP)
    assert m.target("user_id") is None


def test_changing_kind_reproposes_columns(dialog, qtbot):
    with qtbot.waitSignal(dialog.model.mapping_changed):
        dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("profiles"))
    m = dialog.model
    assert m.kind == "profiles" and m.target("user_id") == "user_id" and m.target("score") is None
    assert dialog.confidence_label.text() == "your choice; columns proposed for it"
    assert m.target("country") == "country"
    combo = dialog.mapping_view.indexWidget(m.index(0, 2))
    assert "signup_at" in [combo.itemText(i) for i in range(combo.count())]


def test_accept_emits_the_mapping_which_imports(dialog, qtbot):
    dialog.model.set_target("comment", None)
    with qtbot.waitSignal(dialog.mapping_confirmed) as sig:
        qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    got = sig.args[0]
    assert got.kind == "survey" and got.columns["comment"] is None and not got.needs_confirmation
    res = generic.read(str(FIX / "nps_awkward.csv"), mapping=got)
    # kept as an extra column, renamed so it is not taken for the validated canonical one
    assert "comment_raw" in res.table.columns and res.report.valid == 3
    assert dialog.result() == dialog.DialogCode.Accepted and dialog.remember.isChecked()


def test_outcome_of_the_preview_follows_the_mapping(dialog):
    # 10 rows shown: r1 r6 r10 valid, r1 again a duplicate, 6 rejected (r9 was not a row at all)
    assert dialog.outcome.text().startswith(
        "Of the first 10 rows with this mapping: 3 valid, 1 duplicate, 6 rejected (")
    assert "score outside 0-10: 2" in dialog.outcome.text()
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("profiles"))
    # as profiles: u1 twice (duplicate), r7's date is unreadable; scores are just extra columns
    assert dialog.outcome.text() == ("Of the first 10 rows with this mapping: 8 valid, 1 duplicate, "
                                     "1 rejected (unreadable or implausible time in signup_at: 1).")


def test_confirm_mappings_asks_only_when_unsure_and_remembers(qtbot, tmp_path, monkeypatch):
    from humetrics_desktop.core.io import mapping_store
    from humetrics_desktop.ui.dialogs import mapping_dialog

    sure = tmp_path / "users.csv"
    sure.write_text("user_id,country\nu1,DE\n")
    unsure = tmp_path / "data.csv"
    unsure.write_text("a,b\n2024-01-01T00:00:00Z,7\n2024-01-02T00:00:00Z,9\n")
    plans = {str(p): generic.plan(p, tmp_path) for p in (sure, unsure)}
    asked = []

    def fake_exec(self):
        asked.append(self.windowTitle())
        self.model.set_target("b", "score")
        self.accept()
        return self.result()

    monkeypatch.setattr(mapping_dialog.MappingDialog, "exec", fake_exec)
    got = mapping_dialog.confirm_mappings(None, plans, str(tmp_path))
    assert asked == ["How should data.csv be read?"]
    assert got[str(sure)].kind == "profiles" and got[str(unsure)].columns["b"] == "score"
    assert mapping_store.load(tmp_path, ["a", "b"]).columns == got[str(unsure)].columns
    res = generic.read(str(unsure), mapping=got[str(unsure)])
    assert res.table["score"].tolist() == [7, 9]

    monkeypatch.setattr(mapping_dialog.MappingDialog, "exec", lambda self: 0)  # Cancel
    plans = {str(unsure): generic.plan(unsure)}
    assert mapping_dialog.confirm_mappings(None, plans) is None


def test_layer_kind_is_chosen_for_layers(qtbot, tmp_path):
    p = tmp_path / "regional.csv"
    p.write_text("code,party_a,party_b\nDE-BY,0.4,0.3\nDE-BE,0.2,0.5\n")
    rows, mapping = generic.preview(p)
    assert mapping.kind == "layer" and mapping.layer_kind == "political"  # from "party" columns
    dlg = MappingDialog(rows, mapping, p.name)
    qtbot.addWidget(dlg)
    assert not dlg.layer_row.isHidden() and dlg.layer_combo.currentData() == "political"
    dlg.layer_combo.setCurrentIndex(dlg.layer_combo.findData("socio-economic"))
    chosen = dlg.mapping()
    assert chosen.layer_kind == "socio-economic"
    assert generic.read(str(p), mapping=chosen).meta["kind"] == "socio-economic"
    # not a layer: no layer row, no layer kind
    dlg.kind_combo.setCurrentIndex(dlg.kind_combo.findData("traffic"))
    assert dlg.layer_row.isHidden() and dlg.mapping().layer_kind is None
