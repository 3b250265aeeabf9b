"""Language detection: offline, deterministic, cheap evidence first; texts a model cannot score are
counted as not scored (NaN), never as 0."""
from __future__ import annotations

import math

import pytest

from humetrics_desktop.core.text.language import detect_language
from humetrics_desktop.core.text.models import model_spec
from humetrics_desktop.core.text.scoring import score_serial


@pytest.mark.parametrize("text, lang", [
    ("The app keeps crashing when I open my documents and support never answers", "en"),
    ("Great app!", "en"),
    ("Terrible", "en"),
    ("Die App ist wirklich gut, aber der Preis ist mir zu hoch und es gibt keine Hilfe", "de"),
    ("C'est une application géniale, je l'utilise tous les jours avec mon équipe", "fr"),
    ("Me encanta esta aplicación, es muy buena para el trabajo de todos los días", "es"),
    ("Eu uso todos os dias no trabalho e não tenho nenhum problema com a sincronização", "pt"),
    ("アプリがとても使いやすいです", "ja"),
    ("앱이 정말 좋아요", "ko"),
    ("Η εφαρμογή είναι εξαιρετική", "el"),
    ("", "und"),
    ("   ", "und"),
    ("10/10 !!!", "und"),
])
def test_detects_language(text, lang):
    assert detect_language(text) == lang


def test_detection_is_deterministic_on_langdetect_path():
    text = "Отличное приложение, пользуюсь каждый день"  # Cyrillic is shared: langdetect decides
    assert {detect_language(text) for _ in range(20)} == {"ru"}


def test_long_text_is_judged_on_its_prefix():
    english = "I really like how the sync works and the team was helpful. " * 3
    assert detect_language(english + "Das ist aber nicht so gut und ich bin nicht zufrieden. " * 50) == "en"


def test_non_english_and_empty_texts_are_not_scored_never_zero():
    texts = ["Great app, love it", "Die App ist schlecht und ich bin nicht zufrieden damit", "", None,
             "Boring update, nothing new"]
    for model in ("textblob", "vader"):
        out = score_serial(texts, model_spec(model))
        assert list(out["status"]) == ["scored", "language", "empty", "empty", "scored"]
        assert list(out["language"]) == ["en", "de", "und", "und", "en"]
        assert all(math.isnan(p) for p in out["polarity"][1:4])
        assert out["polarity"][0] > 0 and out["polarity"][4] < 0
