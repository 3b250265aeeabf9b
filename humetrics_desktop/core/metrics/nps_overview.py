"""Everything the NPS section shows, computed in one pass off the GUI thread."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..filters import Filter, apply_filter
from ..privacy import DEFAULT_K
from ..progress import Progress
from ..text.cache import scores_for_workspace
from ..text.models import model_spec
from ..workspace import Workspace
from .nps import NpsStats, combined_nps
from .nps_alerts import DeclineAlert, find_declines
from .nps_people import (Timelines, adoption_gaps, advocates, at_risk, days_active_by_category, engagement_trend,
                         feature_adoption_by_category, respondents_table)
from .nps_segments import nps_by_segment, segment_columns
from .nps_terms import distinguishing_terms
from .nps_time import FREQS, MIN_N, ewma_chart, nps_by_period

# segments scanned for declines; every extra one costs power (the guard allows for each test)
ALERT_ALPHA = 0.05   # family-wise: on data with no change, at most 1 scan in 20 raises an alert
WATCH_P = 0.01
ALERT_SCOPES = ("region", "country", "plan", "age_band", "income_group", "lean (tercile)")


@dataclass
class NpsOverview:
    total: NpsStats
    by_survey: pd.DataFrame
    periods: dict[str, pd.DataFrame]  # week|month|quarter -> nps_by_period + ewma_chart columns
    merged_periods: dict[str, pd.DataFrame]  # the same with thin periods merged forward
    freq: str                         # the period shown first
    min_n: int
    alerts: list[DeclineAlert]       # falls that stand out after allowing for every comparison
    watch: list[DeclineAlert]        # falls significant on their own (p < 0.01) but not after that
    segments: dict[str, pd.DataFrame]  # column -> nps_by_segment (suppressed with k)
    respondents: pd.DataFrame
    advocates: pd.DataFrame
    at_risk: pd.DataFrame
    adoption: pd.DataFrame           # adoption_gaps: per feature, promoter vs detractor share
    adoption_by_category: pd.DataFrame  # per feature and category: share with Wilson interval
    days_active: pd.DataFrame
    terms: pd.DataFrame
    timelines: Timelines
    secret: bytes
    k: int
    notes: list[str] = field(default_factory=list)


def with_sentiment(resp: pd.DataFrame, ws: Workspace, model: str, progress: Progress) -> pd.DataFrame:
    """Add each comment's polarity (`sentiment`, NaN where the model cannot score it), through the
    workspace's score cache so that the Sentiment section and this one score a text only once."""
    if "comment" not in resp.columns:
        return resp
    text = resp["comment"].astype("string")
    has = (text.notna() & (text.str.strip() != "")).fillna(False).to_numpy()
    if not has.any():
        return resp
    scores = scores_for_workspace(ws, text[has].tolist(), model_spec(model), progress)
    polarity = np.full(len(resp), np.nan)
    polarity[has] = scores["polarity"].to_numpy(dtype="float64", na_value=np.nan)
    return resp.assign(sentiment=polarity)


def nps_overview(ws: Workspace, flt: Filter, settings: dict[str, Any],
                 progress: Progress | None = None) -> NpsOverview | None:
    """The NPS section's figures for the filtered workspace; None when there is no survey.
    Settings used: nps_period (week|month|quarter), min_nps_responses, suppression_k."""
    progress = progress or Progress()
    view = apply_filter(ws, flt)
    survey = view.table("survey")
    if survey is None or survey.empty:
        return None
    freq = settings.get("nps_period", "month")
    min_n = int(settings.get("min_nps_responses", MIN_N))
    k = int(settings.get("suppression_k", DEFAULT_K))
    events, profiles = view.table("events"), view.table("profiles")
    notes: list[str] = [] if flt.is_empty else [f"Only responses in {flt.describe()}."]

    resp = respondents_table(survey, profiles, events, ws.layers, progress=progress.sub(0.0, 0.25))
    resp = with_sentiment(resp, ws, settings.get("sentiment_model", "textblob"), progress.sub(0.25, 0.35))
    progress.set(0.35, "NPS over time")
    combined = combined_nps(resp)
    periods: dict[str, dict[str, pd.DataFrame]] = {"mark": {}, "merge": {}}
    for thin in periods:
        for f in FREQS:
            by_period = nps_by_period(resp, f, min_n=min_n, thin=thin)
            # the EWMA centre: the first third of the periods, the "before" that drift is judged against
            centre = max(3, int((~by_period["too_thin"]).sum()) // 3)
            periods[thin][f] = ewma_chart(by_period, center_periods=centre)
    scopes = [c for c in ALERT_SCOPES if c in resp.columns]
    scan = find_declines(resp, scopes=scopes, freq="month", min_n=min_n, alpha=None,
                         progress=progress.sub(0.35, 0.6))
    alerts = [d for d in scan if d.p_adjusted < ALERT_ALPHA]
    watch = [d for d in scan if d.p_adjusted >= ALERT_ALPHA and d.p < WATCH_P]
    progress.set(0.6, "NPS by segment")
    segments = {c: nps_by_segment(resp, c, k) for c in segment_columns(resp)}
    progress.set(0.7, "Advocates and people at risk")
    if events is not None and not events.empty:
        trend = engagement_trend(events)
        adv, risk = advocates(resp, trend), at_risk(resp, trend)
        by_category = feature_adoption_by_category(resp, events)
        adoption = adoption_gaps(by_category)
        days = days_active_by_category(resp)
    else:
        adv = risk = resp.iloc[0:0]
        adoption = days = by_category = pd.DataFrame()
        notes.append("No events imported: engagement, advocates and people at risk need them.")
    progress.set(0.85, "Terms in comments")
    terms = distinguishing_terms(resp, min_comments=k)
    timelines = Timelines(events, survey)
    progress.set(1.0, "NPS ready")
    return NpsOverview(combined.total, combined.by_survey, periods["mark"], periods["merge"], freq, min_n, alerts, watch, segments, resp,
                       adv, risk, adoption, by_category, days, terms, timelines, ws.secret, k, notes)
