"""Demography at scale: the app's counting against a plain polars group-by of the same counts, timed
in the same run on the same people, plus the whole People computation.

    python benchmarks/bench_demography.py [--data DIR] [--users 1000000] [--repeat 3]

DIR holds a demo workspace (users.csv, layers/reference_population.csv); without it one is generated
into a temporary folder. Its profiles are repeated with new ids up to --users. Prints JSON on stdout:
seconds (best of --repeat) for the app's cross-tabs (with small-cell suppression) and for polars'
group_by().len() on the same normalised columns, their ratio, the normalisation of raw profiles,
and the whole demography_result (distributions, cross-tabs, by region and period, representation).
The app's unsuppressed counts are checked against polars' before any figure is printed.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

from humetrics_desktop.core.metrics.demography import demography_result
from humetrics_desktop.core.metrics.demography_tables import crosstab, prepare_profiles

PAIRS = [("age_band", "gender"), ("language", "country"), ("region", "age_band")]
AS_OF = dt.date(2026, 11, 30)


def best(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path)
    ap.add_argument("--users", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    data = args.data
    if data is None:
        from humetrics_desktop.core.demo import generate
        data = Path(tempfile.mkdtemp(prefix="bench-demography-"))
        generate(data, seed=0)
    base = pd.read_csv(data / "users.csv")
    reference = pd.read_csv(data / "layers" / "reference_population.csv")
    copies = -(-args.users // len(base))
    raw = pd.concat([base.assign(user_id=base["user_id"] + f"-{i}") for i in range(copies)],
                    ignore_index=True).iloc[: args.users]

    prepare_s, people = best(lambda: prepare_profiles(raw, AS_OF), args.repeat)
    frame = pl.from_pandas(people[[c for c in {c for p in PAIRS for c in p}]].astype(object).astype(str))

    def app():
        return [crosstab(people, r, c, k=10) for r, c in PAIRS]

    def reference_counts():
        return [frame.group_by([r, c]).len() for r, c in PAIRS]

    for (r, c), ref in zip(PAIRS, reference_counts()):  # same numbers before any timing counts
        mine = crosstab(people, r, c).counts.stack()
        theirs = {(a, b): n for a, b, n in ref.iter_rows()}
        nonzero = {(str(a), str(b)): int(n) for (a, b), n in mine.items() if n}
        if nonzero != theirs:
            print(f"counts differ for {r} x {c}", file=sys.stderr)
            return 1

    app_s, _ = best(app, args.repeat)
    ref_s, _ = best(reference_counts, args.repeat)
    full_s, _ = best(lambda: demography_result(raw, reference, k=10, reference_date=AS_OF), args.repeat)
    print(json.dumps({
        "users": len(raw), "pairs": [f"{r} x {c}" for r, c in PAIRS],
        "crosstabs_app_s": round(app_s, 3), "crosstabs_polars_s": round(ref_s, 3),
        "crosstabs_ratio": round(app_s / ref_s, 2),
        "normalise_profiles_s": round(prepare_s, 3),
        "demography_result_s": round(full_s, 3),
        "note": "app cross-tabs include ordering and small-cell suppression with complements",
    }, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
