"""Helpers the tool-specific readers share: row streams with line numbers, scores, times, places,
identity merging. Not a format module itself (no FORMAT), so the registry skips it."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import zlib
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from ...geo.names import normalize_country_series, normalize_region_series
from ...progress import Progress
from ...schema import UNKNOWN_COUNTRY, canonical_columns
from ..report import ImportError_, ImportReport
from ..textio import detect_encoding, is_gzip, open_text

csv.field_size_limit(64 * 1024 * 1024)

# Epoch values above this are milliseconds: 1e11 seconds is the year 5138, 1e11 ms is 1973.
MS_THRESHOLD = 1e11


def head_text(head: bytes) -> str:
    """The sniff head as text, whatever its encoding (a cut multi-byte character is dropped)."""
    return head.decode(detect_encoding(head), errors="ignore").lstrip("\ufeff")


def csv_header(head: bytes, rows: int = 1) -> list[list[str]]:
    """The first `rows` CSV records of the head (delimiter: comma, tab or semicolon by count)."""
    text = head_text(head)
    first = text.split("\n", 1)[0]
    delim = max([",", "\t", ";"], key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    out: list[list[str]] = []
    try:
        for rec in reader:
            out.append([c.strip() for c in rec])
            if len(out) >= rows:
                break
    except csv.Error:  # not CSV at all: no header to recognise
        return []
    return out


class SizedText:
    """A text stream over an export that also tells roughly how far through the file it is."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.text, self.encoding = open_text(path)
        self.size = max(1, os.path.getsize(path))
        with open(path, "rb") as f:
            # gzip: the position is in decompressed bytes; assume a typical 6:1 ratio
            self._scale = 6 if is_gzip(f.read(2)) else 1

    def fraction(self) -> float:
        try:
            return min(0.99, self.text.buffer.tell() / (self.size * self._scale))
        except (OSError, ValueError):
            return 0.0

    def read_all(self) -> str:
        """The whole text, with decoding and decompression errors as one-line ImportError_."""
        try:
            return self.text.read()
        except UnicodeDecodeError as e:
            raise ImportError_(self.path, f"not valid {self.encoding} text ({e.reason})") from e
        except zlib.error as e:
            raise ImportError_(self.path, f"the compressed data is corrupt ({e})") from e
        finally:
            self.close()

    def close(self) -> None:
        self.text.close()


def csv_records(path: str, progress: Progress) -> Iterator[tuple[int, list[str]]]:
    """(physical line number, fields) for every CSV record, the delimiter (comma, tab or
    semicolon) chosen by its count in the first line; white-space-only records skipped.
    Decoding errors become a one-line ImportError_."""
    st = SizedText(path)
    last_line = 0
    try:
        sample = st.text.read(64 * 1024)
        first = sample.split("\n", 1)[0]
        delimiter = max([",", "\t", ";"], key=first.count)
        reader = csv.reader(_prepend(sample, st.text), delimiter=delimiter)
        for n, rec in enumerate(reader, 1):
            start, last_line = last_line + 1, reader.line_num
            if n % 20000 == 0:
                progress.set(st.fraction(), "reading rows")
            if not rec or all(not c.strip() for c in rec):
                continue
            yield start, rec
    except UnicodeDecodeError as e:
        raise ImportError_(path, f"not valid {st.encoding} text near line {last_line + 1} ({e.reason})") from e
    except csv.Error as e:
        raise ImportError_(path, f"broken CSV near line {last_line + 1} ({e})") from e
    except zlib.error as e:  # textio reports truncation; a damaged deflate stream lands here
        raise ImportError_(path, f"the compressed data is corrupt near line {last_line + 1} ({e})") from e
    finally:
        st.close()


def _prepend(sample: str, rest) -> Iterator[str]:
    """Lines of an already-read sample, then of the rest of the stream."""
    lines = list(io.StringIO(sample, newline=""))
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += rest.readline()  # the sample cut a line: finish it
    yield from lines
    yield from rest


def json_lines(path: str, progress: Progress, stream=None, label: str | None = None
               ) -> Iterator[tuple[int, Any, str | None]]:
    """(line number, parsed object or None, error) per non-blank line of a JSON Lines file."""
    own = stream is None
    st = SizedText(path) if own else None
    text = st.text if own else stream
    try:
        for i, line in enumerate(text, 1):
            if i % 20000 == 0:
                if own:
                    progress.set(st.fraction(), "reading lines")
                else:
                    progress.check()  # the caller reports progress; cancelling still works
            if not line.strip():
                continue
            try:
                yield i, json.loads(line), None
            except json.JSONDecodeError:
                yield i, None, "invalid JSON line (truncated?)"
    except UnicodeDecodeError as e:
        raise ImportError_(label or path, f"not valid UTF-8 text ({e.reason})") from e
    except zlib.error as e:
        raise ImportError_(label or path, f"the compressed data is corrupt ({e})") from e
    finally:
        if own:
            st.close()


def json_documents(text: str) -> Iterator[tuple[int, Any]]:
    """(line, value) for each JSON value in the text, one after another (a single document,
    JSON Lines, pages concatenated); (line, None) where the text is cut off or broken."""
    dec = json.JSONDecoder()
    ws = re.compile(r"[\s,]*")
    pos, n, line, counted = 0, len(text), 1, 0
    while True:
        pos = ws.match(text, pos).end()
        if pos >= n:
            return
        line += text.count("\n", counted, pos)
        counted = pos
        try:
            obj, pos = dec.raw_decode(text, pos)
        except json.JSONDecodeError:
            yield line, None
            return
        yield line, obj


# ---------------------------------------------------------------- scores

_SCORE_TEXT = re.compile(r"^\s*(-?\d+(?:\.0+)?)\b")


def parse_score(value: object) -> tuple[int | None, str | None]:
    """A 0-10 recommendation score from '7', '7.0', '10 - Extremely likely'; else (None, reason)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None, "blank score"
    s = str(value).strip()
    if not s:
        return None, "blank score"
    m = _SCORE_TEXT.match(s)
    if not m:
        return None, "score is not a number"
    v = float(m.group(1))
    if v != int(v) or not 0 <= v <= 10:
        return None, "score outside 0-10"
    return int(v), None


def parse_rating(value: object, top: int = 5) -> float | None:
    try:
        v = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return v if 1 <= v <= top else None


# ---------------------------------------------------------------- times

def parse_epoch(values: pd.Series) -> pd.Series:
    """Epoch seconds or milliseconds (decided per value) to UTC datetimes; NaT where unreadable."""
    num = pd.to_numeric(values, errors="coerce").astype("float64")
    ms = np.where(num > MS_THRESHOLD, num, num * 1000.0)
    return pd.to_datetime(pd.Series(np.round(ms), index=values.index), unit="ms", utc=True, errors="coerce")


def parse_times(values: pd.Series, tz: str | None = None, dayfirst: bool = False) -> pd.Series:
    """Text times to UTC. Values with an offset or 'Z' keep it; naive values are in `tz` (UTC when
    None). In DST's repeated hour the first (summer-time) reading is taken; a time that does not
    exist (the skipped hour) moves forward. NaT where unreadable."""
    s = values.astype("string").str.strip()
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us, UTC]")
    ok = s.notna() & (s != "")
    if not ok.any():
        return out
    epoch = s.str.fullmatch(r"\d{9,13}(?:\.\d+)?", na=False) & ok
    if epoch.any():
        out[epoch] = parse_epoch(s[epoch])
        ok &= ~epoch
    has_offset = s.str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$", regex=True, na=False) & ok
    if has_offset.any():
        out[has_offset] = pd.to_datetime(s[has_offset], utc=True, errors="coerce", format="mixed",
                                         dayfirst=dayfirst)
    naive = ok & ~has_offset
    if naive.any():
        local = pd.to_datetime(s[naive], errors="coerce", format="mixed", dayfirst=dayfirst)
        if tz and tz.upper() not in ("UTC", "Z", "GMT"):
            local = local.dt.tz_localize(tz, ambiguous=np.ones(len(local), dtype=bool),
                                         nonexistent="shift_forward")
            out[naive] = local.dt.tz_convert("UTC")
        else:
            out[naive] = local.dt.tz_localize("UTC")
    return out


# ---------------------------------------------------------------- places

def add_places(df: pd.DataFrame, report: ImportReport, country_col: str = "country",
               region_col: str = "region") -> pd.DataFrame:
    """Countries to alpha-2 ("??" unmatched, counted in report.unmatched), regions to ISO 3166-2."""
    if country_col in df:
        raw = df[country_col]
        codes = normalize_country_series(raw)
        unmatched = codes.isna() & raw.notna() & (raw.astype("string").str.strip() != "")
        for value, n in raw[unmatched].astype(str).value_counts().items():
            report.unmatched[f"country:{value}"] += int(n)
        if region_col in df:
            regions = normalize_region_series(codes, df[region_col])
            bad = regions.isna() & df[region_col].notna() & (df[region_col].astype("string").str.strip() != "")
            for value, n in df.loc[bad, region_col].astype(str).value_counts().head(200).items():
                report.unmatched[f"region:{value}"] += int(n)
            df[region_col] = regions
        df[country_col] = codes.fillna(UNKNOWN_COUNTRY)
    return df


# ---------------------------------------------------------------- identities

class IdentityMerger:
    """Union-find over the ids one person used; an identified id is preferred as the name."""

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}
        self._identified: set[str] = set()

    def _find(self, x: str) -> str:
        root = x
        while self._parent.get(root, root) != root:
            root = self._parent[root]
        while self._parent.get(x, x) != root:
            self._parent[x], x = root, self._parent[x]
        return root

    def link(self, anon: str | None, identified: str | None) -> None:
        if not anon or not identified or anon == identified:
            return
        self._identified.add(identified)
        ra, ri = self._find(anon), self._find(identified)
        if ra == ri:
            return
        # the root stays an identified id whenever the cluster has one
        if ra in self._identified and ri not in self._identified:
            ra, ri = ri, ra
        self._parent[ra] = ri

    def join(self, a: str | None, b: str | None) -> None:
        """Two ids of one person with neither known to be the identified one."""
        if not a or not b or a == b:
            return
        ra, rb = self._find(a), self._find(b)
        if ra == rb:
            return
        if ra in self._identified and rb not in self._identified:
            ra, rb = rb, ra
        self._parent[ra] = rb

    def resolve(self, ids: pd.Series) -> tuple[pd.Series, int]:
        """Canonical id per row, and how many distinct ids were folded into another. A person's
        id is the first identified id of the cluster seen in the data (else the identified root,
        else the first id seen), so the answer does not depend on the order links were made."""
        if not self._parent:
            return ids, 0
        uniq = ids.dropna().unique()
        root = {u: self._find(u) for u in uniq}
        name: dict[str, str] = {}
        for u in uniq:
            if u in self._identified:
                name.setdefault(root[u], u)
        for u in uniq:
            r = root[u]
            name.setdefault(r, r if r in self._identified else u)
        mapping = {u: name[root[u]] for u in uniq}
        merged = sum(1 for u, n in mapping.items() if u != n)
        return ids.map(mapping).where(ids.notna(), None), merged


# ---------------------------------------------------------------- tables

def finish(df: pd.DataFrame, kind: str, report: ImportReport) -> pd.DataFrame:
    """Canonical columns first (missing optional ones left out), extra columns after."""
    cols = [c for c in canonical_columns(kind) if c in df.columns]
    rest = [c for c in df.columns if c not in cols]
    df = df[cols + rest].reset_index(drop=True)
    report.valid = len(df)
    assert report.balanced, (report.read, report.valid, report.duplicates, report.rejected)
    return df


def clean_str(values: pd.Series) -> pd.Series:
    """Strings stripped, blanks and JSON nulls as missing."""
    s = values.astype("string").str.strip()
    s = s.mask(s.isin(["", "null", "None", "nan", "NaN", "undefined"]))
    return s.astype(object).where(s.notna(), None)


# ---------------------------------------------------------------- surveys

SURVEY_FIELDS = ("line", "response_id", "user_id", "submitted_at", "score", "comment", "email",
                 "name", "country", "region")


def survey_table(records: list[dict], report: ImportReport, survey: str, tz: str | None = None,
                 dayfirst: bool = False, extra_cols: list[str] | None = None) -> pd.DataFrame:
    """Canonical survey table from the records a reader kept (already counted in report.read):
    duplicates by response id, scores 0-10 (others rejected with the reason), times to UTC,
    places to ISO codes. `extra_cols` are carried through after the canonical ones."""
    kept, seen = [], set()
    for rec in records:
        rid = rec.get("response_id")
        if rid:
            if rid in seen:
                report.duplicate(reason="duplicate response id")
                continue
            seen.add(rid)
        score, why = parse_score(rec.get("score"))
        if why:
            report.reject(rec.get("line"), rec.get("score_column"), why, rec.get("score"))
            continue
        rec = dict(rec, score=score)
        kept.append(rec)
    cols = [f for f in SURVEY_FIELDS if f != "line"] + (extra_cols or [])
    df = pd.DataFrame([{k: r.get(k) for k in cols} for r in kept], columns=cols)
    df["score"] = df["score"].astype("int64")
    for col in ("response_id", "user_id", "comment", "email", "name", "country", "region",
                *(extra_cols or [])):
        df[col] = clean_str(df[col]) if len(df) else df[col].astype(object)
    times = df["submitted_at"]
    df["submitted_at"] = parse_times(times.astype(object), tz=tz, dayfirst=dayfirst)
    undated = int((df["submitted_at"].isna() & times.notna() & (times.astype(str).str.strip() != "")).sum())
    if undated:
        report.notes.append(f"{undated} response(s) kept without a readable date")
    df["survey"] = survey
    if df["country"].notna().any():
        df = add_places(df, report)
    else:
        df = df.drop(columns=["country", "region"])
    for col in ("user_id", "email", "name", "region", "comment", "response_id"):
        if col in df and df[col].isna().all() and col != "comment":
            df = df.drop(columns=col)
    return df


def cell(rec: list[str], i: int | None) -> str | None:
    """The field at position i, or None where the column is absent or the row is short."""
    return rec[i] if i is not None and i < len(rec) else None


def counted_rows(records: Iterator[tuple[int, list[str]]], n: int,
                 report: ImportReport) -> Iterator[tuple[int, list[str]]]:
    """Counts every row read and rejects, with its line, a row whose field count is not the header's."""
    for line, rec in records:
        report.read += 1
        if len(rec) != n:
            report.reject(line, None, "row has a different number of fields than the header (truncated?)",
                          f"{len(rec)} of {n}")
            continue
        yield line, rec


def find_column(names: list[str], *candidates: str) -> int | None:
    """Index of the first header equal (case- and space-insensitively) to one of the candidates."""
    folded = [re.sub(r"\s+", " ", n).strip().casefold() for n in names]
    for cand in candidates:
        cf = cand.casefold()
        if cf in folded:
            return folded.index(cf)
    return None


_RECOMMEND = re.compile(r"recommend|empfehlen|recomend|recommand|raccomand|nps\b|net promoter", re.I)


def looks_like_nps_question(text: str) -> bool:
    return bool(_RECOMMEND.search(text or ""))
