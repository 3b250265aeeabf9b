"""Normalising the demographic labels tools export: ages, age bands, gender, language.

Every function maps each distinct raw value once (profiles tables repeat few distinct labels), so a
million users cost a few thousand lookups. Nothing is coerced: a gender label we do not recognise is
kept as written, an age band that straddles the standard bands keeps its own label, and a missing
value becomes "unknown" so it is counted and shown rather than dropped.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

UNKNOWN = "unknown"

# Markers that mean "no value" in exports, compared after case-folding and trimming.
_MISSING = {"", "nan", "none", "null", "na", "n/a", "n.a.", "-", "--", "?", "unknown", "unk",
            "not set", "(not set)", "undefined", "unbekannt", "inconnu", "desconocido", "u"}


@dataclass(frozen=True)
class AgeBand:
    low: int
    high: int | None  # inclusive; None = open-ended ("65+")
    label: str

    def contains(self, low: float, high: float | None) -> bool:
        top = np.inf if self.high is None else self.high
        return self.low <= low and (np.inf if high is None else high) <= top


def _band_label(low: int, high: int | None) -> str:
    if high is None:
        return f"{low}+"
    if low == 0:
        return f"under {high + 1}"
    return f"{low}-{high}"


def make_bands(edges: list[int]) -> tuple[AgeBand, ...]:
    """Bands from their lower edges, e.g. [0, 18, 25, 35] -> under 18, 18-24, 25-34, 35+."""
    edges = sorted(edges)
    if not edges or edges[0] != 0:
        edges = [0, *edges]
    out = []
    for i, low in enumerate(edges):
        high = edges[i + 1] - 1 if i + 1 < len(edges) else None
        out.append(AgeBand(low, high, _band_label(low, high)))
    return tuple(out)


# The bands most analytics tools export (GA4, Meta, Amplitude), plus under 18.
STANDARD_BANDS = make_bands([0, 18, 25, 35, 45, 55, 65])


# Dashes and comparison signs the ASCII fold would otherwise drop.
_DASHES = str.maketrans({**{c: "-" for c in "‐‑‒–—―−"}, "≥": ">=", "≤": "<="})


def _fold(value: object) -> str:
    """Lower-case, trimmed, accents removed, whitespace collapsed: the key labels are matched on."""
    raw = str(value).translate(_DASHES)
    text = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode()
    if not text.strip():  # non-Latin scripts lose everything to the ASCII fold: keep them as NFKC
        text = unicodedata.normalize("NFKC", raw)
    return " ".join(text.casefold().replace("_", " ").split())


def is_missing(value: object) -> bool:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return True
    if isinstance(value, (pd.Timestamp, dt.date)):
        return pd.isna(value)
    return _fold(value) in _MISSING


# ---------------------------------------------------------------- age

_DASH = re.compile(r"\s*-\s*|\s+(?:to|bis|a|al)\s+")
_UNITS = re.compile(r"\b(?:years?|yrs?|y\.?o\.?|ans|jahre|anos|años|anni|jaar)\b\.?")
_RANGE = re.compile(r"^(\d{1,3})(?:-(\d{1,3}))$")
_OPEN_UP = re.compile(r"^(?:(\d{1,3})\s*(?:\+|plus|and over|and older|and above|or older|or over|"
                      r"und alter|und aelter|et plus|y mas|o mas)|(?:>=|over|above|older than|"
                      r"ueber|uber|plus de|mas de)\s*(\d{1,3})|>\s*(\d{1,3}))$")
_OPEN_DOWN = re.compile(r"^(?:<|under|below|less than|younger than|unter|moins de|menos de)\s*"
                        r"(\d{1,3})$|^(?:<=)\s*(\d{1,3})$")
_NUMBER = re.compile(r"^\d{1,4}(?:[.,]\d+)?$")
_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}")

MAX_AGE = 120


def parse_age_interval(value: object, reference: dt.date) -> tuple[float, float | None] | None:
    """One raw age value as an inclusive interval of ages (low, high; high None = open-ended).

    Accepts an age (34, "34", 34.5), a birth year (1990 -> reference year - 1990; the birthday is
    assumed passed, so the age may be one year high), a birth date ("1990-05-17", exact), or a band
    label ("18-24", "18 - 24", "25–34", "18 to 24 years", "65+", "65 and over", "under 18", "<18").
    Returns None for missing or unreadable values and for ages outside 0..120.
    """
    if is_missing(value):
        return None
    if isinstance(value, (pd.Timestamp, dt.date)):
        return _age_from_birth_date(pd.Timestamp(value).date(), reference)
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return _age_from_number(float(value), reference)
    text = " ".join(_UNITS.sub("", _fold(value)).split())
    if _NUMBER.match(text):
        return _age_from_number(float(text.replace(",", ".")), reference)
    if _DATE.match(text):
        try:
            return _age_from_birth_date(pd.Timestamp(text[:10]).date(), reference)
        except ValueError:
            return None
    text = _DASH.sub("-", text) if re.search(r"\d", text) else text
    if m := _RANGE.match(text):
        low, high = int(m.group(1)), int(m.group(2))
        return (float(low), float(high)) if low <= high <= MAX_AGE else None
    if m := _OPEN_UP.match(text):
        if m.group(3):  # "> 65" means 66 and over
            return float(int(m.group(3)) + 1), None
        return float(int(m.group(1) or m.group(2))), None
    if m := _OPEN_DOWN.match(text):
        if m.group(1):  # "under 18" = 0..17
            return 0.0, float(int(m.group(1)) - 1)
        return 0.0, float(int(m.group(2)))
    return None


def _age_from_number(x: float, reference: dt.date) -> tuple[float, float] | None:
    if 1900 <= x <= reference.year and x == int(x):  # a birth year
        x = reference.year - x
    if 0 <= x <= MAX_AGE:
        x = float(np.floor(x))  # 24.9 years old is 24 completed years
        return x, x
    return None


def _age_from_birth_date(born: dt.date, reference: dt.date) -> tuple[float, float] | None:
    years = reference.year - born.year - ((reference.month, reference.day) < (born.month, born.day))
    return (float(years), float(years)) if 0 <= years <= MAX_AGE else None


def band_of(interval: tuple[float, float | None] | None,
            bands: tuple[AgeBand, ...] = STANDARD_BANDS) -> str:
    """The band holding an interval; a source band that straddles bands keeps its own label."""
    if interval is None:
        return UNKNOWN
    low, high = interval
    for band in bands:
        if band.contains(low, high):
            return band.label
    return _band_label(int(low), None if high is None else int(high))


def band_order(labels: list[str] | pd.Index, bands: tuple[AgeBand, ...] = STANDARD_BANDS) -> list[str]:
    """Band labels youngest first (standard bands and kept source bands alike), unknown last."""
    today = dt.date(2000, 1, 1)  # labels only, so any reference date does

    def key(label: str) -> tuple[int, float, float]:
        iv = parse_age_interval(label, today) if label != UNKNOWN else None
        if iv is None:
            return (1, 0.0, 0.0)
        return (0, iv[0], np.inf if iv[1] is None else iv[1])

    return sorted(dict.fromkeys(labels), key=key)


def normalise_ages(values: pd.Series, reference: dt.date,
                   bands: tuple[AgeBand, ...] = STANDARD_BANDS) -> pd.DataFrame:
    """Per row: `age` (a number where an exact age is known, else NaN), `age_band` (a label) and
    `age_raw_unread` (True where a value was present but could not be read)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    exact, band, unread = [], [], []
    for raw in uniques:
        interval = parse_age_interval(raw, reference)
        exact.append(interval[0] if interval is not None and interval[1] == interval[0] else np.nan)
        band.append(band_of(interval, bands))
        unread.append(interval is None and not is_missing(raw))
    return pd.DataFrame({
        "age": np.asarray(exact, dtype="float64")[codes],
        "age_band": pd.array(np.asarray(band, dtype=object)[codes], dtype="string"),
        "age_raw_unread": np.asarray(unread, dtype=bool)[codes],
    }, index=values.index)


def _map_distinct(values: pd.Series, fn) -> pd.Series:
    """fn applied once per distinct value (NaN included), spread back to every row."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    mapped = np.asarray([fn(raw) for raw in uniques], dtype=object)
    return pd.Series(pd.array(mapped[codes], dtype="string"), index=values.index)


# ---------------------------------------------------------------- gender

FEMALE, MALE, NON_BINARY, OTHER, PREFER_NOT = (
    "female", "male", "non-binary", "other", "prefer not to say")
GENDER_ORDER = [FEMALE, MALE, NON_BINARY, OTHER, PREFER_NOT, UNKNOWN]

# Keys are folded labels (lower case, no accents). English, German, French, Spanish, Italian,
# Portuguese, Dutch, Swedish, Polish, Japanese, Chinese, and the one-letter codes forms use.
_GENDER_ALIASES = {
    FEMALE: ["f", "female", "woman", "women", "w", "weiblich", "frau", "femme", "feminin", "feminine",
             "femenino", "mujer", "femminile", "donna", "feminino", "mulher", "vrouw", "vrouwelijk",
             "kvinna", "kvinnlig", "kobieta", "zenski", "女性", "女", "girl", "fem"],
    MALE: ["m", "male", "man", "men", "mannlich", "maennlich", "mann", "homme", "masculin",
           "masculine", "masculino", "hombre", "maschile", "uomo", "homem", "mannelijk", "manlig",
           "mezczyzna", "meski", "男性", "男", "boy", "masc"],
    NON_BINARY: ["nb", "n-b", "non-binary", "nonbinary", "non binary", "enby", "nichtbinar",
                 "nicht-binar", "nicht binar", "non-binaire", "non binaire", "no binario",
                 "no-binario", "nao binario", "nao-binario", "non binario", "niet-binair",
                 "ickebinar", "niebinarny", "x"],
    # "divers"/"d" is the German legal third option (m/w/d); it is not a synonym of non-binary.
    OTHER: ["other", "o", "others", "andere", "anderes", "divers", "diverse", "d", "autre", "otro",
            "otra", "altro", "outro", "anders", "annat", "inne", "その他", "其他",
            "self-describe", "self describe", "prefer to self-describe", "something else"],
    PREFER_NOT: ["prefer not to say", "prefer not to answer", "prefer not to disclose",
                 "rather not say", "decline to state", "declined", "declined to answer",
                 "do not wish to answer", "not disclosed", "undisclosed", "no answer", "pnts",
                 "keine angabe", "mochte ich nicht angeben", "mochte nicht angeben",
                 "prefere ne pas dire", "prefere ne pas repondre", "je prefere ne pas repondre",
                 "prefiero no decir", "prefiero no responder", "preferisco non rispondere",
                 "preferisco non dirlo", "prefiro nao dizer", "prefiro nao responder",
                 "zeg ik liever niet", "vill inte uppge", "wole nie podawac", "回答しない"],
}
_GENDER = {alias: label for label, aliases in _GENDER_ALIASES.items() for alias in aliases}


def normalise_gender_label(value: object) -> str:
    """One gender label normalised; unrecognised labels are kept as written (trimmed)."""
    if is_missing(value):
        return UNKNOWN
    key = _fold(value)
    return _GENDER.get(key) or _GENDER.get(key.rstrip(".")) or " ".join(str(value).split())


def normalise_genders(values: pd.Series) -> pd.Series:
    """Labels normalised; unrecognised labels that differ only in case or accents ("Genderqueer",
    "genderqueer") are one category, spelled as most people in the data spelled it."""
    out = _map_distinct(values, normalise_gender_label)
    own = out[~out.isin(GENDER_ORDER)]
    if own.empty:
        return out
    spelling: dict[str, str] = {}
    for label in own.value_counts().index:  # most frequent spelling first
        spelling.setdefault(_fold(label), label)
    return out.where(out.isin(GENDER_ORDER), own.map({v: spelling[_fold(v)] for v in own.unique()}))


def gender_order(labels) -> list[str]:
    """The normalised categories in a fixed order, then every other label by name, unknown last."""
    present = list(dict.fromkeys(labels))
    known = [g for g in GENDER_ORDER if g in present and g != UNKNOWN]
    rest = sorted(g for g in present if g not in GENDER_ORDER)
    return known + rest + ([UNKNOWN] if UNKNOWN in present else [])


# ---------------------------------------------------------------- language

# Names (English and own-language, folded) of the languages exports most often spell out.
_LANGUAGE_NAMES = {
    "english": "en", "anglais": "en", "englisch": "en", "ingles": "en", "inglese": "en",
    "german": "de", "deutsch": "de", "allemand": "de", "aleman": "de", "tedesco": "de",
    "french": "fr", "francais": "fr", "franzosisch": "fr", "frances": "fr", "francese": "fr",
    "spanish": "es", "espanol": "es", "castellano": "es", "spanisch": "es", "espagnol": "es",
    "italian": "it", "italiano": "it", "italienisch": "it", "italien": "it",
    "portuguese": "pt", "portugues": "pt", "portugiesisch": "pt", "portugais": "pt",
    "dutch": "nl", "nederlands": "nl", "swedish": "sv", "svenska": "sv", "polish": "pl",
    "polski": "pl", "japanese": "ja", "日本語": "ja", "chinese": "zh", "中文": "zh", "korean": "ko",
    "한국어": "ko", "russian": "ru", "русский": "ru", "turkish": "tr", "turkce": "tr",
    "arabic": "ar", "العربية": "ar", "hindi": "hi", "हिन्दी": "hi",
}


def normalise_language_label(value: object) -> str:
    """A language or locale as its ISO 639-1 code: "en-US", "en_GB", "EN", "eng", "English" -> "en".

    Codes outside ISO 639 and unknown names are kept, lower-cased, as themselves.
    """
    if is_missing(value):
        return UNKNOWN
    key = _fold(value).replace(" ", "-")
    primary = re.split(r"[-.@]", key, maxsplit=1)[0]
    if key in _LANGUAGE_NAMES or key.replace("-", " ") in _LANGUAGE_NAMES:
        return _LANGUAGE_NAMES.get(key) or _LANGUAGE_NAMES[key.replace("-", " ")]
    if len(primary) == 2 and primary.isalpha():
        return primary
    if len(primary) == 3 and primary.isalpha():
        return _iso639_3_to_1(primary) or primary
    return " ".join(str(value).split()).lower()


def _iso639_3_to_1(code: str) -> str | None:
    import pycountry  # imported lazily: only three-letter codes need it

    lang = pycountry.languages.get(alpha_3=code) or pycountry.languages.get(bibliographic=code)
    return getattr(lang, "alpha_2", None) if lang else None


def normalise_languages(values: pd.Series) -> pd.Series:
    return _map_distinct(values, normalise_language_label)
