"""The main window through its signals: loading in the background, the global filter, the saved
view state, presentation mode, and the report export."""
from pathlib import Path

import pandas as pd
import pytest
from PySide6.QtCore import Qt

from humetrics_desktop.core.filters import Filter
from humetrics_desktop.settings import Settings
from humetrics_desktop.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, tmp_path):
    w = MainWindow(Settings(tmp_path / "settings.json"))
    qtbot.addWidget(w)
    w.asked = []

    def answer(parent, plans, store_dir):  # the user accepts every proposed mapping
        w.asked += [Path(p).name for p, plan in plans.items() if plan is not None and plan.ask]
        return {p: plan.mapping for p, plan in plans.items() if plan is not None}

    w.confirm_mappings = answer
    yield w
    w.runner.cancel_all()
    w.runner.wait(30_000)


def _small_exports(tmp_path: Path) -> Path:
    d = tmp_path / "exports"
    d.mkdir()
    pd.DataFrame({"user_id": ["a", "b", "c"], "country": ["DE", "FR", "DE"],
                  "region": ["DE-BY", "FR-IDF", "DE-BE"], "plan": ["free", "pro", "pro"]}).to_csv(d / "users.csv", index=False)
    pd.DataFrame({"response_id": ["r1", "r2", "r3", "r3"], "user_id": ["a", "b", "c", "c"],
                  "submitted_at": ["2026-01-02", "2026-01-03", "2026-01-04", "2026-01-04"],
                  "score": ["10", "3", "eleven", "eleven"], "comment": ["great", "slow", "", ""]}).to_csv(d / "nps.csv", index=False)
    return d


def _load(qtbot, window, paths):
    window.load(paths)
    qtbot.waitUntil(lambda: window.workspace is not None and not window.runner.busy, timeout=60_000)


def test_load_fills_the_data_section_and_recent_files(qtbot, window, tmp_path):
    d = _small_exports(tmp_path)
    window.show_section("data")
    _load(qtbot, window, [d])
    qtbot.waitUntil(lambda: "data" in window.results, timeout=30_000)
    files = {Path(f["path"]).name: f for f in window.results["data"]["files"]}
    assert files["nps.csv"]["read"] == 4 and files["nps.csv"]["valid"] == 2 and files["nps.csv"]["rejected"] == 2
    assert window.settings["recent_files"][0].endswith("exports")
    assert window.asked == ["nps.csv"]  # four rows, two unreadable scores: the user is asked to confirm
    assert window.filter_bar.country.count() == 3  # All, DE, FR


def test_filter_change_recomputes_the_visible_section_only(qtbot, window, tmp_path):
    _load(qtbot, window, [_small_exports(tmp_path)])
    window.show_section("data")
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=30_000)
    window.filter_bar.set_filter(Filter(countries=("DE",)))
    assert window.filter.countries == ("DE",)
    assert window.workspace.view_state["filter"]["countries"] == ["DE"]
    assert "data" not in window._stale and "nps" in window._stale


def test_workspace_reopens_with_its_filter_and_view(qtbot, window, tmp_path):
    _load(qtbot, window, [_small_exports(tmp_path)])
    window.show_section("data")
    window.filter_bar.set_filter(Filter(countries=("FR",)))
    path = window.workspace.save(tmp_path / "w.humetrics")
    other = MainWindow(Settings(tmp_path / "s2.json"))
    qtbot.addWidget(other)
    other.confirm_mappings = window.confirm_mappings
    _load(qtbot, other, [path])
    assert other.filter.countries == ("FR",)
    assert other.current_section().name == "data"
    assert other.filter_bar.country.currentText() == "FR"


def test_presentation_steps_through_findings_with_the_keyboard(qtbot, window, demo_ws):
    from humetrics_desktop.core.insights import find_all
    window.set_workspace(demo_ws)
    window.results["findings"] = find_all(demo_ws)
    window.toggle_presentation()
    assert window._presenting and not window.nav.isVisible() and not window.unmask_action.isChecked()
    first = window.current_section().name
    qtbot.keyClick(window, Qt.Key.Key_Right)
    finding = window.results["findings"][0]
    assert window.current_section().name == finding.section != first or window.banner.text() == finding.headline
    assert window.banner.text() == finding.headline
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not window._presenting


def test_preferences_change_k_and_mark_views_stale(qtbot, tmp_path):
    from humetrics_desktop.ui.dialogs.preferences import PreferencesDialog
    settings = Settings(tmp_path / "p.json")
    dlg = PreferencesDialog(settings)
    qtbot.addWidget(dlg)
    dlg.k.setValue(25)
    dlg.model.setCurrentIndex(dlg.model.findData("vader"))
    dlg.accept()
    again = Settings(tmp_path / "p.json")
    assert again["suppression_k"] == 25 and again["sentiment_model"] == "vader"


def test_import_adds_to_the_open_workspace(qtbot, window, tmp_path):
    d = _small_exports(tmp_path)
    _load(qtbot, window, [d / "users.csv"])
    first = window.workspace
    window.load([d / "nps.csv"], into=first)
    qtbot.waitUntil(lambda: not window.runner.busy and window.workspace.table("survey") is not None, timeout=60_000)
    assert window.workspace is first
    assert set(first.tables) == {"profiles", "survey"} and len(first.reports) == 2


def test_report_export_keeps_its_settings_with_the_workspace(qtbot, window, tmp_path):
    _load(qtbot, window, [_small_exports(tmp_path)])
    out = tmp_path / "client.html"
    window.export_report(out, "Q3 review for ACME")
    qtbot.waitUntil(lambda: out.exists() and not window.runner.busy, timeout=120_000)
    assert "Q3 review for ACME" in out.read_text(encoding="utf-8")
    assert window.workspace.view_state["report"] == {"path": str(out), "format": "html", "title": "Q3 review for ACME"}
