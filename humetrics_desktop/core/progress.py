"""A progress/cancel handle passed to every long-running core function.

The same function runs under a Qt worker (which forwards progress to a progress bar), under the CLI
(which prints to stderr) and in tests (a silent handle).
"""
from __future__ import annotations

import sys
import threading
import time


class Cancelled(Exception):
    """Raised inside long work when the user asked to stop it."""


class Progress:
    """Silent handle: records the last value and whether cancellation was requested."""

    def __init__(self) -> None:
        self.value = 0.0
        self.message = ""
        self._cancel = threading.Event()

    def set(self, fraction: float, message: str = "") -> None:
        """Report progress in [0, 1]; raises Cancelled when cancellation was requested."""
        self.value = min(1.0, max(0.0, float(fraction)))
        if message:
            self.message = message
        self._report()
        self.check()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()

    def sub(self, start: float, end: float) -> "SubProgress":
        """A handle mapping [0, 1] onto [start, end] of this one."""
        return SubProgress(self, start, end)

    def _report(self) -> None:
        """Hook for subclasses (GUI signal, console line)."""


class SubProgress(Progress):
    def __init__(self, parent: Progress, start: float, end: float) -> None:
        super().__init__()
        self._parent, self._start, self._end = parent, start, end
        self._cancel = parent._cancel

    def _report(self) -> None:
        self._parent.set(self._start + (self._end - self._start) * self.value, self.message)


class ConsoleProgress(Progress):
    """Writes at most a few lines a second to stderr (the CLI's progress)."""

    def __init__(self, stream=None, interval: float = 0.5) -> None:
        super().__init__()
        self._stream = stream or sys.stderr
        self._interval = interval
        self._last = 0.0

    def _report(self) -> None:
        now = time.monotonic()
        if now - self._last >= self._interval or self.value >= 1.0:
            self._last = now
            print(f"[{self.value * 100:5.1f}%] {self.message}", file=self._stream, flush=True)
