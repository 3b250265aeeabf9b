"""Import reports: every row read is valid, a duplicate or rejected with a reason."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

MAX_EXAMPLES = 1000  # rejected rows kept with their details; counts stay exact beyond this


@dataclass
class RejectedRow:
    line: int | None  # 1-based physical line (text formats) or record number (binary formats)
    column: str | None
    reason: str
    value: str | None = None

    def message(self, path: str) -> str:
        where = f"{path}"
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", field '{self.column}'"
        val = f" (value {self.value!r})" if self.value is not None else ""
        return f"{where}: {self.reason}{val}"


@dataclass
class ImportReport:
    path: str
    format: str = "unknown"
    kind: str = "unknown"
    read: int = 0
    valid: int = 0
    duplicates: int = 0
    rejected: int = 0
    reasons: Counter = field(default_factory=Counter)
    examples: list[RejectedRow] = field(default_factory=list)
    merged_identities: int = 0
    unmatched: Counter = field(default_factory=Counter)  # e.g. "country:Atlantis" -> rows
    notes: list[str] = field(default_factory=list)

    def reject(self, line: int | None, column: str | None, reason: str, value: Any = None,
               count: int = 1) -> None:
        self.rejected += count
        self.reasons[reason] += count
        if len(self.examples) < MAX_EXAMPLES:
            self.examples.append(RejectedRow(line, column, reason,
                                             None if value is None else str(value)[:200]))

    def duplicate(self, count: int = 1, reason: str = "duplicate") -> None:
        self.duplicates += count
        self.reasons[reason] += count

    @property
    def balanced(self) -> bool:
        return self.read == self.valid + self.duplicates + self.rejected

    def to_dict(self) -> dict[str, Any]:
        return {"read": self.read, "valid": self.valid, "duplicates": self.duplicates,
                "rejected": self.rejected, "reasons": dict(self.reasons)}

    def to_json(self) -> dict[str, Any]:
        """Full serialisable form (stored in the workspace)."""
        return {
            "path": self.path, "format": self.format, "kind": self.kind,
            "rows": self.to_dict(), "merged_identities": self.merged_identities,
            "unmatched": dict(self.unmatched), "notes": list(self.notes),
            "examples": [vars(e) for e in self.examples],
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "ImportReport":
        rows = d.get("rows", {})
        return cls(path=d["path"], format=d.get("format", "unknown"), kind=d.get("kind", "unknown"),
                   read=rows.get("read", 0), valid=rows.get("valid", 0),
                   duplicates=rows.get("duplicates", 0), rejected=rows.get("rejected", 0),
                   reasons=Counter(rows.get("reasons", {})),
                   examples=[RejectedRow(**e) for e in d.get("examples", [])],
                   merged_identities=d.get("merged_identities", 0),
                   unmatched=Counter(d.get("unmatched", {})), notes=list(d.get("notes", [])))


class ImportError_(Exception):
    """A file that cannot be read at all (empty, binary, corrupt). Its message is one line naming
    the file and the problem."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path, self.problem = path, problem


@dataclass
class ImportResult:
    table: pd.DataFrame
    report: ImportReport
    # Extra tables a single export can carry (e.g. a Mixpanel export yields events and profiles).
    extra: dict[str, pd.DataFrame] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)  # e.g. layer metadata (name, synthetic)
