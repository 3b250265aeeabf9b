"""The window's sections, discovered by name so that each lives in a module of its own."""
from __future__ import annotations

import importlib
import logging

SECTION_ORDER = ("findings", "growth", "people", "usage", "sentiment", "nps", "data")

log = logging.getLogger(__name__)


def section_classes() -> list[type]:
    classes = []
    for name in SECTION_ORDER:
        try:
            mod = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as e:
            if e.name and e.name.startswith(f"{__name__}.{name}"):
                continue  # section not built yet
            raise
        classes.append(mod.SECTION)
    return classes
