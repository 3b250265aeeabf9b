"""Mixpanel raw event export (Export API / "Export raw data"): JSON Lines, one event a line:
{"event": "Signed up", "properties": {"time": 1700000000, "distinct_id": "...", "$insert_id": "...",
 "mp_country_code": "US", "$region": "California", "$city": "San Francisco", ...}}

Quirks handled:
- `time` is epoch seconds in the classic export and milliseconds with `time_in_ms=true` (and in
  some newer exports): decided per value.
- Mixpanel de-duplicates on (event, distinct_id, time in seconds, $insert_id); raw exports still
  hold the copies, so the same four values again count as a duplicate. Events without $insert_id
  are never de-duplicated (Mixpanel does not either).
- Identity: events carry the distinct_id they were sent with. Simplified ID Merge links
  `$device_id` and `$user_id` on the same event (anonymous events have distinct_id
  "$device:<device id>"); the original ID Merge uses `$identify`
  ($anon_id -> $identified_id), `$create_alias` (alias -> distinct_id) and `$merge`
  ($distinct_ids). All of them are followed; ids folded into another are report.merged_identities.
- `mp_country_code` is ISO alpha-2; `$region` is a MaxMind English name ("Bavaria", "Tokyo").
"""
from __future__ import annotations

import json
import re

import pandas as pd

from ...progress import Progress
from ..report import ImportReport, ImportResult
from . import _common as c

FORMAT = "mixpanel-events"
KIND = "events"
PRIORITY = 50

_FIRST_OBJECT = re.compile(r'^\s*\{\s*"event"\s*:\s*"')


def sniff(path: str, head: bytes) -> bool:
    lines = [ln for ln in c.head_text(head).splitlines()[:5] if ln.strip()]
    if not lines:
        return False
    first = lines[0]
    try:
        obj = json.loads(first)
    except json.JSONDecodeError:
        # a very long first line cut by the head: fall back on its opening
        return bool(_FIRST_OBJECT.match(first)) and '"properties"' in first and '"distinct_id"' in first
    return (isinstance(obj, dict) and isinstance(obj.get("event"), str)
            and isinstance(obj.get("properties"), dict)
            and "time" in obj["properties"] and "distinct_id" in obj["properties"])


def read(path: str, progress: Progress) -> ImportResult:
    report = ImportReport(path=path, format=FORMAT, kind=KIND)
    cols: dict[str, list] = {k: [] for k in ("user_id", "time", "event", "session_id", "country",
                                             "region", "city", "device_id", "line")}
    seen: set[tuple] = set()
    ids = c.IdentityMerger()
    for line, obj, err in c.json_lines(path, progress.sub(0, 0.8)):
        report.read += 1
        if err:
            report.reject(line, None, err)
            continue
        props = obj.get("properties") if isinstance(obj, dict) else None
        if not isinstance(props, dict) or not isinstance(obj.get("event"), str):
            report.reject(line, None, "not a Mixpanel event (no event name or properties)")
            continue
        event, did, t = obj["event"], props.get("distinct_id"), props.get("time")
        if did in (None, ""):
            report.reject(line, "properties.distinct_id", "missing distinct_id")
            continue
        if not isinstance(t, (int, float)) or isinstance(t, bool):
            report.reject(line, "properties.time", "time is not an epoch number", t)
            continue
        did = str(did)
        insert_id = props.get("$insert_id")
        if insert_id:
            key = (event, did, int(t // 1000 if t > c.MS_THRESHOLD else t), str(insert_id))
            if key in seen:
                report.duplicate(reason="duplicate $insert_id")
                continue
            seen.add(key)
        _link_identities(ids, event, did, props)
        cols["user_id"].append(did)
        cols["time"].append(t)
        cols["event"].append(event)
        cols["session_id"].append(props.get("$session_id"))
        cols["country"].append(props.get("mp_country_code"))
        cols["region"].append(props.get("$region"))
        cols["city"].append(props.get("$city"))
        cols["device_id"].append(props.get("$device_id"))
        cols["line"].append(line)
    progress.set(0.85, "normalising")
    df = pd.DataFrame(cols)
    df["timestamp"] = c.parse_epoch(df.pop("time"))
    bad = df["timestamp"].isna()
    for ln in df.loc[bad, "line"]:
        report.reject(int(ln), "properties.time", "time out of range")
    df = df[~bad].drop(columns="line")
    df["user_id"], report.merged_identities = ids.resolve(df["user_id"])
    for col in ("session_id", "region", "city", "device_id", "country"):
        df[col] = c.clean_str(df[col])
    df = c.add_places(df, report)
    progress.set(1.0, "done")
    return ImportResult(table=c.finish(df, KIND, report), report=report)


def _link_identities(ids: c.IdentityMerger, event: str, did: str, props: dict) -> None:
    if props.get("$user_id") and props.get("$device_id"):
        user, device = str(props["$user_id"]), str(props["$device_id"])
        # anonymous events of Simplified ID Merge have distinct_id "$device:<device id>"
        ids.link(device, user)
        ids.link(f"$device:{device}", user)
        ids.link(did, user)
    if event == "$identify":
        ids.link(_s(props.get("$anon_id")), _s(props.get("$identified_id")) or did)
    elif event == "$create_alias":
        ids.link(_s(props.get("alias")), did)
    elif event == "$merge":
        merged = props.get("$distinct_ids") or []
        if isinstance(merged, list) and len(merged) >= 2:
            for other in merged[1:]:
                ids.link(_s(other), _s(merged[0]))


def _s(v) -> str | None:
    return None if v in (None, "") else str(v)
