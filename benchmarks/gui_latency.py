"""Event-loop latency of the real window while it loads a folder and computes its first section.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/gui_latency.py DATA_DIR

A QTimer fires every 10 ms on the GUI thread; any pause of the event loop (work on the GUI thread,
or a worker holding the GIL) shows as a longer gap between ticks. Prints JSON: seconds until the
first section is shown, ticks, the worst gaps (ms and when, seconds after the load started), the
99th percentile gap and how many gaps exceeded 100 ms (issue 2's bound).
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HUMETRICS_HOME", tempfile.mkdtemp(prefix="humetrics-home-"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

TICK_MS = 10


def main() -> None:
    data = Path(sys.argv[1])
    app = QApplication(sys.argv[:1])
    from humetrics_desktop.settings import Settings
    from humetrics_desktop.ui.main_window import MainWindow

    window = MainWindow(Settings())
    window.show()
    failures: list[str] = []
    window.runner.error.connect(lambda label, msg: failures.append(f"{label}: {msg}"))
    first = window.current_section()
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    t0 = time.perf_counter()
    window.load([str(data)])
    while not (first.name in window.results and not window.runner.busy) and not failures:
        app.processEvents()
        time.sleep(0.001)
    elapsed = time.perf_counter() - t0
    timer.stop()
    t = np.asarray(ticks)
    gaps = np.diff(t) * 1000
    worst = np.argsort(gaps)[::-1][:5]
    print(json.dumps({
        "section": first.name, "seconds": round(elapsed, 2), "ticks": len(t), "failures": failures,
        "worst_gaps_ms": [[round(float(gaps[i])), round(float(t[i] - t0), 2)] for i in worst],
        "p99_gap_ms": round(float(np.percentile(gaps, 99)), 1) if len(gaps) else None,
        "gaps_over_100ms": int((gaps > 100).sum()),
    }))


if __name__ == "__main__":
    main()
