"""The Findings view, presentation mode and the report export, on the demo workspace."""
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl

from humetrics_desktop.core.filters import Filter
from humetrics_desktop.core.progress import Progress
from humetrics_desktop.core.report.content import build_report
from humetrics_desktop.ui.report_export import export_report
from humetrics_desktop.ui.sections.findings import FindingsSection


@pytest.fixture(scope="module")
def findings_result(demo_ws):
    return FindingsSection.job(demo_ws, Filter(), {"suppression_k": 10})(Progress())


def test_findings_view_lists_and_opens(qtbot, findings_result):
    view = FindingsSection()
    qtbot.addWidget(view)
    view.show_result(findings_result)
    assert "California" in view.browser.toPlainText()
    with qtbot.waitSignal(view.navigate_requested) as sig:
        view.browser.anchorClicked.emit(QUrl("finding:0"))
    section, context = sig.args
    assert section == findings_result[0].section and context["finding"] == findings_result[0].key


def test_report_exports_in_three_formats(qtbot, demo_ws, tmp_path):
    content = build_report(demo_ws)
    for suffix in ("html", "pdf", "pptx"):
        out = export_report(demo_ws, tmp_path / f"r.{suffix}", content=content)
        assert out.stat().st_size > 20_000
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    assert "California" in (tmp_path / "r.html").read_text(encoding="utf-8")
