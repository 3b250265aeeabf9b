"""PostHog events CSV export (Activity / SQL insight > Export > CSV).

PostHog flattens nested values into dotted column names: `properties.$geoip_country_code`,
`person.properties.email`, and, for a `*` column, `*.uuid`, `*.event`, `*.properties.$browser`.
A `properties` column holding JSON (older exports, SQL `select properties`) is read too.

Quirks handled:
- Column names lose a leading "*."; where a column appears twice the first one is used.
- `timestamp` is ISO 8601 with a zone ("2024-05-22T17:09:29.220000Z" or "+00:00"): to UTC.
- Duplicates: the same event `uuid` twice.
- People: `$identify` events link `properties.$anon_distinct_id` to the identified distinct_id;
  `$create_alias` / `$merge_dangerously` link `properties.alias`; rows sharing a `person_id` are one
  person. Ids folded into another count as report.merged_identities.
- Places come from the GeoIP properties: `$geoip_country_code` (or `_name`),
  `$geoip_subdivision_1_code` (the ISO 3166-2 suffix, "CA") or `_name`, `$geoip_city_name`.
"""
from __future__ import annotations

import json

import pandas as pd

from ...progress import Progress
from ..report import ImportReport, ImportResult
from . import _common as c

FORMAT = "posthog-events"
KIND = "events"
PRIORITY = 50

_WANTED = {
    "session_id": ("properties.$session_id",),
    "device_id": ("properties.$device_id",),
    "country_code": ("properties.$geoip_country_code",),
    "country_name": ("properties.$geoip_country_name",),
    "region_code": ("properties.$geoip_subdivision_1_code",),
    "region_name": ("properties.$geoip_subdivision_1_name",),
    "city": ("properties.$geoip_city_name",),
    "anon": ("properties.$anon_distinct_id",),
    "alias": ("properties.alias",),
}


def _names(header: list[str]) -> list[str]:
    return [h[2:] if h.startswith("*.") else h for h in (x.strip() for x in header)]


def sniff(path: str, head: bytes) -> bool:
    rows = c.csv_header(head, 1)
    if not rows:
        return False
    names = set(_names(rows[0]))
    if not {"event", "distinct_id", "timestamp"} <= names:
        return False
    dotted = any(n.startswith(("properties.", "person.properties.")) for n in names)
    return dotted or ("uuid" in names and "properties" in names)


def read(path: str, progress: Progress) -> ImportResult:
    report = ImportReport(path=path, format=FORMAT, kind=KIND)
    it = c.csv_records(path, progress.sub(0, 0.8))
    header = next(it, (0, []))[1]
    names = _names(header)
    n = len(header)
    pos: dict[str, int] = {}
    for i, name in enumerate(names):
        pos.setdefault(name, i)
    i_event, i_did, i_ts = pos["event"], pos["distinct_id"], pos["timestamp"]
    i_uuid, i_person, i_props = pos.get("uuid"), pos.get("person_id"), pos.get("properties")
    wanted = {k: next((pos[x] for x in alts if x in pos), None) for k, alts in _WANTED.items()}
    from_json = i_props is not None and all(v is None for v in wanted.values())

    cols: dict[str, list] = {k: [] for k in ("line", "user_id", "timestamp", "event", *_WANTED)}
    seen: set[str] = set()
    ids = c.IdentityMerger()
    person_first: dict[str, str] = {}
    for line, rec in it:
        report.read += 1
        if len(rec) != n:
            report.reject(line, None, "row has a different number of fields than the header (truncated?)",
                          f"{len(rec)} of {n}")
            continue
        event, did = rec[i_event].strip(), rec[i_did].strip()
        if not event:
            report.reject(line, header[i_event], "missing event name")
            continue
        if not did:
            report.reject(line, header[i_did], "missing distinct_id")
            continue
        if i_uuid is not None and rec[i_uuid]:
            if rec[i_uuid] in seen:
                report.duplicate(reason="duplicate uuid")
                continue
            seen.add(rec[i_uuid])
        if from_json:
            vals = _from_json(rec[i_props])
        else:
            vals = {k: (rec[i] if i is not None else None) for k, i in wanted.items()}
        if event == "$identify":
            ids.link(vals.get("anon") or None, did)
        elif event in ("$create_alias", "$merge_dangerously"):
            ids.link(vals.get("alias") or None, did)
        if i_person is not None and rec[i_person]:
            first = person_first.setdefault(rec[i_person], did)
            ids.join(did, first)
        cols["line"].append(line)
        cols["user_id"].append(did)
        cols["timestamp"].append(rec[i_ts])
        cols["event"].append(event)
        for k in _WANTED:
            cols[k].append(vals.get(k))
    progress.set(0.85, "normalising")
    df = pd.DataFrame(cols)
    df["timestamp"] = c.parse_times(df["timestamp"])
    bad = df["timestamp"].isna()
    for ln in df.loc[bad, "line"]:
        report.reject(int(ln), "timestamp", "missing or unreadable timestamp")
    df = df[~bad].drop(columns=["line", "anon", "alias"])
    df["user_id"], report.merged_identities = ids.resolve(df["user_id"])
    for k in ("session_id", "device_id", "country_code", "country_name", "region_code", "region_name", "city"):
        df[k] = c.clean_str(df[k])
    df["country"] = df.pop("country_code").fillna(df.pop("country_name"))
    df["region"] = df.pop("region_code").fillna(df.pop("region_name"))
    df = c.add_places(df, report)
    progress.set(1.0, "done")
    return ImportResult(table=c.finish(df, KIND, report), report=report)


def _from_json(text: str) -> dict:
    try:
        props = json.loads(text) if text else {}
    except json.JSONDecodeError:
        return {}
    if not isinstance(props, dict):
        return {}
    return {k: props.get(alts[0].split(".", 1)[1]) for k, alts in _WANTED.items()}
