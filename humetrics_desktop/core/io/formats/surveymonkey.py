"""SurveyMonkey responses CSV (Analyze results > Save as > All individual responses > CSV).

Two header rows: row 1 has the fixed respondent columns ("Respondent ID", "Collector ID",
"Start Date", "End Date", "IP Address", "Email Address", "First Name", "Last Name", "Custom Data 1")
then one cell per question, left blank over the further columns of the same question; row 2 names
each column's part: "Response", "Open-Ended Response", the answer choices, and
"Other (please specify)" for the typed-in answer of a multiple-choice question.

Quirks handled:
- Question names are carried across the blank cells of row 1; a column is "<question> | <part>"
  unless the part is plain "Response"/"Open-Ended Response". "Other (please specify)" text is kept
  in its own column and never taken for the NPS comment.
- The NPS question is the one whose text asks how likely one is to recommend; its answers are 0-10
  or "10 - Extremely likely"-style labels.
- Comment: the first open-ended answer after the NPS question.
- Dates are "MM/DD/YYYY hh:mm:ss AM" (DD/MM/YYYY for accounts outside the US, told apart by a
  first number above 12) with no time zone: they are taken as UTC (noted in the report).
- "Respondent ID" repeated is a duplicate.
"""
from __future__ import annotations

import re

from ...progress import Progress
from ..report import ImportReport, ImportResult
from . import _common as c

FORMAT = "surveymonkey"
KIND = "survey"
PRIORITY = 60

_PLAIN_PARTS = {"", "response", "open-ended response"}


def sniff(path: str, head: bytes) -> bool:
    rows = c.csv_header(head, 2)
    if len(rows) < 2:
        return False
    first = [h.casefold() for h in rows[0]]
    return (len(first) > 2 and first[0] == "respondent id" and "collector id" in first
            and len(rows[1]) >= len(first) - 1)


def _column_names(questions: list[str], parts: list[str]) -> tuple[list[str], list[str]]:
    """Question carried over blank cells, and the display name of every column."""
    carried, names, current = [], [], ""
    for i, q in enumerate(questions):
        if q.strip():
            current = q.strip()
        carried.append(current)
        part = parts[i].strip() if i < len(parts) else ""
        names.append(current if part.casefold() in _PLAIN_PARTS else f"{current} | {part}")
    return carried, names


def read(path: str, progress: Progress) -> ImportResult:
    report = ImportReport(path=path, format=FORMAT, kind=KIND)
    it = c.csv_records(path, progress.sub(0, 0.8))
    questions = next(it, (0, []))[1]
    parts = next(it, (0, []))[1]
    n = len(questions)
    carried, names = _column_names(questions, parts)
    fixed = {q.casefold(): i for i, q in enumerate(questions) if q.strip()}
    nps = next((i for i in range(n) if c.looks_like_nps_question(carried[i])
                and (parts[i] if i < len(parts) else "").strip().casefold() in _PLAIN_PARTS), None)
    comment = None
    if nps is not None:
        comment = next((i for i in range(nps + 1, n)
                        if (parts[i] if i < len(parts) else "").strip().casefold() == "open-ended response"),
                       None)
    country = next((i for i in range(n) if re.search(r"\bcountry\b", carried[i], re.I)
                    and (parts[i] if i < len(parts) else "").strip().casefold() in _PLAIN_PARTS), None)
    region = next((i for i in range(n) if re.search(r"\b(region|state|province)\b", carried[i], re.I)
                   and i not in (nps, country)
                   and (parts[i] if i < len(parts) else "").strip().casefold() in _PLAIN_PARTS), None)
    others = [i for i in range(n) if (parts[i] if i < len(parts) else "").strip().casefold()
              == "other (please specify)"]

    def get(rec, key):
        i = fixed.get(key) if isinstance(key, str) else key
        return rec[i] if i is not None and i < len(rec) else None

    records = []
    for line, rec in c.counted_rows(it, n, report):
        if nps is None:
            report.reject(line, None, "no 'how likely ... recommend' question in the export")
            continue
        first, last = get(rec, "first name"), get(rec, "last name")
        row = {
            "line": line, "response_id": get(rec, "respondent id"),
            "user_id": get(rec, "custom data 1"),
            "submitted_at": get(rec, "end date") or get(rec, "start date"),
            "score": rec[nps], "score_column": names[nps], "comment": get(rec, comment),
            "email": get(rec, "email address"),
            "name": " ".join(p for p in (first, last) if p) or None,
            "country": get(rec, country), "region": get(rec, region),
        }
        for i in others:
            row[names[i]] = rec[i]
        records.append(row)
    progress.set(0.9, "normalising")
    dayfirst = _day_first([r["submitted_at"] for r in records])
    df = c.survey_table(records, report, FORMAT, dayfirst=dayfirst,
                        extra_cols=[names[i] for i in others])
    report.notes.append("SurveyMonkey dates carry no time zone: read as UTC")
    if dayfirst:
        report.notes.append("dates are day/month/year (a first number above 12 shows it)")
    progress.set(1.0, "done")
    return ImportResult(table=c.finish(df, KIND, report), report=report)


def _day_first(values: list) -> bool:
    """US accounts write MM/DD/YYYY, others DD/MM/YYYY: a first number above 12 settles it."""
    for v in values:
        m = re.match(r"\s*(\d{1,2})/(\d{1,2})/\d{4}", str(v or ""))
        if m and int(m.group(1)) > 12:
            return True
    return False
