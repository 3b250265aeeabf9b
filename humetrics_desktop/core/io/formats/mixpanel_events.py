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
import polars as pl

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
    ids = c.IdentityMerger()
    df = _read_fast(path, report, ids, progress)
    if df is None:
        report, ids = ImportReport(path=path, format=FORMAT, kind=KIND), c.IdentityMerger()
        df = _read_rows(path, report, ids, progress.sub(0, 0.8))
    progress.set(0.85, "normalising")
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


_COLUMNS = {"distinct_id": "user_id", "time": "time", "$session_id": "session_id",
            "mp_country_code": "country", "$region": "region", "$city": "city",
            "$device_id": "device_id"}
_LINKS = ("$insert_id", "$user_id", "$anon_id", "$identified_id", "alias")


def _read_fast(path: str, report: ImportReport, ids: c.IdentityMerger,
               progress: Progress) -> pd.DataFrame | None:
    """The whole file through polars' JSON reader (several times faster) when it is plain,
    well-formed JSON Lines needing no rejection; None sends it to the line-by-line reader, which
    names every bad line."""
    with open(path, "rb") as f:
        start = f.read(3)
    if start[:2] == b"\x1f\x8b" or start == b"\xef\xbb\xbf":
        return None
    fields = {k: (pl.Float64 if k == "time" else pl.String) for k in (*_COLUMNS, *_LINKS)}
    try:
        progress.set(0.05, "reading events")
        raw = pl.read_ndjson(path, schema={"event": pl.String, "properties": pl.Struct(fields)})
    except Exception:  # any malformed line, odd type or nesting: the careful reader handles it
        return None
    progress.check()
    props = raw.unnest("properties")
    if (props.select(pl.col("event").is_null() | pl.col("distinct_id").is_null()
                     | (pl.col("distinct_id") == "") | pl.col("time").is_null()).to_series().any()
            or (props["event"] == "$merge").any()):
        return None
    report.read = props.height
    seconds = pl.when(pl.col("time") > c.MS_THRESHOLD).then(pl.col("time") // 1000).otherwise(pl.col("time"))
    first = pl.struct([pl.col("event"), pl.col("distinct_id"), seconds.floor(), pl.col("$insert_id")]).is_first_distinct()
    dup = pl.col("$insert_id").is_not_null() & (pl.col("$insert_id") != "") & ~first
    props = props.with_columns(dup.alias("_dup"), pl.int_range(1, pl.len() + 1).alias("line"))
    n_dup = int(props["_dup"].sum())
    if n_dup:
        report.duplicate(n_dup, reason="duplicate $insert_id")
    props = props.filter(~pl.col("_dup"))
    links = props.filter(pl.col("$user_id").is_not_null() | (pl.col("event") == "$identify")
                         | (pl.col("event") == "$create_alias"))
    for row in links.select(["event", "distinct_id", *_LINKS, "$device_id"]).iter_rows(named=True):
        _link_identities(ids, row["event"], row["distinct_id"], row)
    progress.set(0.7, "events read")
    return props.select([pl.col(k).alias(v) for k, v in _COLUMNS.items()] + ["event", "line"]).to_pandas()


def _read_rows(path: str, report: ImportReport, ids: c.IdentityMerger,
               progress: Progress) -> pd.DataFrame:
    """Line by line: every malformed line is rejected with its number and reason."""
    cols: dict[str, list] = {k: [] for k in ("user_id", "time", "event", "session_id", "country",
                                             "region", "city", "device_id", "line")}
    seen: set[tuple] = set()
    for line, obj, err in c.json_lines(path, progress):
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
    return pd.DataFrame(cols)


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
