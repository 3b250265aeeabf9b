"""Opening exports safely: compressed containers with size caps, encoding and delimiter detection.

Nothing here modifies the user's file; everything is read-only.
"""
from __future__ import annotations

import codecs
import csv
import gzip
import io
import zipfile
import zlib
from pathlib import Path

from charset_normalizer import from_bytes

from .report import ImportError_

# Decompressed size cap: stops zip/gzip bombs with a clear message. Large real exports fit under it.
MAX_DECOMPRESSED = 4 * 1024**3
MAX_RATIO = 200  # a compression ratio above this on a large member is treated as a bomb

BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def is_gzip(head: bytes) -> bool:
    return head[:2] == b"\x1f\x8b"


def is_zip(head: bytes) -> bool:
    return head[:4] == b"PK\x03\x04"


def looks_binary(head: bytes) -> bool:
    """True for content that is no text in any encoding we read (NULs outside UTF-16/32)."""
    if not head:
        return False
    if any(head.startswith(b) for b, _ in BOMS):
        return False
    if b"\x00" in head:
        # UTF-16 without BOM has NULs in every other byte; anything else is binary
        even, odd = head[0::2], head[1::2]
        if even.count(0) > 0.4 * len(even) or odd.count(0) > 0.4 * len(odd):
            return False
        return True
    ctrl = sum(1 for b in head if b < 9 or 13 < b < 32)
    return ctrl > 0.1 * len(head)


class _CappedReader(io.RawIOBase):
    """Wraps a decompressing stream and raises once more than `cap` bytes come out."""

    def __init__(self, raw, cap: int, path: str) -> None:
        self._raw, self._cap, self._path, self._n = raw, cap, path, 0

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        try:
            data = self._raw.read(len(b))
        except (EOFError, gzip.BadGzipFile, zipfile.BadZipFile, zlib.error, OSError) as e:
            raise ImportError_(self._path, f"the compressed data is corrupt or truncated ({e})") from e
        self._n += len(data)
        if self._n > self._cap:
            raise ImportError_(self._path, f"decompresses to more than {self._cap // 1024**2} MB; "
                                           "refusing (possible zip bomb)")
        b[: len(data)] = data
        return len(data)


def open_binary(path: str | Path, member: str | None = None, cap: int | None = None):
    """A binary stream of the file's content, transparently gunzipped. For a zip, `member` names the
    entry (default: the only entry). Raises ImportError_ with a one-line message on corruption."""
    path = str(path)
    cap = cap or MAX_DECOMPRESSED
    with open(path, "rb") as f:
        head = f.read(8)
    if is_gzip(head):
        return io.BufferedReader(_CappedReader(gzip.open(path, "rb"), cap, path), 1 << 20)
    if is_zip(head):
        names = zip_members(path)
        if member is None:
            if len(names) != 1:
                raise ImportError_(path, f"zip holds {len(names)} files; open one of them")
            member = names[0]
        zf = zipfile.ZipFile(path)
        return io.BufferedReader(_CappedReader(zf.open(member), cap, path), 1 << 20)
    return open(path, "rb")


def zip_members(path: str | Path, cap: int | None = None) -> list[str]:
    """Names of the files in a zip, after checking it is not a bomb."""
    path = str(path)
    cap = cap or MAX_DECOMPRESSED
    try:
        with zipfile.ZipFile(path) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir()]
    except zipfile.BadZipFile as e:
        raise ImportError_(path, f"not a readable zip archive ({e})") from e
    total = sum(i.file_size for i in infos)
    if total > cap:
        raise ImportError_(path, f"zip would decompress to {total // 1024**2} MB; refusing")
    for i in infos:
        if i.file_size > 50 * 1024**2 and i.compress_size and i.file_size / i.compress_size > MAX_RATIO:
            raise ImportError_(path, f"zip member {i.filename} has a compression ratio above "
                                     f"{MAX_RATIO}; refusing (possible zip bomb)")
    return [i.filename for i in infos]


def detect_encoding(sample: bytes) -> str:
    """BOM first, then strict UTF-8, then charset-normalizer, falling back to cp1252/latin-1."""
    for bom, enc in BOMS:
        if sample.startswith(bom):
            return enc
    if sample and (sample[0::2].count(0) > 0.4 * len(sample) / 2 or sample[1::2].count(0) > 0.4 * len(sample) / 2):
        return "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as e:
        # a multi-byte character cut at the end of the sample is still UTF-8
        if e.start >= len(sample) - 3:
            try:
                sample[: e.start].decode("utf-8")
                return "utf-8"
            except UnicodeDecodeError:
                pass
    best = from_bytes(sample[:200_000]).best()
    if best is not None and best.encoding not in ("ascii",):
        enc = best.encoding
        # charset-normalizer sometimes names exotic code pages for Western text; prefer cp1252
        return "cp1252" if enc in ("latin_1", "iso8859_1", "cp1250", "cp1252") else enc
    return "cp1252"


def read_head(path: str | Path, n: int = 256 * 1024, member: str | None = None) -> bytes:
    with open_binary(path, member) as f:
        return f.read(n)


def open_text(path: str | Path, member: str | None = None, encoding: str | None = None):
    """A text stream with the detected encoding; newline='' so the csv module sees quoted newlines."""
    if encoding is None:
        encoding = detect_encoding(read_head(path, member=member))
    raw = open_binary(path, member)
    return io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline=""), encoding


def sniff_delimiter(text_sample: str) -> str:
    """Comma, semicolon, tab or pipe, by which splits the first lines most consistently."""
    lines = [ln for ln in text_sample.splitlines()[:50] if ln.strip()]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines[:20]), delimiters=",;\t|").delimiter
    except csv.Error:
        pass
    best, best_score = ",", -1.0
    for d in (",", ";", "\t", "|"):
        counts = [ln.count(d) for ln in lines]
        if counts[0] == 0:
            continue
        consistent = sum(1 for c in counts if c == counts[0]) / len(counts)
        score = consistent * counts[0]
        if score > best_score:
            best, best_score = d, score
    return best
