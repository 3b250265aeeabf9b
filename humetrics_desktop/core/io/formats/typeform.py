"""Typeform responses CSV (Results > Responses > Download > CSV).

One header row: "#" (the response token), one column per question titled with the question
text, hidden fields by their names, then "Response Type", "Start Date (UTC)", "Stage Date (UTC)",
"Submit Date (UTC)", "Network ID" and "Tags" (older exports lack Response Type and Stage Date).

Quirks handled:
- Partial responses ("Response Type" partial or started, or no Submit Date) never reached
  the end of the form; like Typeform's own results they are excluded, counted as
  "partial response (not submitted)".
- The NPS (Opinion Scale 0-10 / Net Promoter Score) question is the one whose title asks about
  recommending, with 0-10 answers; the comment is the question right after it.
- Dates are UTC ("YYYY-MM-DD HH:MM:SS"), as the column names say.
- Hidden fields named user_id/uid, email, country or region are used when present.
"""
from __future__ import annotations

from ...progress import Progress
from ..report import ImportReport, ImportResult
from . import _common as c

FORMAT = "typeform"
KIND = "survey"
PRIORITY = 60

_SYSTEM = {"#", "token", "response type", "start date (utc)", "stage date (utc)",
           "submit date (utc)", "network id", "tags", "ending"}


def sniff(path: str, head: bytes) -> bool:
    rows = c.csv_header(head, 1)
    if not rows:
        return False
    names = {h.casefold() for h in rows[0]}
    return ("submit date (utc)" in names and "network id" in names
            and ("#" in names or "token" in names))


def read(path: str, progress: Progress) -> ImportResult:
    report = ImportReport(path=path, format=FORMAT, kind=KIND)
    it = c.csv_records(path, progress.sub(0, 0.8))
    header = next(it, (0, []))[1]
    n = len(header)
    idx = lambda *names: c.find_column(header, *names)  # noqa: E731
    token, rtype, submit = idx("#", "token"), idx("response type"), idx("submit date (utc)")
    questions = [i for i, h in enumerate(header) if h.strip().casefold() not in _SYSTEM]
    nps = next((i for i in questions if c.looks_like_nps_question(header[i])), None)
    comment = None
    if nps is not None:
        comment = next((i for i in questions if i > nps), None)
    user = idx("user_id", "userid", "uid", "user id")
    email, country, region = idx("email", "e-mail"), idx("country"), idx("region", "state")


    records = []
    for line, rec in c.counted_rows(it, n, report):
        kind = (c.cell(rec, rtype) or "").strip().casefold()
        # only a submitted response is complete ("partial" and "started" ones never reached the end)
        if kind in ("partial", "started") or not (c.cell(rec, submit) or "").strip():
            report.reject(line, header[rtype] if rtype is not None else header[submit],
                          "partial response (not submitted)")
            continue
        if nps is None:
            report.reject(line, None, "no 'how likely ... recommend' question in the export")
            continue
        records.append({
            "line": line, "response_id": c.cell(rec, token), "user_id": c.cell(rec, user),
            "submitted_at": c.cell(rec, submit), "score": rec[nps], "score_column": header[nps],
            "comment": c.cell(rec, comment), "email": c.cell(rec, email),
            "country": c.cell(rec, country), "region": c.cell(rec, region),
        })
    progress.set(0.9, "normalising")
    df = c.survey_table(records, report, FORMAT, tz="UTC")
    progress.set(1.0, "done")
    return ImportResult(table=c.finish(df, KIND, report), report=report)
