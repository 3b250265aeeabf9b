"""The Qt binding the app pins must not corrupt Python's reference counts.

PySide6 6.12 dropped one reference to None on every call of a Qt method returning void; on Python
3.11 a session of repaints then freed None and aborted the interpreter ("none_dealloc"). 6.11.3 is
pinned for that reason; this test fails on a binding with the defect.
"""
import sys

from PySide6.QtWidgets import QLabel


def test_void_calls_keep_none_alive(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(20_000):
        label.setText("x")
        label.update()
    assert sys.getrefcount(None) >= before - 100
