"""Mappings remembered per file layout: the next export with the same columns maps the same way.

The layout's signature is a hash of its normalised column names in order, so re-exports from the
same tool match even when a header's spacing or case changes. Stored as one small JSON file per
layout in a directory the caller owns (the app's settings directory; a temporary one in tests).
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from .mapping import Mapping, normalise_header

SUBDIR = "mappings"


def signature(columns: list[str]) -> str:
    key = "\x1f".join(normalise_header(c) or f"#{i}" for i, c in enumerate(columns))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


def _file(store_dir: str | Path, columns: list[str]) -> Path:
    return Path(store_dir) / SUBDIR / f"{signature(columns)}.json"


def load(store_dir: str | Path | None, columns: list[str]) -> Mapping | None:
    """The mapping saved for this layout, or None (also for an unreadable or outdated entry)."""
    if store_dir is None:
        return None
    f = _file(store_dir, columns)
    try:
        d = json.loads(f.read_text(encoding="utf-8"))
        if d.get("columns_in_order") != list(columns):
            # same normalised layout, different spelling: keep the choices, re-keyed by position
            d["columns"] = dict(zip(columns, d["columns"].values()))
        m = Mapping.from_json(d)
    except (OSError, ValueError, KeyError, AttributeError, TypeError):
        return None
    if list(m.columns) != list(columns):
        return None
    m.confidence = 1.0  # the user confirmed it
    return m


def save(store_dir: str | Path, columns: list[str], mapping: Mapping) -> Path:
    """Remember a confirmed mapping for this layout (written beside, then renamed: never half a file)."""
    f = _file(store_dir, columns)
    f.parent.mkdir(parents=True, exist_ok=True)
    d = mapping.to_json()
    d["columns"] = {c: mapping.columns.get(c) for c in columns}
    d["columns_in_order"] = list(columns)
    fd, tmp = tempfile.mkstemp(dir=f.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(d, fh, ensure_ascii=False, indent=1)
    os.replace(tmp, f)
    return f
