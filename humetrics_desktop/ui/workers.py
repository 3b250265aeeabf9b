"""Background work with progress and cancel; results come back on the GUI thread by signal.

A job is a plain function taking a Progress handle (the same function runs in the CLI and in tests).
Starting a job under a key that is still running cancels the older one: its result is dropped.
"""
from __future__ import annotations

import gc
import threading
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from ..core.progress import Cancelled, Progress


class _Signals(QObject):
    progress = Signal(float, str)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()


class SignalProgress(Progress):
    """Forwards progress to the GUI thread, at most every 1% to keep the event queue light."""

    def __init__(self, signals: _Signals) -> None:
        super().__init__()
        self._signals = signals
        self._last = -1.0

    def _report(self) -> None:
        if self.value - self._last >= 0.01 or self.value >= 1.0:
            self._last = self.value
            self._signals.progress.emit(self.value, self.message)


class Job(QRunnable):
    def __init__(self, fn: Callable[[Progress], Any], label: str) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.fn, self.label = fn, label
        self.signals = _Signals()
        self.progress = SignalProgress(self.signals)
        self.done = False

    def run(self) -> None:
        _job_started()
        try:
            result = self.fn(self.progress)
        except Cancelled:
            self.signals.cancelled.emit()
        except Exception as e:  # reported to the user, never silently dropped
            msg = f"{type(e).__name__}: {e}"
            traceback.print_exc()
            self.signals.failed.emit(msg)
        else:
            if self.progress.cancelled:
                self.signals.cancelled.emit()
            else:
                self.signals.finished.emit(result)
        finally:
            self.done = True
            _job_ended()

    def cancel(self) -> None:
        self.progress.cancel()


_gc_lock = threading.Lock()
_jobs_running = 0


def _job_started() -> None:
    """The cyclic garbage collector rests while background jobs run. A collection cannot be
    interrupted and holds the GIL, so in a worker it froze the window: 0.3-1 s each time it rescanned
    long-lived tables (country names, language profiles, modules) or the millions of token lists of
    a 10M-event workspace. Data work makes next to no cyclic garbage (a few thousand objects over a
    whole load and first view), and reference counting still frees everything else at once."""
    global _jobs_running
    with _gc_lock:
        _jobs_running += 1
        if _jobs_running == 1:
            gc.disable()


def _job_ended() -> None:
    """With the last job done, what survived it (imported modules, caches, the workspace) is exempted
    from future collections instead of being scanned, which would be the same pause; frozen objects
    are still freed by reference counting when dropped."""
    global _jobs_running
    with _gc_lock:
        _jobs_running -= 1
        if _jobs_running == 0:
            gc.freeze()
            gc.enable()


class JobRunner(QObject):
    """Runs jobs on a thread pool; emits busy_changed so the window can show a progress bar."""

    busy_changed = Signal(bool)
    progress = Signal(float, str)
    error = Signal(str, str)  # label, message

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(2)
        self.jobs: dict[str, Job] = {}

    def start(self, key: str, fn: Callable[[Progress], Any], on_done: Callable[[Any], None],
              label: str = "") -> Job:
        old = self.jobs.get(key)
        if old is not None and not old.done:
            old.cancel()
        job = Job(fn, label or key)
        self.jobs[key] = job

        def finished(result: Any) -> None:
            if self.jobs.get(key) is job:
                del self.jobs[key]
                on_done(result)
            self._update()

        def ended(*_: Any) -> None:
            if self.jobs.get(key) is job:
                del self.jobs[key]
            self._update()

        def failed(msg: str) -> None:
            ended()
            self.error.emit(job.label, msg)

        job.signals.finished.connect(finished)
        job.signals.cancelled.connect(ended)
        job.signals.failed.connect(failed)
        job.signals.progress.connect(self.progress)
        self.pool.start(job)
        self._update()
        return job

    def cancel_all(self) -> None:
        for job in list(self.jobs.values()):
            job.cancel()

    @property
    def busy(self) -> bool:
        return bool(self.jobs)

    def _update(self) -> None:
        self.busy_changed.emit(self.busy)

    def wait(self, msecs: int = 30_000) -> bool:
        return self.pool.waitForDone(msecs)
