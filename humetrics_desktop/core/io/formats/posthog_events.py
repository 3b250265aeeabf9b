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
import polars as pl

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


class _Layout:
    """Where the columns this reader needs sit in an export's header."""

    def __init__(self, header: list[str]) -> None:
        self.header = header
        pos: dict[str, int] = {}
        for i, name in enumerate(_names(header)):
            pos.setdefault(name, i)  # a name seen twice: the first column wins
        self.event, self.did, self.ts = pos["event"], pos["distinct_id"], pos["timestamp"]
        self.uuid, self.person, self.props = pos.get("uuid"), pos.get("person_id"), pos.get("properties")
        self.wanted = {k: next((pos[x] for x in alts if x in pos), None) for k, alts in _WANTED.items()}
        self.from_json = self.props is not None and all(v is None for v in self.wanted.values())


def read(path: str, progress: Progress) -> ImportResult:
    report = ImportReport(path=path, format=FORMAT, kind=KIND)
    ids = c.IdentityMerger()
    df = _read_fast(path, report, ids, progress)
    if df is None:
        report, ids = ImportReport(path=path, format=FORMAT, kind=KIND), c.IdentityMerger()
        df = _read_rows(path, report, ids, progress.sub(0, 0.8))
        df["timestamp"] = c.parse_times(df["timestamp"])
    progress.set(0.85, "normalising")
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


def _read_fast(path: str, report: ImportReport, ids: c.IdentityMerger,
               progress: Progress) -> pd.DataFrame | None:
    """The whole file through polars' CSV reader when it is plain UTF-8 whose rows need no
    rejection; None sends it to the row-by-row reader, which names every bad row. A file not
    ending in a line break may have a cut last row (polars would pad it), so it goes there too."""
    with open(path, "rb") as f:
        start = f.read(2)
        f.seek(max(0, f.seek(0, 2) - 1))
        ends_with_newline = f.read(1) in (b"\n", b"\r")
    if start == b"\x1f\x8b" or not ends_with_newline:
        return None
    try:
        progress.set(0.05, "reading events")
        raw = pl.read_csv(path, infer_schema=False, encoding="utf8")
    except Exception:  # ragged rows, bad encoding, broken quoting: the careful reader reports them
        return None
    progress.check()
    lay = _Layout([col.removeprefix("\ufeff") for col in raw.columns])
    if lay.from_json:
        return None
    cols = raw.columns

    def pick(i: int | None) -> pl.Expr:
        return pl.col(cols[i]) if i is not None else pl.lit(None, dtype=pl.String)

    df = raw.select(pick(lay.event).str.strip_chars().alias("event"),
                    pick(lay.did).str.strip_chars().alias("user_id"),
                    pick(lay.ts).alias("timestamp"), pick(lay.uuid).alias("uuid"),
                    pick(lay.person).alias("person"),
                    *[pick(i).alias(k) for k, i in lay.wanted.items()])
    blank = lambda name: pl.col(name).is_null() | (pl.col(name) == "")  # noqa: E731
    if df.select((blank("event") | blank("user_id")).any()).item():
        return None
    report.read = df.height
    dup = pl.col("uuid").is_not_null() & (pl.col("uuid") != "") & ~pl.col("uuid").is_first_distinct()
    n_dup = int(df.select(dup.sum()).item())
    if n_dup:
        report.duplicate(n_dup, reason="duplicate uuid")
        df = df.filter(~dup)
    identify = df.filter((pl.col("event") == "$identify") & pl.col("anon").is_not_null())
    for anon, did in identify.select("anon", "user_id").iter_rows():
        ids.link(anon, did)
    aliases = df.filter(pl.col("event").is_in(["$create_alias", "$merge_dangerously"])
                        & pl.col("alias").is_not_null())
    for alias, did in aliases.select("alias", "user_id").iter_rows():
        ids.link(alias, did)
    persons = df.filter(pl.col("person").is_not_null() & (pl.col("person") != ""))
    if persons.height:
        first = persons.group_by("person", maintain_order=True).agg(pl.col("user_id").first().alias("first"))
        pairs = persons.select("person", "user_id").unique().join(first, on="person")
        for did, first_did in pairs.select("user_id", "first").iter_rows():
            ids.join(did, first_did)
    out = df.drop("uuid", "person").with_columns(pl.int_range(2, pl.len() + 2).alias("line")).to_pandas()
    out["timestamp"] = c.parse_times(out["timestamp"])
    if out["timestamp"].isna().any():
        return None  # the careful reader gives those rows their true line numbers
    progress.set(0.7, "events read")
    return out


def _read_rows(path: str, report: ImportReport, ids: c.IdentityMerger,
               progress: Progress) -> pd.DataFrame:
    """Row by row: every malformed row is rejected with its line and reason."""
    it = c.csv_records(path, progress)
    header = next(it, (0, []))[1]
    lay = _Layout(header)
    n = len(header)
    cols: dict[str, list] = {k: [] for k in ("line", "user_id", "timestamp", "event", *_WANTED)}
    seen: set[str] = set()
    person_first: dict[str, str] = {}
    for line, rec in c.counted_rows(it, n, report):
        event, did = rec[lay.event].strip(), rec[lay.did].strip()
        if not event:
            report.reject(line, header[lay.event], "missing event name")
            continue
        if not did:
            report.reject(line, header[lay.did], "missing distinct_id")
            continue
        if lay.uuid is not None and rec[lay.uuid]:
            if rec[lay.uuid] in seen:
                report.duplicate(reason="duplicate uuid")
                continue
            seen.add(rec[lay.uuid])
        if lay.from_json:
            vals = _from_json(rec[lay.props])
        else:
            vals = {k: (rec[i] if i is not None else None) for k, i in lay.wanted.items()}
        if event == "$identify":
            ids.link(vals.get("anon") or None, did)
        elif event in ("$create_alias", "$merge_dangerously"):
            ids.link(vals.get("alias") or None, did)
        if lay.person is not None and rec[lay.person]:
            ids.join(did, person_first.setdefault(rec[lay.person], did))
        cols["line"].append(line)
        cols["user_id"].append(did)
        cols["timestamp"].append(rec[lay.ts])
        cols["event"].append(event)
        for k in _WANTED:
            cols[k].append(vals.get(k))
    return pd.DataFrame(cols)


def _from_json(text: str) -> dict:
    try:
        props = json.loads(text) if text else {}
    except json.JSONDecodeError:
        return {}
    if not isinstance(props, dict):
        return {}
    return {k: props.get(alts[0].split(".", 1)[1]) for k, alts in _WANTED.items()}
