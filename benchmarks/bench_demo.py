"""Demo generation at the default size and at scale: wall time and peak memory, beside a reference.

    python benchmarks/bench_demo.py [--sizes 20000:1000000,1000000:10000000] [--repeat 1]

Each run happens in a fresh process (so its peak memory is its own); its CPU seconds (including
imports) help to read wall times taken on a busy machine. The reference, timed in the
same run, writes an events.parquet of the same size from ready-made random arrays with the same
schema and writer settings: the I/O floor that any generator pays. Prints JSON on stdout.
Targets (issue 3): 20k users / 1M events < 10 s; 1M users / 10M events < 120 s within 4 GB.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD_GENERATE = """
import json, resource, sys, time
from pathlib import Path
from humetrics_desktop.core.demo import generate
users, events, out = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
t = time.perf_counter()
manifest = generate(out, users=users, events=events, seed=0)
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": time.perf_counter() - t, "cpu_seconds": usage.ru_utime + usage.ru_stime,
                  "peak_rss_mb": usage.ru_maxrss / 1024, "events": manifest["sizes"]["events"]}))
"""

CHILD_REFERENCE = """
import json, resource, sys, time
from pathlib import Path
import numpy as np, pyarrow as pa
from humetrics_desktop.core.demo.export import write_events
from humetrics_desktop.core.progress import Progress
users, events, out = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
out.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)
ids = pa.array([f"u{i:07d}" for i in range(users)])
user = np.sort(rng.integers(0, users, events))
time_ms = np.sort(rng.integers(1_748_736_000_000, 1_796_083_200_000, events))
event = rng.integers(0, 10, events).astype(np.int8)
session = rng.integers(0, events // 3, events)
t = time.perf_counter()
write_events(out / "events.parquet", ids, user, time_ms, event, session, tuple(f"e{i}" for i in range(10)), Progress())
print(json.dumps({"seconds": time.perf_counter() - t,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(code: str, users: int, events: int, out: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", code, str(users), str(events), str(out)],
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000:1000000,1000000:10000000",
                        help="comma-separated users:events pairs")
    parser.add_argument("--repeat", type=int, default=1, help="best of this many runs per size")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for pair in args.sizes.split(","):
            users, events = (int(x) for x in pair.split(":"))
            gen = min((run(CHILD_GENERATE, users, events, Path(tmp) / f"demo{i}") for i in range(args.repeat)),
                      key=lambda r: r["seconds"])
            ref = min((run(CHILD_REFERENCE, users, events, Path(tmp) / f"ref{i}") for i in range(args.repeat)),
                      key=lambda r: r["seconds"])
            results.append({
                "users": users, "events": events,
                "generate_s": round(gen["seconds"], 2), "generate_cpu_s": round(gen["cpu_seconds"], 2),
                "generate_peak_rss_mb": round(gen["peak_rss_mb"]),
                "reference_write_events_s": round(ref["seconds"], 2),
                "ratio_to_reference": round(gen["seconds"] / ref["seconds"], 2),
                "bytes_on_disk": sum(p.stat().st_size for p in (Path(tmp) / "demo0").rglob("*") if p.is_file()),
            })
    print(json.dumps({"benchmark": "demo generation", "load_average_1m": round(os.getloadavg()[0], 2),
                      "runs": results}, indent=2))


if __name__ == "__main__":
    main()
