"""Reusable pyqtgraph charts: date timelines with markers and a crosshair, cohort heatmaps."""

from . import refcount_guard  # noqa: F401  (must run before pyqtgraph items are made)
