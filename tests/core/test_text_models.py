"""The app's scores are TextBlob's and VADER's own (compared with direct calls to the packages), and a
user lexicon extends a model under a label of its own."""
from __future__ import annotations

import math

import pytest
from textblob import TextBlob
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from humetrics_desktop.core.text.models import LexiconError, Scorer, load_lexicon, model_spec

CORPUS = [
    "Great app, I love the new update!",
    "This app is not very good, honestly the worst!!",
    "Crashes every time I open it. Useless.",
    "It's okay I guess, nothing special :)",
    "Not bad at all, really quite nice",
    "The sync is SO slow and the support never answers",
    "meh",
    "Absolutely fantastic, five stars, would recommend to everyone",
    "I don't hate it but I don't love it either",
    "Worst. Purchase. Ever. :(",
]


def test_textblob_scores_equal_textblob_sentiment():
    scorer = Scorer(model_spec("textblob"))
    for text in CORPUS:
        expected = TextBlob(text).sentiment
        assert scorer.score(text) == (expected.polarity, expected.subjectivity), text


def test_vader_scores_equal_vader_compound():
    scorer, vader = Scorer(model_spec("vader")), SentimentIntensityAnalyzer()
    for text in CORPUS:
        polarity, subjectivity = scorer.score(text)
        assert polarity == vader.polarity_scores(text)["compound"], text
        assert math.isnan(subjectivity)


def test_labels_name_model_and_version():
    assert model_spec("textblob").label.startswith("textblob 0.20")
    assert model_spec("vader").label.startswith("vader 3.3")
    with pytest.raises(ValueError, match="unknown sentiment model"):
        model_spec("bert")


def test_user_lexicon_extends_textblob_without_touching_the_package():
    spec = model_spec("textblob", {"laggy": -0.8})
    assert spec.label != model_spec("textblob").label and "lexicon" in spec.label
    # "laggy" is unknown to TextBlob: the only assessed word is the user's.
    assert TextBlob("The app is laggy").sentiment.polarity == 0.0
    assert Scorer(spec).score("The app is laggy")[0] == pytest.approx(-0.8)
    # Negation applies to user words as to TextBlob's: "not" halves and flips.
    assert Scorer(spec).score("The app is not laggy")[0] == pytest.approx(0.4)
    # The package's own analyzer is unchanged afterwards.
    assert TextBlob("The app is laggy").sentiment.polarity == 0.0


def test_user_lexicon_extends_vader_on_its_scale():
    vader = SentimentIntensityAnalyzer()
    vader.lexicon["laggy"] = -0.5 * 4  # VADER valences are in [-4, 4]; the lexicon's in [-1, 1]
    expected = vader.polarity_scores("so laggy")["compound"]
    assert Scorer(model_spec("vader", {"laggy": -0.5})).score("so laggy")[0] == expected
    assert SentimentIntensityAnalyzer().polarity_scores("so laggy")["compound"] == 0.0


def test_load_lexicon(tmp_path):
    p = tmp_path / "lex.csv"
    p.write_text("word,score\nLaggy,-0.8\n# a comment\n\nsnappy,0.6\n", encoding="utf-8")
    assert load_lexicon(str(p)) == {"laggy": -0.8, "snappy": 0.6}


@pytest.mark.parametrize("body, match", [
    ("word,score\nlaggy,bad\n", r"row 2: field score: 'bad' is not a number"),
    ("word,score\nlaggy,-3\n", r"row 2: field score: -3 is outside \[-1, 1\]"),
    ("word,score\nlaggy\n", r"row 2: expected two fields"),
    ("word,score\n,0.5\n", r"row 2: field word is empty"),
    ("word,score\nnot working,-0.5\n", r"row 2: field word: 'not working' has several words"),
])
def test_bad_lexicon_names_file_row_and_field(tmp_path, body, match):
    p = tmp_path / "lex.csv"
    p.write_text(body, encoding="utf-8")
    with pytest.raises(LexiconError, match=match) as err:
        load_lexicon(str(p))
    assert str(p) in str(err.value)
