"""Smoke test of a built bundle: does the frozen app run, read data, score text and draw the map?

    .venv/bin/python packaging/smoke_test.py dist/humetrics/humetrics

packaging/build.sh runs it under `unshare -n` (no network). The bundle runs in a clean environment
(no PYTHONPATH, no virtual environment, a fresh settings folder, a scratch working directory), so it
can only use what it carries. Checks, each must pass:
1. `demo` writes a small sample with the frozen app's own generator;
2. the window starts offscreen, imports that sample (it lands in the recent files) and quits cleanly;
3. `metrics --only sentiment` on the sample: TextBlob inside the bundle gives a non-zero mean polarity;
4. the same on clearly positive English reviews: mean polarity > 0.3, every text scored; there are more
   texts than the parallel-scoring threshold, so worker processes of the frozen app start too;
5. `snapshot` renders growth.png with a drawn map (enough coloured pixels, not only window chrome).
Prints one line per check and exits 0 only when all pass.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from humetrics_desktop.core.text.scoring import PARALLEL_MIN_TEXTS  # noqa: E402

# The window's import of the sample takes about 10 s on a busy 2-core machine.
WINDOW_SECONDS = 30
POSITIVE_TEXT = "I love this app, it is wonderful and works great. Review number {i}."
POSITIVE_MIN_POLARITY = 0.3
# A pixel counts as coloured when its channels differ by at least this much (greys and white do not).
CHROMA_MIN = 40
# The growth view without a drawn map has about 2,000 coloured pixels (the selected section, legend
# frame); with the map drawn on the 500-user sample (ten countries above the suppression threshold
# coloured; no-data land is grey and does not count) it has about 12,000.
MAP_MIN_COLOURED_PIXELS = 6_000


class CheckFailed(Exception):
    pass


def _env(work: Path) -> dict[str, str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(work / "home"), "HUMETRICS_HOME": str(work / "home"),
           "QT_QPA_PLATFORM": "offscreen", "LANG": "C.UTF-8", "TMPDIR": str(work)}
    for key in ("SYSTEMROOT", "TEMP", "TMP"):  # Windows needs these to start any process
        if key in os.environ:
            env[key] = os.environ[key]
    return env


def run(exe: Path, args: list[str], work: Path, timeout: float) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(exe), *args], cwd=work, env=_env(work), capture_output=True,
                          text=True, timeout=timeout)
    if proc.returncode != 0 or "Traceback" in proc.stderr:
        tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
        raise CheckFailed(f"`{' '.join(args[:2])}` exited {proc.returncode}:\n{tail}")
    return proc


def sentiment(exe: Path, path: Path, work: Path, timeout: float) -> dict:
    out = run(exe, ["metrics", str(path), "--json", "--only", "sentiment"], work, timeout).stdout
    return json.loads(out)["sentiment"]


def write_positive_reviews(path: Path, n: int) -> None:
    """n distinct clearly positive English reviews (distinct, so the score cache cannot merge them)."""
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["feedback_id", "created_at", "source", "text", "rating", "user_id", "country"])
        for i in range(n):
            w.writerow([f"P{i:07d}", f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T12:00:00Z", "app_store",
                        POSITIVE_TEXT.format(i=i), 5, "", "GB"])


def coloured_pixels(png: Path) -> int:
    import numpy as np
    from PySide6.QtGui import QImage

    image = QImage(str(png)).convertToFormat(QImage.Format.Format_RGB888)
    if image.isNull():
        raise CheckFailed(f"{png}: not a readable PNG")
    rows = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(image.height(), image.bytesPerLine())
    rgb = rows[:, :3 * image.width()].reshape(image.height(), image.width(), 3).astype(np.int16)
    return int((rgb.max(axis=2) - rgb.min(axis=2) >= CHROMA_MIN).sum())


def offline() -> bool | None:
    """True when this network namespace has no interface but loopback (Linux: /proc/net/dev follows
    the namespace, /sys/class/net does not); None where that cannot be seen."""
    dev = Path("/proc/net/dev")
    if not dev.exists():
        return None
    names = [line.split(":", 1)[0].strip() for line in dev.read_text().splitlines()[2:]]
    return names == ["lo"]


def checks(exe: Path, work: Path, timeout: float) -> list[tuple[str, Callable[[], str]]]:
    demo = work / "demo"

    def make_demo() -> str:
        run(exe, ["demo", "--out", str(demo), "--users", "500", "--events", "20000"], work, timeout)
        if not (demo / "manifest.json").exists():
            raise CheckFailed("demo wrote no manifest.json")
        return f"{len(list(demo.rglob('*.*')))} files"

    def window() -> str:
        run(exe, ["--quit-after", str(WINDOW_SECONDS * 1000), str(demo)], work, timeout)
        # The window adds a folder to the recent files once it has imported it.
        settings = work / "home" / "settings.json"
        recent = (json.loads(settings.read_text(encoding="utf-8")).get("recent_files", [])
                  if settings.exists() else [])
        if str(demo.resolve()) not in recent:
            raise CheckFailed(f"the window had not imported the sample after {WINDOW_SECONDS} s")
        return f"started offscreen, imported the sample, quit after {WINDOW_SECONDS} s with exit 0"

    def demo_sentiment() -> str:
        s = sentiment(exe, demo, work, timeout)
        if not s.get("model", "").startswith("textblob") or not s.get("scored"):
            raise CheckFailed(f"unexpected sentiment section {s}")
        if s["mean_polarity"] == 0:
            raise CheckFailed("mean polarity is 0.0: the TextBlob lexicon is missing from the bundle")
        return f"{s['model']}: {s['scored']} texts, mean polarity {s['mean_polarity']}"

    def positive_sentiment() -> str:
        n = PARALLEL_MIN_TEXTS + 1_000
        path = work / "positive_reviews.csv"
        write_positive_reviews(path, n)
        s = sentiment(exe, path, work, timeout)
        if s["scored"] != n or not s["mean_polarity"] > POSITIVE_MIN_POLARITY:
            raise CheckFailed(f"{n} positive texts: scored {s['scored']}, mean {s['mean_polarity']}")
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        how = "in worker processes" if (cores or 1) > 1 else "serially (one core: no workers)"
        return f"{n} texts scored {how}, mean polarity {s['mean_polarity']}"

    def map_render() -> str:
        out = work / "snapshots"
        run(exe, ["snapshot", str(demo), "--out", str(out)], work, timeout)
        png = out / "growth.png"
        if not png.exists():
            raise CheckFailed("snapshot wrote no growth.png")
        n = coloured_pixels(png)
        if n < MAP_MIN_COLOURED_PIXELS:
            raise CheckFailed(f"growth.png has {n} coloured pixels (< {MAP_MIN_COLOURED_PIXELS}): "
                              "the map is blank")
        return f"growth.png with {n} coloured pixels"

    return [("demo sample", make_demo), ("window", window), ("sentiment of the sample", demo_sentiment),
            ("positive reviews", positive_sentiment), ("map render", map_render)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("executable", type=Path)
    parser.add_argument("--timeout", type=float, default=300, help="seconds allowed per command")
    args = parser.parse_args()
    exe = args.executable.resolve()
    if not exe.is_file():
        print(f"smoke test: {exe} does not exist (build first)", file=sys.stderr)
        return 2
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    state = {True: "yes", False: "NO (network interfaces present)", None: "unknown"}[offline()]
    print(f"smoke test of {exe} (offline: {state})")
    failed = 0
    with tempfile.TemporaryDirectory(prefix="humetrics-smoke-") as tmp:
        work = Path(tmp)
        (work / "home").mkdir()
        for name, check in checks(exe, work, args.timeout):
            start = time.monotonic()
            try:
                detail = check()
                print(f"  ok    {name} ({time.monotonic() - start:.0f} s): {detail}")
            except (CheckFailed, subprocess.TimeoutExpired, json.JSONDecodeError, KeyError) as e:
                failed += 1
                print(f"  FAIL  {name} ({time.monotonic() - start:.0f} s): {e}")
                if name == "demo sample":
                    break  # every later check reads the sample
    print("smoke test passed" if not failed else f"smoke test failed: {failed} check(s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
