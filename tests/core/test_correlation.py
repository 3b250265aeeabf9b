"""Lagged cross-correlation: a planted lead is found at its lag and sign, a shuffled series shows
none, the sign convention holds both ways, and thin data is flagged."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from humetrics_desktop.core.metrics.correlation import cross_correlation

DAYS = 400


def _series(seed: int = 0, lead: int = 3, effect: float = -3000.0):
    """Daily negative share (iid noise) and traffic = random walk + weekly season + effect of the
    share `lead` days earlier: negative feedback leads traffic by `lead` days."""
    rng = np.random.default_rng(seed)
    n = DAYS + lead
    share = 0.2 + 0.05 * rng.standard_normal(n)
    traffic = (5000 + np.cumsum(20 * rng.standard_normal(n)) + 100 * np.sin(2 * np.pi * np.arange(n) / 7)
               + 30 * rng.standard_normal(n))
    traffic[lead:] += effect * (share[:n - lead] - 0.2)
    days = pd.date_range("2025-01-01", periods=n, freq="D", tz="UTC")
    return pd.Series(share, index=days), pd.Series(traffic, index=days)


def test_finds_planted_three_day_lead():
    share, traffic = _series()
    c = cross_correlation(share, traffic)
    assert c.best is not None and c.best["lag"] == 3 and c.best["r"] < -0.5
    assert c.best["ci_low"] < c.best["r"] < c.best["ci_high"] < 0
    assert c.n_days == DAYS + 3 and c.warning is None
    assert c.sentence.startswith("Negative feedback leads traffic by 3 days: r = -0.")
    assert f"{c.n_days} days" in c.sentence
    assert list(c.lags["lag"]) == list(range(-14, 15))


def test_r_at_a_lag_is_the_plain_correlation_of_the_differenced_series():
    share, traffic = _series()
    c = cross_correlation(share, traffic).lags.set_index("lag")
    x, y = share.diff().to_numpy(), traffic.diff().to_numpy()
    for k in (3, -5, 0):
        a, b = (x[:len(x) - k], y[k:]) if k >= 0 else (x[-k:], y[:len(y) + k])
        ok = np.isfinite(a) & np.isfinite(b)
        assert c.loc[k, "r"] == pytest.approx(np.corrcoef(a[ok], b[ok])[0, 1])
        assert c.loc[k, "n"] == ok.sum()


def test_traffic_leading_gives_a_negative_lag():
    share, traffic = _series()
    # Swap roles: traffic as the "sentiment" argument leads nothing; share lags traffic by 3 days.
    c = cross_correlation(traffic, share, sentiment_name="traffic", traffic_name="negative feedback")
    assert c.best["lag"] == -3
    assert c.sentence.startswith("Negative feedback leads traffic by 3 days")


@pytest.mark.parametrize("seed", range(5))
def test_shuffled_series_shows_no_tie(seed):
    share, traffic = _series(seed)
    shuffled = pd.Series(np.random.default_rng(100 + seed).permutation(share.to_numpy()), index=share.index)
    c = cross_correlation(shuffled, traffic)
    assert c.best is None
    assert c.sentence.startswith("No lag between -14 and +14 days ties negative feedback to traffic")


def test_detrended_variant_also_finds_the_lead_on_trend_stationary_traffic():
    rng = np.random.default_rng(7)
    n = 300
    share = 0.2 + 0.05 * rng.standard_normal(n)
    traffic = 3000 + 2.0 * np.arange(n) + 150 * (np.arange(n) % 7 == 5) + 20 * rng.standard_normal(n)
    traffic[2:] -= 2000 * (share[:-2] - 0.2)
    days = pd.date_range("2025-01-01", periods=n, freq="D")
    c = cross_correlation(pd.Series(share, days), pd.Series(traffic, days), method="detrend")
    assert c.best["lag"] == 2 and c.method == "detrend"


def test_too_few_days_warns_and_missing_days_are_skipped():
    share, traffic = _series()
    c = cross_correlation(share.iloc[:40], traffic)
    assert c.n_days == 40 and "Only 40 days" in c.warning
    gappy = share.drop(share.index[::5])  # days without feedback are missing, not zero
    c = cross_correlation(gappy, traffic)
    assert c.best["lag"] == 3
    assert c.lags.set_index("lag").loc[0, "n"] < DAYS * 0.8
    tiny = cross_correlation(share.iloc[:5], traffic)
    assert tiny.best is None and tiny.sentence.startswith("Too few days (5)")


def test_unknown_method_is_refused():
    share, traffic = _series()
    with pytest.raises(ValueError, match="unknown method"):
        cross_correlation(share, traffic, method="wavelet")
