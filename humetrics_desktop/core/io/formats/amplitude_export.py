"""Amplitude Export API archive: a zip of gzipped JSON Lines files, one per hour
(`<project id>/<project id>_YYYY-MM-DD_H#N.json.gz`); a single unzipped `.json.gz` part or its
JSON Lines are read too.

Quirks handled:
- `event_time` is "YYYY-MM-DD HH:MM:SS.ffffff" in UTC with no zone marker.
- `country`, `region`, `city` and `language` are English names from GeoIP ("United States",
  "Bavaria"), not codes.
- The same event can sit in two parts (late uploads are exported again): duplicates are dropped by
  `uuid`, then by `$insert_id` per device (Amplitude's own de-duplication key).
- People: Amplitude merges a person's devices and user ids under one `amplitude_id`. Each
  amplitude_id becomes the user_id it carries on any event (else "amplitude:<id>"); anonymous device
  ids folded in this way are report.merged_identities.
- `session_id` is the session start in epoch ms; -1 means no session.
- A truncated gzip member or a broken zip stops the import with a one-line error naming the part.
An `extra["profiles"]` table gives each person's last known country, region, city and language.
"""
from __future__ import annotations

import gzip
import io
import re
import zipfile
import zlib

import pandas as pd
import polars as pl

from ...progress import Cancelled, Progress
from ..report import ImportError_, ImportReport, ImportResult
from ..textio import is_zip, open_binary, zip_members
from . import _common as c

FORMAT = "amplitude-export"
KIND = "events"
PRIORITY = 50

_PART = re.compile(r"(^|/)\d+_\d{4}-\d{2}-\d{2}_\d{1,2}#\d+\.json(\.gz)?$")
_FIELDS = ("amplitude_id", "event_type", "event_time")
_MAX_PART = 4 * 1024**3  # decompressed bytes per part


def _looks_like_events(text: str) -> bool:
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    return first.lstrip().startswith("{") and all(f'"{f}"' in first for f in _FIELDS)


def sniff(path: str, head: bytes) -> bool:
    if is_zip(head):
        names = zip_members(path)
        parts = [n for n in names if n.endswith((".json.gz", ".json"))]
        if not parts:
            return False
        if any(_PART.search(n) for n in parts):
            return True
        # parts renamed by whoever re-zipped them: look at the first line of the first one
        with zipfile.ZipFile(path) as zf:
            first = next(_lines_of_part(path, zf, sorted(parts)[0]), "")
        return _looks_like_events(first)
    return _looks_like_events(c.head_text(head))


def _parts(path: str) -> list[str] | None:
    with open(path, "rb") as f:
        if not is_zip(f.read(4)):
            return None
    return sorted(n for n in zip_members(path) if n.endswith((".json.gz", ".json")))


def _lines_of_part(path: str, zf: zipfile.ZipFile, name: str):
    label = f"{path} (part {name})"
    try:
        raw = zf.open(name)
        if name.endswith(".gz"):
            raw = gzip.GzipFile(fileobj=raw)
        text = io.TextIOWrapper(io.BufferedReader(raw, 1 << 20), encoding="utf-8-sig", newline="")
        total = 0
        for line in text:
            total += len(line)
            if total > _MAX_PART:
                raise ImportError_(path, f"part {name} decompresses to more than 4 GB; refusing")
            yield line
    except (EOFError, gzip.BadGzipFile, zlib.error, zipfile.BadZipFile, OSError) as e:
        raise ImportError_(path, f"part {name} is corrupt or truncated ({e.__class__.__name__}: {e})") from e
    except UnicodeDecodeError as e:
        raise ImportError_(label, f"not UTF-8 text ({e.reason})") from e


def read(path: str, progress: Progress) -> ImportResult:
    report = ImportReport(path=path, format=FORMAT, kind=KIND)
    parts = _parts(path)
    fast = _read_fast(path, parts, report, progress)
    if fast is not None:
        df, profiles = _frame(fast, report)
        progress.set(1.0, "done")
        return ImportResult(table=c.finish(df, KIND, report), report=report, extra={"profiles": profiles})
    report = ImportReport(path=path, format=FORMAT, kind=KIND)
    rows = _Rows()
    if parts is None:
        for line, obj, err in c.json_lines(path, progress.sub(0, 0.8)):
            rows.add(report, obj, err, line, None)
    else:
        try:
            zf = zipfile.ZipFile(path)
        except zipfile.BadZipFile as e:
            raise ImportError_(path, f"not a readable zip archive ({e})") from e
        with zf:
            for i, name in enumerate(parts):
                progress.set(0.8 * i / max(1, len(parts)), f"reading {name}")
                stream = _lines_of_part(path, zf, name)
                for line, obj, err in c.json_lines(path, progress, stream=stream, label=name):
                    rows.add(report, obj, err, line, name)
        if parts:
            report.notes.append(f"{len(parts)} hourly parts")
    progress.set(0.85, "merging people")
    df, profiles = rows.frame(report)
    progress.set(1.0, "done")
    return ImportResult(table=c.finish(df, KIND, report), report=report, extra={"profiles": profiles})


_SCHEMA = {"uuid": pl.String, "$insert_id": pl.String, "amplitude_id": pl.Int64,
           "user_id": pl.String, "device_id": pl.String, "event_time": pl.String,
           "event_type": pl.String, "session_id": pl.Int64, "country": pl.String,
           "region": pl.String, "city": pl.String, "language": pl.String}


def _read_fast(path: str, parts: list[str] | None, report: ImportReport,
               progress: Progress) -> pd.DataFrame | None:
    """Every part through polars' JSON reader when all of them are well-formed and need no
    rejection (several times faster); None sends the export to the line-by-line reader, which
    names every bad line and every damaged part."""
    frames = []
    try:
        for i, (name, data) in enumerate(_part_bytes(path, parts)):
            progress.set(0.8 * i / max(1, len(parts or [None])), f"reading {name or 'events'}")
            if len(data) > _MAX_PART or data[:3] == b"\xef\xbb\xbf":
                return None
            part = pl.read_ndjson(io.BytesIO(data), schema=_SCHEMA)
            frames.append(part.with_columns(pl.lit(name, dtype=pl.String).alias("part"),
                                            pl.int_range(1, pl.len() + 1).alias("line")))
    except Cancelled:
        raise
    except Exception:  # damaged part, odd line or type: the careful reader says which
        return None
    df = pl.concat(frames) if frames else pl.DataFrame(schema={**_SCHEMA, "part": pl.String, "line": pl.Int64})
    blank = lambda name: pl.col(name).is_null() | (pl.col(name) == "")  # noqa: E731
    parsed = pl.col("event_time").str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M:%S%.f", strict=False)
    unusable = (blank("event_type") | parsed.is_null()
                | (pl.col("amplitude_id").is_null() & blank("user_id") & blank("device_id")))
    if df.select(unusable.any()).item():
        return None
    report.read = df.height
    uuid_dup = ~blank("uuid") & ~pl.col("uuid").is_first_distinct()
    n = int(df.select(uuid_dup.sum()).item())
    if n:
        report.duplicate(n, reason="duplicate uuid")
        df = df.filter(~uuid_dup)
    who = pl.when(~blank("device_id")).then(pl.col("device_id")).otherwise(pl.col("user_id")).fill_null("None")
    ins_dup = ~blank("$insert_id") & ~pl.struct(who, pl.col("$insert_id")).is_first_distinct()
    n = int(df.select(ins_dup.sum()).item())
    if n:
        report.duplicate(n, reason="duplicate $insert_id")
        df = df.filter(~ins_dup)
    if parts:
        report.notes.append(f"{len(parts)} hourly parts")
    progress.check()
    out = df.select(
        pl.col("amplitude_id").cast(pl.String), pl.col("user_id").alias("user_id_raw"), "event_time",
        pl.col("event_type").alias("event"),
        pl.when(pl.col("session_id") == -1).then(None).otherwise(pl.col("session_id")).cast(pl.String).alias("session_id"),
        "country", "region", "city", "device_id", "language").to_pandas()
    out["user_id_raw"] = c.clean_str(out["user_id_raw"])
    out["where"] = None  # every event_time was checked above: no row will need its line
    return out


def _part_bytes(path: str, parts: list[str] | None):
    """(part name, decompressed bytes) of each part; a lone file is one part named None."""
    if parts is None:
        with open_binary(path) as f:
            yield None, f.read(_MAX_PART + 1)
        return
    with zipfile.ZipFile(path) as zf:
        for name in parts:
            raw = zf.open(name)
            with (gzip.GzipFile(fileobj=raw) if name.endswith(".gz") else raw) as f:
                yield name, f.read(_MAX_PART + 1)


class _Rows:
    def __init__(self) -> None:
        self.cols: dict[str, list] = {k: [] for k in (
            "amplitude_id", "user_id_raw", "event_time", "event", "session_id", "country", "region",
            "city", "device_id", "language", "where")}
        self.uuids: set[str] = set()
        self.inserts: set[tuple[str, str]] = set()

    def add(self, report: ImportReport, obj, err, line: int, part: str | None) -> None:
        """One JSON line; rejects name the part (as the value) and the line within it."""
        report.read += 1
        if err:
            report.reject(line, None, err, part)
            return
        if not isinstance(obj, dict) or not obj.get("event_type"):
            report.reject(line, "event_type", "not an Amplitude event (no event_type)", part)
            return
        uuid = obj.get("uuid")
        if uuid:
            if uuid in self.uuids:
                report.duplicate(reason="duplicate uuid")
                return
            self.uuids.add(uuid)
        ins = obj.get("$insert_id")
        if ins:
            key = (str(obj.get("device_id") or obj.get("user_id")), str(ins))
            if key in self.inserts:
                report.duplicate(reason="duplicate $insert_id")
                return
            self.inserts.add(key)
        if obj.get("amplitude_id") is None and not obj.get("user_id") and not obj.get("device_id"):
            report.reject(line, "amplitude_id", "no amplitude_id, user_id or device_id", part)
            return
        cols = self.cols
        amp, uid = obj.get("amplitude_id"), obj.get("user_id")
        # as text now: a column of ints with gaps would turn into floats ("1001.0")
        cols["amplitude_id"].append(None if amp is None else str(amp))
        cols["user_id_raw"].append(None if uid in (None, "") else str(uid))
        cols["event_time"].append(obj.get("event_time"))
        cols["event"].append(obj["event_type"])
        sid = obj.get("session_id")
        cols["session_id"].append(None if sid in (None, -1, "-1") else str(sid))
        for k in ("country", "region", "city", "device_id", "language"):
            cols[k].append(obj.get(k))
        cols["where"].append((line, part))

    def frame(self, report: ImportReport) -> tuple[pd.DataFrame, pd.DataFrame]:
        return _frame(pd.DataFrame(self.cols), report)


def _frame(df: pd.DataFrame, report: ImportReport) -> tuple[pd.DataFrame, pd.DataFrame]:
    # event_time is UTC without a zone marker
    times = df.pop("event_time")
    df["timestamp"] = pd.to_datetime(times, utc=True, errors="coerce", format="%Y-%m-%d %H:%M:%S.%f")
    odd = df["timestamp"].isna() & times.notna()
    if odd.any():  # other layouts (no fraction, a "T") parsed one by one
        df.loc[odd, "timestamp"] = pd.to_datetime(times[odd], utc=True, errors="coerce", format="mixed")
    bad = df["timestamp"].isna()
    for where in df.loc[bad, "where"]:
        line, part = where if isinstance(where, tuple) else (None, None)
        report.reject(line, "event_time", "missing or unreadable event_time", part)
    df = df[~bad].drop(columns="where")
    for col in ("user_id_raw", "device_id", "country", "region", "city", "language"):
        df[col] = c.clean_str(df[col])
    df["user_id"], report.merged_identities = _people(df)
    df = df.drop(columns=["user_id_raw"])
    df["amplitude_id"] = df["amplitude_id"].astype("string")
    df = c.add_places(df, report)
    profiles = (df.sort_values("timestamp")
                .groupby("user_id", sort=True)[["country", "region", "city", "language"]]
                .last().reset_index())
    return df, profiles


def _people(df: pd.DataFrame) -> tuple[pd.Series, int]:
    """user_id per event: the user id its amplitude_id carries anywhere, else the amplitude_id
    (or device id); and how many anonymous device ids were folded into a user id this way."""
    amp = df["amplitude_id"].astype("string")
    known = df[df["user_id_raw"].notna() & amp.notna()]
    by_amp = known.groupby(amp[known.index])["user_id_raw"].first()
    resolved = amp.map(by_amp)
    user = df["user_id_raw"].fillna(resolved)
    fallback = ("amplitude:" + amp).where(amp.notna(), "device:" + df["device_id"].astype("string"))
    user = user.fillna(fallback)
    anon = df["user_id_raw"].isna() & resolved.notna()
    merged = int(df.loc[anon, "device_id"].fillna("amplitude:" + amp[anon]).nunique())
    return user.astype(object), merged
