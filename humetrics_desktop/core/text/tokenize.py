"""A word tokenizer that needs no corpus (NLTK's punkt cannot be downloaded offline).

Words are runs of letters (any script) with inner apostrophes; numbers, punctuation and emoji are
dropped. Curly apostrophes are folded to "'". Romance elisions (l'app, d'un, c'est) are split so
the content word remains; English contractions (don't) stay whole, as the English stop list has them.
"""
from __future__ import annotations

import re

from .stopwords import stop_words

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_ELIDING = {"fr", "it"}
_ELISIONS = {"l", "d", "j", "c", "qu", "n", "s", "m", "t", "un", "dell", "all", "nell", "sull"}


def words(text: str, lang: str | None = None) -> list[str]:
    """Lower-case word tokens of a text, contractions and elisions handled as above."""
    if not isinstance(text, str) or not text:
        return []
    out = []
    for tok in _WORD.findall(text.translate(_APOSTROPHES).lower()):
        if "'" in tok and lang in _ELIDING | {None}:
            head, _, rest = tok.partition("'")
            if head in _ELISIONS and rest:
                tok = rest
        out.append(tok)
    return out


def terms(text: str, lang: str | None = None, min_len: int = 2) -> list[str]:
    """Content words of a text: tokens without the language's stop words (all lists if unknown)."""
    stops = stop_words(lang)
    return [w for w in words(text, lang) if len(w) >= min_len and w not in stops]
