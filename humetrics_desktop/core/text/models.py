"""The offline sentiment models: TextBlob's pattern analyzer and VADER, optionally extended by a
user lexicon.

Both are English-only. Every score carries the model's label (name, package version and, when a
user lexicon extends it, the lexicon's hash), so cached scores from another model or lexicon are
never mixed in. TextBlob is called through its pattern sentiment object directly: that is exactly
what `TextBlob(text).sentiment` computes (PatternAnalyzer.analyze), without building a blob.
Never call TextBlob features that need NLTK corpora (words, tokens, noun_phrases, tags...).
"""
from __future__ import annotations

import csv
import hashlib
import math
from dataclasses import dataclass, field
from importlib.metadata import version

MODEL_NAMES = ("textblob", "vader")
# Polarity of a user lexicon entry is in [-1, 1]; VADER's lexicon valences are in [-4, 4].
_VADER_SCALE = 4.0


class LexiconError(ValueError):
    """A user lexicon that cannot be read; the message names file, row and field."""


@dataclass(frozen=True)
class ModelSpec:
    """What a worker process needs to rebuild a model: picklable and hashable."""
    name: str
    lexicon: tuple[tuple[str, float], ...] = field(default=())

    @property
    def label(self) -> str:
        package = {"textblob": "textblob", "vader": "vaderSentiment"}[self.name]
        base = f"{self.name} {version(package)}"
        if not self.lexicon:
            return base
        digest = hashlib.sha1(repr(self.lexicon).encode("utf-8")).hexdigest()[:8]
        return f"{base} + lexicon {digest}"

    @property
    def languages(self) -> frozenset[str]:
        return frozenset({"en"})

    @property
    def has_subjectivity(self) -> bool:
        return self.name == "textblob"


def model_spec(name: str, lexicon: dict[str, float] | None = None) -> ModelSpec:
    if name not in MODEL_NAMES:
        raise ValueError(f"unknown sentiment model {name!r}; choose one of {', '.join(MODEL_NAMES)}")
    return ModelSpec(name, tuple(sorted((lexicon or {}).items())))


def load_lexicon(path: str) -> dict[str, float]:
    """Read a user lexicon: CSV with columns word,score (score in [-1, 1]); a header row is optional."""
    out: dict[str, float] = {}
    with open(path, newline="", encoding="utf-8-sig") as f:
        for row_no, row in enumerate(csv.reader(f), start=1):
            if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
                continue
            if len(row) < 2:
                raise LexiconError(f"{path}: row {row_no}: expected two fields word,score, got {row!r}")
            word, raw = row[0].strip().lower(), row[1].strip()
            try:
                score = float(raw)
            except ValueError:
                if row_no == 1:
                    continue  # header
                raise LexiconError(f"{path}: row {row_no}: field score: {raw!r} is not a number") from None
            if not word:
                raise LexiconError(f"{path}: row {row_no}: field word is empty")
            if len(word.split()) > 1:
                raise LexiconError(f"{path}: row {row_no}: field word: {word!r} has several words; "
                                   "both models match single words only")
            if not math.isfinite(score) or not -1.0 <= score <= 1.0:
                raise LexiconError(f"{path}: row {row_no}: field score: {raw} is outside [-1, 1]")
            out[word] = score
    return out


class Scorer:
    """A loaded model: score(text) -> (polarity, subjectivity or nan)."""

    def __init__(self, spec: ModelSpec) -> None:
        self.spec = spec
        if spec.name == "textblob":
            self._analyze = self._textblob(spec.lexicon)
        else:
            self._analyze = self._vader(spec.lexicon)

    def score(self, text: str) -> tuple[float, float]:
        return self._analyze(text)

    @staticmethod
    def _textblob(lexicon):
        from textblob.en import Sentiment, sentiment as pattern_sentiment

        class LoadedSentiment(Sentiment):
            """TextBlob's analyzer with its lexicon loaded up front. Its base class is a lazy dict
            whose `in` and `[]` check on every call whether the lexicon is loaded yet (special
            methods are looked up on the class, so its per-instance shortcut never applies);
            a loaded private copy uses plain dict look-ups: same data, same arithmetic, same scores."""
            __contains__ = dict.__contains__
            __getitem__ = dict.__getitem__

        # A private instance built like the package's singleton (which keeps scoring as TextBlob
        # does); user entries override any part-of-speech reading of the word.
        sent = LoadedSentiment(path=pattern_sentiment.path, synset="wordnet_id",
                               negations=pattern_sentiment.negations,
                               modifiers=pattern_sentiment.modifiers,
                               modifier=pattern_sentiment.modifier,
                               tokenizer=pattern_sentiment.tokenizer, language="en")
        sent.load()
        for word, score in lexicon:
            old = dict.get(sent, word, {}).get(None)
            subjectivity = old[1] if old else 1.0
            dict.__setitem__(sent, word, {None: (score, subjectivity, 1.0)})

        def analyze(text: str) -> tuple[float, float]:
            polarity, subjectivity = sent(text)[:2]
            return float(polarity), float(subjectivity)

        return analyze

    @staticmethod
    def _vader(lexicon):
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        analyzer = SentimentIntensityAnalyzer()
        for word, score in lexicon:
            analyzer.lexicon[word] = score * _VADER_SCALE

        def analyze(text: str) -> tuple[float, float]:
            return float(analyzer.polarity_scores(text)["compound"]), math.nan

        return analyze
