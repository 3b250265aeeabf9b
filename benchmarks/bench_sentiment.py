"""Sentiment scoring throughput: the app's pool against single-process TextBlob, in the same run.

    python benchmarks/bench_sentiment.py [--n 1000000] [--workers 2] [--skip-serial]

Reference: `TextBlob(text).sentiment` for every text in one process (what a straightforward script
does). The app: score_parallel (language check + TextBlob's pattern analyzer on every core, chunked).
Also timed: the app's serial path (same per-text work, one process), to show what the pool adds over
calling the analyzer directly. The methods take turns on blocks of the texts (--rounds), so that load
from other processes on a shared machine falls on each alike. Scores are checked to be identical to
the reference. Prints JSON.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from humetrics_desktop.core.text.models import model_spec  # noqa: E402
from humetrics_desktop.core.text.scoring import score_parallel, score_serial  # noqa: E402

OPENINGS = ["I really like", "Honestly I hate", "Not sure about", "We love", "Can't stand", "Quite happy with",
            "Very disappointed by", "Pretty neutral on", "Absolutely adore", "Mildly annoyed by"]
SUBJECTS = ["the new editor", "the sync", "the pricing", "the support team", "the mobile app", "the export",
            "the dark mode", "the search", "the latest update", "the onboarding", "shared folders", "comments"]
ENDINGS = ["It works great.", "It crashes a lot!", "Could be better.", "Fast and reliable :)", "So slow...",
           "Nothing special.", "Best tool we have used.", "Terrible experience overall.", "", "Thanks!"]


def corpus(n: int, seed: int = 0) -> list[str]:
    """n short English reviews, nearly all distinct (a ticket number makes them unique)."""
    rng = np.random.default_rng(seed)
    o, s, e = (rng.integers(0, len(x), n) for x in (OPENINGS, SUBJECTS, ENDINGS))
    ticket = rng.integers(0, 10**6, n)
    return [f"{OPENINGS[a]} {SUBJECTS[b]} (ticket {t}). {ENDINGS[c]}".strip()
            for a, b, c, t in zip(o, s, e, ticket)]


def _burn(n: int) -> int:
    s = 0
    for i in range(n):
        s += i * i
    return s


def parallel_headroom(workers: int) -> float:
    """Speed-up of a pure-Python CPU loop on `workers` processes over one: what the machine's
    current load leaves for any pool (2.0 on two idle cores)."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    work = [2_000_000] * (8 * workers)
    t0 = time.perf_counter()
    for n in work:
        _burn(n)
    serial = time.perf_counter() - t0
    with ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn")) as ex:
        list(ex.map(_burn, [10] * workers))
        t0 = time.perf_counter()
        list(ex.map(_burn, work))
        pooled = time.perf_counter() - t0
    return serial / pooled


def _reference(texts: list[str]) -> tuple[np.ndarray, np.ndarray, float, float]:
    """TextBlob(text).sentiment per text: polarity, subjectivity, wall and CPU seconds.
    Only the floats are kept: each result is an instance of a namedtuple class created for that
    call, so holding 1M results would hold 1M classes (about 6 GB)."""
    from textblob import TextBlob

    pol, sub = np.empty(len(texts)), np.empty(len(texts))
    w0, c0 = time.perf_counter(), time.process_time()
    for i, t in enumerate(texts):
        s = TextBlob(t).sentiment
        pol[i], sub[i] = s.polarity, s.subjectivity
    return pol, sub, time.perf_counter() - w0, time.process_time() - c0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    ap.add_argument("--rounds", type=int, default=4,
                    help="the texts are split into this many blocks and the methods take turns on each "
                         "block, so that load from other processes falls on all of them alike")
    ap.add_argument("--skip-serial", action="store_true", help="do not time the app's serial path")
    args = ap.parse_args()

    from textblob import TextBlob

    texts = corpus(args.n)
    spec = model_spec("textblob")
    TextBlob("warm up").sentiment  # load the lexicon before timing
    load_start = os.getloadavg()[0]
    headroom = [parallel_headroom(args.workers)]
    t = {"reference": 0.0, "reference_cpu": 0.0, "pool": 0.0, "serial": 0.0, "serial_cpu": 0.0}
    same, equal_serial, scored_n = True, True, 0
    for block in np.array_split(np.arange(args.n), args.rounds):
        part = [texts[i] for i in block]
        ref_pol, ref_sub, wall, cpu = _reference(part)
        t["reference"] += wall
        t["reference_cpu"] += cpu
        t0 = time.perf_counter()
        pool = score_parallel(part, spec, workers=args.workers)
        t["pool"] += time.perf_counter() - t0
        scored = (pool["status"] == "scored").to_numpy()
        scored_n += int(scored.sum())
        same &= (np.array_equal(pool["polarity"].to_numpy()[scored], ref_pol[scored])
                 and np.array_equal(pool["subjectivity"].to_numpy()[scored], ref_sub[scored]))
        if not args.skip_serial:
            w0, c0 = time.perf_counter(), time.process_time()
            serial = score_serial(part, spec)
            t["serial"] += time.perf_counter() - w0
            t["serial_cpu"] += time.process_time() - c0
            equal_serial &= bool(serial.equals(pool))
    headroom.append(parallel_headroom(args.workers))

    out = {
        "texts": args.n, "workers": args.workers, "rounds": args.rounds, "cpus_visible": os.cpu_count(),
        "load_average_1min": {"start": round(load_start, 2), "end": round(os.getloadavg()[0], 2)},
        "cpu_loop_speedup_on_pool_before_after": [round(h, 2) for h in headroom],
        "reference_textblob_s": round(t["reference"], 2),
        "reference_textblob_texts_per_s": round(args.n / t["reference"]),
        "reference_textblob_cpu_us_per_text": round(t["reference_cpu"] / args.n * 1e6, 1),
        "pool_s": round(t["pool"], 2),
        "pool_texts_per_s": round(args.n / t["pool"]),
        "pool_vs_reference": round(t["reference"] / t["pool"], 2),
        "scored": scored_n, "not_scored": args.n - scored_n,
        "identical_scores_on_scored": bool(same),
    }
    if not args.skip_serial:
        out.update({"app_serial_s": round(t["serial"], 2),
                    "app_serial_texts_per_s": round(args.n / t["serial"]),
                    "app_serial_cpu_us_per_text": round(t["serial_cpu"] / args.n * 1e6, 1),
                    "app_serial_vs_reference": round(t["reference"] / t["serial"], 2),
                    "pool_vs_app_serial": round(t["serial"] / t["pool"], 2),
                    "pool_equals_serial": bool(equal_serial)})
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
