"""The sentiment score cache: one DataFrame keyed by (sha1 of the text, model label).

The workspace stores it as ws.cache["sentiment"], so reopening a project or changing a filter never
rescores a text: only texts whose (hash, model) is missing are scored, each distinct text once.
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..progress import Progress
from .models import ModelSpec
from .scoring import RESULT_COLUMNS, STATUSES, score_texts

CACHE_KEY = "sentiment"
CACHE_COLUMNS = ["hash", "model", *RESULT_COLUMNS]


def text_hash(text: Any) -> str:
    """sha1 hex of the UTF-8 text; missing text hashes as the empty string."""
    return hashlib.sha1((text if isinstance(text, str) else "").encode("utf-8")).hexdigest()


def empty_cache() -> pd.DataFrame:
    return pd.DataFrame({
        "hash": pd.Series(dtype="string"), "model": pd.Series(dtype="string"),
        "language": pd.Series(dtype="string"), "polarity": pd.Series(dtype="float64"),
        "subjectivity": pd.Series(dtype="float64"),
        "status": pd.Categorical([], categories=STATUSES),
    })


def scores_with_cache(texts: Sequence[Any], spec: ModelSpec, cache: pd.DataFrame | None,
                      progress: Progress | None = None, workers: int | None = None
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Scores of `texts` (one row per text, in order: hash, model, language, polarity,
    subjectivity, status) and the cache extended by the texts it lacked."""
    progress = progress or Progress()
    cache = empty_cache() if cache is None or cache.empty else cache
    hashes = pd.Series([text_hash(t) for t in texts], dtype="string")
    label = spec.label
    known = cache.loc[cache["model"] == label, "hash"]
    missing = ~hashes.isin(known) & ~hashes.duplicated()
    todo = [texts[i] for i in np.flatnonzero(missing.to_numpy())]
    if todo:
        scored = score_texts(todo, spec, progress.sub(0.0, 0.95), workers)
        scored.insert(0, "model", pd.Series([label] * len(todo), dtype="string"))
        scored.insert(0, "hash", hashes[missing].reset_index(drop=True))
        cache = pd.concat([cache, scored], ignore_index=True) if not cache.empty else scored
    progress.set(1.0, "Scores ready")
    mine = cache.loc[cache["model"] == label].drop_duplicates("hash").set_index("hash")
    out = mine.reindex(hashes.to_numpy())[["model", *RESULT_COLUMNS]].reset_index()
    out["status"] = pd.Categorical(out["status"], categories=STATUSES)
    return out, cache


def scores_for_workspace(ws: Any, texts: Sequence[Any], spec: ModelSpec,
                         progress: Progress | None = None, workers: int | None = None) -> pd.DataFrame:
    """scores_with_cache reading and updating ws.cache["sentiment"]."""
    out, cache = scores_with_cache(texts, spec, ws.cache.get(CACHE_KEY), progress, workers)
    ws.cache[CACHE_KEY] = cache
    return out
