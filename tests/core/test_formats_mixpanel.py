"""Mixpanel raw event export, against a fixture written from Mixpanel's export documentation."""
from pathlib import Path

import pandas as pd

from humetrics_desktop.core.io import registry

FIX = Path(__file__).parents[1] / "fixtures" / "formats"


def test_mixpanel_events_detected_and_counted():
    path = str(FIX / "mixpanel-events.jsonl")
    assert registry.detect(path).FORMAT == "mixpanel-events"
    res = registry.read_any(path)
    rep, df = res.report, res.table
    # 11 complete CRLF lines and a truncated last one
    assert (rep.read, rep.valid, rep.duplicates, rep.rejected) == (12, 8, 1, 3)
    assert rep.read == rep.valid + rep.duplicates + rep.rejected
    assert rep.reasons["duplicate $insert_id"] == 1
    assert rep.reasons["invalid JSON line (truncated?)"] == 1
    assert rep.reasons["missing distinct_id"] == 1
    assert rep.reasons["time is not an epoch number"] == 1
    # "$device:d-1" (Simplified ID Merge) and "anon-2" ($identify) fold into their users
    assert rep.merged_identities == 2
    assert sorted(df["user_id"].unique()) == ["u-1", "u-2", "u-3", "u-4"]
    # seconds and milliseconds side by side
    assert df["timestamp"].iloc[0] == pd.Timestamp("2024-03-09 16:00:00", tz="UTC")
    assert df["timestamp"].iloc[2] == pd.Timestamp("2024-03-09 17:00:00.123", tz="UTC")
    assert df["region"].tolist()[:7] == ["US-CA", "US-CA", "US-CA", "DE-BY", "DE-BY", "JP-13", "JP-13"]
    assert df["country"].tolist() == ["US", "US", "US", "DE", "DE", "JP", "JP", "??"]
    assert rep.unmatched["country:XX"] == 1


def test_bom_and_gzip_copies_read_the_same(tmp_path):
    import gzip
    raw = (FIX / "mixpanel-events.jsonl").read_bytes()
    bom = tmp_path / "export.txt"
    bom.write_bytes(b"\xef\xbb\xbf" + raw)
    gz = tmp_path / "export.json.gz"
    gz.write_bytes(gzip.compress(raw))
    for p in (bom, gz):
        res = registry.read_any(str(p))
        assert res.report.format == "mixpanel-events"
        assert res.report.to_dict() == registry.read_any(str(FIX / "mixpanel-events.jsonl")).report.to_dict()


def test_cancelling_stops_a_long_read(tmp_path):
    import json

    import pytest

    from humetrics_desktop.core.progress import Cancelled, Progress
    p = tmp_path / "big.jsonl"
    line = {"event": "e", "properties": {"time": 1710000000, "distinct_id": "u"}}
    p.write_text("\n".join(json.dumps(line) for _ in range(50_000)))
    prog = Progress()
    prog.cancel()
    with pytest.raises(Cancelled):
        registry.read_any(str(p), prog)


def test_fast_and_careful_readers_agree_on_clean_exports(tmp_path, monkeypatch):
    from humetrics_desktop.core.io.formats import mixpanel_events
    lines = (FIX / "mixpanel-events.jsonl").read_text(encoding="utf-8").splitlines()
    clean = [ln for ln in lines if ln.endswith("}}") and '"yesterday"' not in ln and '"c8"' not in ln]
    p = tmp_path / "clean.jsonl"
    p.write_text("\n".join(clean) + "\n", encoding="utf-8")
    calls = []
    real_fast = mixpanel_events._read_fast
    monkeypatch.setattr(mixpanel_events, "_read_fast",
                        lambda *a: calls.append(real_fast(*a)) or calls[-1])
    fast = registry.read_any(str(p))
    assert calls[0] is not None  # the fast path took this file
    assert fast.report.to_dict()["duplicates"] == 1
    monkeypatch.setattr(mixpanel_events, "_read_fast", lambda *a: None)
    slow = registry.read_any(str(p))
    assert fast.report.to_dict() == slow.report.to_dict()
    assert fast.report.merged_identities == slow.report.merged_identities == 2
    pd.testing.assert_frame_equal(fast.table, slow.table, check_dtype=False)
