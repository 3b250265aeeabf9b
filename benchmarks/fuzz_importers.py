"""Fuzz the importers with malformed variants of every supported format (issue: hostile files).

    .venv/bin/python benchmarks/fuzz_importers.py [--cases 10000]

Prints JSON: cases run, how many were read and how many refused with a one-line error, and the
seconds taken. Any violation of the invariant (tests/fuzzing.py) stops the run with the failing case.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hypothesis import HealthCheck, given, settings  # noqa: E402

from tests.fuzzing import check_file, malformed_files  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=10_000)
    args = ap.parse_args()
    outcomes: Counter = Counter()
    tmp = Path(tempfile.mkdtemp(prefix="humetrics-fuzz-"))

    @settings(max_examples=args.cases, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=malformed_files())
    def run(case):
        name, data = case
        path = tmp / name
        path.write_bytes(data)
        outcomes[check_file(path)] += 1

    t0 = time.perf_counter()
    run()
    print(json.dumps({"cases": sum(outcomes.values()), **outcomes,
                      "seconds": round(time.perf_counter() - t0, 1)}))


if __name__ == "__main__":
    main()
