"""Turning paths (export files, folders of exports, or a saved workspace) into a Workspace."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..settings import home
from .io.registry import read_any
from .io.report import ImportError_, ImportResult
from .privacy import personal_columns
from .progress import Progress
from .workspace import SUFFIX, Workspace

# Files in an export folder that are descriptions of other files, not data.
_SIDECAR_SUFFIXES = (".meta.json",)
_SKIP_NAMES = {"manifest.json", "README.md", "readme.txt", ".DS_Store"}


@dataclass
class LoadOutcome:
    workspace: Workspace
    errors: list[str] = field(default_factory=list)  # one line per file that could not be read


def expand_paths(paths: list[str | Path]) -> list[Path]:
    """Files to import: folders are walked (sorted, so imports are reproducible), sidecars skipped."""
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.name not in _SKIP_NAMES and not f.name.endswith(_SIDECAR_SUFFIXES) \
                        and not f.name.startswith("."):
                    files.append(f)
        else:
            files.append(p)
    return files


def mapping_store_dir() -> Path:
    """Where column mappings confirmed by the user are remembered, per file layout."""
    return home() / "mappings"


def load_paths(paths: list[str | Path], progress: Progress | None = None,
               mappings: dict[str, Any] | None = None) -> LoadOutcome:
    """Open a saved workspace, or import every export named (folders included) into a new one.
    `mappings` gives the column mapping the user confirmed for a file (by its path); files
    without one use the mapping remembered for their layout, else the proposed one."""
    progress = progress or Progress()
    mappings = mappings or {}
    paths = [Path(p) for p in paths]
    if len(paths) == 1 and paths[0].suffix == SUFFIX:
        progress.set(0.0, f"Opening {paths[0].name}")
        ws = Workspace.load(paths[0])
        progress.set(1.0, "Opened")
        return LoadOutcome(ws)
    ws = Workspace()
    errors: list[str] = []
    files = expand_paths(paths)
    for i, f in enumerate(files):
        sub = progress.sub(i / max(1, len(files)), (i + 1) / max(1, len(files)))
        sub.set(0.0, f"Reading {f.name}")
        try:
            result = read_any(str(f), sub, mappings.get(str(f)), store_dir=mapping_store_dir())
            _note_personal_fields(result)
            ws.add(result)
        except ImportError_ as e:
            errors.append(str(e))
        except (OSError, ValueError, UnicodeError) as e:
            errors.append(f"{f}: {e}")
    progress.set(1.0, f"Imported {len(files) - len(errors)} of {len(files)} files")
    return LoadOutcome(ws, errors)


def _note_personal_fields(result: ImportResult) -> None:
    """Say in the import report which columns hold personal data (masked in every view and export).
    Layers and traffic describe places and days, not people: their `name` is a region's name."""
    if result.report.kind in ("layer", "traffic"):
        return
    found = [c for c in personal_columns(result.table) if c != "user_id"]
    if found:
        result.report.notes.append(f"personal fields recognised and masked in views and exports: {', '.join(map(str, found))}")


def import_plans(paths: list[str | Path], progress: Progress | None = None) -> dict[str, Any]:
    """For each file the generic importer would read: its preview and mapping, and whether the user
    should confirm it (core.io.generic.plan). Unreadable files are left for the import to report."""
    from .io import generic
    progress = progress or Progress()
    files = expand_paths(paths)
    plans: dict[str, Any] = {}
    for i, f in enumerate(files):
        progress.set(i / max(1, len(files)), f"Looking at {f.name}")
        try:
            plans[str(f)] = generic.plan(f, mapping_store_dir())
        except (ImportError_, OSError, ValueError, UnicodeError):
            plans[str(f)] = None
    return plans
