"""Offline, deterministic and fast language detection for feedback texts.

langdetect costs about 2 ms a text and is unreliable on a few words ("Terrible" -> Catalan), so it
is the last resort. Cheaper evidence comes first, on a bounded prefix of the text:
1. the script: a prefix mostly in Hangul, Kana, Greek, Hebrew, Thai... names its language;
2. stop-word votes: words that belong to exactly one of our stop lists (en, de, fr, es, pt, it, nl);
   the leading language wins with at least 2 votes and twice the runner-up's;
3. a Latin-script text with no vote for another language whose words are mostly English function or
   sentiment words is English (short reviews like "Great app!" or "We love it" look like this);
4. otherwise langdetect on the prefix, with a fixed seed so the same text always gets the same code.
"""
from __future__ import annotations

import gc
import importlib.util
import os
import re
import threading
import unicodedata
import xml.etree.ElementTree as ET
from functools import lru_cache

from .stopwords import DISTINCTIVE, STOP_WORDS
from .tokenize import words

UNDETERMINED = "und"
PREFIX_CHARS = 300

# Scripts whose use names one language in practice (Cyrillic, Arabic, Han are shared: langdetect).
_SCRIPT_LANGUAGE = {"HANGUL": "ko", "HIRAGANA": "ja", "KATAKANA": "ja", "GREEK": "el",
                    "HEBREW": "he", "THAI": "th", "GEORGIAN": "ka", "ARMENIAN": "hy"}
_LETTER = re.compile(r"[^\W\d_]")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_LANGDETECT_LOCK = threading.Lock()
_factory = None


def _package_dir(name: str) -> str:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"package {name} is not installed")
    return list(spec.submodule_search_locations)[0]


@lru_cache(maxsize=1)
def english_vocabulary() -> frozenset[str]:
    """English function words plus the words of TextBlob's sentiment and spelling lists and VADER's
    lexicon that are not a stop word of another language. Read from the packages' files without importing them."""
    vocab: set[str] = set()
    xml = os.path.join(_package_dir("textblob"), "en", "en-sentiment.xml")
    vocab.update(w.attrib["form"].lower() for w in ET.parse(xml).getroot().iter("word")
                 if w.attrib.get("form"))
    with open(os.path.join(_package_dir("vaderSentiment"), "vader_lexicon.txt"),
              encoding="utf-8") as f:
        vocab.update(line.split("\t", 1)[0] for line in f if line[:1].isalpha())
    # TextBlob's spelling list: about 29k English words with their frequency in English books.
    with open(os.path.join(_package_dir("textblob"), "en", "en-spelling.txt"), encoding="utf-8") as f:
        for line in f:
            word, _, count = line.partition(" ")
            if count.strip().isdigit() and int(count) >= 2:
                vocab.add(word.lower())
    others = set().union(*(s for lang, s in STOP_WORDS.items() if lang != "en"))
    return frozenset(w for w in vocab if w.isalpha() and w not in others) | STOP_WORDS["en"]


def _script(ch: str) -> str:
    try:
        return unicodedata.name(ch).split(" ", 1)[0]
    except ValueError:
        return ""


def _dominant_script(prefix: str) -> str:
    """The script of most letters ("LATIN", "HANGUL", ...), "" when there is no letter."""
    if prefix.isascii():
        return "LATIN" if _ASCII_LETTER.search(prefix) else ""
    counts: dict[str, int] = {}
    for ch in _LETTER.findall(prefix):
        s = "LATIN" if ch.isascii() else _script(ch)
        counts[s] = counts.get(s, 0) + 1
    return max(counts, key=counts.get) if counts else ""


def _langdetect(prefix: str) -> str:
    global _factory
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
    from langdetect.lang_detect_exception import LangDetectException

    with _LANGDETECT_LOCK:
        if _factory is None:
            # the profiles are ~80k lists of probabilities kept for the whole process: loaded with
            # the cyclic collector paused, then exempted from it, since every full collection
            # would rescan them holding the GIL (0.3 s pauses of the window at each one)
            was = gc.isenabled()
            gc.disable()
            try:
                factory = DetectorFactory()
                factory.load_profile(PROFILES_DIRECTORY)
                factory.set_seed(0)
            finally:
                gc.freeze()
                if was:
                    gc.enable()
            _factory = factory
    detector = _factory.create()
    detector.append(prefix)
    try:
        code = detector.detect()
    except LangDetectException:
        return UNDETERMINED
    return code.split("-", 1)[0] if code != "unknown" else UNDETERMINED


def detect_language(text: str, prefix_chars: int = PREFIX_CHARS) -> str:
    """ISO 639-1 code of the text's language, "und" when there is nothing to judge by."""
    if not isinstance(text, str):
        return UNDETERMINED
    prefix = text[:prefix_chars]
    script = _dominant_script(prefix)
    if not script:
        return UNDETERMINED
    if script in _SCRIPT_LANGUAGE:
        return _SCRIPT_LANGUAGE[script]
    if script == "LATIN":
        toks = words(prefix)
        votes: dict[str, int] = {}
        for w in toks:
            lang = DISTINCTIVE.get(w)
            if lang:
                votes[lang] = votes.get(lang, 0) + 1
        ranked = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))
        if ranked:
            best, n = ranked[0]
            runner_up = ranked[1][1] if len(ranked) > 1 else 0
            if n >= 2 and n >= 2 * runner_up:
                return best
        if toks and set(votes) <= {"en"}:
            vocab = english_vocabulary()
            if sum(w in vocab for w in toks) * 2 >= len(toks):
                return "en"
    return _langdetect(prefix)
