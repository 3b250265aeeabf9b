"""Writing the demo tables as the generic-format exports: CSV, chunked Parquet and JSON sidecars.

Every writer is byte-deterministic: fixed column order, fixed line endings, no timestamps of the run.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..progress import Progress
from .plan import START_EPOCH_S

ROW_GROUP = 1_000_000


def iso_utc(epoch_s: np.ndarray) -> np.ndarray:
    """ISO 8601 UTC strings ("2026-04-14T09:30:00Z") of epoch seconds."""
    text = np.datetime_as_string(np.asarray(epoch_s, dtype="datetime64[s]"), unit="s")
    return np.char.add(text, "Z").astype(object)


def since_start(seconds: np.ndarray) -> np.ndarray:
    """Epoch seconds of seconds counted from the demo's START."""
    return START_EPOCH_S + np.asarray(seconds, dtype=np.int64)


def write_csv(df: pd.DataFrame, path: Path) -> None:
    df.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def write_json(obj: dict, path: Path) -> None:
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")


def write_events(path: Path, user_ids: pa.Array, user: np.ndarray, time_ms: np.ndarray, event: np.ndarray,
                 session: np.ndarray, features: tuple[str, ...], progress: Progress) -> None:
    """events.parquet in row groups, converting ids to strings one group at a time."""
    schema = pa.schema([("user_id", pa.string()), ("timestamp", pa.timestamp("ms", tz="UTC")),
                        ("event", pa.string()), ("session_id", pa.string())])
    names = pa.array(features, pa.string())
    n = len(user)
    with pq.ParquetWriter(path, schema, compression="zstd", use_dictionary=["user_id", "event"]) as writer:
        for lo in range(0, max(n, 1), ROW_GROUP):
            hi = min(n, lo + ROW_GROUP)
            sessions = pc.cast(pa.array(session[lo:hi]), pa.string())
            table = pa.table({
                "user_id": user_ids.take(pa.array(user[lo:hi])),
                "timestamp": pa.array(time_ms[lo:hi], pa.timestamp("ms", tz="UTC")),
                "event": names.take(pa.array(event[lo:hi])),
                "session_id": pc.binary_join_element_wise("s", sessions, ""),
            }, schema=schema)
            writer.write_table(table)
            progress.set(hi / max(n, 1), "writing events")


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
