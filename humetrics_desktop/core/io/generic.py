"""The generic importer: any table in CSV/TSV, Excel, Parquet, JSON or JSON Lines (plain, .gz or
.zip) that no specific format module claims.

    preview(path)            -> first raw rows and the proposed Mapping (for the mapping dialog)
    read(path, progress, m)  -> ImportResult in the canonical schema, with its import report

Reading is chunked (memory stays proportional to the result, not to the file), every row read is
counted as valid, duplicate or rejected, and the source file is only ever opened for reading.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..progress import Progress
from . import mapping_store
from .mapping import Mapping, for_kind, guess_layer_kind, propose
from .report import ImportError_, ImportReport, ImportResult
from .tabular import TableSource, open_source
from .validate import Validator

SAMPLE_ROWS = 1000      # rows used to recognise the table and its columns
MAX_SIDECAR_BYTES = 1024**2


def format_name(src: TableSource) -> str:
    return f"generic-{src.format}"


def sidecar(path: str | Path) -> dict[str, Any] | None:
    """The `<name>.meta.json` beside a layer file (kind, synthetic, source), or None."""
    p = Path(path)
    stem = p.name
    for suffix in (".gz", ".zip"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    f = p.with_name(f"{stem}.meta.json")
    if not f.is_file() or f.stat().st_size > MAX_SIDECAR_BYTES:
        return None
    try:
        d = json.loads(f.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return None
    return d if isinstance(d, dict) else None


def propose_for(src: TableSource, store_dir: str | Path | None = None) -> Mapping:
    """A remembered mapping for this layout if there is one, else one proposed from the content."""
    remembered = mapping_store.load(store_dir, src.columns)
    if remembered is not None:
        return remembered
    return propose(src.head(SAMPLE_ROWS), src.path, src.decimal, sidecar(src.path))


def preview(path: str | Path, n: int = 50, store_dir: str | Path | None = None
            ) -> tuple[pd.DataFrame, Mapping]:
    """The first n raw rows and the proposed mapping. The rows' `attrs` carry what the dialog
    needs to re-propose without reading the file again: "decimal", "format", "columns"."""
    src = open_source(path)
    rows = src.head(n)
    rows.attrs.update({"decimal": src.decimal, "format": format_name(src), "columns": list(src.columns)})
    return rows, propose_for(src, store_dir)


@dataclass
class ImportPlan:
    """What the window needs before importing a file the generic importer reads."""
    preview: pd.DataFrame    # first raw rows (attrs: decimal, format, columns)
    mapping: Mapping         # remembered for this layout, or proposed
    ask: bool                # show the mapping dialog first (an unsure, unremembered proposal)


def plan(path: str | Path, store_dir: str | Path | None = None, n: int = 50) -> ImportPlan | None:
    """None when a specific format module reads this file; else the preview and the mapping to
    use, and whether to ask the user. Import with read(path, progress, plan.mapping)."""
    from .registry import detect
    if detect(str(path)) is not None:
        return None
    rows, mapping = preview(path, n, store_dir)
    return ImportPlan(rows, mapping, mapping.needs_confirmation)


def check_preview(rows: pd.DataFrame, mapping: Mapping) -> ImportReport:
    """How the preview rows would fare under a mapping (for the dialog, before importing): the
    same validation as read(), on the rows in memory."""
    import numpy as np
    from .tabular import RawChunk
    report = ImportReport("preview", kind=mapping.kind)
    if mapping.missing_required():
        return report
    validator = Validator(mapping, report, rows.attrs.get("decimal", "."))
    report.read = len(rows)
    part = validator.chunk(RawChunk(rows.reset_index(drop=True), np.arange(1, len(rows) + 1)))
    validator.finish([part])
    return report


def remap(path: str | Path, kind: str) -> Mapping:
    """The best column mapping for a kind the user chose in the dialog."""
    src = open_source(path)
    return for_kind(src.head(SAMPLE_ROWS), kind, src.decimal)


def read(path: str, progress: Progress | None = None, mapping: Mapping | dict | None = None, *,
         store_dir: str | Path | None = None) -> ImportResult:
    """Import one table. Without `mapping`, the remembered or proposed one is used."""
    progress = progress or Progress()
    path = str(path)
    progress.set(0.0, f"Opening {Path(path).name}")
    src = open_source(path)
    if mapping is None:
        mapping = propose_for(src, store_dir)
    else:
        try:  # a dict from a saved workspace or the CLI, or a Mapping: checked the same way
            mapping = Mapping.from_json(mapping if isinstance(mapping, dict) else mapping.to_json())
        except ValueError as e:
            raise ImportError_(path, f"invalid column mapping: {e}") from e
        absent = [c for c, f in mapping.columns.items() if f and c not in src.columns]
        if absent and src.format != "jsonl" and src.format != "json":
            raise ImportError_(path, f"the mapping names column '{absent[0]}', which the file "
                                     "does not have")
    missing = mapping.missing_required()
    if missing:
        raise ImportError_(path, f"read as {mapping.kind}, but no column holds {', '.join(missing)}; "
                                 "choose one in the mapping dialog")
    report = ImportReport(path, format=format_name(src), kind=mapping.kind, notes=list(src.notes))
    validator = Validator(mapping, report, src.decimal)
    parts = []
    reading = progress.sub(0.0, 0.9)
    for chunk in src.chunks(reading, report):
        parts.append(validator.chunk(chunk))
    progress.set(0.9, "Removing duplicates")
    table = validator.finish(parts)
    if report.read == 0:
        raise ImportError_(path, "has a header but no data rows")
    assert report.balanced, (report.read, report.valid, report.duplicates, report.rejected)
    meta = _meta(path, mapping)
    progress.set(1.0, f"Read {report.read} rows from {Path(path).name}")
    return ImportResult(table, report, meta=meta)


def _meta(path: str, mapping: Mapping) -> dict[str, Any]:
    """Table metadata: its name; for layers what they hold, from the sidecar file when there is
    one, else from the mapping (chosen in the dialog or guessed)."""
    name = Path(path).name.split(".")[0]
    side = sidecar(path)
    if mapping.kind != "layer":
        return {"name": name, **(side or {})}
    meta: dict[str, Any] = {"name": name, "source": Path(path).name, "synthetic": False,
                            "kind": mapping.layer_kind or guess_layer_kind(name, list(mapping.columns))}
    meta.update(side or {})
    return meta
