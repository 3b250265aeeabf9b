"""Format detection: every module in core/io/formats declares what it reads.

A format module defines
    FORMAT: str            the name `humetrics inspect` prints ("mixpanel-events", ...)
    KIND: str              "events" | "profiles" | "survey" | "reviews" | "traffic" | "layer"
    PRIORITY: int          higher is tried first (specific layouts before generic ones)
    def sniff(path: str, head: bytes) -> bool     head = first 256 KiB, already decompressed
    def read(path: str, progress: Progress) -> ImportResult
Modules are discovered, so adding a format is adding a file. The generic importer
(core/io/generic.py) is the fallback for any layout no module claims.
"""
from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from pathlib import Path
from types import ModuleType

from ..progress import Progress
from . import formats
from .report import ImportError_, ImportResult
from .textio import is_zip, looks_binary, read_head


@lru_cache(maxsize=1)
def format_modules() -> list[ModuleType]:
    mods = []
    for info in pkgutil.iter_modules(formats.__path__):
        mod = importlib.import_module(f"{formats.__name__}.{info.name}")
        if hasattr(mod, "FORMAT") and hasattr(mod, "sniff") and hasattr(mod, "read"):
            mods.append(mod)
    return sorted(mods, key=lambda m: -getattr(m, "PRIORITY", 0))


def check_readable(path: str) -> bytes:
    """First bytes of the (decompressed) file, or a one-line ImportError_ for files we cannot read."""
    p = Path(path)
    if not p.exists():
        raise ImportError_(path, "no such file")
    if p.is_dir():
        raise ImportError_(path, "is a folder, not a file")
    if p.stat().st_size == 0:
        raise ImportError_(path, "the file is empty")
    with open(path, "rb") as f:
        raw_head = f.read(8)
    if is_zip(raw_head):
        from .textio import zip_members
        zip_members(path)  # validates the archive and its size
        # zip archives are claimed by format modules (Amplitude) or the generic reader
        return raw_head
    if raw_head.startswith(b"PAR1"):
        return raw_head
    head = read_head(path)
    if not head.strip():
        raise ImportError_(path, "the file holds only white space")
    return head


def detect(path: str) -> ModuleType | None:
    """The format module that claims this file, or None for the generic importer."""
    head = check_readable(path)
    for mod in format_modules():
        try:
            if mod.sniff(path, head):
                return mod
        except ImportError_:
            raise
        except Exception:  # a sniffer must never stop detection
            continue
    if not (is_zip(head) or head.startswith(b"PAR1") or head.startswith(b"PK")) and looks_binary(head):
        suffix = Path(path).suffix.lower()
        if suffix not in (".xlsx", ".parquet", ".gz", ".zip"):
            raise ImportError_(path, "binary content that is not a supported format")
    return None


def read_any(path: str, progress: Progress | None = None, mapping=None,
             store_dir: str | Path | None = None) -> ImportResult:
    """Read one export with its detected format, or with the generic importer: with `mapping`
    (a Mapping or its JSON form) when given, else the one remembered in `store_dir` for this
    layout, else the proposed one."""
    progress = progress or Progress()
    mod = detect(path)
    if mod is not None:
        return mod.read(path, progress)
    from . import generic
    return generic.read(path, progress, mapping=mapping, store_dir=store_dir)
