"""HuMetrics Desktop: offline analysis of who a product's users are and how they feel."""

__version__ = "0.1.0"
