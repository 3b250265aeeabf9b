"""NPS by segment (region, country, income group, lean, age band, gender, plan, engagement...) with
n, adjusted-Wald interval and small-cell suppression."""
from __future__ import annotations

import pandas as pd

from ..privacy import DEFAULT_K, suppress
from .nps import grouped_stats

# Columns of the respondents table (nps_people.respondents_table) that make sensible segments.
SEGMENT_COLUMNS = ("region", "country", "plan", "age_band", "gender", "language", "engagement", "survey")
_NOT_SEGMENTS = {"response_id", "user_id", "submitted_at", "score", "category", "comment", "email", "name",
                 "age", "days_active", "features_used", "last_seen", "signup_at"}


def segment_columns(respondents: pd.DataFrame, max_values: int = 300) -> list[str]:
    """The segment columns present: the standard ones, then layer labels (income group, lean...)."""
    cols = [c for c in SEGMENT_COLUMNS if c in respondents.columns]
    for c in respondents.columns:
        if c in cols or c in _NOT_SEGMENTS or str(c).startswith("_"):
            continue
        s = respondents[c]
        if (s.dtype == object or pd.api.types.is_string_dtype(s) or isinstance(s.dtype, pd.CategoricalDtype)) \
                and 1 < s.nunique() <= max_values:
            cols.append(c)
    return cols


def nps_by_segment(respondents: pd.DataFrame, column: str, k: int = DEFAULT_K) -> pd.DataFrame:
    """Per value of `column`: responses, promoters, passives, detractors, score, ci_low, ci_high and
    `suppressed`. Missing values are counted under "unknown". With k > 1, a segment with fewer than
    k responses is hidden (with a complementary segment, since the total is shown) and so are the
    figures derived from it. Largest segment first."""
    keys = respondents[column].astype("string").fillna("unknown")
    out = grouped_stats(respondents.assign(_segment=keys), "_segment")
    out.index.name = column
    out = out.sort_values("responses", ascending=False)
    if k > 1:
        out = suppress(out, "responses", k, value_cols=["promoters", "passives", "detractors", "score",
                                                         "ci_low", "ci_high", "var"])
    else:
        out["suppressed"] = False
    return out
