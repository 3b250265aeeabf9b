"""Intervals and tests for shares of people: Wilson score intervals, two-proportion z-tests and the
chi-square test of independence. scipy.special only (scipy.stats costs a second to import)."""
from __future__ import annotations

import numpy as np
from scipy.special import chdtrc, ndtr

Z95 = 1.959963984540054


def wilson(x, n, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of x successes out of n (arrays broadcast); NaN where n is 0.

    Chosen over the Wald interval because it stays inside [0, 1] and keeps its coverage for the
    small and extreme shares demographic groups often have (x = 0 gives a real upper bound).
    """
    x = np.asarray(x, dtype="float64")
    n = np.asarray(n, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    lo, hi = np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)
    return np.where(n > 0, lo, np.nan), np.where(n > 0, hi, np.nan)


def two_proportion_test(x1, n1, x2, n2) -> tuple[np.ndarray, np.ndarray]:
    """Pooled two-sided z-test of p1 = p2. Returns (z, p-value); NaN where undefined."""
    x1, n1, x2, n2 = (np.asarray(v, dtype="float64") for v in (x1, n1, x2, n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = (x1 + x2) / (n1 + n2)
        se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        z = (x1 / n1 - x2 / n2) / se
    z = np.where(se > 0, z, np.nan)
    return z, np.where(np.isfinite(z), 2 * ndtr(-np.abs(z)), np.nan)


def chi_square_independence(table) -> dict:
    """Pearson chi-square test on a groups x categories count table.

    All-zero rows and columns are dropped first. `sparse` says whether an expected count is below 5,
    where the chi-square approximation is rough and the p-value should be read with care.
    """
    t = np.asarray(table, dtype="float64")
    t = t[t.sum(axis=1) > 0][:, t.sum(axis=0) > 0] if t.size else t
    if t.ndim != 2 or min(t.shape) < 2:
        return {"chi2": None, "df": 0, "p_value": None, "sparse": False}
    expected = np.outer(t.sum(axis=1), t.sum(axis=0)) / t.sum()
    chi2 = float(((t - expected) ** 2 / expected).sum())
    df = (t.shape[0] - 1) * (t.shape[1] - 1)
    return {"chi2": chi2, "df": df, "p_value": float(chdtrc(df, chi2)),
            "sparse": bool((expected < 5).any())}
