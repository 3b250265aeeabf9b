"""Choropleth classification with mapclassify: class bounds plus a class per region.

Schemes: quantiles, Fisher-Jenks natural breaks, equal interval, standard deviation around the mean,
and user-defined breaks. Missing values get class -1 (drawn as "no data").
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

SCHEMES = {
    "quantiles": "Quantiles",
    "fisher_jenks": "Fisher-Jenks natural breaks",
    "equal_interval": "Equal interval",
    "std_mean": "Standard deviation",
    "user_defined": "User-defined breaks",
}
# Fisher-Jenks is exact but quadratic in pure Python: above this many values it runs on evenly
# spaced order statistics (deterministic, unlike mapclassify's random sample) and applies the breaks
# to all values.
JENKS_MAX_VALUES = 600


@dataclass(frozen=True)
class Classification:
    scheme: str
    lower: float                  # the smallest value (left edge of the first class)
    bounds: tuple[float, ...]     # upper bound of each class, ascending
    classes: pd.Series            # class index per input row, -1 where the value is missing
    counts: tuple[int, ...]       # regions per class

    @property
    def k(self) -> int:
        return len(self.bounds)

    def intervals(self) -> list[tuple[float, float]]:
        edges = (self.lower, *self.bounds)
        return list(zip(edges[:-1], edges[1:]))


def _mapclassify():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Numba not installed": the pure Python path is enough here
        import mapclassify
    return mapclassify


def classify(values: pd.Series, scheme: str = "quantiles", k: int = 5,
             breaks: list[float] | None = None) -> Classification:
    """Classify the non-missing values. k is capped by the number of distinct values."""
    if scheme not in SCHEMES:
        raise ValueError(f"unknown classification scheme {scheme!r}; one of {', '.join(SCHEMES)}")
    values = pd.Series(values, dtype="float64")
    ok = values.notna() & np.isfinite(values)
    y = values[ok].to_numpy()
    classes = pd.Series(-1, index=values.index, dtype="int64")
    if len(y) == 0:
        return Classification(scheme, float("nan"), (), classes, ())
    k = max(1, min(int(k), len(np.unique(y))))
    bins = _bins(y, scheme, k, breaks)
    yb = np.searchsorted(bins, y, side="left")
    yb = np.minimum(yb, len(bins) - 1)
    classes[ok] = yb
    counts = tuple(int(c) for c in np.bincount(yb, minlength=len(bins)))
    lower = float(min(y.min(), bins[0]))
    return Classification(scheme, lower, tuple(float(b) for b in bins), classes, counts)


def _bins(y: np.ndarray, scheme: str, k: int, breaks: list[float] | None) -> np.ndarray:
    mc = _mapclassify()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # mapclassify warns when ties make fewer classes than asked
        if scheme == "user_defined":
            if not breaks:
                raise ValueError("user-defined classification needs at least one break")
            cuts = sorted(float(b) for b in breaks)
            bins = np.asarray([b for b in cuts if b < y.max()] + [float(y.max())])
        elif k == 1:
            bins = np.asarray([float(y.max())])
        elif scheme == "quantiles":
            bins = np.asarray(mc.Quantiles(y, k=k).bins)
        elif scheme == "equal_interval":
            bins = np.asarray(mc.EqualInterval(y, k=k).bins)
        elif scheme == "std_mean":
            bins = np.asarray(mc.StdMean(y).bins)
        else:
            sample = np.sort(y)
            if len(sample) > JENKS_MAX_VALUES:
                sample = sample[np.linspace(0, len(sample) - 1, JENKS_MAX_VALUES).round().astype(int)]
            bins = np.asarray(mc.FisherJenks(sample, k=k).bins, dtype=float)
            if len(sample) < len(y):
                bins = _refine_breaks(np.sort(y), sample, bins)
            bins[-1] = y.max()
    bins = np.unique(bins)
    # std_mean's outer bounds may lie beyond the data: classes wholly outside it are dropped;
    # user-defined classes are kept even when empty. The last class ends at the maximum.
    if scheme == "std_mean":
        bins = bins[bins >= y.min()]
    above = np.flatnonzero(bins >= y.max())
    bins = bins[:above[0]] if len(above) else bins
    return np.append(bins, y.max())


def _refine_breaks(y: np.ndarray, sample: np.ndarray, bins: np.ndarray) -> np.ndarray:
    """Breaks found on a sample of order statistics lie between two sampled values; the real
    break is the widest gap among all values in that span."""
    out = bins.copy()
    for i, b in enumerate(bins[:-1]):
        nxt = sample[np.searchsorted(sample, b, side="right")] if b < sample[-1] else b
        span = y[(y >= b) & (y <= nxt)]
        if len(span) > 1:
            out[i] = span[int(np.argmax(np.diff(span)))]
    return out
