"""Reading any tabular export (CSV/TSV, Excel, Parquet, JSON, JSON Lines; plain, .gz or .zip) as raw
chunks: the values as the file holds them, each row with where it came from: the physical line where
it starts (CSV, JSON Lines, JSON arrays), the sheet row (Excel) or the record number (Parquet, and
JSON objects that wrap their records).

Rows that cannot be a table row at all (wrong number of fields, a JSON line that does not parse, a
NUL byte) are rejected into the report here; everything else goes on to validation. Files are only
ever opened for reading.
"""
from __future__ import annotations

import csv
import gc
import io
import json
import re
import struct
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa

from ..progress import Progress
from .report import ImportError_, ImportReport
from .textio import detect_encoding, is_gzip, is_zip, open_binary, sniff_delimiter, zip_members

CHUNK_ROWS = 100_000
MAX_LINE_CHARS = 16 * 1024**2    # a JSON Lines line longer than this is not a table row
MAX_JSON_BYTES = 1024**3         # cap for a JSON object wrapping its records (parsed whole);
                                 # top-level arrays and JSON Lines are streamed
MAX_FLATTEN_DEPTH = 16           # deeper nesting is kept as a JSON string
HEAD_BYTES = 256 * 1024

FORMATS = ("csv", "xlsx", "parquet", "json", "jsonl")
_TEXT_SUFFIXES = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".tab": "csv", ".json": "json",
                  ".jsonl": "jsonl", ".ndjson": "jsonl"}


@dataclass
class RawChunk:
    frame: pd.DataFrame   # raw values; strings for CSV, native values for the other formats
    lines: np.ndarray     # int64, same length: where each row starts in the file


class _Counting(io.RawIOBase):
    """Counts the bytes read through it (progress for plain and compressed files alike)."""

    def __init__(self, inner) -> None:
        self._inner, self.count, self.nuls = inner, 0, 0

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        n = self._inner.readinto(b)
        if n:
            self.count += n
            # NUL bytes are rare in text; counting them here spares a per-cell search when none
            self.nuls += memoryview(b)[:n].tobytes().count(0) if self.nuls == 0 else 0
        return n

    def close(self) -> None:
        self._inner.close()
        super().close()


@dataclass
class TableSource:
    """One opened export: what it is and how to read it. Build with `open_source`."""

    path: str
    format: str                      # one of FORMATS
    member: str | None = None        # zip member holding the table
    encoding: str | None = None      # text formats
    delimiter: str | None = None     # CSV
    decimal: str = "."               # "," for exports written with decimal commas
    columns: list[str] = field(default_factory=list)
    total_bytes: int = 0             # decompressed size when known (progress)
    json_array: bool = False         # a top-level JSON array: streamed record by record
    preamble: int = 0                # CSV lines before the header ("sep=;", "# ..." comments)
    notes: list[str] = field(default_factory=list)  # what the reader did that the report shows

    @property
    def text(self) -> bool:
        """Values arrive as strings (CSV); otherwise as the file's own types."""
        return self.format == "csv"

    # -- reading -------------------------------------------------------------------------------
    def chunks(self, progress: Progress, report: ImportReport,
               rows: int | None = None) -> Iterator[RawChunk]:
        """Every data row, in chunks. Counts rows in report.read and rejects malformed rows."""
        rows = rows or CHUNK_ROWS
        reader = {"csv": self._csv_chunks, "xlsx": self._xlsx_chunks, "parquet": self._parquet_chunks,
                  "json": self._json_chunks, "jsonl": self._jsonl_chunks}[self.format]
        yield from reader(progress, report, rows)

    def head(self, n: int = 50) -> pd.DataFrame:
        """The first n data rows, raw (for the mapping preview and content sniffing)."""
        report = ImportReport(self.path)
        frames, got = [], 0
        for chunk in self.chunks(Progress(), report, rows=max(n, 1)):
            frames.append(chunk.frame)
            got += len(chunk.frame)
            if got >= n:
                break
        if not frames:
            return pd.DataFrame(columns=self.columns)
        df = pd.concat(frames, ignore_index=True).head(n)
        return df.reindex(columns=_union(self.columns, list(df.columns)))

    # -- CSV -----------------------------------------------------------------------------------
    def _open_bytes(self):
        return io.BufferedReader(_Counting(open_binary(self.path, self.member)), 1 << 16)

    def _text_stream(self):
        raw = self._open_bytes()
        return io.TextIOWrapper(raw, encoding=self.encoding, errors="strict", newline=""), raw.raw

    def _csv_chunks(self, progress: Progress, report: ImportReport, rows: int) -> Iterator[RawChunk]:
        text, counter = self._text_stream()
        with text:
            # the csv module iterates the stream in C; its field size limit stops runaway lines
            # and unclosed quotes with an error rather than a hang
            reader = csv.reader(text, delimiter=self.delimiter or ",")
            header, last = None, 0
            reader_base = self.preamble  # reader.line_num counts from after the preamble
            ncols = len(self.columns)
            try:
                for _ in range(self.preamble):  # "sep=;", "# ..." or title lines before the header
                    text.readline()
                last = self.preamble
                while True:
                    with _gc_paused():
                        batch = list(islice(reader, rows))
                    if not batch:
                        break
                    starts = _record_starts(batch, last, reader_base + reader.line_num)
                    last = reader_base + reader.line_num
                    if header is None:  # the first non-blank record is the header
                        first = next((i for i, r in enumerate(batch) if any(c.strip() for c in r)), None)
                        if first is None:
                            continue
                        header = batch[first]
                        batch, starts = batch[first + 1:], starts[first + 1:]
                    with _gc_paused():
                        frame, kept = _csv_frame(batch, starts, self.columns, ncols, report,
                                                 check_nul=counter.nuls > 0)
                    del batch
                    if len(frame):
                        yield RawChunk(frame, kept)
                    if self.total_bytes:
                        progress.set(counter.count / self.total_bytes, "reading")
            except UnicodeDecodeError as e:
                raise ImportError_(self.path, f"not valid {self.encoding} text after line {last}; "
                                              "save it as UTF-8") from e
            except csv.Error as e:
                if "field larger than field limit" in str(e):
                    raise ImportError_(self.path, f"line {reader_base + reader.line_num}: a field longer than "
                                                  f"{csv.field_size_limit() // 1024} KiB "
                                                  "(an unclosed quote?); not a table row") from e
                raise ImportError_(self.path, f"line {reader_base + reader.line_num}: {e}") from e

    # -- Excel ---------------------------------------------------------------------------------
    def _xlsx_chunks(self, progress: Progress, report: ImportReport, rows: int) -> Iterator[RawChunk]:
        ws, wb = _first_sheet(self)
        try:
            if len(wb.worksheets) > 1:
                report.notes.append(f"read sheet '{ws.title}', the first of {len(wb.worksheets)} "
                                    "that holds data")
            total = ws.max_row or 0
            batch: list[tuple] = []
            lines: list[int] = []
            ncols = len(self.columns)
            # rows up to the header (title rows, the header itself) are not data
            rows_iter = ws.iter_rows(min_row=self.preamble + 2, values_only=True)
            for rowno, values in enumerate(rows_iter, start=self.preamble + 2):
                if _blank_row(values):
                    continue
                values = tuple(values[:ncols]) + (None,) * max(0, ncols - len(values))
                report.read += 1
                batch.append(values)
                lines.append(rowno)
                if len(batch) >= rows:
                    yield RawChunk(pd.DataFrame(batch, columns=self.columns, dtype=object),
                                   np.asarray(lines, dtype=np.int64))
                    batch, lines = [], []
                    if total:
                        progress.set(rowno / total, "reading")
            if batch:
                yield RawChunk(pd.DataFrame(batch, columns=self.columns, dtype=object),
                               np.asarray(lines, dtype=np.int64))
        finally:
            wb.close()

    # -- Parquet -------------------------------------------------------------------------------
    def _parquet_chunks(self, progress: Progress, report: ImportReport, rows: int) -> Iterator[RawChunk]:
        pf = _parquet_file(self)
        total = pf.metadata.num_rows or 1
        done = 0
        for batch in pf.iter_batches(batch_size=rows):
            frame = _flatten_arrow(batch)
            n = len(frame)
            report.read += n
            yield RawChunk(frame, np.arange(done + 1, done + n + 1, dtype=np.int64))
            done += n
            progress.set(done / total, "reading")

    # -- JSON ----------------------------------------------------------------------------------
    def _json_chunks(self, progress: Progress, report: ImportReport, rows: int) -> Iterator[RawChunk]:
        if self.json_array:
            text, counter = self._text_stream()
            with text:
                yield from self._json_records_in_chunks(
                    _stream_array(text, self.path), report, rows,
                    lambda: progress.set(counter.count / self.total_bytes if self.total_bytes else 0,
                                         "reading"))
            return
        records = _json_records(self)  # an object wrapping the records: parsed whole
        total = len(records) or 1
        done = [0]

        def numbered() -> Iterator[tuple[int, Any]]:
            for i, rec in enumerate(records, start=1):
                done[0] = i
                yield i, rec

        yield from self._json_records_in_chunks(numbered(), report, rows,
                                                lambda: progress.set(done[0] / total, "reading"))

    def _json_records_in_chunks(self, records: Iterator[tuple[int, Any]], report: ImportReport,
                                rows: int, tick) -> Iterator[RawChunk]:
        flat, nums = [], []
        for where, rec in records:
            report.read += 1
            if not isinstance(rec, dict):
                report.reject(where, None, "record is not a JSON object", _short(rec))
                continue
            flat.append(flatten(rec))
            nums.append(where)
            if len(flat) >= rows:
                yield RawChunk(pd.DataFrame(flat, dtype=object), np.asarray(nums, dtype=np.int64))
                flat, nums = [], []
                tick()
        if flat:
            yield RawChunk(pd.DataFrame(flat, dtype=object), np.asarray(nums, dtype=np.int64))
        tick()

    def _jsonl_chunks(self, progress: Progress, report: ImportReport, rows: int) -> Iterator[RawChunk]:
        text, counter = self._text_stream()
        flat: list[dict] = []
        nums: list[int] = []
        lineno = 0
        with text:
            try:
                for line in _capped_lines(text, report):
                    lineno += 1
                    if line is None:  # over-long line, already rejected and counted
                        continue
                    if not line.strip():
                        continue
                    report.read += 1
                    rec, problem = _parse_json_line(line)
                    if problem:
                        report.reject(lineno, None, problem, line[:80])
                        continue
                    flat.append(flatten(rec))
                    nums.append(lineno)
                    if len(flat) >= rows:
                        yield RawChunk(pd.DataFrame(flat, dtype=object), np.asarray(nums, dtype=np.int64))
                        flat, nums = [], []
                        if self.total_bytes:
                            progress.set(counter.count / self.total_bytes, "reading")
            except UnicodeDecodeError as e:
                raise ImportError_(self.path, f"not valid {self.encoding} text after line {lineno}; "
                                              "save it as UTF-8") from e
        if flat:
            yield RawChunk(pd.DataFrame(flat, dtype=object), np.asarray(nums, dtype=np.int64))


# ---- opening ------------------------------------------------------------------------------------

def open_source(path: str | Path) -> TableSource:
    """Detect the container, format, encoding, delimiter and header of a tabular export.
    Raises ImportError_ with a one-line message for files that hold no table."""
    path = str(path)
    p = Path(path)
    if not p.is_file():
        raise ImportError_(path, "no such file")
    if p.stat().st_size == 0:
        raise ImportError_(path, "the file is empty")
    with open(path, "rb") as f:
        magic = f.read(8)
    src = TableSource(path=path, format="csv")
    inner_name = p.name
    if is_zip(magic):
        names = zip_members(path)
        with zipfile.ZipFile(path) as zf:
            if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
                src.format = "xlsx"
                return _finish_xlsx(src)
            if "mimetype" in names and zf.read("mimetype")[:60].startswith(b"application/vnd.oasis"):
                raise ImportError_(path, "an OpenDocument file; save it as .xlsx or .csv to import it")
            data = [n for n in names if not n.startswith("__MACOSX/") and not n.endswith(".meta.json")]
            if len(data) != 1:
                raise ImportError_(path, f"zip holds {len(data)} data files; unpack it and open one")
            src.member = inner_name = data[0]
            src.total_bytes = zf.getinfo(data[0]).file_size
    elif is_gzip(magic):
        inner_name = p.name[:-3] if p.name.lower().endswith(".gz") else p.stem
        src.total_bytes = _gzip_size(path)
    else:
        src.total_bytes = p.stat().st_size
    try:
        with open_binary(path, src.member) as f:
            head = f.read(HEAD_BYTES)
    except ImportError_:
        raise
    except Exception as e:  # noqa: BLE001 - any decompression failure is a one-line error
        raise ImportError_(path, f"cannot be decompressed ({e})") from e
    if not head:
        raise ImportError_(path, "the file is empty")
    src.format = _guess_format(inner_name, head)
    if src.format == "parquet":
        return _finish_parquet(src)
    if src.format == "xlsx":
        return _finish_xlsx(src)
    from .textio import looks_binary
    if looks_binary(head):
        raise ImportError_(path, "binary content that is not a supported table format")
    src.encoding = detect_encoding(head)
    sample = _decode_head(head, src.encoding)
    if not sample.strip():
        raise ImportError_(path, "the file holds only white space")
    stripped = sample.lstrip("\ufeff \t\r\n")
    if src.format in ("json", "jsonl") or stripped[:1] in ("[", "{"):
        src.format = "jsonl" if _is_json_lines(stripped) else "json"
        src.json_array = stripped[:1] == "["
        return _finish_json(src)
    src.format = "csv"
    return _finish_csv(src, sample, inner_name)


def _guess_format(name: str, head: bytes) -> str:
    if head.startswith(b"PAR1"):
        return "parquet"
    if is_zip(head):
        return "xlsx"
    # binary formats are recognised by their magic bytes only: a CSV named .xlsx is still a CSV
    fmt = _TEXT_SUFFIXES.get(Path(name).suffix.lower(), "csv")
    return fmt if fmt in ("json", "jsonl") else "csv"


def _decode_head(head: bytes, encoding: str) -> str:
    # the sample may end in the middle of a character: decode leniently, only for sniffing
    return head.decode(encoding, errors="ignore")


def _finish_csv(src: TableSource, sample: str, name: str) -> TableSource:
    sample = sample.lstrip("\ufeff")
    # Excel's "sep=;" hint and comment lines ("# Exported ...") before the header
    lines = sample.splitlines(keepends=True)
    hint = None
    while src.preamble < min(len(lines) - 1, 50):
        ln = lines[src.preamble].strip()
        m = re.fullmatch(r"sep=(.)", ln)
        if m:
            hint = m.group(1)
        elif not ln.startswith("#"):
            break
        src.preamble += 1
    if src.preamble:
        sample = "".join(lines[src.preamble:])
        src.notes.append(f"skipped {src.preamble} line(s) before the header")
    if hint:
        src.delimiter = hint
    elif name.lower().endswith((".tsv", ".tab")):
        src.delimiter = "\t"
    else:
        src.delimiter = sniff_delimiter(sample)
    rows: list[tuple[list[str], int]] = []  # (record, physical line where it ends)
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=src.delimiter)
    try:
        for r in reader:
            rows.append((r, reader.line_num))
    except csv.Error as e:
        if not rows:
            raise ImportError_(src.path, f"no readable header row ({e})") from e
        rows.append(([], reader.line_num))  # the reading pass reports the bad line itself
    # the sample may end mid-record: drop its last row
    rows = [(r, e) for r, e in rows[:-1] if any(c.strip() for c in r)] if len(rows) > 1 else rows
    if not rows:
        raise ImportError_(src.path, "no header row found")
    title = _title_rows([r for r, _ in rows])
    if title:
        src.preamble += rows[title - 1][1]
        src.notes.append(f"skipped {title} title row(s) before the header")
        rows = rows[title:]
    src.columns = clean_header(rows[0][0])
    data = [r for r, _ in rows[1:]]
    if not data and _has_no_data(src):
        raise ImportError_(src.path, "has a header but no data rows")
    src.decimal = _detect_decimal([v for r in data[:500] for v in r])
    return src


def _title_rows(rows: list[list[str]]) -> int:
    """How many short rows ("Users report", "Exported by ...") precede a header as wide as the
    data: rows with fewer fields than most rows and at most two filled cells, within the first 10."""
    widths = [len(r) for r in rows[:200]]
    common = max(set(widths), key=widths.count)
    if common < 2 or len(rows[0]) >= common:
        return 0
    for i, r in enumerate(rows[:10]):
        if len(r) == common:
            return i
        if len(r) > common or sum(1 for c in r if c.strip()) > 2:
            return 0
    return 0


def _has_no_data(src: TableSource) -> bool:
    report = ImportReport(src.path)
    for chunk in src.chunks(Progress(), report, rows=1):
        return False
    return report.read == 0


def _finish_xlsx(src: TableSource) -> TableSource:
    ws, wb = _first_sheet(src)
    try:
        filled: list[tuple[int, list[str]]] = []  # (sheet row, cells) of the first non-blank rows
        for rowno, values in enumerate(ws.iter_rows(values_only=True), start=1):
            if _blank_row(values):
                continue
            cells = ["" if v is None else str(v) for v in values]
            while cells and not cells[-1].strip():
                cells.pop()
            filled.append((rowno, cells))
            if len(filled) >= 200:
                break
    finally:
        wb.close()
    if not filled:
        raise ImportError_(src.path, "the workbook's first sheet is empty")
    title = _title_rows([c for _, c in filled])
    if title:
        src.notes.append(f"skipped {title} title row(s) before the header")
    src.preamble, header = filled[title][0] - 1, filled[title][1]
    if len(filled) <= title + 1:
        raise ImportError_(src.path, "has a header but no data rows")
    src.columns = clean_header(header)
    return src


def _blank_row(values: tuple) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _first_sheet(src: TableSource):
    import openpyxl
    try:
        with open(src.path, "rb") as f:
            plain = is_zip(f.read(4)) and src.member is None
        fh = src.path if plain else io.BytesIO(open_binary(src.path, src.member).read())
        wb = openpyxl.load_workbook(fh, read_only=True, data_only=True)
    except ImportError_:
        raise
    except Exception as e:  # noqa: BLE001 - openpyxl raises many types for corrupt workbooks
        raise ImportError_(src.path, f"not a readable Excel workbook ({type(e).__name__}: {e})") from e
    ws = next((s for s in wb.worksheets if _sheet_has_data(s)), wb.worksheets[0] if wb.worksheets else None)
    if ws is None:
        wb.close()
        raise ImportError_(src.path, "the workbook has no sheets")
    return ws, wb


def _sheet_has_data(ws, rows: int = 100) -> bool:
    for values in islice(ws.iter_rows(values_only=True), rows):
        if any(v is not None and str(v).strip() for v in values):
            return True
    return False


def _parquet_file(src: TableSource):
    import pyarrow.parquet as pq
    try:
        with open(src.path, "rb") as f:
            plain = f.read(4) == b"PAR1"
        handle = src.path if plain else io.BytesIO(open_binary(src.path, src.member).read())
        return pq.ParquetFile(handle)
    except ImportError_:
        raise
    except Exception as e:  # noqa: BLE001 - pyarrow's errors for corrupt files vary
        raise ImportError_(src.path, f"not a readable Parquet file ({e})") from e


def _finish_parquet(src: TableSource) -> TableSource:
    pf = _parquet_file(src)
    if pf.metadata.num_rows == 0:
        raise ImportError_(src.path, "has columns but no data rows")
    src.columns = _flat_names(pf.schema_arrow)
    return src


def _json_records(src: TableSource) -> list:
    with open_binary(src.path, src.member) as f:
        raw = f.read(MAX_JSON_BYTES + 1)
    if len(raw) > MAX_JSON_BYTES:
        raise ImportError_(src.path, "JSON document larger than 1 GB; export it as JSON Lines")
    try:
        doc = json.loads(raw.decode(src.encoding or "utf-8"))
    except RecursionError as e:
        raise ImportError_(src.path, "JSON nested too deeply to be a table") from e
    except UnicodeDecodeError as e:
        raise ImportError_(src.path, f"not valid {src.encoding} text at byte {e.start}") from e
    except ValueError as e:
        raise ImportError_(src.path, f"not valid JSON ({e})") from e
    return _records_in(doc, src.path)


def _records_in(doc: Any, path: str) -> list:
    """The list of records a JSON document carries: the array itself, or the array an object wraps
    ({"data": [...]}, {"results": [...]}); a single object is one record."""
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict):
        lists = [(k, v) for k, v in doc.items() if isinstance(v, list) and v and isinstance(v[0], dict)]
        if lists:
            preferred = [kv for kv in lists if kv[0].lower() in ("data", "results", "records", "items",
                                                                  "rows", "responses", "reviews",
                                                                  "events", "users")]
            return max(preferred or lists, key=lambda kv: len(kv[1]))[1]
        return [doc]
    raise ImportError_(path, "JSON holds a single value, not a table")


def _finish_json(src: TableSource) -> TableSource:
    if src.format == "json" and src.json_array:
        text, _ = src._text_stream()
        with text:
            first = list(islice(_stream_array(text, src.path), 1000))
        if not first:
            raise ImportError_(src.path, "JSON holds no records")
        sample = [flatten(r) for _, r in first if isinstance(r, dict)]
    elif src.format == "json":
        records = _json_records(src)
        sample = [flatten(r) for r in records[:1000] if isinstance(r, dict)]
        if not records:
            raise ImportError_(src.path, "JSON holds no records")
    else:
        sample = []
        text, _ = src._text_stream()
        with text:
            try:
                for line in islice(_capped_lines(text, ImportReport(src.path)), 2000):
                    if line and line.strip():
                        rec, problem = _parse_json_line(line)
                        if not problem:
                            sample.append(flatten(rec))
            except UnicodeDecodeError as e:
                raise ImportError_(src.path, f"not valid {src.encoding} text near the start") from e
        if not sample:
            raise ImportError_(src.path, "no JSON object on any of its first lines")
    cols: dict[str, None] = {}
    for rec in sample:
        cols.update(dict.fromkeys(rec))
    src.columns = list(cols)
    return src


_JSON_WS = re.compile(r"[ \t\n\r]*")
MAX_RECORD_CHARS = 64 * 1024**2


def _stream_array(text, path: str) -> Iterator[tuple[int, Any]]:
    """(line where it starts, value) for each element of a top-level JSON array, decoded one at a
    time from a text stream: memory stays at one block plus one record."""
    dec = json.JSONDecoder()
    buf, pos, line, eof = "", 0, 1, False

    def fill() -> bool:
        nonlocal buf, pos, eof
        block = text.read(1 << 20)
        if not block:
            eof = True
            return False
        buf, pos = buf[pos:] + block, 0
        return True

    def skip_ws() -> None:
        nonlocal pos, line
        while True:
            end = _JSON_WS.match(buf, pos).end()
            line += buf.count("\n", pos, end)
            pos = end
            if pos < len(buf) or not fill():
                return

    try:
        skip_ws()
        if buf[pos:pos + 1] == "\ufeff":
            pos += 1
            skip_ws()
        if buf[pos:pos + 1] != "[":
            raise ImportError_(path, "JSON does not start with '['")
        pos += 1
        while True:
            skip_ws()
            if pos >= len(buf):
                raise ImportError_(path, f"JSON ends at line {line} before its closing ']'")
            ch = buf[pos]
            if ch == "]":
                return
            if ch == ",":
                pos += 1
                continue
            while True:
                try:
                    value, end = dec.raw_decode(buf, pos)
                    if end < len(buf) or eof:  # a number cut at the block's end is not whole
                        break
                except json.JSONDecodeError as e:
                    if eof:
                        raise ImportError_(path, f"not valid JSON at line "
                                                 f"{line + buf.count(chr(10), pos, e.pos)} ({e.msg})") from e
                    if len(buf) - pos > MAX_RECORD_CHARS:
                        raise ImportError_(path, f"a record at line {line} is longer than "
                                                 f"{MAX_RECORD_CHARS // 1024**2} MB") from e
                if not fill():
                    continue
            yield line, value
            line += buf.count("\n", pos, end)
            pos = end
    except RecursionError as e:
        raise ImportError_(path, f"JSON nested too deeply (line {line})") from e
    except UnicodeDecodeError as e:
        raise ImportError_(path, f"not valid text after line {line}; save it as UTF-8") from e


def _is_json_lines(text: str) -> bool:
    """Several top-level objects, one a line (the first line parses as a whole object)."""
    first = text.split("\n", 1)[0].strip()
    if not first.startswith("{"):
        return False
    try:
        json.loads(first)
    except (ValueError, RecursionError):
        return False
    return True


def _parse_json_line(line: str) -> tuple[Any, str | None]:
    if "\x00" in line:
        return None, "contains a NUL byte"
    try:
        rec = json.loads(line)
    except RecursionError:
        return None, "JSON nested too deeply"
    except ValueError:
        return None, "not valid JSON"
    if not isinstance(rec, dict):
        return None, "line is not a JSON object"
    return rec, None


def _gzip_size(path: str) -> int:
    """Uncompressed size from the gzip trailer (modulo 4 GiB; a guess for progress only)."""
    size = Path(path).stat().st_size
    with open(path, "rb") as f:
        f.seek(max(0, size - 4))
        isize = struct.unpack("<I", f.read(4).rjust(4, b"\0"))[0]
    return isize if isize >= size else size * 4


# ---- rows ---------------------------------------------------------------------------------------

def _capped_lines(text, reject: ImportReport) -> Iterator[str | None]:
    """Physical lines of a text stream; a line longer than MAX_LINE_CHARS is rejected (yielding
    None) and skipped without ever being held whole."""
    lineno = 0
    while True:
        line = text.readline(MAX_LINE_CHARS)
        if not line:
            return
        lineno += 1
        if len(line) >= MAX_LINE_CHARS and not line.endswith(("\n", "\r")):
            while True:
                more = text.readline(MAX_LINE_CHARS)
                if not more or more.endswith(("\n", "\r")):
                    break
            reject.read += 1
            reject.reject(lineno, None, f"line longer than {MAX_LINE_CHARS // 1024**2} MB")
            yield None
            continue
        yield line


@contextmanager
def _gc_paused():
    """Parsing makes millions of small lists and strings, none in reference cycles; the cyclic
    collector would scan them over and over (3-4x slower) for nothing."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _record_starts(batch: list[list[str]], before: int, after: int) -> np.ndarray:
    """Physical line where each record starts. Records are one line each unless a quoted field
    holds line breaks; only then are the breaks counted."""
    n = len(batch)
    starts = np.arange(before + 1, before + n + 1, dtype=np.int64)
    if after - before == n:
        return starts
    extra = np.zeros(n, dtype=np.int64)
    for i, row in enumerate(batch):
        for c in row:
            if "\n" in c or "\r" in c:
                extra[i] += c.count("\n") + c.count("\r") - c.count("\r\n")
    starts[1:] += np.cumsum(extra)[:-1]
    return starts


def _csv_frame(batch: list[list[str]], starts: np.ndarray, columns: list[str], ncols: int,
               report: ImportReport, check_nul: bool = True) -> tuple[pd.DataFrame, np.ndarray]:
    """Rows with the header's field count become the frame (text columns); others are rejected.
    Blank lines are not rows. A trailing empty field (a delimiter at the end of the line) is
    tolerated."""
    lens = np.fromiter(map(len, batch), np.int64, len(batch))
    blank = lens == 0
    for i in np.flatnonzero(lens == 1):
        blank[i] = not batch[i][0].strip()
    report.read += int((~blank).sum())
    ok = (lens == ncols) & ~blank
    for i in np.flatnonzero(~ok & ~blank):  # rare: look at each odd row
        row = batch[i]
        if lens[i] > ncols and not any(c.strip() for c in row[ncols:]):
            batch[i] = row[:ncols]
            ok[i] = True
        else:
            report.reject(int(starts[i]), None, "wrong number of fields",
                          f"expected {ncols}, found {lens[i]}")
    keep = np.flatnonzero(ok)
    if len(keep) == 0:
        return pd.DataFrame({c: pd.Series([], dtype="str") for c in columns}), np.zeros(0, np.int64)
    rows = batch if len(keep) == len(batch) else [batch[i] for i in keep]
    cols = list(zip(*rows))
    frame = pd.DataFrame({c: pd.array(pa.array(v, pa.string()), dtype="str") for c, v in zip(columns, cols)})
    lines = starts[keep]
    nul = np.zeros(len(frame), bool)
    for c in columns if check_nul else ():
        nul |= frame[c].str.contains("\x00", regex=False).to_numpy(dtype=bool, na_value=False)
    if nul.any():
        for i in np.flatnonzero(nul):
            report.reject(int(lines[i]), None, "contains a NUL byte")
        frame, lines = frame[~nul].reset_index(drop=True), lines[~nul]
    return frame, lines


def clean_header(names: list[str]) -> list[str]:
    """Header cells as column names: trimmed, blanks named by position, repeats numbered."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, name in enumerate(names, start=1):
        name = str(name).replace("\ufeff", "").strip() or f"column_{i}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


_COMMA_DECIMAL = re.compile(r"^[+-]?\d{1,3}(\.\d{3})*,\d+$|^[+-]?\d+,\d+$")
_DOT_DECIMAL = re.compile(r"^[+-]?\d+\.\d+$")


def _detect_decimal(values: list[str]) -> str:
    """',' when numbers are written with decimal commas (1,5 or 1.234,5) and none with a dot."""
    comma = sum(1 for v in values if _COMMA_DECIMAL.match(v.strip()))
    dot = sum(1 for v in values if _DOT_DECIMAL.match(v.strip()) and not re.match(r"^\d{1,3}\.\d{3}$", v.strip()))
    return "," if comma > 0 and dot == 0 else "."


def flatten(rec: dict) -> dict:
    """Nested objects become dotted columns ({"a": {"b": 1}} -> {"a.b": 1}); lists and anything
    nested deeper than MAX_FLATTEN_DEPTH are kept as compact JSON strings."""
    out: dict[str, Any] = {}
    stack: list[tuple[str, dict, int]] = [("", rec, 0)]
    while stack:
        prefix, obj, depth = stack.pop()
        for k, v in obj.items():
            key = f"{prefix}{k}"
            if isinstance(v, dict) and v and depth < MAX_FLATTEN_DEPTH:
                stack.append((key + ".", v, depth + 1))
            elif isinstance(v, (list, dict)):
                out[key] = _dumps(v)
            else:
                out[key] = v
    return out


def _dumps(v: Any) -> str:
    try:
        return json.dumps(v, ensure_ascii=False, separators=(",", ":"), default=str)
    except (RecursionError, ValueError):
        return "<nested too deeply>"


def _short(v: Any) -> str:
    return _dumps(v)[:80]


def _flat_names(schema, prefix: str = "") -> list[str]:
    import pyarrow as pa
    names = []
    for f in schema:
        if pa.types.is_struct(f.type):
            names += _flat_names(f.type, prefix + f.name + ".")
        else:
            names.append(prefix + f.name)
    return names


def _flatten_arrow(batch) -> pd.DataFrame:
    """A record batch with struct columns flattened to dotted names and lists kept as JSON."""
    import pyarrow as pa
    table = pa.Table.from_batches([batch])
    while any(pa.types.is_struct(f.type) for f in table.schema):
        table = table.flatten()
    frame = table.to_pandas()
    for f in table.schema:
        if pa.types.is_list(f.type) or pa.types.is_large_list(f.type) or pa.types.is_map(f.type):
            frame[f.name] = frame[f.name].map(lambda v: None if v is None else _dumps(_plain(v)),
                                              na_action="ignore")
    return frame


def _plain(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        return [_plain(x) for x in v.tolist()]
    return v


def _union(a: list[str], b: list[str]) -> list[str]:
    return a + [c for c in b if c not in set(a)]
