"""Decline alerts: silent on data with no change, loud on a planted decline, saying where and when."""
from __future__ import annotations

import numpy as np
import pandas as pd

from humetrics_desktop.core.metrics.nps_alerts import find_declines

# shares of scores 0..10: about 40% promoters, 25% detractors (NPS about +15)
BEFORE = np.array([2, 1, 2, 3, 4, 6, 7, 15, 20, 20, 20], float)
# after the change in the planted region: about 24% promoters, 44% detractors (NPS about -20)
AFTER = np.array([6, 4, 5, 6, 7, 8, 8, 17, 15, 12, 12], float)


def _survey(seed: int, n: int = 3000, planted: str | None = None) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    t = pd.Timestamp("2025-01-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 365 * 24, n), unit="h")
    region = rng.choice([f"XX-{i}" for i in range(8)], n)
    plan = rng.choice(["free", "pro", "team"], n)
    score = rng.choice(11, n, p=BEFORE / BEFORE.sum())
    if planted:
        hit = (region == "XX-0") & (t >= pd.Timestamp(planted, tz="UTC"))
        score[hit] = rng.choice(11, int(hit.sum()), p=AFTER / AFTER.sum())
    return pd.DataFrame({"score": score, "submitted_at": t, "region": region, "plan": plan})


def test_no_alert_on_unchanged_data_in_95_of_100_seeds():
    with_alert = [s for s in range(100) if find_declines(_survey(s), scopes=("region", "plan"))]
    assert len(with_alert) <= 5, with_alert


def test_planted_decline_is_found_where_and_when():
    alerts = find_declines(_survey(7, planted="2025-07-01"), scopes=("region", "plan"))
    assert alerts, "the planted decline was missed"
    top = alerts[0]
    assert (top.scope, top.value) == ("region", "XX-0")
    assert top.current_start == pd.Timestamp("2025-07-01", tz="UTC")
    # a lasting step: everything after the change against everything before it
    assert top.current_label == "2025-07..2025-12" and top.baseline_label == "2025-01..2025-06"
    assert top.delta < -12 and top.z < -1.645 and top.p_adjusted < 0.05
    assert top.current.responses >= 30 and top.baseline.responses >= 30
    assert "XX-0" in top.message and "2025-07..2025-12" in top.message
    # no other region is blamed
    assert {a.value for a in alerts if a.scope == "region"} == {"XX-0"}


def test_same_data_same_alerts():
    df = _survey(7, planted="2025-07-01")
    assert [a.to_dict() for a in find_declines(df)] == [a.to_dict() for a in find_declines(df)]


def test_too_few_responses_are_never_tested():
    df = _survey(1, n=40, planted="2025-02-01")
    assert find_declines(df, scopes=("region",)) == []
