"""The global filter every view obeys: date range, places, and segments of people."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .schema import TIME_COLUMN
from .workspace import Workspace


@dataclass(frozen=True)
class Filter:
    start: date | None = None  # inclusive, UTC day
    end: date | None = None    # inclusive, UTC day
    countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    # profile column -> accepted values, e.g. {"plan": ("pro",), "gender": ("female", "non-binary")}
    segments: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (self.start or self.end or self.countries or self.regions or self.segments)

    def describe(self) -> str:
        """One line for report covers and the status bar."""
        parts = []
        if self.start or self.end:
            parts.append(f"{self.start or '…'} to {self.end or '…'}")
        if self.countries:
            parts.append("countries " + ", ".join(self.countries))
        if self.regions:
            parts.append("regions " + ", ".join(self.regions))
        for col, vals in self.segments.items():
            parts.append(f"{col} in {', '.join(vals)}")
        return "; ".join(parts) or "all data"

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start and self.start.isoformat(), "end": self.end and self.end.isoformat(),
                "countries": list(self.countries), "regions": list(self.regions),
                "segments": {k: list(v) for k, v in self.segments.items()}}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Filter":
        return cls(start=date.fromisoformat(d["start"]) if d.get("start") else None,
                   end=date.fromisoformat(d["end"]) if d.get("end") else None,
                   countries=tuple(d.get("countries", ())), regions=tuple(d.get("regions", ())),
                   segments={k: tuple(v) for k, v in d.get("segments", {}).items()})


def _member(values: pd.Series, allowed) -> pd.Series:
    """values.isin(allowed) through Arrow: 2-3x faster on millions of ids and it releases the GIL,
    so the window stays responsive while a filter is applied."""
    if values.dtype == object or not pd.api.types.is_string_dtype(values):
        values = values.astype("string")
    arr = pa.array(values)
    hit = pc.is_in(arr, value_set=pa.array(pd.Index(allowed).astype(str), type=pa.string()))
    return pd.Series(hit.fill_null(False).to_numpy(zero_copy_only=False), index=values.index)


def _place_mask(df: pd.DataFrame, flt: Filter) -> pd.Series | None:
    mask = None
    if flt.countries and "country" in df.columns:
        mask = _member(df["country"], flt.countries)
    if flt.regions and "region" in df.columns:
        m = _member(df["region"], flt.regions)
        mask = m if mask is None else mask & m
    return mask


def _date_mask(df: pd.DataFrame, col: str, flt: Filter) -> pd.Series | None:
    if col not in df.columns or not (flt.start or flt.end):
        return None
    t = df[col]
    if not isinstance(t.dtype, pd.DatetimeTZDtype):
        t = pd.to_datetime(t, utc=True, errors="coerce")
    mask = pd.Series(True, index=df.index)
    if flt.start:
        mask &= t >= pd.Timestamp(flt.start, tz="UTC")
    if flt.end:
        mask &= t < pd.Timestamp(flt.end, tz="UTC") + pd.Timedelta(days=1)
    return mask


def segment_labels(profiles: pd.DataFrame, column: str) -> pd.Series | None:
    """The labels a segment filter matches: gender, age band and language as the People view shows
    them (normalised: "f" and "Weiblich" are both "female"), other attributes as written."""
    from .metrics.demography_labels import normalise_ages, normalise_genders, normalise_languages
    if column == "age_band":
        if "age" not in profiles.columns:
            return None
        return normalise_ages(profiles["age"], date.today())["age_band"]
    if column not in profiles.columns:
        return None
    if column == "gender":
        return normalise_genders(profiles[column])
    if column == "language":
        return normalise_languages(profiles[column])
    return profiles[column].astype("string")


def selected_users(ws: Workspace, flt: Filter) -> pd.Index | None:
    """Ids of the people the place/segment filter keeps, or None when it keeps everyone."""
    profiles = ws.table("profiles")
    if profiles is None or not (flt.countries or flt.regions or flt.segments):
        return None
    mask = _place_mask(profiles, flt)
    for col, vals in flt.segments.items():
        labels = segment_labels(profiles, col)
        if labels is not None:
            m = labels.isin(vals).fillna(False)
            mask = m if mask is None else mask & m
    if mask is None:
        return None
    return pd.Index(profiles.loc[mask.fillna(False), "user_id"].unique())


def apply_filter(ws: Workspace, flt: Filter) -> Workspace:
    """A view of the workspace holding only what the filter keeps. Rows with their own place columns
    (reviews, traffic) are filtered by place; rows tied to a person, by that person's profile."""
    if flt.is_empty:
        return ws
    users = selected_users(ws, flt)
    out: dict[str, pd.DataFrame] = {}
    for kind, df in ws.tables.items():
        mask = _date_mask(df, TIME_COLUMN.get(kind, ""), flt) if kind != "profiles" else None
        if kind == "profiles":
            if users is not None:
                mask = _member(df["user_id"], users)
        elif users is not None and "user_id" in df.columns and kind in ("events", "survey"):
            m = _member(df["user_id"], users)
            # responses of unknown people still count when their own place matches
            if kind == "survey":
                own = _place_mask(df, flt)
                if own is not None:
                    m |= own.fillna(False) & df["user_id"].isna()
            mask = m if mask is None else mask & m
        else:
            place = _place_mask(df, flt)
            if place is not None:
                mask = place if mask is None else mask & place
        out[kind] = df if mask is None else df.loc[mask.fillna(False).to_numpy()].reset_index(drop=True)
    return ws.replace(**out)


SEGMENT_COLUMNS = ("plan", "gender", "age_band", "language")


def filter_options(ws: Workspace, max_values: int = 200) -> dict[str, Any]:
    """What the filter bar offers: the data's dates, places and segment values."""
    times = []
    for kind, df in ws.tables.items():
        col = TIME_COLUMN.get(kind)
        if kind != "profiles" and col in df.columns and not df.empty:
            t = pd.to_datetime(df[col], utc=True, errors="coerce").dropna()
            if len(t):
                times += [t.min(), t.max()]
    places: dict[str, set[str]] = {}
    for df in ws.tables.values():
        if "country" in df.columns:
            pairs = df[[c for c in ("country", "region") if c in df.columns]].drop_duplicates()
            for row in pairs.itertuples(index=False):
                regions = places.setdefault(str(row[0]), set())
                if len(row) > 1 and isinstance(row[1], str) and row[1]:
                    regions.add(row[1])
    segments: dict[str, list[str]] = {}
    profiles = ws.table("profiles")
    if profiles is not None:
        for col in SEGMENT_COLUMNS:
            labels = segment_labels(profiles, col)
            if labels is not None:
                vals = labels.dropna().astype(str).value_counts().index[:max_values]
                segments[col] = sorted(vals)
    return {
        "dates": (min(times).date(), max(times).date()) if times else None,
        "countries": sorted(c for c in places if c not in ("nan", "None", "<NA>")),
        "regions": {c: sorted(r) for c, r in places.items()},
        "segments": segments,
    }
