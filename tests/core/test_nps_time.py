"""NPS over time: periods, thin periods, changes against a baseline and the EWMA chart."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from humetrics_desktop.core.metrics.nps_time import ewma_chart, merge_thin, nps_by_period, period_counts


def _responses(month: str, promoters: int, passives: int, detractors: int) -> pd.DataFrame:
    t = pd.Timestamp(month + "-10T12:00Z")
    scores = [10] * promoters + [8] * passives + [2] * detractors
    return pd.DataFrame({"score": scores, "submitted_at": [t] * len(scores)})


def _survey(*months) -> pd.DataFrame:
    return pd.concat([_responses(*m) for m in months], ignore_index=True)


def test_period_labels_and_empty_periods():
    df = pd.DataFrame({"score": [9, 9, 1],
                       "submitted_at": pd.to_datetime(["2025-12-29T00:00Z", "2026-01-04T23:59Z",
                                                       "2026-01-20T00:00Z"], utc=True)})
    weeks = period_counts(df, "week")
    # 2025-12-29 is the Monday of ISO week 2026-W01; 2026-01-04 is its Sunday; W02 is empty
    assert weeks["label"].tolist() == ["2026-W01", "2026-W02", "2026-W03", "2026-W04"]
    assert weeks["responses"].tolist() == [2, 0, 0, 1]
    q = period_counts(df, "quarter")
    assert q["label"].tolist() == ["2025-Q4", "2026-Q1"] and q["responses"].tolist() == [1, 2]


def test_thin_periods_marked_and_never_flagged():
    # Jan 50/30/20 (NPS 30), Feb thin (10 responses, all detractors), Mar 30/40/30 (NPS 0)
    df = _survey(("2026-01", 50, 30, 20), ("2026-02", 0, 0, 10), ("2026-03", 30, 40, 30))
    out = nps_by_period(df, "month", min_n=30)
    feb = out.set_index("label").loc["2026-02"]
    assert feb["too_thin"] and not feb["decline"] and math.isnan(feb["z"])
    mar = out.set_index("label").loc["2026-03"]
    # March is compared with January, the last period that is not thin: z = -2.772 (worked example
    # in test_nps.py), a decline
    assert mar["baseline"] == "2026-01"
    assert mar["z"] == pytest.approx(-2.77197, abs=1e-4) and mar["decline"]


def test_thin_periods_merged_forward():
    df = _survey(("2026-01", 5, 5, 5), ("2026-02", 10, 0, 10), ("2026-03", 40, 0, 0), ("2026-04", 3, 0, 0))
    merged = merge_thin(period_counts(df, "month"), min_n=30)
    # Jan (15) + Feb (20) = 35 >= 30; Mar alone 40; Apr (3) is a thin tail kept on its own
    assert merged["label"].tolist() == ["2026-01..2026-02", "2026-03", "2026-04"]
    assert merged["responses"].tolist() == [35, 40, 3]
    assert merged["promoters"].tolist() == [15, 40, 3]
    out = nps_by_period(df, "month", min_n=30, thin="merge")
    assert out["too_thin"].tolist() == [False, False, True]
    assert not out["decline"].iloc[2]


def test_baseline_first():
    df = _survey(("2026-01", 50, 30, 20), ("2026-02", 50, 30, 20), ("2026-03", 30, 40, 30))
    out = nps_by_period(df, "month", baseline="first")
    assert out["baseline"].tolist()[1:] == ["2026-01", "2026-01"]
    assert out["delta"].iloc[1] == pytest.approx(0.0)


def test_ewma_hand_computed():
    df = _survey(("2026-01", 50, 30, 20), ("2026-02", 30, 40, 30))
    out = ewma_chart(nps_by_period(df, "month"), lam=0.2, width=3.0)
    # centre = pooled: P = 80/200 = 0.4, D = 50/200 = 0.25 -> 15 points; s2 = 0.65 - 0.15^2 = 0.6275
    # e1 = 0.2 x 30 + 0.8 x 15 = 18;  Var1 = 0.04 x 0.6275 / 100 = 0.000251 -> half = 300 x 0.0158430 = 4.7529
    # e2 = 0.2 x 0 + 0.8 x 18 = 14.4; Var2 = 0.000251 + 0.64 x 0.000251 = 0.00041164 -> half = 6.0867
    assert out["center"].iloc[0] == pytest.approx(15.0)
    assert out["ewma"].tolist() == pytest.approx([18.0, 14.4])
    assert (out["ucl"] - out["center"]).tolist() == pytest.approx([4.7529, 6.0867], abs=1e-3)
    assert out["signal"].tolist() == ["", ""]


def test_ewma_signals_drift():
    months = [f"2026-{m:02d}" for m in range(1, 13)]
    parts = [_responses(m, 50, 30, 20) for m in months[:6]] + [_responses(m, 25, 30, 45) for m in months[6:]]
    out = ewma_chart(nps_by_period(pd.concat(parts), "month"), center_periods=6)
    assert out["signal"].iloc[:6].eq("").all()
    assert (out["signal"].iloc[6:] == "low").any()
