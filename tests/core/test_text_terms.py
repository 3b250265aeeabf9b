"""Tokenizer, stop words and the weighted log-odds terms (Monroe et al. 2008), by hand."""
from __future__ import annotations

import math
from collections import Counter

import pandas as pd
import pytest

from humetrics_desktop.core.text.stopwords import LANGUAGES
from humetrics_desktop.core.text.terms import distinguishing_terms, log_odds, terms_by_group, texts_with_term
from humetrics_desktop.core.text.tokenize import terms, words


def test_words_handle_apostrophes_elisions_and_numbers():
    assert words("Don’t update: v2.3 CRASHES!! 😡") == ["don't", "update", "v", "crashes"]
    assert words("L'application m'a déçu", "fr") == ["application", "a", "déçu"]
    assert words("アプリ 最高") == ["アプリ", "最高"]
    assert words(None) == []


def test_terms_drop_the_languages_stop_words():
    assert terms("The sync is not working and it is slow", "en") == ["sync", "working", "slow"]
    assert terms("Die Synchronisierung ist sehr langsam", "de") == ["synchronisierung", "langsam"]
    assert terms("La aplicación es muy lenta", "es") == ["aplicación", "lenta"]
    assert terms("O aplicativo é muito lento", "pt") == ["aplicativo", "lento"]
    assert terms("C'est une application très lente", "fr") == ["application", "lente"]
    assert {"en", "de", "fr", "es", "pt"} <= set(LANGUAGES)


def test_log_odds_by_hand():
    # a: 3 negative, 1 positive; b: 1 negative, 3 positive. Prior = pooled counts: a_a = a_b = 4, a0 = 8.
    table = log_odds(Counter(a=3, b=1), Counter(a=1, b=3), prior_strength=1.0, min_count=1).set_index("term")
    delta = math.log(7 / 5) - math.log(5 / 7)
    z = delta / math.sqrt(1 / 7 + 1 / 5)
    assert table.loc["a", "delta"] == pytest.approx(delta)
    assert table.loc["a", "z"] == pytest.approx(z)
    assert table.loc["b", "z"] == pytest.approx(-z)
    assert table.loc["a", "side"] == "negative" and table.loc["b", "side"] == "positive"


def test_prior_shrinks_rare_terms():
    neg = Counter({"crash": 40, "rare": 2, "the_app": 100})
    pos = Counter({"crash": 4, "love": 40, "the_app": 100})
    table = log_odds(neg, pos, min_count=1).set_index("term")
    assert table.loc["crash", "z"] > table.loc["rare", "z"] > 0
    assert table.loc["love", "z"] < 0


def test_distinguishing_terms_and_texts_with_term():
    df = pd.DataFrame({"text": ["The sync crashes", "Sync crashes again", "crashes all day",
                                "Love the design", "Lovely design", "design is great"],
                       "detected_language": ["en"] * 6})
    lab = pd.Series(["negative"] * 3 + ["positive"] * 3)
    top = distinguishing_terms(df, lab, min_count=2)
    assert top.iloc[0]["term"] == "crashes" and top.iloc[0]["side"] == "negative"
    assert top[top["side"] == "positive"].iloc[0]["term"] == "design"
    assert list(texts_with_term(df, "Sync").index) == [0, 1]
    groups = terms_by_group(df, lab, pd.Series(["A", "A", "B", "A", "B", "B"]), min_count=1)
    assert set(groups) == {"A", "B"}
    b = groups["B"].set_index("term")
    assert b.loc["crashes", "side"] == "negative" and b.loc["design", "side"] == "positive"
    assert "sync" not in b.index and "sync" in set(groups["A"]["term"])
