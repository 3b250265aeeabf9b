"""Render every section offscreen to PNG: for reviews, documentation and `humetrics snapshot`."""
from __future__ import annotations

from pathlib import Path

from ..core.filters import Filter, filter_options
from ..core.progress import Progress
from ..core.workspace import Workspace
from ..settings import Settings
from .qt_app import ensure_app

SIZE = (1500, 950)


def snapshot(ws: Workspace, out: Path, flt: Filter | None = None, settings: Settings | None = None) -> list[Path]:
    """Computes each section synchronously (the same jobs the window runs) and saves DIR/<name>.png."""
    app = ensure_app()
    from .main_window import MainWindow
    out.mkdir(parents=True, exist_ok=True)
    window = MainWindow(settings or Settings(out / ".snapshot-settings.json"))
    window.resize(*SIZE)
    window.workspace = ws
    window.filter = flt or Filter()
    window.filter_bar.set_options(filter_options(ws))
    window.show()
    written = []
    for name, sec in window.sections.items():
        window.show_section(name)
        result = sec.job(ws, window.filter, window.section_settings())(Progress())
        sec.show_result(result)
        for _ in range(5):
            app.processEvents()
        path = out / f"{name}.png"
        window.grab().save(str(path))
        written.append(path)
    window._stale.clear()
    window.close()
    return written
