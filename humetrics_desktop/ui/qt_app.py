"""The one QApplication: offscreen when there is no display, with fonts for every script."""
from __future__ import annotations

import os
import sys


def install_font_fallbacks(app) -> None:
    """Let the default family fall back to fonts that cover CJK, Arabic and other scripts: Qt's
    offscreen platform does not ask fontconfig for fallbacks, so Japanese comments drew as boxes."""
    from PySide6.QtGui import QFont, QFontDatabase
    ws = QFontDatabase.WritingSystem
    extra: list[str] = []
    for system in (ws.Japanese, ws.SimplifiedChinese, ws.Korean, ws.Arabic, ws.Hebrew, ws.Devanagari,
                   ws.Thai, ws.Cyrillic, ws.Greek):
        for family in QFontDatabase.families(system):
            if family not in extra:
                extra.append(family)
                break
    base = app.font().family()
    for family in {base, "Sans Serif", "DejaVu Sans"}:
        QFont.insertSubstitutions(family, [f for f in extra if f != family])


def ensure_app():
    """The running QApplication, or a new one (offscreen where there is no display)."""
    if sys.platform.startswith("linux") and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setApplicationName("HuMetrics Desktop")
        app.setDesktopFileName("humetrics")  # ties the window to packaging/linux/humetrics.desktop
        from PySide6.QtGui import QIcon

        from ..resources import resources_dir
        app.setWindowIcon(QIcon(str(resources_dir() / "icons" / "humetrics.svg")))
        install_font_fallbacks(app)
    return app
