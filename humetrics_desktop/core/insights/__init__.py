"""Plain-language findings built from the metrics: only what the data support, ranked."""
from .findings import Finding, find_all

__all__ = ["Finding", "find_all"]
