"""Guard against reference-count leaks of None, True and False under PySide6 6.12 + pyqtgraph 0.14.

Creating, adding, removing and updating pyqtgraph items releases references to None and True that
were never taken: a PlotDataItem added to and removed from a plot costs about 20 Trues, one redraw of
the Usage section about 700 Trues and 4,000 Nones. On Python 3.11, where these objects are not
immortal, a count reaches zero after a dozen redraws of a busy view and the interpreter aborts
("Fatal Python error: none_dealloc" / "bool_dealloc"). Python 3.12 made them immortal; this does the
same here by raising their counts far beyond any session's leak. CPython keeps the count in the
object's first machine word.
"""
from __future__ import annotations

import ctypes
import sys

_HEADROOM = 1 << 40


def pin_singletons() -> None:
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return
    for obj in (None, True, False):
        count = ctypes.c_ssize_t.from_address(id(obj))
        if count.value < _HEADROOM:
            count.value += _HEADROOM


pin_singletons()
