"""Segments every Usage metric can split by: a label per user from the profile (region, country, plan,
age band, gender, language), from a socio-economic or political layer joined on the user's region or
country (income group, lean...), or from the user's latest NPS answer (promoter, passive, detractor)."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from ..workspace import Workspace
from .demography_labels import normalise_ages, normalise_genders
from .nps import category, valid_responses
from .nps_people import _layer_columns

PROFILE_SEGMENTS = ("region", "country", "plan", "age_band", "gender", "language")
NPS_SEGMENT = "nps_category"


def _profile_frame(ws: Workspace) -> pd.DataFrame | None:
    prof = ws.table("profiles")
    if prof is None or "user_id" not in prof.columns:
        return None
    prof = prof.drop_duplicates("user_id", keep="last").reset_index(drop=True)
    if "age" in prof.columns:
        prof = prof.assign(age_band=normalise_ages(prof["age"], dt.date.today())["age_band"])
    if "gender" in prof.columns:
        prof = prof.assign(gender=normalise_genders(prof["gender"]))
    return prof


def segment_options(ws: Workspace) -> list[str]:
    """The splits this workspace can offer, in a stable order. Cheap: it looks at which columns hold
    values and at the layers' label columns, without deriving any label."""
    prof = ws.table("profiles")
    out: list[str] = []
    if prof is not None and "user_id" in prof.columns:
        def has(col: str) -> bool:
            return col in prof.columns and bool(prof[col].notna().any())
        out += [c for c in PROFILE_SEGMENTS if has("age" if c == "age_band" else c)]
        # the label columns a layer adds do not depend on the rows: one row tells them
        places = prof[[c for c in ("region", "country") if c in prof.columns]].head(1).copy()
        out += [c for c in _layer_columns(places, ws.layers).columns if c not in ("region", "country")]
    survey = ws.table("survey")
    if survey is not None and "user_id" in survey.columns and survey["user_id"].notna().any():
        out.append(NPS_SEGMENT)
    return out


def user_segments(ws: Workspace, by: str) -> pd.Series:
    """user_id -> label for the split `by` (one of segment_options(ws)); users without one are absent."""
    if by == NPS_SEGMENT:
        survey = ws.table("survey")
        if survey is None or "user_id" not in survey.columns:
            raise ValueError("no survey responses with user ids to split by NPS category")
        v = valid_responses(survey).dropna(subset=["user_id"])
        if "submitted_at" in v.columns:
            v = v.sort_values("submitted_at", kind="stable")
        latest = v.drop_duplicates("user_id", keep="last")
        return pd.Series(category(latest["score"]).astype(str).to_numpy(), index=latest["user_id"].astype(str))
    prof = _profile_frame(ws)
    if prof is None:
        raise ValueError(f"no user profiles to split by {by!r}")
    if by not in prof.columns:
        prof = _layer_columns(prof, ws.layers)
    if by not in prof.columns:
        raise ValueError(f"cannot split by {by!r}: no such profile column or layer label")
    labels = prof.set_index(prof["user_id"].astype(str))[by]
    return labels.dropna().astype(str)
