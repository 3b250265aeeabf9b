"""User settings: one versioned JSON file, migrated forward, isolated in tests via HUMETRICS_HOME."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

SETTINGS_VERSION = 2

DEFAULTS: dict[str, Any] = {
    "version": SETTINGS_VERSION,
    "recent_files": [],
    "suppression_k": 10,
    "sentiment_model": "textblob",
    "negative_threshold": -0.05,
    "positive_threshold": 0.05,
    "min_nps_responses": 30,
}


def home() -> Path:
    """Where settings, remembered mappings and the generated demo live."""
    base = os.environ.get("HUMETRICS_HOME")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CONFIG_HOME")
    return Path(xdg) / "humetrics" if xdg else Path.home() / ".config" / "humetrics"


def _migrate(data: dict[str, Any]) -> dict[str, Any]:
    version = int(data.get("version", 1))
    if version < 2:
        # version 1 called the suppression threshold "min_cell"
        if "min_cell" in data:
            data["suppression_k"] = data.pop("min_cell")
        version = 2
    data["version"] = version
    return data


class Settings:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or home() / "settings.json"
        self.data: dict[str, Any] = dict(DEFAULTS)
        if self.path.exists():
            try:
                stored = json.loads(self.path.read_text(encoding="utf-8"))
                if isinstance(stored, dict):
                    self.data.update(_migrate(stored))
            except (OSError, ValueError):
                pass  # a damaged settings file must never stop the app; defaults apply

    def __getitem__(self, key: str) -> Any:
        return self.data.get(key, DEFAULTS.get(key))

    def __setitem__(self, key: str, value: Any) -> None:
        self.data[key] = value
        self.save()

    def add_recent(self, path: str | Path, limit: int = 10) -> None:
        p = str(Path(path).resolve())
        recent = [r for r in self.data.get("recent_files", []) if r != p]
        self["recent_files"] = [p] + recent[: limit - 1]

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.data, indent=1), encoding="utf-8")
        os.replace(tmp, self.path)
