"""The demo's planted NPS decline (manifest story "price-release") is what the NPS section flags."""
from __future__ import annotations

import pandas as pd
import pytest

from humetrics_desktop.core.demo import generate
from humetrics_desktop.core.filters import Filter
from humetrics_desktop.core.loading import load_paths
from humetrics_desktop.core.metrics.nps_overview import nps_overview


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    manifest = generate(out, seed=0)
    # the survey and the people are all the decline scan needs (events only feed engagement)
    ws = load_paths([out / "nps.csv", out / "users.csv"] + sorted((out / "layers").glob("*.csv"))).workspace
    return manifest, nps_overview(ws, Filter(), {})


def test_planted_decline_is_flagged_where_and_when(demo):
    manifest, result = demo
    story = next(s for s in manifest["stories"] if s["name"] == "price-release")
    region, release = story["where"]["region"], pd.Timestamp(story["when"]["release"], tz="UTC")
    assert result.alerts, "the planted decline raised no alert"
    top = result.alerts[0]
    assert (top.scope, top.value) == ("region", region)
    # the comparison straddles the release: the baseline starts before it, the later window holds it
    # or starts right after it
    assert top.baseline_start <= release < top.current_end
    assert top.current_start <= release + pd.DateOffset(months=1)
    assert top.delta <= -12 and top.p_adjusted < 0.05
    # no other region is blamed
    assert [a.value for a in result.alerts if a.scope == "region"] == [region]


def test_demo_nps_matches_manifest_counts(demo):
    manifest, result = demo
    story = next(s for s in manifest["stories"] if s["name"] == "price-release")
    r = result.respondents
    release = pd.Timestamp(story["when"]["release"], tz="UTC")
    before = r[(r["region"] == story["where"]["region"]) & (r["submitted_at"] < release)]
    # the manifest's own count of the region's responses before the release (valid, de-duplicated)
    assert len(before) == story["observed"]["before"]["responses"]
