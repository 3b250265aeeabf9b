"""What `humetrics inspect` prints for one imported file (the contract in docs/cli.md)."""
from __future__ import annotations

from typing import Any

import pandas as pd

from ..schema import TIME_COLUMN, UNKNOWN_COUNTRY
from .report import ImportResult


def _iso(ts: pd.Timestamp) -> str:
    return ts.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")


def _time_range(df: pd.DataFrame, kind: str) -> list[str] | None:
    col = TIME_COLUMN.get(kind)
    if not col or col not in df.columns or df.empty:
        return None
    t = df[col]
    if not isinstance(t.dtype, pd.DatetimeTZDtype):
        t = pd.to_datetime(t, utc=True, errors="coerce")
    t = t.dropna()
    return [_iso(t.min()), _iso(t.max())] if len(t) else None


def _countries(df: pd.DataFrame, kind: str) -> dict[str, int] | None:
    if "country" not in df.columns or df.empty:
        return None
    country = df["country"].astype("string").fillna(UNKNOWN_COUNTRY).replace("", UNKNOWN_COUNTRY)
    if kind in ("events", "profiles") and "user_id" in df.columns:
        # a person counts once, in the country of their first row
        firsts = pd.DataFrame({"user_id": df["user_id"], "country": country}).drop_duplicates("user_id")
        counts = firsts["country"].value_counts()
    elif kind == "traffic" and "active_users" in df.columns:
        counts = pd.to_numeric(df["active_users"], errors="coerce").fillna(0).groupby(country).sum()
    else:
        counts = country.value_counts()
    return {str(k): int(v) for k, v in counts.sort_index().items()}


def _users(df: pd.DataFrame) -> int | None:
    if "user_id" not in df.columns:
        return None
    return int(df["user_id"].dropna().nunique())


def _comments(df: pd.DataFrame, kind: str) -> int | None:
    col = {"survey": "comment", "reviews": "text"}.get(kind)
    if col is None or col not in df.columns:
        return None
    text = df[col].astype("string").str.strip()
    return int((text.notna() & (text != "")).sum())


def _ratings(df: pd.DataFrame) -> dict[str, Any] | None:
    if "rating" not in df.columns:
        return None
    r = pd.to_numeric(df["rating"], errors="coerce").dropna()
    return {"count": int(len(r)), "mean": round(float(r.mean()), 4)} if len(r) else None


def summarise(result: ImportResult) -> dict[str, Any]:
    rep, df = result.report, result.table
    nps = None
    if rep.kind == "survey" and "score" in df.columns:
        from ..metrics.nps import nps_section
        sec = nps_section(df)
        nps = {k: sec[k] for k in ("responses", "promoters", "passives", "detractors", "score", "ci95")}
        nps["by_country"] = {c: {k: v[k] for k in ("responses", "promoters", "passives", "detractors", "score")}
                             for c, v in sec.get("by_country", {}).items()}
    return {
        "path": rep.path,
        "format": rep.format,
        "kind": rep.kind,
        "rows": rep.to_dict(),
        "users": _users(df),
        "time_range": _time_range(df, rep.kind),
        "countries": _countries(df, rep.kind),
        "nps": nps,
        "comments": _comments(df, rep.kind),
        "ratings": _ratings(df),
        "identities_merged": rep.merged_identities,
        "unmatched": dict(rep.unmatched),
        "rejected_examples": [e.message(rep.path) for e in rep.examples[:20]],
    }
