"""Terms that separate detractors' comments from promoters', by weighted log-odds."""
from __future__ import annotations

import pandas as pd

from humetrics_desktop.core.metrics.nps_terms import distinguishing_terms


def _frame():
    rows = ([("detractor", "Too expensive for what it does")] * 30 + [("detractor", "the app is slow")] * 10
            + [("promoter", "love the templates, fast")] * 35 + [("promoter", "slow sometimes but love it")] * 5
            + [("passive", "expensive expensive")] * 50)
    return pd.DataFrame(rows, columns=["category", "comment"])


def test_price_separates_detractors_and_love_promoters():
    t = distinguishing_terms(_frame(), min_comments=5)
    det = t[t["side"] == "detractor"].set_index("term")
    pro = t[t["side"] == "promoter"].set_index("term")
    assert det.index[0] == "expensive" and det.loc["expensive", "detractor_comments"] == 30
    assert "love" in pro.index and pro.loc["love", "promoter_comments"] == 40
    # "slow": 10 detractor comments vs 5 promoter ones leans to detractors, but less than "expensive"
    assert 0 < det.loc["slow", "z"] < det.loc["expensive", "z"]
    # passives' comments are not read; a word counts once per comment
    assert det.loc["expensive", "promoter_comments"] == 0


def test_rare_terms_are_left_out():
    t = distinguishing_terms(_frame(), min_comments=50)
    assert t.empty
