"""Delighted NPS responses CSV (Dashboard > Export > CSV of responses).

Columns: "Response ID" (in newer exports), "Name", "Email", "Score", "Comment",
"Response Timestamp", then "Additional answers", "Tags", "Notes", and one column per person
property, including the ones Delighted adds itself ("Delighted Country", "Delighted Browser",
"Delighted Device Type", "Delighted Source", ...).

Quirks handled:
- The timestamp carries its offset ("2024-03-10 02:30:00 -0700") or is epoch seconds; both go to
  UTC; a bare local time is read as UTC and noted.
- The person's country is "Delighted Country" (an ISO code from the web survey) or a "Country"
  property; region from "Region"/"State" properties.
- "Response ID" repeated is a duplicate; without it nothing is de-duplicated (two people may give
  the same score at the same second).
- A person property named user_id/customer_id/id gives the user id.
"""
from __future__ import annotations

from ...progress import Progress
from ..report import ImportReport, ImportResult
from . import _common as c

FORMAT = "delighted"
KIND = "survey"
PRIORITY = 55

_TIME = ("Response Timestamp", "Response timestamp", "Created At", "Created", "Timestamp")


def sniff(path: str, head: bytes) -> bool:
    rows = c.csv_header(head, 1)
    if not rows:
        return False
    names = [h.strip() for h in rows[0]]
    folded = {h.casefold() for h in names}
    delighted_props = any(h.startswith("Delighted ") for h in names)
    return ("score" in folded and "comment" in folded
            and ("response timestamp" in folded or delighted_props))


def read(path: str, progress: Progress) -> ImportResult:
    report = ImportReport(path=path, format=FORMAT, kind=KIND)
    it = c.csv_records(path, progress.sub(0, 0.8))
    header = next(it, (0, []))[1]
    n = len(header)
    idx = lambda *names: c.find_column(header, *names)  # noqa: E731
    score, comment, when = idx("Score"), idx("Comment"), idx(*_TIME)
    rid, email, name = idx("Response ID", "Survey Response ID", "ID"), idx("Email"), idx("Name")
    user = idx("user_id", "customer_id", "customer id", "user id", "Person ID")
    country = idx("Delighted Country", "Country", "country_code")
    region = idx("Region", "State", "Delighted Region")


    records = []
    for line, rec in c.counted_rows(it, n, report):
        records.append({
            "line": line, "response_id": c.cell(rec, rid), "user_id": c.cell(rec, user),
            "submitted_at": c.cell(rec, when), "score": rec[score], "score_column": header[score],
            "comment": c.cell(rec, comment), "email": c.cell(rec, email), "name": c.cell(rec, name),
            "country": c.cell(rec, country), "region": c.cell(rec, region),
        })
    progress.set(0.9, "normalising")
    df = c.survey_table(records, report, FORMAT)
    progress.set(1.0, "done")
    return ImportResult(table=c.finish(df, KIND, report), report=report)
