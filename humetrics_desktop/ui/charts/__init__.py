"""Reusable pyqtgraph charts: date timelines with markers and a crosshair, cohort heatmaps."""
