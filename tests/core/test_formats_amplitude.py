"""Amplitude Export API archive and corrupt containers, against fixtures written from Amplitude's
Export API documentation (zip of hourly gzipped JSON Lines parts)."""
from pathlib import Path

import pandas as pd
import pytest

from humetrics_desktop.core.io import registry
from humetrics_desktop.core.io.report import ImportError_

FIX = Path(__file__).parents[1] / "fixtures" / "formats"


def test_amplitude_archive_deduplicates_across_parts_and_merges_people():
    res = registry.read_any(str(FIX / "amplitude-export.zip"))
    rep, df = res.report, res.table
    assert rep.format == "amplitude-export"
    assert (rep.read, rep.valid, rep.duplicates, rep.rejected) == (9, 5, 2, 2)
    assert rep.read == rep.valid + rep.duplicates + rep.rejected
    assert rep.reasons["duplicate uuid"] == 1 and rep.reasons["duplicate $insert_id"] == 1
    # dev-a's anonymous page view belongs to alice through amplitude_id 1001
    assert rep.merged_identities == 1
    assert df["user_id"].tolist() == ["alice", "alice", "amplitude:2002", "carol", "dmitri"]
    assert df["timestamp"].iloc[1] == pd.Timestamp("2024-03-09 16:05:00.25", tz="UTC")
    assert df["country"].tolist() == ["US", "US", "DE", "JP", "TR"]
    assert df["region"].tolist() == ["US-CA", "US-CA", "DE-BY", "JP-13", "TR-34"]
    assert df["session_id"].isna().tolist() == [False, False, True, False, False]  # -1 = none
    prof = res.extra["profiles"].set_index("user_id")
    assert prof.loc["carol", "language"] == "Japanese"


def test_single_unzipped_part_is_read_too():
    res = registry.read_any(str(FIX / "123456_2024-03-09_16#0.json.gz"))
    assert res.report.format == "amplitude-export"
    assert (res.report.read, res.report.valid) == (4, 4)


@pytest.mark.parametrize("name, words", [
    ("amplitude-truncated.zip", ["17#0.json.gz", "truncated"]),
    ("broken.zip", ["not a readable zip"]),
    ("junk.bin", ["binary"]),
])
def test_corrupt_inputs_give_one_line_errors(name, words):
    path = str(FIX / name)
    with pytest.raises(ImportError_) as err:
        registry.read_any(path)
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith(path)
    for w in words:
        assert w in msg


def test_rezipped_parts_with_other_names_are_still_amplitude(tmp_path):
    import zipfile
    src = zipfile.ZipFile(FIX / "amplitude-export.zip")
    out = tmp_path / "events.zip"
    with zipfile.ZipFile(out, "w") as z:
        for i, name in enumerate(sorted(src.namelist())):
            z.writestr(f"export/part{i}.json.gz", src.read(name))
    res = registry.read_any(str(out))
    assert res.report.format == "amplitude-export"
    assert (res.report.valid, res.report.duplicates) == (5, 2)


def test_other_zips_of_json_are_not_claimed(tmp_path):
    import gzip
    import zipfile
    out = tmp_path / "other.zip"
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("a.json.gz", gzip.compress(b'{"user_id": "u1", "event": "x"}\n'))
    mod = next(m for m in registry.format_modules() if m.FORMAT == "amplitude-export")
    assert not mod.sniff(str(out), out.read_bytes()[:8])


def test_fast_and_careful_readers_agree_on_clean_archives(tmp_path, monkeypatch):
    import gzip
    import zipfile

    from humetrics_desktop.core.io.formats import amplitude_export
    src = zipfile.ZipFile(FIX / "amplitude-export.zip")
    out = tmp_path / "clean.zip"
    with zipfile.ZipFile(out, "w") as z:
        for name in src.namelist():
            lines = gzip.decompress(src.read(name)).decode().splitlines()
            keep = [ln for ln in lines if '"event_type"' in ln and "not a time" not in ln]
            z.writestr(name, gzip.compress(("\n".join(keep) + "\n").encode()))
    calls = []
    real_fast = amplitude_export._read_fast
    monkeypatch.setattr(amplitude_export, "_read_fast", lambda *a: calls.append(real_fast(*a)) or calls[-1])
    fast = registry.read_any(str(out))
    assert calls[0] is not None  # the fast path took this archive
    monkeypatch.setattr(amplitude_export, "_read_fast", lambda *a: None)
    slow = registry.read_any(str(out))
    assert fast.report.to_dict() == slow.report.to_dict()
    assert (fast.report.read, fast.report.valid, fast.report.duplicates) == (7, 5, 2)
    assert fast.report.merged_identities == slow.report.merged_identities == 1
    pd.testing.assert_frame_equal(fast.table, slow.table, check_dtype=False)
    pd.testing.assert_frame_equal(fast.extra["profiles"], slow.extra["profiles"], check_dtype=False)
