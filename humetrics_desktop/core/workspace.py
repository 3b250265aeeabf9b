"""One project's imported tables, import reports, caches and view state, saved to one local file.

The file is a zip of Parquet tables plus a JSON manifest: no pickle, nothing executable, readable by
any Parquet tool. Reopening it never re-reads the original exports. Saves are atomic: the new file is
written beside the old one, flushed to disk, then renamed over it, so a crash mid-save leaves the last
good file intact.
"""
from __future__ import annotations

import io
import json
import os
import secrets
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .io.report import ImportReport, ImportResult
from .schema import KINDS

FILE_VERSION = 1
SUFFIX = ".humetrics"


@dataclass
class Layer:
    table: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class Workspace:
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    layers: dict[str, Layer] = field(default_factory=dict)
    reports: list[ImportReport] = field(default_factory=list)
    view_state: dict[str, Any] = field(default_factory=dict)
    cache: dict[str, pd.DataFrame] = field(default_factory=dict)
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    path: Path | None = None

    def table(self, kind: str) -> pd.DataFrame | None:
        return self.tables.get(kind)

    def layers_of_kind(self, kind: str) -> dict[str, Layer]:
        return {n: lay for n, lay in self.layers.items() if lay.meta.get("kind") == kind}

    def add(self, result: ImportResult, name: str | None = None) -> None:
        """Add an import: tables of the same kind are appended (several surveys make one survey table,
        told apart by its `survey` column); a layer is kept under its own name."""
        self.reports.append(result.report)
        kind = result.report.kind
        if kind == "layer":
            lname = name or result.meta.get("name") or Path(result.report.path).stem
            self.layers[lname] = Layer(result.table, dict(result.meta))
        else:
            self._append(kind, result.table)
        for extra_kind, df in result.extra.items():
            self._append(extra_kind, df)

    def _append(self, kind: str, df: pd.DataFrame) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown table kind {kind!r}")
        old = self.tables.get(kind)
        self.tables[kind] = df if old is None or old.empty else pd.concat([old, df], ignore_index=True)

    def merge(self, other: "Workspace") -> "Workspace":
        """Add another import's tables, layers and reports to this workspace (File > Import)."""
        self.reports.extend(other.reports)
        for kind, df in other.tables.items():
            self._append(kind, df)
        self.layers.update(other.layers)
        errors = other.view_state.get("load_errors", [])
        if errors:
            self.view_state["load_errors"] = self.view_state.get("load_errors", []) + errors
        return self

    def replace(self, **tables: pd.DataFrame) -> "Workspace":
        """A shallow copy with some tables replaced (used by filters); shares layers, cache and state."""
        new = Workspace(dict(self.tables), self.layers, self.reports, self.view_state, self.cache,
                        self.secret, self.path)
        new.tables.update(tables)
        return new

    # ---- persistence ---------------------------------------------------------------------------

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        if path.suffix != SUFFIX:
            path = path.with_suffix(SUFFIX)
        manifest = {
            "format": "humetrics-workspace", "version": FILE_VERSION,
            "tables": sorted(self.tables), "cache": sorted(self.cache),
            "layers": {n: lay.meta for n, lay in self.layers.items()},
            "reports": [r.to_json() for r in self.reports],
            "view_state": self.view_state, "secret": self.secret.hex(),
        }
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as raw:
                with zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED) as zf:
                    zf.writestr("manifest.json", json.dumps(manifest, default=str, indent=1))
                    for kind, df in self.tables.items():
                        zf.writestr(f"tables/{kind}.parquet", _parquet_bytes(df))
                    for name, lay in self.layers.items():
                        zf.writestr(f"layers/{name}.parquet", _parquet_bytes(lay.table))
                    for name, df in self.cache.items():
                        zf.writestr(f"cache/{name}.parquet", _parquet_bytes(df))
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self.path = path
        return path

    @classmethod
    def load(cls, path: str | Path) -> "Workspace":
        path = Path(path)
        try:
            zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as e:
            raise ValueError(f"{path}: not a HuMetrics workspace ({e})") from e
        with zf:
            try:
                manifest = json.loads(zf.read("manifest.json"))
            except KeyError as e:
                raise ValueError(f"{path}: not a HuMetrics workspace (no manifest)") from e
            if manifest.get("format") != "humetrics-workspace":
                raise ValueError(f"{path}: not a HuMetrics workspace")
            if manifest.get("version", 0) > FILE_VERSION:
                raise ValueError(f"{path}: written by a newer HuMetrics (file version {manifest['version']})")
            ws = cls(
                tables={k: _read_parquet(zf, f"tables/{k}.parquet") for k in manifest["tables"]},
                layers={n: Layer(_read_parquet(zf, f"layers/{n}.parquet"), meta)
                        for n, meta in manifest["layers"].items()},
                reports=[ImportReport.from_json(r) for r in manifest["reports"]],
                view_state=manifest.get("view_state", {}),
                cache={n: _read_parquet(zf, f"cache/{n}.parquet") for n in manifest.get("cache", [])},
                secret=bytes.fromhex(manifest["secret"]),
                path=path,
            )
        return ws


def _parquet_bytes(df: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), buf, compression="zstd")
    return buf.getvalue()


def _read_parquet(zf: zipfile.ZipFile, name: str) -> pd.DataFrame:
    with zf.open(name) as f:
        return pq.read_table(pa.BufferReader(f.read())).to_pandas()
