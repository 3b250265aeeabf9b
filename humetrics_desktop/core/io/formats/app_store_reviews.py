"""App Store Connect customer reviews: the API's JSON:API response
(GET /v1/apps/{id}/customerReviews), saved as returned:
{"data": [{"type": "customerReviews", "id": "...", "attributes": {"rating": 5, "title": "...",
  "body": "...", "reviewerNickname": "...", "createdDate": "2024-03-10T01:30:00-08:00",
  "territory": "USA"}, "relationships": {...}, "links": {...}}],
 "links": {"self": "...", "next": "..."}, "meta": {"paging": {"total": 120, "limit": 50}}}
Several pages saved one after another (JSON Lines or concatenated) or as a JSON array are read too.

Quirks handled:
- `territory` is an ISO alpha-3 code ("USA", "DEU", "JPN"): converted to alpha-2.
- `createdDate` carries its own offset (Pacific time, with DST): converted to UTC.
- The same review id on two pages is a duplicate.
- `title` and `body` are kept apart; the review text is the body (the title when the body is empty).
- A rating outside 1-5 or a resource that is not a customerReviews item is rejected;
  `included` resources (developer responses) are not reviews and are not counted.
"""
from __future__ import annotations

import pandas as pd

from ...progress import Progress
from ..report import ImportReport, ImportResult
from . import _common as c

FORMAT = "app-store-reviews"
KIND = "reviews"
PRIORITY = 50


def sniff(path: str, head: bytes) -> bool:
    text = c.head_text(head)[:65536]
    return '"customerReviews"' in text and '"attributes"' in text and '"data"' in text


def _items(doc):
    if isinstance(doc, list):
        for d in doc:
            yield from _items(d)
    elif isinstance(doc, dict):
        data = doc.get("data")
        if isinstance(data, list):
            yield from data
        elif isinstance(data, dict):
            yield data


def read(path: str, progress: Progress) -> ImportResult:
    report = ImportReport(path=path, format=FORMAT, kind=KIND)
    text = c.SizedText(path).read_all()
    progress.set(0.3, "parsing reviews")
    rows, seen = [], set()
    for line, doc in c.json_documents(text):
        if doc is None:
            report.read += 1
            report.reject(line, None, "truncated JSON: the rest of the file cannot be read")
            break
        for item in _items(doc):
            report.read += 1
            if not isinstance(item, dict) or item.get("type") != "customerReviews":
                report.reject(line, "type", "not a customerReviews resource",
                              item.get("type") if isinstance(item, dict) else None)
                continue
            rid = str(item.get("id") or "")
            if rid and rid in seen:
                report.duplicate(reason="duplicate review id")
                continue
            seen.add(rid)
            a = item.get("attributes") if isinstance(item.get("attributes"), dict) else {}
            rating = c.parse_rating(a.get("rating"))
            if rating is None:
                report.reject(line, "attributes.rating", "rating is not 1-5", a.get("rating"))
                continue
            body, title = (a.get("body") or "").strip(), (a.get("title") or "").strip()
            rows.append({"feedback_id": rid or None, "when": a.get("createdDate"),
                         "source": "app-store", "rating": rating, "text": body or title,
                         "country": a.get("territory"), "author": a.get("reviewerNickname"),
                         "title": title or None})
    progress.set(0.8, "normalising")
    df = pd.DataFrame(rows, columns=["feedback_id", "when", "source", "rating", "text", "country",
                                     "author", "title"])
    df["created_at"] = c.parse_times(df.pop("when").astype(object))
    df["rating"] = df["rating"].astype("float64")
    for col in ("country", "author"):
        df[col] = c.clean_str(df[col])
    df = c.add_places(df, report)
    progress.set(1.0, "done")
    return ImportResult(table=c.finish(df, KIND, report), report=report)
