"""Sentiment scoring throughput: the app's pool against single-process TextBlob, in the same run.

    python benchmarks/bench_sentiment.py [--n 1000000] [--workers 2] [--skip-serial]

Reference: `TextBlob(text).sentiment` for every text in one process (what a straightforward script
does). The app: score_parallel (language check + TextBlob's pattern analyzer on every core, chunked).
Also timed: the app's serial path (same per-text work, one process), to show what the pool adds over
calling the analyzer directly. Scores are checked to be identical to the reference. Prints JSON.
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    ap.add_argument("--skip-serial", action="store_true", help="do not time the app's serial path")
    args = ap.parse_args()

    from textblob import TextBlob

    texts = corpus(args.n)
    spec = model_spec("textblob")
    TextBlob("warm up").sentiment  # load the lexicon before timing

    # Keep only the floats: each TextBlob result is an instance of a namedtuple class created for
    # that call, so holding 1M results would hold 1M classes (about 6 GB).
    ref_pol, ref_sub = np.empty(args.n), np.empty(args.n)
    t0 = time.perf_counter()
    for i, t in enumerate(texts):
        s = TextBlob(t).sentiment
        ref_pol[i], ref_sub[i] = s.polarity, s.subjectivity
    t_ref = time.perf_counter() - t0

    t0 = time.perf_counter()
    pool = score_parallel(texts, spec, workers=args.workers)
    t_pool = time.perf_counter() - t0

    scored = (pool["status"] == "scored").to_numpy()
    same = (np.array_equal(pool["polarity"].to_numpy()[scored], ref_pol[scored])
            and np.array_equal(pool["subjectivity"].to_numpy()[scored], ref_sub[scored]))
    out = {
        "texts": args.n, "workers": args.workers, "cpus_visible": os.cpu_count(),
        "load_average_1min_at_start": round(os.getloadavg()[0], 2),
        "reference_textblob_s": round(t_ref, 2),
        "reference_textblob_texts_per_s": round(args.n / t_ref),
        "pool_s": round(t_pool, 2),
        "pool_texts_per_s": round(args.n / t_pool),
        "pool_vs_reference": round(t_ref / t_pool, 2),
        "scored": int(scored.sum()), "not_scored": int((~scored).sum()),
        "identical_scores_on_scored": bool(same),
    }
    if not args.skip_serial:
        t0 = time.perf_counter()
        serial = score_serial(texts, spec)
        t_serial = time.perf_counter() - t0
        out.update({"app_serial_s": round(t_serial, 2), "app_serial_texts_per_s": round(args.n / t_serial),
                    "app_serial_vs_reference": round(t_ref / t_serial, 2),
                    "pool_vs_app_serial": round(t_serial / t_pool, 2),
                    "pool_equals_serial": bool(serial.equals(pool))})
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
