"""PostHog events CSV export against a fixture with PostHog's dotted, flattened column names."""
from pathlib import Path

import pandas as pd

from humetrics_desktop.core.io import registry

FIX = Path(__file__).parents[1] / "fixtures" / "formats"


def test_posthog_events_identify_and_person_merge():
    res = registry.read_any(str(FIX / "posthog-events.csv"))
    rep, df = res.report, res.table
    assert rep.format == "posthog-events"
    assert (rep.read, rep.valid, rep.duplicates, rep.rejected) == (9, 6, 1, 2)
    assert rep.read == rep.valid + rep.duplicates + rep.rejected
    assert rep.reasons["duplicate uuid"] == 1
    # anon-7 -> alice via $identify; bob-phone -> bob-laptop via the shared person_id
    assert rep.merged_identities == 2
    assert df["user_id"].tolist() == ["alice@example.com"] * 3 + ["bob-laptop"] * 2 + ["carol"]
    # "+02:00" is converted, not dropped
    assert df["timestamp"].iloc[2] == pd.Timestamp("2024-05-22 17:10:00.5", tz="UTC")
    # a blank country code falls back on the country name ("Deutschland")
    assert df["country"].tolist() == ["US", "US", "US", "DE", "DE", "JP"]
    assert df["region"].tolist() == ["US-CA", "US-CA", "US-CA", "DE-BY", "DE-BY", "JP-13"]


def test_plain_event_csv_is_left_to_the_generic_importer(tmp_path):
    p = tmp_path / "events.csv"
    p.write_text("user_id,timestamp,event\nu1,2024-01-01T00:00:00Z,login\n")
    assert registry.detect(str(p)) is None


def test_fast_and_careful_readers_agree_on_clean_exports(tmp_path, monkeypatch):
    from humetrics_desktop.core.io.formats import posthog_events
    lines = (FIX / "posthog-events.csv").read_text(encoding="utf-8").splitlines()
    clean = [ln for ln in lines if ",,2024" not in ln and "last tuesday" not in ln]
    p = tmp_path / "clean.csv"
    p.write_text("\n".join(clean) + "\n", encoding="utf-8")
    calls = []
    real_fast = posthog_events._read_fast
    monkeypatch.setattr(posthog_events, "_read_fast", lambda *a: calls.append(real_fast(*a)) or calls[-1])
    fast = registry.read_any(str(p))
    assert calls[0] is not None  # the fast path took this file
    monkeypatch.setattr(posthog_events, "_read_fast", lambda *a: None)
    slow = registry.read_any(str(p))
    assert fast.report.to_dict() == slow.report.to_dict()
    assert (fast.report.read, fast.report.duplicates) == (7, 1)
    assert fast.report.merged_identities == slow.report.merged_identities == 2
    pd.testing.assert_frame_equal(fast.table, slow.table, check_dtype=False)


def test_a_cut_last_row_never_takes_the_fast_path(tmp_path):
    text = (FIX / "posthog-events.csv").read_text(encoding="utf-8")
    clean = "\n".join(ln for ln in text.splitlines() if ",,2024" not in ln and "last tuesday" not in ln)
    p = tmp_path / "cut.csv"
    p.write_text(clean + "\n" + "0190a1b2-0009-7000-8000-000000000009,$pageview,dan,2024-05-25", encoding="utf-8")
    rep = registry.read_any(str(p)).report
    assert rep.reasons["row has a different number of fields than the header (truncated?)"] == 1
