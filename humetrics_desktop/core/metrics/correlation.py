"""Is traffic tied to sentiment? Lagged cross-correlation of two daily series.

Sign convention: at lag k the sentiment of day t is paired with the traffic of day t + k.
  k > 0  sentiment leads traffic by k days (feedback today, traffic k days later);
  k < 0  traffic leads sentiment by |k| days;
  k = 0  same day.
Both series are first made stationary: differenced (x_t - x_{t-1}, the default) or detrended (a
linear trend and the day-of-week means removed), so shared trends and seasons do not show up as a tie.

Interval per lag: Fisher z with an effective sample size from Bartlett's formula, which widens the
interval when both series are autocorrelated (differencing itself makes them so):
  Var(r_k) ~ (1/n) (1 + 2 sum_j rho_a(j) rho_b(j)),  n_eff = n / that factor (factor >= 1),
  r_k +- in z space: atanh(r_k) +- z_(1-alpha/2) / sqrt(n_eff - 3).
A lag is called significant only when its p-value times the number of lags (Bonferroni) is below
alpha: looking at 29 lags at 5% each would otherwise find a "tie" in pure noise most of the time.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

METHODS = ("difference", "detrend")
MIN_DAYS = 60  # below this the interval is too wide to say anything; we warn
_MIN_PAIRS = 10
LAG_COLUMNS = ["lag", "r", "ci_low", "ci_high", "n", "p", "p_adjusted", "significant"]


@dataclass
class CrossCorrelation:
    lags: pd.DataFrame          # LAG_COLUMNS: p_adjusted = p x number of lags (Bonferroni)
    best: dict | None           # the strongest significant lag (a row of `lags`), or None
    n_days: int                 # days on which both series have a value
    method: str
    sentence: str
    warning: str | None


def _daily(series: pd.Series) -> pd.Series:
    s = pd.Series(series, dtype="float64").copy()
    idx = pd.DatetimeIndex(pd.to_datetime(s.index))
    if idx.tz is not None:
        idx = idx.tz_convert("UTC").tz_localize(None)
    s.index = idx.normalize()
    return s.groupby(level=0).mean()


def _stationary(s: pd.Series, method: str) -> pd.Series:
    if method == "difference":
        return s - s.shift(1)
    ok = s.notna()
    t = np.arange(len(s), dtype="float64")
    slope, intercept = np.polyfit(t[ok], s[ok].to_numpy(), 1)
    resid = s - (intercept + slope * t)
    return resid - resid.groupby(s.index.day_of_week).transform("mean")


def _acf(x: np.ndarray, max_lag: int) -> np.ndarray:
    """Autocorrelations at lags 1..max_lag over pairs where both values exist."""
    out = np.zeros(max_lag)
    for j in range(1, max_lag + 1):
        a, b = x[:-j], x[j:]
        ok = np.isfinite(a) & np.isfinite(b)
        if ok.sum() > 2 and np.std(a[ok]) > 0 and np.std(b[ok]) > 0:
            out[j - 1] = np.corrcoef(a[ok], b[ok])[0, 1]
    return out


def _interval(r: float, n_eff: float, level: float) -> tuple[float, float]:
    if not math.isfinite(r) or n_eff <= 3:
        return math.nan, math.nan
    z, half = math.atanh(max(-0.999999, min(0.999999, r))), norm.ppf(0.5 + level / 2) / math.sqrt(n_eff - 3)
    return math.tanh(z - half), math.tanh(z + half)


def _p_value(r: float, n_eff: float) -> float:
    """Two-sided p of r under no correlation, in Fisher z space with the effective sample size."""
    if not math.isfinite(r) or n_eff <= 3:
        return math.nan
    return float(2.0 * norm.sf(abs(math.atanh(max(-0.999999, min(0.999999, r)))) * math.sqrt(n_eff - 3)))


def cross_correlation(sentiment: pd.Series, traffic: pd.Series, max_lag: int = 14,
                      method: str = "difference", alpha: float = 0.05, min_days: int = MIN_DAYS,
                      sentiment_name: str = "negative feedback", traffic_name: str = "traffic"
                      ) -> CrossCorrelation:
    """Correlations at lags -max_lag..+max_lag of two daily series (indexed by day), each with a
    (1 - alpha) interval, and the strongest significant lag in a plain sentence."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    a, b = _daily(sentiment), _daily(traffic)
    both = a.dropna().index.intersection(b.dropna().index)
    n_days = len(both)
    lags = list(range(-max_lag, max_lag + 1))
    rows = []
    if n_days:
        days = pd.date_range(both.min(), both.max(), freq="D")
        x = _stationary(a.reindex(days), method).to_numpy()
        y = _stationary(b.reindex(days), method).to_numpy()
        m = max(1, min(max_lag, n_days // 4))
        factor = max(1.0, 1.0 + 2.0 * float(np.sum(_acf(x, m) * _acf(y, m))))
        for k in lags:
            if abs(k) >= len(x):
                xa = yb = np.empty(0)
            else:
                xa, yb = (x[:len(x) - k], y[k:]) if k >= 0 else (x[-k:], y[:len(y) + k])
            ok = np.isfinite(xa) & np.isfinite(yb)
            n = int(ok.sum())
            r = math.nan
            if n >= _MIN_PAIRS and np.std(xa[ok]) > 0 and np.std(yb[ok]) > 0:
                r = float(np.corrcoef(xa[ok], yb[ok])[0, 1])
            lo, hi = _interval(r, n / factor, 1.0 - alpha)
            p = _p_value(r, n / factor)
            rows.append({"lag": k, "r": r, "ci_low": lo, "ci_high": hi, "n": n, "p": p,
                         "p_adjusted": min(1.0, p * len(lags)),
                         "significant": bool(p * len(lags) < alpha)})
    table = pd.DataFrame(rows, columns=LAG_COLUMNS)
    sig = table[table["significant"]]
    best = None
    if not sig.empty:
        best = sig.loc[sig["r"].abs().idxmax()].to_dict()
        best["lag"], best["n"] = int(best["lag"]), int(best["n"])
    warning = None
    if n_days < min_days:
        warning = (f"Only {n_days} days have both {sentiment_name} and {traffic_name}; a lag "
                   f"correlation needs at least {min_days} days, so read it with care.")
    return CrossCorrelation(table, best, n_days, method,
                            _sentence(table, best, n_days, sentiment_name, traffic_name), warning)


def _sentence(table: pd.DataFrame, best: dict | None, n_days: int, s_name: str, t_name: str) -> str:
    if best is None:
        valid = table.dropna(subset=["r"])
        if valid.empty:
            return f"Too few days ({n_days}) to correlate {s_name} with {t_name}."
        top = valid.loc[valid["r"].abs().idxmax()]
        return (f"No lag between {int(table['lag'].min()):+d} and {int(table['lag'].max()):+d} days "
                f"ties {s_name} to {t_name} (strongest: r = {top['r']:.2f} at lag {int(top['lag']):+d}, "
                f"{n_days} days).")
    k = best["lag"]
    numbers = f"r = {best['r']:.2f} [{best['ci_low']:.2f}, {best['ci_high']:.2f}], {n_days} days"
    unit = lambda d: f"{d} day" + ("" if d == 1 else "s")  # noqa: E731
    if k > 0:
        return f"{s_name[0].upper()}{s_name[1:]} leads {t_name} by {unit(k)}: {numbers}."
    if k < 0:
        return f"{t_name[0].upper()}{t_name[1:]} leads {s_name} by {unit(-k)}: {numbers}."
    return f"{s_name[0].upper()}{s_name[1:]} and {t_name} move on the same day: {numbers}."
