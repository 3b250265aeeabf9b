"""Generic CSV import at scale: time and peak memory against a plain pandas read of the same file.

    python benchmarks/generic_import.py [--rows 10000000] [--dir /tmp]

Writes an events CSV (user_id, ISO timestamp with offset, event, session_id), then in separate
child processes (so each peak RSS is its own) runs
  - generic: humetrics' generic.read (sniffing, mapping, validation, line numbers, de-duplication)
  - reference: pandas.read_csv (C engine, pyarrow strings) + pd.to_datetime(utc=True), no checks
and prints JSON figures with the ratios generic/reference and peak RSS / file size.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
path, which = sys.argv[1], sys.argv[2]
t = time.perf_counter()
if which == "generic":
    from humetrics_desktop.core.io import generic
    res = generic.read(path)
    rows = res.report.read
    valid = res.report.valid
else:
    import pandas as pd
    df = pd.read_csv(path, dtype="str")
    df["timestamp"] = pd.to_datetime(df["timestamp"], format="ISO8601", utc=True)
    rows = valid = len(df)
secs = time.perf_counter() - t
print(json.dumps({"seconds": secs, "rows": rows, "valid": valid,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def write_csv(path: Path, rows: int) -> None:
    events = ["open", "search", "share", "export", "settings", "invite", "upgrade", "logout"]
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("user_id,timestamp,event,session_id\n")
        block = []
        for i in range(rows):
            day, sec = divmod(i * 7, 86400)
            block.append(f"u{(i * 7919) % 1000003},2024-{1 + day // 28 % 12:02d}-{1 + day % 28:02d}T"
                         f"{sec // 3600:02d}:{sec // 60 % 60:02d}:{sec % 60:02d}+01:00,"
                         f"{events[i % 8]},s{i // 9}\n")
            if len(block) == 100_000:
                f.writelines(block)
                block = []
        f.writelines(block)


def run(path: Path, which: str) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(path), which], capture_output=True,
                         text=True, check=True, cwd=Path(__file__).resolve().parent.parent)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--dir", default=tempfile.gettempdir())
    args = ap.parse_args()
    path = Path(args.dir) / f"humetrics_bench_events_{args.rows}.csv"
    if not path.exists():
        write_csv(path, args.rows)
    size_mb = os.path.getsize(path) / 1024**2
    gen = run(path, "generic")
    ref = run(path, "reference")
    print(json.dumps({
        "rows": args.rows, "file_mb": round(size_mb, 1),
        "generic": gen, "reference_pandas": ref,
        "time_ratio_generic_over_pandas": round(gen["seconds"] / ref["seconds"], 2),
        "peak_rss_over_file_size": {"generic": round(gen["peak_rss_mb"] / size_mb, 2),
                                    "pandas": round(ref["peak_rss_mb"] / size_mb, 2)},
        "generic_rows_per_second": round(gen["rows"] / gen["seconds"]),
    }, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
