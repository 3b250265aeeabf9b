"""The headless core: readers, workspace, metrics. Never imports Qt (enforced by import-linter)."""
