"""Small-cell suppression of a two-way table shown with its margins.

core.privacy.suppress protects one group of cells with its total. A cross-tab is a lattice of such
groups: each row with its row total, each column with its column total, and the margins with the
grand total. Hiding a cell must therefore leave at least two hidden entries in every row and column
it belongs to, or subtraction along that line would give it back. This module runs the same rule as
core.privacy on every line until nothing changes (the usual heuristic of statistical offices; an exact
optimal pattern needs linear programming, which a desktop view does not).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .suppression import suppressed_mask


def table_mask(counts: np.ndarray, k: int | None,
               seed: np.ndarray | None = None) -> np.ndarray:
    """Mask of hidden entries of the augmented table [[cells, row totals], [col totals, grand]].

    counts: the r x c cells. seed: an (r+1) x (c+1) mask of entries already hidden elsewhere (say,
    margins hidden in a one-way distribution), to keep the pattern consistent across views.
    Returns an (r+1) x (c+1) boolean array; the last row/column refer to the totals.
    """
    cells = np.asarray(counts, dtype="float64")
    r, c = cells.shape
    full = np.zeros((r + 1, c + 1))
    full[:r, :c] = cells
    full[:r, c] = cells.sum(axis=1)
    full[r, :c] = cells.sum(axis=0)
    full[r, c] = cells.sum()
    if not k or k <= 1:
        return np.zeros_like(full, dtype=bool)
    # primary suppression: the lead's rule (a count in 1..k-1), applied to every entry
    hidden = suppressed_mask(pd.Series(full.ravel()), k, total_shown=False).to_numpy(copy=True)
    hidden = hidden.reshape(full.shape)
    if seed is not None:
        hidden |= np.asarray(seed, dtype=bool) & (full > 0)
    changed = True
    while changed:
        changed = False
        for line in [*(("row", i) for i in range(r + 1)), *(("col", j) for j in range(c + 1))]:
            idx = _line_index(line, r, c)
            if hidden[idx].sum() == 1 and _hide_complement(full, hidden, idx):
                changed = True
    return hidden


def _line_index(line: tuple[str, int], r: int, c: int) -> tuple:
    kind, i = line
    return (i, slice(None)) if kind == "row" else (slice(None), i)


def _hide_complement(full: np.ndarray, hidden: np.ndarray, idx: tuple) -> bool:
    """Hide the smallest visible non-zero entry of a line (its total only when nothing else is left)."""
    values, mask = full[idx], hidden[idx]
    candidates = np.flatnonzero(~mask & (values > 0))
    if not len(candidates):
        return False
    inner = candidates[candidates < len(values) - 1]
    pool = inner if len(inner) else candidates
    pick = pool[np.argmin(values[pool])]
    view = hidden[idx]
    view[pick] = True
    hidden[idx] = view
    return True
