"""Malformed variants of every supported format, and the invariant every import must keep.

Shared by the test suite (a few hundred cases) and benchmarks/fuzz_importers.py (10,000 and more).
Invariant: a file is either read with every row accounted for (read = valid + duplicates + rejected,
and the table holds exactly the valid rows), or refused with a one-line ImportError_ naming the file.
Anything else (another exception, a hang) is a bug.
"""
from __future__ import annotations

import gzip
import io
import json
import zipfile
from pathlib import Path

from hypothesis import strategies as st

from humetrics_desktop.core.io.registry import read_any
from humetrics_desktop.core.io.report import ImportError_

SEEDS: dict[str, bytes] = {
    "nps.csv": (b"response_id,user_id,submitted_at,score,comment\r\n"
                b"r1,u1,2026-03-01T10:00:00Z,9,\"Great, really\"\r\n"
                b"r2,u2,2026-03-02T11:00:00+02:00,3,\"too expensive\nand slow\"\r\n"
                b"r3,u3,2026-03-03,ten,\r\n"
                b"r1,u1,2026-03-01T10:00:00Z,9,dup\r\n"),
    "users.csv": ("user_id;signup_at;country;age;gender\n"
                  "u1;2025-01-01;Deutschland;34;weiblich\n"
                  "u2;2025-02-01;日本;27,5;nb\n"
                  "u3;2025-03-01;Türkiye;;\n").encode("utf-8-sig"),
    "events.jsonl": b"\n".join(json.dumps({"event": "open", "properties": {
        "time": 1767225600 + i * 3600, "distinct_id": f"u{i % 3}", "$insert_id": f"i{i % 4}",
        "mp_country_code": "DE"}}).encode() for i in range(6)),
    "feedback.json": json.dumps({"data": [{"feedback_id": "f1", "created_at": "2026-01-01", "text": "love it",
                                           "rating": 5, "nested": {"a": {"b": 1}}},
                                          {"feedback_id": "f2", "created_at": "2026-01-02",
                                           "text": "hate it", "rating": 1}]}).encode(),
    "reviews_utf16.csv": ("Review Text,Star Rating,Review Submit Date and Time\n"
                          "Nice app,5,2026-01-01T00:00:00Z\n").encode("utf-16"),
}

_JUNK = [b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\"", b"\n", b"\r", b",", b";", b"{", b"}", b"[", b"\\",
         b"\xc3", b"\x80", b"=cmd|' /C calc'!A0", b"9" * 40, b"x" * 5000]


@st.composite
def malformed_files(draw) -> tuple[str, bytes]:
    """A seed file, damaged: truncated, bytes inserted or replaced, lines duplicated, wrapped in gz/zip."""
    name = draw(st.sampled_from(sorted(SEEDS)))
    data = bytearray(SEEDS[name])
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.sampled_from(["truncate", "insert", "replace", "dup_line", "delete"]))
        pos = draw(st.integers(0, max(0, len(data))))
        if op == "truncate":
            data = data[:pos]
        elif op == "insert":
            data[pos:pos] = draw(st.sampled_from(_JUNK) | st.binary(min_size=1, max_size=16))
        elif op == "replace" and data:
            data[min(pos, len(data) - 1)] = draw(st.integers(0, 255))
        elif op == "dup_line":
            lines = bytes(data).split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(i, lines[i])
            data = bytearray(b"\n".join(lines))
        elif op == "delete" and data:
            data = data[:pos] + data[pos + draw(st.integers(1, 20)):]
    wrap = draw(st.sampled_from(["none", "none", "gz", "zip", "truncated-gz"]))
    raw = bytes(data)
    if wrap == "gz":
        return name + ".gz", gzip.compress(raw)
    if wrap == "truncated-gz":
        z = gzip.compress(raw)
        return name + ".gz", z[: max(1, len(z) // 2)]
    if wrap == "zip":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr(name, raw)
        return name + ".zip", buf.getvalue()
    return name, raw


def check_file(path: Path) -> str:
    """Apply the invariant; returns "read" or "refused" (raises AssertionError on a violation)."""
    try:
        result = read_any(str(path))
    except ImportError_ as e:
        msg = str(e)
        assert "\n" not in msg.strip(), f"multi-line error: {msg!r}"
        assert str(path) in msg, f"error does not name the file: {msg!r}"
        return "refused"
    rep = result.report
    assert rep.read == rep.valid + rep.duplicates + rep.rejected, rep
    assert len(result.table) == rep.valid, (len(result.table), rep)
    return "read"
