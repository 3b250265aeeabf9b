"""Small-cell suppression, one mechanism for every view, tooltip, table, report and export.

A count below k is hidden. Where the cells of a group are shown together with their total (a row of a
table, the regions of a country), hiding a single cell would be undone by subtraction, so the next
smallest cell of that group is hidden too (complementary suppression).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

DEFAULT_K = 10


def suppressed_mask(counts: pd.Series, k: int = DEFAULT_K, groups: pd.Series | None = None,
                    total_shown: bool = True) -> pd.Series:
    """Boolean mask of the cells to hide.

    counts: the cell counts; zero cells are not sensitive (nobody is in them) and stay visible.
    groups: a label per cell; complementary suppression runs within each group (default: one group).
    total_shown: whether a total of the group is shown beside the cells (then complements are needed).
    """
    counts = pd.Series(counts).astype("float64")
    primary = (counts > 0) & (counts < k)
    if k <= 1:
        return pd.Series(False, index=counts.index)
    mask = primary.copy()
    if not total_shown:
        return mask
    if groups is None:
        groups = pd.Series(0, index=counts.index)
    for _, idx in pd.Series(counts.index, index=counts.index).groupby(np.asarray(groups)).groups.items():
        g_mask = mask.loc[idx]
        n_hidden = int(g_mask.sum())
        if n_hidden == 1:
            # the one hidden cell = total - the others: hide the smallest other non-zero cell too
            others = counts.loc[idx][~g_mask & (counts.loc[idx] > 0)]
            if len(others):
                mask.loc[others.idxmin()] = True
    return mask


def suppress(df: pd.DataFrame, count_col: str, k: int = DEFAULT_K, value_cols: list[str] | None = None,
             group_col: str | None = None, total_shown: bool = True) -> pd.DataFrame:
    """A copy of df where suppressed rows have count_col and value_cols set to NaN and a boolean
    `suppressed` column is True. Values derived from a suppressed count (a rate, an NPS) must be
    listed in value_cols so that they are hidden as well."""
    out = df.copy()
    groups = out[group_col] if group_col else None
    mask = suppressed_mask(out[count_col], k, groups, total_shown)
    cols = [count_col] + list(value_cols or [])
    for c in cols:
        out[c] = out[c].astype("float64").where(~mask)
    out["suppressed"] = mask.to_numpy()
    return out
