"""Guard against a reference-count leak of True and False under PySide6 6.12 + pyqtgraph 0.14.

Adding, removing or creating pyqtgraph items releases a reference to True (and sometimes False) that
it never took: a PlotDataItem added to and removed from a plot costs about 20, one redraw of the
Usage section several hundred. On Python 3.11, where True and False are not immortal, the count
reaches zero after a few thousand redraws and the interpreter aborts ("Fatal Python error:
bool_dealloc"), at the latest when it exits. Python 3.12 made these objects immortal; this does the
same here by raising their counts far beyond any session's leak. CPython keeps the count in the
object's first machine word.
"""
from __future__ import annotations

import ctypes
import sys

_HEADROOM = 1 << 40


def pin_booleans() -> None:
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return
    for obj in (True, False):
        count = ctypes.c_ssize_t.from_address(id(obj))
        if count.value < _HEADROOM:
            count.value += _HEADROOM


pin_booleans()
