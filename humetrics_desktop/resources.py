"""Where the bundled data files live (the repository's resources/, or the packaged app's copy)."""
from __future__ import annotations

import html
import sys
from pathlib import Path


def resources_dir() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def provenance_notes() -> list[tuple[str, str]]:
    """(folder, escaped text) of every PROVENANCE.md under resources/."""
    root = resources_dir()
    return [(p.parent.name, html.escape(p.read_text(encoding="utf-8")))
            for p in sorted(root.rglob("PROVENANCE.md"))]
