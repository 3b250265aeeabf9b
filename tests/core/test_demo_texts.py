"""The demo's texts say what their tone says: lexicon models agree in English, themes are findable."""
from __future__ import annotations

import numpy as np
import pytest
from textblob import TextBlob
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from humetrics_desktop.core.demo.texts import (BANK, CLOSERS, LANGUAGES, NEGATIVE_THEMES, NEUTRAL_THEME,
                                               POSITIVE_THEMES, PRICE_WORDS, compose)

VADER = SentimentIntensityAnalyzer()
ENGLISH = [(theme, text) for theme, texts in BANK["en"].items() for text in texts]


@pytest.mark.parametrize("theme,text", ENGLISH)
def test_english_texts_score_with_their_tone(theme, text):
    scores = (TextBlob(text).sentiment.polarity, VADER.polarity_scores(text)["compound"])
    if theme in NEGATIVE_THEMES:
        assert max(scores) < -0.05, scores
    elif theme in POSITIVE_THEMES:
        assert min(scores) > 0.05, scores
    else:
        assert max(abs(s) for s in scores) <= 0.05, scores


def test_closers_keep_the_tone():
    for tone, endings in CLOSERS.items():
        for text in endings:
            sign = -1 if tone == "negative" else 1
            assert sign * VADER.polarity_scores(text)["compound"] > 0.05
            assert sign * TextBlob(text).sentiment.polarity > 0.05


def test_every_language_covers_every_theme_and_price_words_mark_only_price():
    themes = set(NEGATIVE_THEMES) | set(POSITIVE_THEMES) | {NEUTRAL_THEME}
    for lang in LANGUAGES:
        assert set(BANK[lang]) == themes, lang
        words = PRICE_WORDS[lang]
        for theme, texts in BANK[lang].items():
            for text in texts:
                mentions = any(w in text.lower() for w in words)
                assert mentions == (theme == "price"), (lang, theme, text)


def test_compose_writes_in_the_language_or_falls_back_to_english():
    rng = np.random.default_rng(0)
    lang = np.array(["de", "hi", "ja"], dtype=object)
    theme = np.array(["price", "price", "easy"], dtype=object)
    out = compose(rng, lang, theme, closer_share=0.0)
    assert out[0] in BANK["de"]["price"] and out[1] in BANK["en"]["price"] and out[2] in BANK["ja"]["easy"]
