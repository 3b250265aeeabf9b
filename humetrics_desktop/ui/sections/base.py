"""The contract every section view follows.

A section's `job` returns the computation (core calls only) that the window runs in a background
worker; `show_result` renders what it returned, on the GUI thread.
"""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from ...core.filters import Filter
from ...core.progress import Progress
from ...core.workspace import Workspace


class Section(QWidget):
    name: str = ""
    title: str = ""

    filter_requested = Signal(dict)          # e.g. {"regions": ["DE-BY"]}
    navigate_requested = Signal(str, dict)   # section name, context

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.presentation = False
        self.unmasked = False

    @staticmethod
    def job(ws: Workspace, flt: Filter, settings: dict[str, Any]) -> Callable[[Progress], Any]:
        raise NotImplementedError

    def show_result(self, result: Any) -> None:
        raise NotImplementedError

    def set_presentation(self, on: bool) -> None:
        """Presentation mode: larger type and personal fields hidden."""
        self.presentation = on
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * (1.35 if on else 1 / 1.35))
        self.setFont(font)

    def set_unmasked(self, on: bool) -> None:
        """Personal fields shown in clear for this session (never in presentation mode)."""
        self.unmasked = on and not self.presentation
