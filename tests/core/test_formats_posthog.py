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
