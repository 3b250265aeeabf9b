"""Google Analytics 4 exploration or report downloaded as CSV (Explore > Download > CSV, or
Reports > Share > Download file > CSV).

The file opens with a preamble of "#" comment lines (report name, account, property, "Start
date: 20240301", "End date: 20240331"), then a header row of dimensions and metrics ("Country",
"Region", "Date", "Active users", "New users", "Sessions", ...) and the rows. Reports with several
tables repeat a "#" block and a new header before each table.

Quirks handled:
- Dates are "YYYYMMDD"; without a Date dimension every row is dated with the preamble's start
  date (noted in the report).
- "(not set)" and "(other)" are GA4's unknown values: countries become "??", regions empty.
- A "Totals"/"Grand total" row, and a row whose dimensions are all empty (GA4's summary row), is
  not data: rejected as "totals row (not data)" so the sums are not doubled.
- Numbers may carry thousands separators ("1,234"); a row whose metrics cannot be read is rejected.
- Only the first table is read; rows of later tables are counted as "another table in the file".
  Likewise with a Segment column only the first segment's rows are read (segments overlap).
Rows are daily traffic: `date` (UTC midnight), `active_users`, `new_users`, `sessions`, `country`,
`region`.
"""
from __future__ import annotations

import csv
import io
import re

import pandas as pd

from ...progress import Progress
from ..report import ImportReport, ImportResult
from . import _common as c

FORMAT = "ga4"
KIND = "traffic"
PRIORITY = 50

_METRICS = {"active users": "active_users", "users": "active_users", "total users": "total_users",
            "new users": "new_users", "sessions": "sessions", "engaged sessions": "engaged_sessions",
            "views": "views", "event count": "event_count"}
_DIMS = {"date": "date", "country": "country", "region": "region", "city": "city",
         "country id": "country", "region id": "region"}
# metrics this reader does not keep, which must not be taken for dimensions (totals detection)
_METRIC_LIKE = re.compile(r"rate|average|\bper\b|count|duration|time\b|revenue|value|users|"
                          r"sessions|views|events|conversions|%")
_UNKNOWN = {"(not set)", "(other)", "(not provided)", ""}


def sniff(path: str, head: bytes) -> bool:
    lines = c.head_text(head).splitlines()[:200]
    comments = [ln for ln in lines if ln.startswith("#")]
    if not lines or not lines[0].startswith("#") or not comments:
        return False
    if not any(re.match(r"#\s*(start date|end date)\s*:\s*\d{8}", ln, re.I) for ln in comments):
        return False
    header = next((ln for ln in lines if ln.strip() and not ln.startswith("#")), "")
    cells = {h.strip().casefold() for h in next(csv.reader([header]), [])}
    return bool(cells & set(_METRICS))


def _number(value: str) -> float | None:
    """A count: "1,234", "1 234" and (exports in German and similar locales) "1.234" are 1234."""
    s = (value or "").strip().replace(",", "").replace("\u00a0", "").replace(" ", "")
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", s):  # counts are whole: dots group thousands
        s = s.replace(".", "")
    if not s:
        return 0.0
    try:
        return float(s)
    except ValueError:
        return None


def read(path: str, progress: Progress) -> ImportResult:
    report = ImportReport(path=path, format=FORMAT, kind=KIND)
    lines = list(io.StringIO(c.SizedText(path).read_all(), newline=""))
    progress.set(0.3, "reading rows")
    start = None
    header: list[str] | None = None
    header_line = 0
    body: list[tuple[int, str]] = []
    in_first_table, later_header_due = True, False
    for i, raw in enumerate(lines, 1):
        if raw.startswith("#"):
            m = re.match(r"#\s*start date\s*:\s*(\d{8})", raw, re.I)
            if m and start is None:
                start = m.group(1)
            if header is not None and body:
                in_first_table, later_header_due = False, True
            continue
        if not raw.strip():
            continue
        if header is None:
            header, header_line = next(csv.reader([raw])), i
            continue
        if later_header_due:  # the header of a later table is not a row
            later_header_due = False
            continue
        if not in_first_table:
            report.read += 1
            report.reject(i, None, "another table in the file (only the first is read)")
            continue
        body.append((i, raw))
    if header is None:
        header = []
    names = [h.strip() for h in header]
    folded = [h.casefold() for h in names]
    dims = {_DIMS[f]: k for k, f in enumerate(folded) if f in _DIMS}
    mets = {_METRICS[f]: k for k, f in enumerate(folded) if f in _METRICS}
    dim_cols = [k for k, f in enumerate(folded) if f not in _METRICS and not _METRIC_LIKE.search(f)]
    seg = folded.index("segment") if "segment" in folded else None
    first_segment = None
    rows = []
    for line, raw in body:
        rec = next(csv.reader([raw]), [])
        report.read += 1
        if len(rec) != len(names):
            report.reject(line, None, "row has a different number of fields than the header (truncated?)",
                          f"{len(rec)} of {len(names)}")
            continue
        first_dim = rec[dim_cols[0]].strip().casefold() if dim_cols else ""
        if first_dim in ("totals", "total", "grand total") or all(not rec[k].strip() for k in dim_cols):
            report.reject(line, names[dim_cols[0]] if dim_cols else None, "totals row (not data)")
            continue
        if seg is not None:
            # each segment repeats the same users: summing segments would count people twice
            first_segment = first_segment if first_segment is not None else rec[seg]
            if rec[seg] != first_segment:
                report.reject(line, names[seg], "another segment (only the first is read)", rec[seg])
                continue
        values = {m: _number(rec[k]) for m, k in mets.items()}
        bad = next((m for m, v in values.items() if v is None), None)
        if bad:
            report.reject(line, names[mets[bad]], "metric is not a number", rec[mets[bad]])
            continue
        row = {d: rec[k].strip() for d, k in dims.items()}
        row.update(values)
        row["line"] = line
        rows.append(row)
    progress.set(0.8, "normalising")
    df = pd.DataFrame(rows)
    if df.empty:
        df = pd.DataFrame(columns=["date", "line"])
    if "date" not in df:
        df["date"] = start
        report.notes.append(f"no Date dimension: every row dated with the start date {start}")
    dates = pd.to_datetime(df["date"], format="%Y%m%d", errors="coerce", utc=True)
    for ln in df.loc[dates.isna(), "line"]:
        report.reject(int(ln), "Date", "date is not YYYYMMDD")
    df["date"] = dates
    df = df[dates.notna()].drop(columns="line")
    for col in ("country", "region", "city"):
        if col in df:
            df[col] = df[col].where(~df[col].isin(_UNKNOWN), None)
    for col in ("active_users", "new_users", "sessions", "total_users", "engaged_sessions", "views",
                "event_count"):
        if col in df:
            df[col] = df[col].round().astype("int64")
    df = c.add_places(df, report)
    report.notes.append(f"header on line {header_line}")
    progress.set(1.0, "done")
    return ImportResult(table=c.finish(df, KIND, report), report=report)
