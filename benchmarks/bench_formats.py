"""Throughput of the tool-specific importers on large synthetic exports, as ratios against a plain
pandas read of the same file timed in the same run (which does none of the checks, de-duplication,
identity merging or place matching). Prints JSON.

    .venv/bin/python benchmarks/bench_formats.py [--rows 500000]
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import tempfile
import time
from pathlib import Path

import pandas as pd

from humetrics_desktop.core.io.registry import read_any

COUNTRIES = [("US", "California"), ("DE", "Bavaria"), ("JP", "Tokyo"), ("GB", "England"),
             ("FR", "Île-de-France"), ("TR", "Istanbul"), ("BR", "São Paulo"), ("IN", "Maharashtra")]


def write_mixpanel(path: Path, n: int, rnd: random.Random) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            cc, region = rnd.choice(COUNTRIES)
            user = f"u{rnd.randrange(n // 20 + 1)}"
            props = {"time": 1_700_000_000 + i, "distinct_id": user, "$insert_id": f"i{i}",
                     "mp_country_code": cc, "$region": region, "$city": "x", "$device_id": f"d-{user}"}
            f.write(json.dumps({"event": rnd.choice(["view", "click", "export"]), "properties": props}) + "\n")


def write_posthog(path: Path, n: int, rnd: random.Random) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["*.uuid", "*.event", "*.distinct_id", "*.timestamp", "*.properties.$geoip_country_code",
                    "*.properties.$geoip_subdivision_1_name", "*.properties.$session_id"])
        for i in range(n):
            cc, region = rnd.choice(COUNTRIES)
            w.writerow([f"uuid-{i}", rnd.choice(["$pageview", "click"]), f"u{rnd.randrange(n // 20 + 1)}",
                        f"2024-05-{1 + i % 28:02d}T{i % 24:02d}:00:00.000000Z", cc, region, f"s{i // 10}"])


def write_amplitude(path: Path, n: int, rnd: random.Random, parts: int = 24) -> None:
    """A zip of hourly gzipped JSON Lines parts, as the Export API writes it."""
    import gzip
    import zipfile
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        per = n // parts
        for h in range(parts):
            lines = []
            for i in range(h * per, (h + 1) * per):
                cc, region = rnd.choice(COUNTRIES)
                amp = rnd.randrange(n // 20 + 1)
                lines.append(json.dumps({
                    "uuid": f"uuid-{i}", "$insert_id": f"i{i}", "amplitude_id": amp,
                    "user_id": f"user{amp}" if amp % 3 else None, "device_id": f"dev{amp}",
                    "event_time": f"2024-03-09 {h:02d}:{i % 60:02d}:00.000000",
                    "event_type": rnd.choice(["view", "click"]), "session_id": 1710000000000 + amp,
                    "country": cc, "region": region, "city": "x", "language": "English"}))
            z.writestr(f"1/1_2024-03-09_{h}#0.json.gz", gzip.compress(("\n".join(lines) + "\n").encode()))


def _plain_amplitude(path: Path) -> pd.DataFrame:
    import gzip
    import io
    import zipfile
    with zipfile.ZipFile(path) as z:
        return pd.concat([pd.read_json(io.BytesIO(gzip.decompress(z.read(name))), lines=True)
                          for name in z.namelist()])


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=500_000)
    args = ap.parse_args()
    rnd = random.Random(1)
    out = {"rows": args.rows}
    with tempfile.TemporaryDirectory() as tmp:
        mp, ph, am = Path(tmp) / "mixpanel.jsonl", Path(tmp) / "posthog.csv", Path(tmp) / "amplitude.zip"
        write_mixpanel(mp, args.rows, rnd)
        write_posthog(ph, args.rows, rnd)
        write_amplitude(am, args.rows, rnd)
        read_any(str(ph))  # warm the name indexes once, as a running app would have them
        for name, path, reference in (
            ("mixpanel-events", mp, lambda p: pd.read_json(p, lines=True)),
            ("posthog-events", ph, lambda p: pd.read_csv(p, dtype=str)),
            ("amplitude-export", am, _plain_amplitude),
        ):
            ref = timed(lambda: reference(path))
            res = {}
            ours = timed(lambda: res.setdefault("r", read_any(str(path))))
            rep = res["r"].report
            out[name] = {"seconds": round(ours, 2), "reference_seconds": round(ref, 2),
                         "ratio_vs_plain_pandas": round(ours / ref, 2),
                         "rows_per_second": int(args.rows / ours), "valid": rep.valid,
                         "balanced": rep.balanced}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
