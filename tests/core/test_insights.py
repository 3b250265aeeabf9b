"""Findings on the demo: every planted story is found, and shuffling away a story silences it."""
import json

import numpy as np
import pandas as pd
import pytest

from humetrics_desktop.core.insights import find_all
from humetrics_desktop.core.insights import findings as F
from humetrics_desktop.core.progress import Progress
from humetrics_desktop.core.workspace import Layer


@pytest.fixture(scope="module")
def found(demo_ws):
    return find_all(demo_ws)


def test_every_planted_story_is_found(found, demo_dir):
    manifest = json.loads((demo_dir / "manifest.json").read_text())
    stories = {s["name"]: s for s in manifest["stories"]}
    topics = {f.topic: f for f in found}
    decline = topics["nps-decline"]
    assert decline.context["value"] == stories["price-release"]["where"]["region"]
    assert decline.context["term"] in ("price", "expensive", "pricing", "cost", "subscription")
    assert "sentiment-traffic" in topics and "3 days" in topics["sentiment-traffic"].headline
    rep = topics["representation"]
    assert rep.context["group"] == stories["missing-age-group"]["where"]["age_band"]
    assert topics["feature-nps"].context["feature"] == stories["feature-loved-by-promoters"]["where"]["feature"]
    assert "income-engagement" in topics


def test_nothing_where_no_story_was_planted(found):
    # political lean carries no effect in the demo; only the one planted decline is flagged
    assert not [f for f in found if f.topic == "lean-nps"]
    assert len([f for f in found if f.topic == "nps-decline"]) == 1
    assert len([f for f in found if f.topic == "representation"]) == 1


def test_findings_carry_numbers_and_rank(found):
    for f in found:
        assert f.n >= 10 and any(ch.isdigit() for ch in f.headline) and f.evidence
    scores = [f.rank_score for f in found]
    assert scores == sorted(scores, reverse=True)


def _shuffled(ws, seed=1):
    """The same workspace with scores shuffled across responses and income groups across regions."""
    rng = np.random.default_rng(seed)
    survey = ws.table("survey").copy()
    survey["score"] = rng.permutation(survey["score"].to_numpy())
    new = ws.replace(survey=survey)
    layers = dict(ws.layers)
    for name, lay in ws.layers.items():
        if "income_group" in lay.table.columns:
            t = lay.table.copy()
            t["income_group"] = rng.permutation(t["income_group"].to_numpy())
            layers[name] = Layer(t, lay.meta)
    new.layers = layers
    return new


def test_shuffled_data_give_no_nps_or_income_findings(demo_ws):
    null = _shuffled(demo_ws)
    k, p = 10, Progress()
    assert F.nps_declines(null, k, p) == []
    assert F.feature_gaps(null, k, p) == []
    assert F.income_engagement(null, k, p) == []


def test_theme_shift_needs_a_real_rise():
    before = pd.Series(["slow app"] * 30 + ["price is high"] * 3 + ["high quality"] * 5)
    after = pd.Series(["slow app"] * 20 + ["price is high"] * 15 + ["price hike"] * 3)
    shift = F._theme_shift(before, after, k=10)
    assert shift["term"] == "price" and shift["share_before"] == pytest.approx(3 / 38)
    assert F._theme_shift(before, before.copy(), k=10) is None


def _layer_ws(region_dtype: str) -> "F.Workspace":
    profiles = pd.DataFrame({"user_id": ["u1", "u2", "u3", "u1", "u4", "u5"],
                             "region": pd.Series(["DE-BY", "FR-IDF", None, "DE-BE", "DE-BE", "DE-HH"],
                                                 dtype=region_dtype)})
    layer = pd.DataFrame({"key": ["DE-BY", "DE-BE", "DE-HH", "DE-BY"],
                          "lean": [0.5, -0.25, np.nan, 0.9], "income_group": ["high", "low", "mid", "x"]})
    return F.Workspace(tables={"profiles": profiles},
                       layers={"pol": Layer(layer, {"kind": "political"})})


@pytest.mark.parametrize("region_dtype", ["str", "object"])
def test_region_label_maps_each_users_region(region_dtype):
    # by hand: a user's first profile row counts (u1 -> DE-BY), a layer key's first row counts
    # (DE-BY -> 0.5), users with no region, a region outside the layer or no value are left out
    ws = _layer_ws(region_dtype)
    lean = F._region_label(ws, "political", "lean")
    assert lean.to_dict() == {"u1": "0.5", "u4": "-0.25"} and lean.index.name == "user_id"
    assert F._region_label(ws, "political", "lean", text=False).to_dict() == {"u1": 0.5, "u4": -0.25}
    assert F._region_label(ws, "political", "income_group").to_dict() == \
        {"u1": "high", "u4": "low", "u5": "mid"}
    assert F._region_label(ws, "socio-economic", "income_group") is None
