"""The dashboard's numbers as one JSON-able dict: what `humetrics metrics --json` prints.

Each section is computed by its own core module; this only filters, dispatches and, when asked,
applies small-cell suppression to the counts it prints.
"""
from __future__ import annotations

from typing import Any, Callable

import pandas as pd

from ..filters import Filter, apply_filter
from ..progress import Progress
from ..schema import TIME_COLUMN
from ..workspace import Workspace

SECTIONS = ("users", "engagement", "nps", "sentiment", "demography")


def _engagement(ws: Workspace, progress: Progress, k: int | None) -> dict[str, Any] | None:
    events = ws.table("events")
    if events is None or events.empty:
        return None
    from .engagement import engagement_section
    return engagement_section(events, ws.table("profiles"), suppress_k=k)


def _nps(ws: Workspace, progress: Progress, k: int | None) -> dict[str, Any] | None:
    survey = ws.table("survey")
    if survey is None or survey.empty:
        return None
    from .nps import nps_section
    return nps_section(survey, ws.table("profiles"))


def _sentiment(ws: Workspace, progress: Progress, k: int | None) -> dict[str, Any] | None:
    reviews, survey = ws.table("reviews"), ws.table("survey")
    if (reviews is None or reviews.empty) and (survey is None or "comment" not in survey.columns):
        return None
    from .sentiment import sentiment_section
    return sentiment_section(reviews, survey, progress=progress, cache=ws.cache.get("sentiment"))


def _demography(ws: Workspace, progress: Progress, k: int | None) -> dict[str, Any] | None:
    profiles = ws.table("profiles")
    if profiles is None or profiles.empty:
        return None
    from .demography import demography_section
    ref = next(iter(ws.layers_of_kind("reference-population").values()), None)
    return demography_section(profiles, reference=None if ref is None else ref.table,
                              survey=ws.table("survey"), events=ws.table("events"), k=k, progress=progress)


# each takes the suppression threshold so that sections with tables of their own (demography's
# cross-tabs) can apply complementary suppression; the printed counts are suppressed below as well
_COMPUTE: dict[str, Callable[[Workspace, Progress, int | None], dict[str, Any] | None]] = {
    "engagement": _engagement, "nps": _nps, "sentiment": _sentiment,
    "demography": _demography,
}


def period_of(ws: Workspace, flt: Filter) -> dict[str, str] | None:
    """The filter's dates, completed by the data's own first and last day."""
    lo, hi = [], []
    for kind, df in ws.tables.items():
        col = TIME_COLUMN.get(kind)
        if kind == "profiles" or col not in df.columns or df.empty:
            continue
        t = pd.to_datetime(df[col], utc=True, errors="coerce").dropna()
        if len(t):
            lo.append(t.min())
            hi.append(t.max())
    if not lo and not (flt.start and flt.end):
        return None
    start = flt.start.isoformat() if flt.start else min(lo).strftime("%Y-%m-%d")
    end = flt.end.isoformat() if flt.end else max(hi).strftime("%Y-%m-%d")
    return {"start": start, "end": end}


def compute_metrics(ws: Workspace, sections: tuple[str, ...] = SECTIONS, flt: Filter | None = None,
                    suppress_k: int | None = None, progress: Progress | None = None) -> dict[str, Any]:
    progress = progress or Progress()
    flt = flt or Filter()
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        raise ValueError(f"unknown section(s): {', '.join(sorted(unknown))}; choose from {', '.join(SECTIONS)}")
    view = apply_filter(ws, flt)
    out: dict[str, Any] = {"period": period_of(view, flt)}
    for i, name in enumerate(sections):
        progress.set(i / len(sections), f"Computing {name}")
        sub = progress.sub(i / len(sections), (i + 1) / len(sections))
        if name == "users":
            # growth filters by itself: a person's first-ever event must come from the unfiltered data
            from .growth import users_section
            out[name] = users_section(ws, flt)
        else:
            out[name] = _COMPUTE[name](view, sub, suppress_k)
    progress.set(1.0, "Done")
    if suppress_k:
        out = suppress_json(out, suppress_k)
    return out


# ---- suppression of printed counts ---------------------------------------------------------------

_COUNT_KEYS = {"responses", "n", "size", "total", "scored", "not_scored"}


def suppress_json(obj: Any, k: int) -> Any:
    """Hide every cell resting on fewer than k people: a dict with a count below k keeps its keys with
    null values and gains "suppressed": true; plain count maps (country -> users) hide small values."""
    if isinstance(obj, dict):
        counts = [obj[c] for c in _COUNT_KEYS if isinstance(obj.get(c), (int, float)) and obj.get(c) is not None]
        if counts and min(counts) < k and all(not isinstance(v, dict) for v in obj.values()):
            return {**{key: None for key in obj}, "suppressed": True}
        return {key: _suppress_counts(key, suppress_json(val, k), k) for key, val in obj.items()}
    if isinstance(obj, list):
        return [suppress_json(v, k) for v in obj]
    return obj


def _suppress_counts(key: str, val: Any, k: int) -> Any:
    if key in ("by_country", "new_by_month", "dau", "wau", "mau", "countries") and isinstance(val, dict):
        return {c: (None if isinstance(v, int) and 0 < v < k else v) for c, v in val.items()}
    return val
