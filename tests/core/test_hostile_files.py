"""Hostile and broken files: an error naming the file, never a crash, a hang or a silent loss."""
import gzip
import io
import json
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings

from humetrics_desktop.core.io.registry import read_any
from humetrics_desktop.core.io.report import ImportError_
from humetrics_desktop.core.io import textio

from ..fuzzing import check_file, malformed_files


def _refused(path, *words):
    with pytest.raises(ImportError_) as info:
        read_any(str(path))
    msg = str(info.value)
    assert msg.startswith(str(path)) and "\n" not in msg
    for w in words:
        assert w in msg.lower()
    return msg


def test_gzip_bomb_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(textio, "MAX_DECOMPRESSED", 5 * 1024**2)
    path = tmp_path / "bomb.csv.gz"
    with gzip.open(path, "wb") as f:
        f.write(b"a,b\n")
        for _ in range(20):
            f.write(b"0" * 1024**2)
    _refused(path)


def test_zip_bomb_is_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(textio, "MAX_DECOMPRESSED", 5 * 1024**2)
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.csv", b"a,b\n" + b"0" * 20 * 1024**2)
    _refused(path, "refusing")


def test_truncated_gzip_and_broken_zip(tmp_path):
    gz = tmp_path / "events.jsonl.gz"
    gz.write_bytes(gzip.compress(b'{"event":"a"}\n' * 1000)[:60])
    _refused(gz)
    bad = tmp_path / "export.zip"
    bad.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    _refused(bad)


def test_deeply_nested_json_is_an_error_not_a_crash(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    _refused(path)


def test_huge_line_and_nul_bytes(tmp_path):
    path = tmp_path / "huge.csv"
    path.write_bytes(b"user_id,country\n" + b"u1," + b"x" * (30 * 1024**2) + b"\nu2,DE\n")
    try:
        result = read_any(str(path))
    except ImportError_:
        return
    rep = result.report
    assert rep.read == rep.valid + rep.duplicates + rep.rejected


def test_invalid_utf8_is_read_or_refused_with_the_file_named(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes("user_id,name\nu1,José\n".encode("utf-8") + b"u2,Jos\xe9\n" + b"u3,\xff\xfe\xfd\n")
    assert check_file(path) in ("read", "refused")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=malformed_files())
def test_malformed_variants_keep_the_invariant(tmp_path, case):
    name, data = case
    path = tmp_path / name
    path.write_bytes(data)
    check_file(path)
