"""Findings: the plain-language insights, each with its numbers and a link to the view behind it."""
from __future__ import annotations

import html
from typing import Any, Callable

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

from ...core.filters import Filter
from ...core.insights import Finding, find_all
from ...core.progress import Progress
from ...core.workspace import Workspace
from .base import Section

SECTION_TITLES = {"growth": "Growth", "people": "People", "usage": "Usage", "sentiment": "Sentiment",
                  "nps": "NPS", "data": "Data"}


class FindingsSection(Section):
    name = "findings"
    title = "Findings"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.findings: list[Finding] = []
        self.header = QLabel("<h2>Findings</h2>")
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._open)
        lay = QVBoxLayout(self)
        lay.addWidget(self.header)
        lay.addWidget(self.browser, 1)

    @staticmethod
    def job(ws: Workspace, flt: Filter, settings: dict[str, Any]) -> Callable[[Progress], Any]:
        k = int(settings.get("suppression_k", 10))
        return lambda progress: find_all(ws, flt, k, progress)

    def show_result(self, result: list[Finding]) -> None:
        self.findings = list(result)
        self.header.setText(f"<h2>Findings</h2><p>{len(self.findings)} statistically supported findings "
                            "for this selection, most important first. Groups under the suppression "
                            "threshold are never reported.</p>")
        self.browser.setHtml(self.render_html())

    def render_html(self) -> str:
        if not self.findings:
            return "<p>No finding is statistically supported for this selection.</p>"
        rows = []
        for i, f in enumerate(self.findings):
            rows.append(
                f"<div style='margin-bottom:14px'><p style='font-size:14pt'><b>{i + 1}. {html.escape(f.headline)}</b></p>"
                f"<p style='color:#555'>{html.escape(f.evidence)}</p>"
                f"<p><a href='finding:{i}'>Open in {SECTION_TITLES.get(f.section, f.section)} \u2192</a></p></div>")
        return "".join(rows)

    def open_finding(self, index: int) -> None:
        f = self.findings[index]
        self.navigate_requested.emit(f.section, {**f.context, "finding": f.key, "headline": f.headline})

    def _open(self, url: QUrl) -> None:
        text = url.toString()
        if text.startswith("finding:"):
            self.open_finding(int(text.split(":", 1)[1]))


SECTION = FindingsSection
