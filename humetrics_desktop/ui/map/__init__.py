"""The choropleth map widget of the Growth view.

Importing this package also guards the process against a PySide6 6.12 defect on Python 3.11:
every call of a Qt method that returns void drops one reference to None (measured: QLabel.setText,
QWidget.update, QPainter.fillPath, QPainterPath.lineTo, ... each -1), so a session that repaints
long enough (about 180 per map pan step, a few per hover) frees None and aborts with "none_dealloc".
Python 3.12 made None immortal; here its count is raised far out of reach once, which has the
same effect. (Belongs at application start; it lives here until the app's entry point has it.)
"""
from __future__ import annotations

import sys


def keep_none_alive() -> None:
    if sys.implementation.name == "cpython" and sys.version_info < (3, 12):
        import ctypes
        refcount = ctypes.c_ssize_t.from_address(id(None))
        if refcount.value < 1 << 40:
            refcount.value += 1 << 40


keep_none_alive()
