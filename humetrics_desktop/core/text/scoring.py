"""Scoring many texts: language check, then the model, on all cores.

Each text gets a language, a polarity, a subjectivity (TextBlob only) and a status:
"scored", "empty" (no letters to judge) or "language" (a language the model cannot score).
Texts not scored have NaN scores, never 0.

The parallel path runs the very same per-text function in worker processes (forkserver on
Linux, which forks from a clean server with the model packages preloaded, so no GUI thread state is
inherited; spawn elsewhere), in chunks, in order: its output equals the serial path's exactly.
A frozen app must call multiprocessing.freeze_support() first (packaging/entry.py does).
"""
from __future__ import annotations

import math
import multiprocessing as mp
import os
import sys
from collections import deque
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import chain, islice

import numpy as np
import pandas as pd

from ..progress import Progress
from .language import UNDETERMINED, detect_language
from .models import ModelSpec, Scorer

SCORED, EMPTY, LANGUAGE = "scored", "empty", "language"
STATUSES = (SCORED, EMPTY, LANGUAGE)
RESULT_COLUMNS = ["language", "polarity", "subjectivity", "status"]
# Below this many texts, starting worker processes costs more than it saves.
PARALLEL_MIN_TEXTS = 20_000
CHUNK_SIZE = 2_000

_worker_scorer: Scorer | None = None


def _score_chunk_with(scorer: Scorer, texts: Sequence[str]) -> tuple[list, list, list, list]:
    langs, pols, subs, stats = [], [], [], []
    supported = scorer.spec.languages
    for text in texts:
        lang = detect_language(text) if isinstance(text, str) else UNDETERMINED
        if lang == UNDETERMINED:
            pol = sub = math.nan
            status = EMPTY
        elif lang not in supported:
            pol = sub = math.nan
            status = LANGUAGE
        else:
            pol, sub = scorer.score(text)
            status = SCORED
        langs.append(lang)
        pols.append(pol)
        subs.append(sub)
        stats.append(status)
    return langs, pols, subs, stats


def _init_worker(spec: ModelSpec) -> None:
    global _worker_scorer
    _worker_scorer = Scorer(spec)


def _score_chunk(texts: Sequence[str]) -> tuple[list, list, list, list]:
    assert _worker_scorer is not None, "worker not initialised"
    return _score_chunk_with(_worker_scorer, texts)


def _frame(parts: list[tuple[list, list, list, list]]) -> pd.DataFrame:
    cols = [list(chain.from_iterable(p[i] for p in parts)) for i in range(4)]
    return pd.DataFrame({
        "language": pd.Series(cols[0], dtype="string"),
        "polarity": np.asarray(cols[1], dtype="float64"),
        "subjectivity": np.asarray(cols[2], dtype="float64"),
        "status": pd.Categorical(cols[3], categories=STATUSES),
    })


def _chunks(texts: Sequence[str], size: int) -> list[Sequence[str]]:
    return [texts[i:i + size] for i in range(0, len(texts), size)]


def score_serial(texts: Sequence[str], spec: ModelSpec, progress: Progress | None = None,
                 chunk_size: int = CHUNK_SIZE) -> pd.DataFrame:
    """Score in this process; one row per text, in order (columns RESULT_COLUMNS)."""
    progress = progress or Progress()
    scorer = Scorer(spec)
    chunks = _chunks(list(texts), chunk_size)
    parts = []
    for i, chunk in enumerate(chunks, start=1):
        parts.append(_score_chunk_with(scorer, chunk))
        progress.set(i / len(chunks), f"Scoring texts with {spec.label}")
    return _frame(parts)


def _context() -> mp.context.BaseContext:
    if sys.platform.startswith("linux"):
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["vaderSentiment.vaderSentiment", "humetrics_desktop.core.text.scoring",
                                    "humetrics_desktop.core.text.warm"])
        return ctx
    return mp.get_context("spawn")


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def score_parallel(texts: Sequence[str], spec: ModelSpec, progress: Progress | None = None,
                   workers: int | None = None, chunk_size: int = CHUNK_SIZE) -> pd.DataFrame:
    """Score on `workers` processes (all cores by default); same output as score_serial.
    A few chunks per worker are in flight at a time, so cancelling stops within a chunk or two.
    If the worker processes cannot run (a broken pool), the rest is scored here, serially."""
    progress = progress or Progress()
    workers = workers or default_workers()
    chunks = _chunks(list(texts), chunk_size)
    if not chunks:
        return _frame([])
    parts: list[tuple[list, list, list, list]] = []
    progress.set(0.0, f"Starting {workers} scoring processes")
    executor = ProcessPoolExecutor(max_workers=workers, mp_context=_context(),
                                   initializer=_init_worker, initargs=(spec,))
    try:
        ahead = iter(chunks)
        pending = deque(executor.submit(_score_chunk, c) for c in islice(ahead, 3 * workers))
        while pending:
            parts.append(pending.popleft().result())
            nxt = next(ahead, None)
            if nxt is not None:
                pending.append(executor.submit(_score_chunk, nxt))
            progress.set(len(parts) / len(chunks), f"Scoring texts with {spec.label} on {workers} cores")
    except BrokenProcessPool:
        done = len(parts)
        progress.set(done / len(chunks), "Scoring processes could not run; scoring on one core")
        rest = [t for c in chunks[done:] for t in c]
        scorer = Scorer(spec)
        for i, chunk in enumerate(_chunks(rest, chunk_size), start=done + 1):
            parts.append(_score_chunk_with(scorer, chunk))
            progress.set(i / len(chunks), f"Scoring texts with {spec.label}")
    finally:
        executor.shutdown(wait=False, cancel_futures=True)
    return _frame(parts)


def score_texts(texts: Sequence[str], spec: ModelSpec, progress: Progress | None = None,
                workers: int | None = None) -> pd.DataFrame:
    """Serial for small inputs or one worker, parallel otherwise."""
    workers = workers or default_workers()
    if workers <= 1 or len(texts) < PARALLEL_MIN_TEXTS:
        return score_serial(texts, spec, progress)
    return score_parallel(texts, spec, progress, workers)
