"""Mixpanel user profiles (Engage API query / "Export users"): JSON pages
{"page": 0, "page_size": 1000, "session_id": "...", "status": "ok", "total": N,
 "results": [{"$distinct_id": "...", "$properties": {"$created": "2024-03-01T12:00:00",
   "$country_code": "US", "$region": "California", "$city": "...", "$email": "...", ...}}]}
One page, several pages one after another (JSON Lines or concatenated), a JSON array of profiles or
JSON Lines of profiles are all read, and so is a CSV with one column per property named as in the
API ("$distinct_id", "$email", "$country_code", ...).

Quirks handled:
- `$created` and `$last_seen` have no zone marker; Mixpanel stores them in UTC.
- `$country_code` is ISO alpha-2; `$region` a GeoIP English name; `$timezone` is kept.
- `$name`, or `$first_name` + `$last_name`, is the name; `$email` the e-mail.
- Plain properties called plan, age, gender or language (any case) fill those columns.
- A `$distinct_id` seen again on a later page is a duplicate (the first is kept).
- A cut-off end of file is one rejected record: the profiles after the cut cannot be counted.
"""
from __future__ import annotations

import re

import pandas as pd

from ...progress import Progress
from ..report import ImportReport, ImportResult
from . import _common as c

FORMAT = "mixpanel-profiles"
KIND = "profiles"
PRIORITY = 50

_PLAIN = ("plan", "age", "gender", "language")


def sniff(path: str, head: bytes) -> bool:
    text = c.head_text(head)[:65536]
    if re.match(r"\s*[\[{]", text):
        return '"$distinct_id"' in text and '"$properties"' in text
    header = c.csv_header(head, 1)
    return bool(header) and "$distinct_id" in header[0]


def _csv_profiles(path: str, report: ImportReport, progress: Progress):
    """(line, profile) from the CSV layout: one column per property, named as in the API."""
    it = c.csv_records(path, progress)
    header = next(it, (0, []))[1]
    for line, rec in it:
        if len(rec) != len(header):
            report.read += 1
            report.reject(line, None, "row has a different number of fields than the header (truncated?)",
                          f"{len(rec)} of {len(header)}")
            continue
        props = {k: v for k, v in zip(header, rec) if k != "$distinct_id" and v != ""}
        yield line, {"$distinct_id": rec[header.index("$distinct_id")], "$properties": props}


def _json_profiles(path: str, report: ImportReport):
    """(line, profile) from JSON pages, arrays or lines; a cut-off end is one rejected record."""
    for line, doc in c.json_documents(c.SizedText(path).read_all()):
        if doc is None:
            report.read += 1
            report.reject(line, None, "truncated JSON: the rest of the file cannot be read")
            return
        for prof in _profiles(doc):
            yield line, prof


def _profiles(obj):
    if isinstance(obj, list):
        for item in obj:
            yield from _profiles(item)
    elif isinstance(obj, dict):
        if isinstance(obj.get("results"), list):
            yield from obj["results"]
        else:
            yield obj


def read(path: str, progress: Progress) -> ImportResult:
    report = ImportReport(path=path, format=FORMAT, kind=KIND)
    with open(path, "rb") as f:
        is_json = re.match(r"\s*[\[{]", c.head_text(f.read(4096))) is not None
    profiles = (_json_profiles(path, report) if is_json
                else _csv_profiles(path, report, progress.sub(0, 0.8)))
    progress.set(0.1, "reading profiles")
    rows, seen = [], set()
    for line, prof in profiles:
        report.read += 1
        if not isinstance(prof, dict) or prof.get("$distinct_id") in (None, ""):
            report.reject(line, "$distinct_id", "profile without $distinct_id")
            continue
        did = str(prof["$distinct_id"])
        if did in seen:
            report.duplicate(reason="duplicate $distinct_id")
            continue
        seen.add(did)
        p = prof.get("$properties") if isinstance(prof.get("$properties"), dict) else {}
        lower = {k.casefold(): v for k, v in p.items() if not k.startswith("$")}
        name = p.get("$name") or " ".join(str(x) for x in (p.get("$first_name"), p.get("$last_name")) if x)
        rows.append({
            "user_id": did, "signup_at": p.get("$created"), "country": p.get("$country_code"),
            "region": p.get("$region"), "city": p.get("$city"),
            **{k: lower.get(k) for k in _PLAIN},
            "email": p.get("$email"), "name": name or None,
            "last_seen": p.get("$last_seen"), "timezone": p.get("$timezone"),
        })
    progress.set(0.8, "normalising")
    cols = ["user_id", "signup_at", "country", "region", "city", *_PLAIN, "email", "name",
            "last_seen", "timezone"]
    df = pd.DataFrame(rows, columns=cols)
    df["signup_at"] = c.parse_times(df["signup_at"].astype(object))
    df["last_seen"] = c.parse_times(df["last_seen"].astype(object))
    for col in ("country", "region", "city", "plan", "gender", "language", "email", "name", "timezone"):
        df[col] = c.clean_str(df[col])
    df["age"] = pd.to_numeric(df["age"], errors="coerce")
    df = df.drop(columns=[k for k in _PLAIN if df[k].isna().all()])
    df = c.add_places(df, report)
    progress.set(1.0, "done")
    return ImportResult(table=c.finish(df, KIND, report), report=report)
