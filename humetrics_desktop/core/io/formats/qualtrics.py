"""Qualtrics survey responses CSV (Data & Analysis > Export > CSV), the current layout with
three header rows:
  1. export tags: StartDate, EndDate, Status, ..., Finished, RecordedDate, ResponseId, ..., Q1, Q1_NPS_GROUP
  2. the question texts ("How likely are you to recommend ...?")
  3. import ids as JSON: {"ImportId":"recordedDate","timeZone":"America/Denver"}, {"ImportId":"QID1"}

Quirks handled:
- The NPS question is the column whose `<name>_NPS_GROUP` sibling exists; its value is 0-10
  (numeric export) or "10 - Extremely likely"-style choice text; both give the number.
- `Status` "Survey Preview" (1), "Survey Test" (2) and "Spam" (8) responses are excluded, as are
  unfinished ones (`Finished` False/0); each is counted under its reason.
- Dates are local to the time zone named in row 3 (the export's setting, e.g. America/Denver,
  with DST) and converted to UTC; in the repeated autumn hour the first (summer) reading is used.
- An NPS question recoded 1-11 (edited recode values) is detected from its _NPS_GROUP column
  (the groups then agree with value - 1) and shifted back to 0-10, with a note.
- Comment: the first text-entry question (import id ending in _TEXT) after the NPS question.
- `ExternalReference` is the user id, `RecipientEmail`/names the contact; an embedded-data field
  called Country (and Region) gives the place.
Older exports with two header rows and V1..V10 columns are left to the generic importer.
"""
from __future__ import annotations

import json

from ...progress import Progress
from ..report import ImportReport, ImportResult
from . import _common as c

FORMAT = "qualtrics"
KIND = "survey"
PRIORITY = 60

_EXCLUDED_STATUS = {
    "1": "survey preview", "survey preview": "survey preview",
    "17": "survey preview", "offline survey preview": "survey preview",
    "2": "survey test", "survey test": "survey test",
    "8": "spam", "spam": "spam",
}


def sniff(path: str, head: bytes) -> bool:
    rows = c.csv_header(head, 3)
    if len(rows) < 3:
        return False
    tags, _, imports = rows
    return ("ResponseId" in tags and ("Finished" in tags or "StartDate" in tags)
            and imports and imports[0].startswith('{"ImportId"'))


def _import_ids(row: list[str]) -> list[dict]:
    out = []
    for cell in row:
        try:
            out.append(json.loads(cell))
        except (json.JSONDecodeError, TypeError):
            out.append({})
    return out


def read(path: str, progress: Progress) -> ImportResult:
    report = ImportReport(path=path, format=FORMAT, kind=KIND)
    it = c.csv_records(path, progress.sub(0, 0.8))
    headers = [next(it, (0, []))[1] for _ in range(3)]
    tags, questions, imports = headers[0], headers[1], _import_ids(headers[2])
    n = len(tags)
    col = {name: i for i, name in enumerate(tags)}
    nps = next((i for i, t in enumerate(tags) if f"{t}_NPS_GROUP" in col), None)
    comment = None
    if nps is not None:
        for i in range(nps + 1, n):
            if str(imports[i].get("ImportId", "") if i < len(imports) else "").endswith("_TEXT"):
                comment = i
                break
    tz = None
    for key in ("RecordedDate", "EndDate", "StartDate"):
        if key in col and col[key] < len(imports):
            tz = imports[col[key]].get("timeZone") or tz
            if tz:
                break
    time_col = next((col[k] for k in ("RecordedDate", "EndDate") if k in col), None)
    country = c.find_column(tags, "Country", "country_code", "CountryCode")
    region = c.find_column(tags, "Region", "State")


    records = []
    for line, rec in c.counted_rows(it, n, report):
        status = (c.cell(rec, col.get("Status")) or "").strip().casefold()
        if status in _EXCLUDED_STATUS:
            report.reject(line, "Status", _EXCLUDED_STATUS[status], c.cell(rec, col.get("Status")))
            continue
        finished = (c.cell(rec, col.get("Finished")) or "").strip().casefold()
        if finished in ("false", "0"):
            report.reject(line, "Finished", "unfinished response", c.cell(rec, col.get("Finished")))
            continue
        if nps is None:
            report.reject(line, None, "no NPS question (no _NPS_GROUP column) in the export")
            continue
        first, last = c.cell(rec, col.get("RecipientFirstName")), c.cell(rec, col.get("RecipientLastName"))
        records.append({
            "line": line, "response_id": c.cell(rec, col.get("ResponseId")),
            "user_id": c.cell(rec, col.get("ExternalReference")),
            "submitted_at": c.cell(rec, time_col), "score": rec[nps], "score_column": tags[nps],
            "comment": c.cell(rec, comment), "email": c.cell(rec, col.get("RecipientEmail")),
            "name": " ".join(p for p in (first, last) if p) or None,
            "country": c.cell(rec, country), "region": c.cell(rec, region),
            "language": c.cell(rec, col.get("UserLanguage")),
            "group": c.cell(rec, col.get(f"{tags[nps]}_NPS_GROUP")),
        })
    progress.set(0.9, "normalising")
    if _recoded_one_to_eleven(records):
        kept = []
        for r in records:
            raw = str(r["score"] or "").strip()
            if raw.isdigit() and not 1 <= int(raw) <= 11:
                report.reject(r["line"], r["score_column"], "score outside 1-11 (recoded scale)", raw)
                continue
            if raw.isdigit():
                r["score"] = str(int(raw) - 1)
            kept.append(r)
        records = kept
        report.notes.append("NPS answers were recoded 1-11 in Qualtrics (the _NPS_GROUP column "
                            "shows it): shifted back to 0-10")
    df = c.survey_table(records, report, FORMAT, tz=tz, extra_cols=["language"])
    if nps is not None:
        report.notes.append(f"NPS question: {tags[nps]} ({questions[nps] if nps < len(questions) else ''})")
    if tz:
        report.notes.append(f"dates converted from {tz} to UTC")
    progress.set(1.0, "done")
    return ImportResult(table=c.finish(df, KIND, report), report=report)


_GROUPS = {"1": 0, "detractor": 0, "detractors": 0, "2": 1, "passive": 1, "passives": 1,
           "3": 2, "promoter": 2, "promoters": 2}


def _category(score: int) -> int:
    return 0 if score <= 6 else (1 if score <= 8 else 2)


def _recoded_one_to_eleven(records: list[dict]) -> bool:
    """True when the NPS values were recoded 1-11 (an edited recode in Qualtrics): the group
    column then agrees with value - 1 rather than with the value itself."""
    plain = shifted = both = 0
    for r in records:
        group = _GROUPS.get(str(r.get("group") or "").strip().casefold())
        raw = str(r.get("score") or "").strip()
        if group is None or not raw.isdigit():
            continue
        v = int(raw)
        both += 1
        plain += 0 <= v <= 10 and _category(v) == group
        shifted += 1 <= v <= 11 and _category(v - 1) == group
    return both >= 5 and shifted >= 0.95 * both and plain < 0.9 * both
