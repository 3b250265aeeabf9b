"""Google Play Console reviews report (Download reports > Reviews, or the
`reviews/reviews_<package>_YYYYMM.csv` files in the Play Console's Cloud Storage bucket).

The file is UTF-16 (little-endian, with a byte-order mark) and comma-separated, with the columns
"Package Name", "App Version Code", "App Version Name", "Reviewer Language", "Device",
"Review Submit Date and Time", "Review Submit Millis Since Epoch", "Review Last Update Date and
Time", "Review Last Update Millis Since Epoch", "Star Rating", "Review Title", "Review Text",
"Developer Reply Date and Time", "Developer Reply Millis Since Epoch", "Developer Reply Text",
"Review Link".

Quirks handled:
- The encoding: UTF-16 with or without its mark (UTF-8 copies re-saved by a spreadsheet work too).
- Times: the millisecond epoch column when filled, else the ISO "2024-03-10T09:15:00Z" text.
- Rating-only reviews have no text: they are kept (text empty) because their stars count; a
  review with only a title takes the title as its text.
- The report has no country; "Reviewer Language" ("en", "pt_BR") goes to `language`.
- A review edited later appears once with its last version; the same Review Link (or, without a
  link, the same submit millis + device + text) twice in one file is a duplicate.
- A star rating outside 1-5 is rejected.
"""
from __future__ import annotations

import pandas as pd

from ...progress import Progress
from ..report import ImportReport, ImportResult
from . import _common as c

FORMAT = "google-play-reviews"
KIND = "reviews"
PRIORITY = 50


def sniff(path: str, head: bytes) -> bool:
    rows = c.csv_header(head, 1)
    if not rows:
        return False
    names = {h.strip().casefold() for h in rows[0]}
    return {"package name", "star rating", "review text"} <= names


def read(path: str, progress: Progress) -> ImportResult:
    report = ImportReport(path=path, format=FORMAT, kind=KIND)
    it = c.csv_records(path, progress.sub(0, 0.8))
    header = [h.strip() for h in next(it, (0, []))[1]]
    n = len(header)
    idx = lambda *names: c.find_column(header, *names)  # noqa: E731
    i_pkg, i_stars, i_text = idx("Package Name"), idx("Star Rating"), idx("Review Text")
    i_title, i_lang, i_dev = idx("Review Title"), idx("Reviewer Language"), idx("Device")
    i_millis = idx("Review Last Update Millis Since Epoch", "Review Submit Millis Since Epoch")
    i_submit_ms = idx("Review Submit Millis Since Epoch")
    i_when = idx("Review Submit Date and Time", "Review Last Update Date and Time")
    i_link, i_version = idx("Review Link"), idx("App Version Name")
    i_reply = idx("Developer Reply Text")


    rows, seen = [], set()
    for line, rec in c.counted_rows(it, n, report):
        stars = c.parse_rating(c.cell(rec, i_stars))
        if stars is None:
            report.reject(line, header[i_stars], "star rating is not 1-5", c.cell(rec, i_stars))
            continue
        text = (c.cell(rec, i_text) or "").strip() or (c.cell(rec, i_title) or "").strip()
        key = c.cell(rec, i_link) or (c.cell(rec, i_submit_ms), c.cell(rec, i_dev), text)
        if key in seen:
            report.duplicate(reason="duplicate review")
            continue
        seen.add(key)
        millis = c.cell(rec, i_submit_ms) or c.cell(rec, i_millis)
        rows.append({
            "feedback_id": c.cell(rec, i_link) or None, "when": millis or c.cell(rec, i_when),
            "source": f"google-play:{c.cell(rec, i_pkg)}", "rating": stars, "text": text,
            "language": c.cell(rec, i_lang), "title": c.cell(rec, i_title),
            "app_version": c.cell(rec, i_version), "device": c.cell(rec, i_dev),
            "developer_reply": c.cell(rec, i_reply),
        })
    progress.set(0.9, "normalising")
    df = pd.DataFrame(rows, columns=["feedback_id", "when", "source", "rating", "text", "language",
                                     "title", "app_version", "device", "developer_reply"])
    df["created_at"] = c.parse_times(df.pop("when").astype(object))
    for col in ("feedback_id", "language", "title", "app_version", "device", "developer_reply"):
        df[col] = c.clean_str(df[col])
    df["rating"] = df["rating"].astype("float64")
    progress.set(1.0, "done")
    return ImportResult(table=c.finish(df, KIND, report), report=report)
