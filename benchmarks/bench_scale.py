"""The app at scale, every figure beside a plain reference timed in the same run (issue 3).

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_scale.py \
        [--sizes 20000:1000000,1000000:10000000] [--texts 100000] [--no-csv] [--keep DIR]

For each users:events size a demo workspace is generated (`humetrics demo`) into a temporary folder,
then each stage runs in a fresh process (benchmarks/scale_stages.py) so its peak memory is its own:

  import_parquet   the app's import of events.parquet (generic importer: row groups streamed,
                   validated, de-duplicated, every row accounted for) | pyarrow read_table + to_pandas
  import_csv       the same events written as CSV, imported by the app | pandas.read_csv (pyarrow
                   engine) + to_datetime
  load_folder      the whole demo folder into a workspace (6 kinds of table) | DuckDB reading the files
  metrics_first    compute_metrics users, engagement, nps (first call builds the activity aggregate)
  metrics_again    the same once more                  | both: DuckDB queries of the same figures
  filter_change    country filter (apply_filter) then the engagement section | DuckDB, same figures
  map_table        the region map's table (users, activity, NPS, sentiment per region, small cells
                   suppressed, classified and coloured) | DuckDB: users, active users, NPS per region
  map_table_again  the same once more (the first call builds the activity aggregate it shares with Usage)
  map_outlines     every first-level region's outline projected to Equal Earth as flat arrays (what
                   the map item draws) | geopandas read_parquet + to_crs + shapely.get_coordinates
  sentiment        score_texts on --texts texts (all cores) | TextBlob per text in one process, on a
                   fifth of the texts (throughputs compared)
  gui_latency      the real window loading the folder and computing its first section, a 10 ms
                   QTimer on the GUI thread: worst gaps, 99th percentile, gaps over 100 ms
                   (benchmarks/gui_latency.py; the bound is the reference)
  startup          `humetrics FILE --quit-after 1`: process start, window shown offscreen, closed
                   | the same for a bare PySide6 QMainWindow

"ratio" is app seconds / reference seconds (below 1: the app is faster). The DuckDB figures are
checked against the app's (users, NPS, sums of DAU and MAU over every day, filtered MAU) and the
outcome is printed as "same_figures". Wall times on a shared machine vary; CPU seconds are printed too.
Prints one JSON document on stdout; progress goes to stderr.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
STAGES = HERE / "scale_stages.py"


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def stage(name: str, *args: object) -> dict:
    log(f"{name} {' '.join(map(str, args))}")
    out = subprocess.run([sys.executable, str(STAGES), name, *map(str, args)], capture_output=True,
                         text=True, cwd=ROOT)
    if out.returncode != 0:
        raise SystemExit(f"stage {name} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def pair(app: dict, ref: dict) -> dict:
    return {"app": app, "reference": ref, "ratio": round(app["seconds"] / max(ref["seconds"], 1e-6), 2)}


def write_csv(parquet: Path, out: Path) -> None:
    """The events as a CSV export (ISO times with offset), written batch by batch."""
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq
    pf = pq.ParquetFile(parquet)
    writer = None
    for batch in pf.iter_batches(batch_size=500_000):
        ts = pc.strftime(batch.column("timestamp"), format="%Y-%m-%dT%H:%M:%S%z")
        batch = batch.set_column(batch.schema.get_field_index("timestamp"), "timestamp", ts)
        if writer is None:
            writer = pacsv.CSVWriter(out, batch.schema)
        writer.write_batch(batch)
    if writer is not None:
        writer.close()


def one_size(users: int, events: int, root: Path, csv: bool) -> dict:
    data = root / f"demo-{users}-{events}"
    log(f"generating {users} users, {events} events into {data}")
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "humetrics_desktop", "demo", "--out", str(data),
                    "--users", str(users), "--events", str(events)], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    res: dict = {"users": users, "events": events, "generate_seconds": round(time.perf_counter() - t, 1)}
    parquet = data / "events.parquet"
    res["import_parquet"] = pair(stage("import_app", parquet), stage("import_ref", parquet))
    if csv:
        csv_dir = root / f"csv-{events}"
        csv_dir.mkdir(exist_ok=True)
        path = csv_dir / "events.csv"
        write_csv(parquet, path)
        res["import_csv"] = pair(stage("import_app", path), stage("import_ref", path))
        res["import_csv"]["file_mb"] = round(path.stat().st_size / 1e6, 1)
        shutil.rmtree(csv_dir)
    app = stage("workspace_app", data)
    ref = stage("workspace_ref", data, app["filter_change"]["country"])
    for key in ("load_folder", "metrics_first", "metrics_again", "filter_change", "map_table", "map_table_again",
                "map_outlines"):
        res[key] = pair(app[key], ref[key])
    res["same_figures"] = app["check"] == ref["check"]
    if not res["same_figures"]:
        res["figures"] = {"app": app["check"], "reference": ref["check"]}
    res["workspace_peak_rss_mb"] = {"app": app["peak_rss_mb"], "reference": ref["peak_rss_mb"]}
    log("gui_latency")
    gui = subprocess.run([sys.executable, str(HERE / "gui_latency.py"), str(data)], capture_output=True,
                         text=True, cwd=ROOT, env={**os.environ, "QT_QPA_PLATFORM": "offscreen",
                                                   "HUMETRICS_HOME": str(root / "home-gui")})
    res["gui_latency"] = json.loads(gui.stdout.strip().splitlines()[-1]) if gui.returncode == 0 \
        else {"error": gui.stderr[-2000:]}
    return res


def sentiment(data: Path, texts: int) -> dict:
    app = stage("sentiment_app", data, texts)
    ref = stage("sentiment_ref", data, max(1000, texts // 5))
    return {"app": app, "reference": ref,
            "ratio": round(ref["texts_per_s"] / app["texts_per_s"], 2)}  # seconds per text, app / ref


_BARE_QT = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow()
w.resize(1500, 950)
w.show()
QTimer.singleShot(1, w.close)
app.exec()
"""


def startup(root: Path, repeat: int = 3) -> dict:
    """Best of `repeat` runs of the whole process: start, window shown offscreen, closed."""
    home = root / "home"
    home.mkdir(exist_ok=True)
    tiny = root / "tiny.csv"
    tiny.write_text("user_id,timestamp,event\nu1,2024-01-01T00:00:00Z,open\n", encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HUMETRICS_HOME": str(home)}

    def best(cmd: list[str]) -> float:
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            subprocess.run(cmd, check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            times.append(time.perf_counter() - t)
        return round(min(times), 3)

    log("startup")
    app = best([sys.executable, "-m", "humetrics_desktop", str(tiny), "--quit-after", "1"])
    ref = best([sys.executable, "-c", _BARE_QT])
    return {"app": {"seconds": app}, "reference": {"seconds": ref}, "ratio": round(app / ref, 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="20000:1000000,1000000:10000000", help="users:events,...")
    ap.add_argument("--texts", type=int, default=100_000, help="texts scored in the sentiment stage")
    ap.add_argument("--no-csv", dest="csv", action="store_false", help="skip the CSV import stage")
    ap.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    args = ap.parse_args()
    sizes = [tuple(int(x) for x in s.split(":")) for s in args.sizes.split(",")]
    root = args.keep or Path(tempfile.mkdtemp(prefix="humetrics-scale-"))
    root.mkdir(parents=True, exist_ok=True)
    out: dict = {"cores": len(os.sched_getaffinity(0)), "load_average_at_start": os.getloadavg(),
                 "sizes": []}
    try:
        for users, events in sizes:
            out["sizes"].append(one_size(users, events, root, args.csv))
        out["sentiment"] = sentiment(root / f"demo-{sizes[0][0]}-{sizes[0][1]}", args.texts)
        out["startup"] = startup(root)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    out["load_average_at_end"] = os.getloadavg()
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
