"""Starting the window: on the files given, else on the bundled demo data (generated on first start)."""
from __future__ import annotations

import argparse
from pathlib import Path

from .settings import Settings, home

DEMO_VERSION = "1"


def demo_dir() -> Path:
    return home() / f"demo-v{DEMO_VERSION}"


def _ensure_demo(progress) -> Path:
    """The demo exports, generated once into the settings folder (seconds at the default size)."""
    out = demo_dir()
    if not (out / "manifest.json").exists():
        from .core.demo import generate
        tmp = out.with_name(out.name + ".partial")
        generate(tmp, progress=progress)
        if out.exists():
            import shutil
            shutil.rmtree(out)
        tmp.rename(out)
    return out


def run_app(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="humetrics", description="Open the HuMetrics Desktop window.")
    parser.add_argument("paths", nargs="*", help="a saved workspace, export files or folders of exports")
    parser.add_argument("--quit-after", type=int, metavar="MS", help=argparse.SUPPRESS)  # smoke tests
    args = parser.parse_args(argv)

    from PySide6.QtCore import QTimer

    from .ui.main_window import MainWindow
    from .ui.qt_app import ensure_app

    app = ensure_app()
    window = MainWindow(Settings())
    window.show()
    if args.paths:
        window.load(args.paths)
    else:
        window.runner.start("demo", _ensure_demo, lambda path: window.load([path], remember=False),
                            "Preparing the demo data")
    if args.quit_after:
        QTimer.singleShot(args.quit_after, window.close)
    return app.exec()
