"""Release and campaign markers drawn on every Usage timeline. They live in the workspace's view
state (so they are saved with it) and can be imported from a CSV with columns date, label[, kind]."""
from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pandas as pd

from ..io.report import ImportError_
from ..io.textio import open_text, read_head, sniff_delimiter

STATE_KEY = "usage_markers"
KINDS = ("release", "campaign")


def make_marker(day: date | str, label: str, kind: str = "release") -> dict:
    """A validated marker: {"date": "YYYY-MM-DD", "label": str, "kind": "release" | "campaign"}."""
    d = pd.Timestamp(day)
    if pd.isna(d):
        raise ValueError(f"marker date {day!r} is not a date")
    kind = (kind or "release").strip().lower()
    if kind not in KINDS:
        raise ValueError(f"marker kind {kind!r}: expected one of {', '.join(KINDS)}")
    label = str(label).strip()
    if not label:
        raise ValueError("marker label is empty")
    return {"date": d.strftime("%Y-%m-%d"), "label": label[:80], "kind": kind}


def markers(view_state: dict) -> list[dict]:
    return list(view_state.get(STATE_KEY, []))


def add_markers(view_state: dict, new: list[dict]) -> list[dict]:
    """Add markers (a same date and label replaces the old one); keeps them sorted by date."""
    by_key = {(m["date"], m["label"]): m for m in markers(view_state) + list(new)}
    view_state[STATE_KEY] = sorted(by_key.values(), key=lambda m: (m["date"], m["label"]))
    return view_state[STATE_KEY]


def remove_marker(view_state: dict, day: str, label: str) -> list[dict]:
    view_state[STATE_KEY] = [m for m in markers(view_state) if (m["date"], m["label"]) != (day, label)]
    return view_state[STATE_KEY]


def read_markers(path: str | Path) -> list[dict]:
    """Markers from a CSV with a header naming date and label (kind optional, default release).
    A bad row raises ImportError_ naming the file, line and field."""
    path = Path(path)
    delimiter = sniff_delimiter(read_head(path, 64 * 1024).decode("utf-8", errors="replace"))
    stream, _ = open_text(path)
    with stream:
        reader = csv.DictReader(stream, delimiter=delimiter)
        fields = {(f or "").strip().lower(): f for f in reader.fieldnames or []}
        missing = [c for c in ("date", "label") if c not in fields]
        if missing:
            raise ImportError_(str(path), f"markers need columns date and label (missing {', '.join(missing)})")
        out = []
        for line, row in enumerate(reader, start=2):
            try:
                out.append(make_marker(row[fields["date"]], row[fields["label"]],
                                       row.get(fields.get("kind", ""), "") or "release"))
            except (ValueError, TypeError) as e:
                raise ImportError_(str(path), f"line {line}: {e}") from e
    return out
