"""Country and region names to ISO codes, in any language or script the exports use.

normalize_country("Deutschland") -> "DE"; normalize_region("JP", "東京都") -> "JP-13".
Built once, lazily, from pycountry's ISO 3166 tables and their gettext translations (about 160
locales) plus a small alias table of our own for names people and tools write that ISO does not
("USA", "UK", "Ivory Coast", "DR Congo", MaxMind's "St Kitts and Nevis" ...).

Lookup is exact on a normalised key first (case, accents, punctuation and white space folded),
then on a "loose" key (stop words dropped, words sorted: "Korea, Republic of" == "Republic of
Korea"), then with a type word stripped ("Tokyo Prefecture", "東京都", "Beijing Shi"). A key that
points at two different places at the same priority is ambiguous and returns None rather than a
guess. Unknown values return None; callers count them under "??".

The Series versions resolve each distinct value once: exports have millions of rows but only a few
hundred distinct places.
"""
from __future__ import annotations

import gettext
import os
import re
import unicodedata
from collections import defaultdict
from functools import lru_cache

import numpy as np
import pandas as pd
import pycountry

# Names ISO does not list but exports carry (MaxMind/GeoIP names used by Mixpanel, Amplitude,
# PostHog and GA4, everyday English, old or non-ISO codes). Keys are matched after normalisation.
COUNTRY_ALIASES: dict[str, str] = {
    "USA": "US", "U.S.": "US", "U.S.A.": "US", "United States of America": "US", "America": "US",
    "UK": "GB", "U.K.": "GB", "Great Britain": "GB", "Britain": "GB", "England": "GB",
    "Scotland": "GB", "Wales": "GB", "Northern Ireland": "GB",
    "Russia": "RU", "South Korea": "KR", "Korea": "KR", "Republic of Korea": "KR",
    "North Korea": "KP", "Turkey": "TR", "Türkiye": "TR", "Turkiye": "TR",
    "Ivory Coast": "CI", "Cote d'Ivoire": "CI", "Iran": "IR", "Syria": "SY", "Vietnam": "VN",
    "Laos": "LA", "Bolivia": "BO", "Venezuela": "VE", "Tanzania": "TZ", "Moldova": "MD",
    "Czech Republic": "CZ", "Czechia": "CZ", "Cape Verde": "CV", "Swaziland": "SZ",
    "Macedonia": "MK", "North Macedonia": "MK", "Burma": "MM", "Holland": "NL",
    "Vatican": "VA", "Vatican City": "VA", "Holy See": "VA", "Palestine": "PS",
    "Palestinian Territories": "PS", "Taiwan": "TW", "Hong Kong": "HK", "Macau": "MO",
    "Macao": "MO", "Brunei": "BN", "Micronesia": "FM", "DR Congo": "CD", "DRC": "CD",
    "Congo-Kinshasa": "CD", "Democratic Republic of the Congo": "CD", "Zaire": "CD",
    "Congo Republic": "CG", "Republic of the Congo": "CG", "Congo-Brazzaville": "CG",
    "East Timor": "TL", "Kosovo": "XK", "XKX": "XK", "KSV": "XK", "XK": "XK",
    "UAE": "AE", "Emirates": "AE", "Bahamas": "BS", "Gambia": "GM",
    "St Kitts and Nevis": "KN", "St Lucia": "LC", "St Vincent and Grenadines": "VC",
    "Saint Vincent and the Grenadines": "VC", "St Pierre and Miquelon": "PM",
    "St Helena": "SH", "Saint Helena": "SH", "St Barthelemy": "BL", "St Martin": "MF",
    "US Virgin Islands": "VI", "U.S. Virgin Islands": "VI", "British Virgin Islands": "VG",
    "U.S. Outlying Islands": "UM", "Falkland Islands": "FK", "Faroe Islands": "FO",
    "Reunion": "RE", "Curacao": "CW", "Sao Tome and Principe": "ST", "Aland": "AX",
    "Aland Islands": "AX", "Cocos [Keeling] Islands": "CC", "Svalbard and Jan Mayen": "SJ",
    "Bonaire, Sint Eustatius, and Saba": "BQ", "Caribbean Netherlands": "BQ",
    "Heard Island and McDonald Islands": "HM", "Heard & McDonald Islands": "HM",
    "Palestinian Territory": "PS", "Mainland China": "CN", "Pitcairn Islands": "PN",
    "South Georgia and South Sandwich Islands": "GS", "Eswatini": "SZ", "Cabo Verde": "CV",
    "Timor-Leste": "TL", "Myanmar": "MM", "Slovak Republic": "SK", "Kyrgyz Republic": "KG",
    # everyday local names the ISO translations lack
    "Россия": "RU", "Rossiya": "RU", "السعودية": "SA", "الإمارات": "AE", "ایران": "IR",
    "ประเทศไทย": "TH", "한국": "KR", "中華民國": "TW", "Deutschland": "DE",
    # retired or non-ISO codes still seen in data
    "EL": "GR", "ROM": "RO", "ZAR": "CD", "TMP": "TL", "BUR": "MM",
}

# English region names (as MaxMind/GeoNames write them for Mixpanel, Amplitude, PostHog and GA4)
# that neither ISO's local names nor pycountry's English catalogue give.
REGION_ALIASES: dict[str, dict[str, str]] = {
    "GB": {"Scotland": "GB-SCT", "Wales": "GB-WLS", "Northern Ireland": "GB-NIR",
           "England": "GB-ENG", "Greater London": "GB-ENG"},
    "FR": {"Brittany": "FR-BRE", "Normandy": "FR-NOR", "Corsica": "FR-20R"},
    "IN": {"National Capital Territory of Delhi": "IN-DL"},
    "AR": {"Buenos Aires F.D.": "AR-C"},
    "CO": {"Bogota D.C.": "CO-DC"},
    "CL": {"Santiago Metropolitan": "CL-RM"},
    "IL": {"Jerusalem": "IL-JM"},
    "US": {"Washington, D.C.": "US-DC", "Washington DC": "US-DC", "D.C.": "US-DC"},
    "MX": {"Mexico City": "MX-CMX", "CDMX": "MX-CMX", "Distrito Federal": "MX-CMX"},
    "DE": {"North Rhine-Westphalia": "DE-NW", "Lower Saxony": "DE-NI", "Saxony": "DE-SN",
           "Saxony-Anhalt": "DE-ST", "Thuringia": "DE-TH", "Rhineland-Palatinate": "DE-RP",
           "Hesse": "DE-HE", "Mecklenburg-Western Pomerania": "DE-MV"},
    "AT": {"Vienna": "AT-9", "Lower Austria": "AT-3", "Upper Austria": "AT-4", "Styria": "AT-6",
           "Carinthia": "AT-2", "Tyrol": "AT-7"},
    "IT": {"Lombardy": "IT-25", "Tuscany": "IT-52", "Piedmont": "IT-21", "Sicily": "IT-82",
           "Sardinia": "IT-88", "Apulia": "IT-75", "Aosta Valley": "IT-23",
           "Trentino-South Tyrol": "IT-32"},
    "ES": {"Andalusia": "ES-AN", "Valencia": "ES-VC", "Basque Country": "ES-PV",
           "Balearic Islands": "ES-IB", "Canary Islands": "ES-CN", "Castille and León": "ES-CL",
           "Castile and León": "ES-CL", "Castille-La Mancha": "ES-CM", "Navarre": "ES-NC"},
    "BE": {"Brussels Capital": "BE-BRU", "Brussels": "BE-BRU", "Flanders": "BE-VLG",
           "Wallonia": "BE-WAL"},
    "NL": {"North Holland": "NL-NH", "South Holland": "NL-ZH", "North Brabant": "NL-NB",
           "Friesland": "NL-FR"},
    "CZ": {"Prague": "CZ-10", "Central Bohemia": "CZ-20", "South Moravian": "CZ-64"},
    "PL": {"Mazovia": "PL-14", "Lesser Poland": "PL-12", "Silesia": "PL-24",
           "Greater Poland": "PL-30", "Lower Silesia": "PL-02", "Pomerania": "PL-22",
           "Lodz Voivodeship": "PL-10"},
    "RU": {"Moscow": "RU-MOW", "Moscow Oblast": "RU-MOS", "St.-Petersburg": "RU-SPE",
           "Saint Petersburg": "RU-SPE", "Leningrad Oblast": "RU-LEN", "Tatarstan": "RU-TA"},
    "KR": {"Seoul": "KR-11", "Busan": "KR-26", "Incheon": "KR-28", "Gyeonggi-do": "KR-41"},
    "GR": {"Attica": "GR-I", "Central Macedonia": "GR-B", "Crete": "GR-M"},
    "PT": {"Lisbon": "PT-11", "Azores": "PT-20", "Madeira": "PT-30"},
    "CH": {"Geneva": "CH-GE", "Bern": "CH-BE", "Lucerne": "CH-LU", "Saint Gallen": "CH-SG"},
    "DK": {"Capital Region": "DK-84", "Central Jutland": "DK-82", "North Denmark": "DK-81",
           "South Denmark": "DK-83", "Zealand": "DK-85"},
    "UA": {"Kyiv City": "UA-30", "Kiev": "UA-30"},
    "RO": {"Bucharest": "RO-B"},
}

# Words that say what kind of place it is, stripped when the full name is not found
# ("Tokyo Prefecture", "Tokyo-to", "Beijing Shi", "State of Sao Paulo", "東京都").
_TYPE_SUFFIXES = [
    "prefecture", "province", "state", "region", "oblast", "krai", "kray", "county", "district",
    "department", "governorate", "municipality", "autonomous region", "shi", "sheng", "zizhiqu",
    "ken", "to", "fu", "do", "canton", "voivodeship", "city", "län", "lan",
]
_TYPE_PREFIXES = ["state of", "province of", "city of", "canton of", "region of", "land",
                  "provincia de", "provincia di", "estado de", "region de", "comunidad de"]
_TYPE_SUFFIXES += ["teukbyeolsi", "gwangyeoksi", "teukbyeoljachido", "teukbyeoljachisi", "sar"]
_CJK_SUFFIXES = ["特别行政区", "特別行政區", "自治区", "특별자치도", "특별자치시", "특별시",
                 "광역시", "都", "道", "府", "県", "县", "省", "市", "도", "시"]

_STOP = {"the", "of", "and", "la", "le", "de", "des", "du", "da", "di", "del", "das", "der"}
_PUNCT = re.compile(r"[\s\.,;:'’`´\"\-_/\\()\[\]&+*!?]+")

# Priorities: lower wins. A key claimed by two places at its best priority is ambiguous.
P_CODE, P_NAME, P_ALIAS, P_ENGLISH, P_TRANSLATION, P_WEAK = range(6)


def _fold(value: str) -> str:
    """Case-, accent-, width- and punctuation-insensitive key; keeps every script."""
    s = unicodedata.normalize("NFKC", value).casefold()
    # drop accents of Latin, Greek and Cyrillic letters only: kana voicing marks and Hangul
    # jamo are part of the letter
    out, base = [], 0
    for ch in unicodedata.normalize("NFD", s):
        if unicodedata.category(ch) == "Mn" and base < 0x0530:
            continue
        base = ord(ch)
        out.append(ch)
    s = _PUNCT.sub(" ", unicodedata.normalize("NFC", "".join(out))).strip()
    s = re.sub(r"^st ", "saint ", s)
    return re.sub(r" st ", " saint ", s)


def _loose(key: str) -> str:
    return " ".join(sorted({w for w in key.split() if w not in _STOP}))


def _strip_type(key: str) -> str | None:
    for w in _TYPE_SUFFIXES:
        if key.endswith(" " + w):
            return key[: -len(w) - 1].strip()
    for w in _TYPE_PREFIXES:
        if key.startswith(w + " "):
            return key[len(w) + 1:].strip()
    for suf in _CJK_SUFFIXES:
        if key.endswith(suf) and len(key) > len(suf):
            return key[: -len(suf)]
    return None


def _variants(name: str) -> list[tuple[str, bool]]:
    """(variant, weak) pairs: 'Madrid, Comunidad de' -> 'Comunidad de Madrid' and (weak) 'Madrid';
    'Catalunya [Cataluña]' -> both; 'Wales [Cymru GB-CYM]' -> both names."""
    out = [(name, False)]
    for inner in re.findall(r"[\[(]([^\])]+)[\])]", name):
        out.append((re.sub(r"\b[A-Z]{2}-[A-Z0-9]{1,3}\b", "", inner).strip(), False))
    base = re.sub(r"\s*[\[(][^\])]*[\])]", "", name).strip()
    out.append((base, False))
    if "," in base:
        head, tail = base.split(",", 1)
        out.append((f"{tail.strip()} {head.strip()}", False))
        out.append((head.strip(), True))
    if "/" in base:
        out.extend((p.strip(), True) for p in base.split("/"))
    return [(v, weak) for v, weak in out if v]


class _Index:
    """normalised key -> {priority: codes}; a lookup resolves to the one code at the best priority."""

    def __init__(self) -> None:
        self.exact: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
        self.loose: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))

    def add_code(self, code: str, target: str, priority: int = P_CODE) -> None:
        self.exact[_fold(code)][priority].add(target)

    def add_name(self, name: str, target: str, priority: int, rank: int = 0) -> None:
        """`rank` breaks ties inside a priority (0 first-level place, 1 a finer one)."""
        for variant, weak in _variants(name):
            key = _fold(variant)
            if not key:
                continue
            p = (P_WEAK if weak else priority) * 2 + rank
            self.exact[key][p].add(target)
            self.loose[_loose(key)][p].add(target)
            stripped = _strip_type(key)
            if stripped:
                self.exact[stripped][P_WEAK * 2 + rank].add(target)

    @staticmethod
    def _pick(entry: dict[int, set[str]] | None) -> str | None:
        if not entry:
            return None
        best = entry[min(entry)]
        return next(iter(best)) if len(best) == 1 else None

    def lookup(self, value: str) -> str | None:
        key = _fold(value)
        if not key:
            return None
        hit = self._pick(self.exact.get(key)) or self._pick(self.loose.get(_loose(key)))
        if hit:
            return hit
        stripped = _strip_type(key)
        if stripped:
            hit = self._pick(self.exact.get(stripped)) or self._pick(self.loose.get(_loose(stripped)))
            if hit:
                return hit
        # "Myanmar (Burma)", "Macedonia (FYROM)": the name outside the brackets, then inside
        variants = _variants(value)
        for variant, weak in variants[1:]:
            if not weak and variant != value:
                key = _fold(variant)
                hit = self._pick(self.exact.get(key)) or self._pick(self.loose.get(_loose(key)))
                if hit:
                    return hit
        return None


@lru_cache(maxsize=None)
def _catalogs(domain: str) -> list[tuple[str, dict[str, str]]]:
    """(locale, msgid -> msgstr) for every locale pycountry ships for one ISO domain."""
    out = []
    root = pycountry.LOCALES_DIR
    for lang in sorted(os.listdir(root)):
        path = os.path.join(root, lang, "LC_MESSAGES", f"{domain}.mo")
        if os.path.exists(path):
            with open(path, "rb") as f:
                out.append((lang, gettext.GNUTranslations(f)._catalog))
    return out


def _translation_priority(lang: str) -> int:
    return P_ENGLISH if lang == "en" or lang.startswith("en_") else P_TRANSLATION


@lru_cache(maxsize=1)
def _country_index() -> _Index:
    idx = _Index()
    names: dict[str, set[str]] = defaultdict(set)
    for c in pycountry.countries:
        for code in (c.alpha_2, c.alpha_3, c.numeric, str(int(c.numeric))):
            idx.add_code(code, c.alpha_2)
        for attr in ("name", "official_name", "common_name"):
            name = getattr(c, attr, None)
            if name:
                names[name].add(c.alpha_2)
                idx.add_name(name, c.alpha_2, P_NAME)
    for alias, code in COUNTRY_ALIASES.items():
        if len(alias) <= 3 and alias.isalpha() and alias.isupper():
            idx.add_code(alias, code)
        else:
            idx.add_name(alias, code, P_ALIAS)
    for lang, cat in _catalogs("iso3166-1"):
        prio = _translation_priority(lang)
        for msgid, msgstr in cat.items():
            if isinstance(msgid, str) and msgstr and msgid in names:
                for code in names[msgid]:
                    idx.add_name(msgstr, code, prio)
    return idx


@lru_cache(maxsize=1)
def _subdivisions() -> tuple[dict[str, list], dict[str, str]]:
    """Subdivisions by country, and every ISO 3166-2 code -> its first-level ancestor."""
    subs = {s.code: s for s in pycountry.subdivisions}
    by_country: dict[str, list] = defaultdict(list)
    top_of: dict[str, str] = {}
    for code, s in subs.items():
        by_country[s.country_code].append(s)
        top, seen = code, set()
        while subs[top].parent_code in subs and top not in seen:
            seen.add(top)
            top = subs[top].parent_code
        top_of[code] = top
    return dict(by_country), top_of


@lru_cache(maxsize=None)
def _region_index(cc: str) -> _Index | None:
    """One country's region index, built on first use (most exports touch few countries)."""
    by_country, top_of = _subdivisions()
    if cc not in by_country:
        return None
    idx = _Index()
    names: dict[str, set[str]] = defaultdict(set)
    for s in by_country[cc]:
        top = top_of[s.code]
        rank = 0 if top == s.code else 1  # "Madrid" the community beats "Madrid" the province
        idx.add_code(s.code.split("-", 1)[1], top, P_CODE * 2 + rank)
        idx.add_code(s.code, top, P_CODE * 2 + rank)
        idx.add_name(s.name, top, P_NAME, rank)
        names[s.name].add(s.code)
    for alias, code in REGION_ALIASES.get(cc, {}).items():
        idx.add_name(alias, top_of.get(code, code), P_ALIAS)
    for lang, cat in _catalogs("iso3166-2"):
        prio = _translation_priority(lang)
        for name, codes in names.items():
            msgstr = cat.get(name)
            if msgstr:
                for code in codes:
                    idx.add_name(msgstr, top_of[code], prio, 0 if top_of[code] == code else 1)
    return idx


@lru_cache(maxsize=1)
def _hasc_codes() -> dict[str, str]:
    """HASC code -> region key (first-level ISO 3166-2, or the HASC code itself where ISO has
    none), from the boundary layer's index in resources/geo (empty if it is not there)."""
    from ...resources import resources_dir

    path = resources_dir() / "geo" / "admin1_index.csv"
    if not path.exists():
        return {}
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table = table[table["hasc"].str.fullmatch(r"[A-Z]{2}\.[A-Z0-9]{1,3}")]
    return dict(zip(table["hasc"].str.upper(), table["code"]))


def _clean(value: object) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    s = str(value).strip()
    return s or None


def normalize_country(value: object) -> str | None:
    """ISO 3166-1 alpha-2 code for a country code (alpha-2/3, numeric) or name, or None."""
    s = _clean(value)
    if s is None:
        return None
    if re.fullmatch(r"\d{1,3}(\.0)?", s):
        s = str(int(float(s)))
    return _country_index().lookup(s)


def normalize_region(country_alpha2: object, value: object) -> str | None:
    """First-level ISO 3166-2 code ("DE-BY") for a region name, code ("BY", "DE-BY") or HASC code
    ("DE.BY", "JP.TK") within a country, or None. Finer subdivisions map to their first-level
    parent; a HASC code of a region ISO does not code stays that HASC code."""
    s = _clean(value)
    if s is None:
        return None
    _, top_of = _subdivisions()
    # a full ISO 3166-2 or HASC code names its country itself; HASC suffixes often differ from
    # ISO ones (JP.TK is JP-13), so the shipped boundary index translates them first
    m = re.fullmatch(r"([A-Za-z]{2})[-.]([A-Za-z0-9]{1,3})", s)
    if m and "." in s:
        hit = _hasc_codes().get(s.upper())
        if hit:
            return top_of.get(hit, hit)
    if m:
        code = f"{m.group(1).upper()}-{m.group(2).upper()}"
        if code in top_of:
            return top_of[code]
    cc = normalize_country(country_alpha2)
    idx = _region_index(cc) if cc else None
    return idx.lookup(s) if idx else None


def _expand(mapped: list, codes: np.ndarray, index: pd.Index, name) -> pd.Series:
    values = np.array(mapped + [None], dtype=object)  # codes of -1 (missing) pick the None
    return pd.Series(values[codes], index=index, name=name, dtype=object)


def normalize_country_series(values: pd.Series) -> pd.Series:
    """normalize_country over a Series, resolving each distinct value once (None where unknown)."""
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    return _expand([normalize_country(u) for u in uniques], codes, values.index, values.name)


def normalize_region_series(countries: pd.Series, values: pd.Series) -> pd.Series:
    """normalize_region row by row over aligned Series of countries and region values, resolving
    each distinct (country, value) pair once."""
    c_codes, c_uniq = pd.factorize(countries.astype(object), use_na_sentinel=True)
    v_codes, v_uniq = pd.factorize(values.astype(object), use_na_sentinel=True)
    # one integer per (country, value) pair; -1 (missing) shifted to 0
    pair = (c_codes.astype(np.int64) + 1) * (len(v_uniq) + 1) + (v_codes + 1)
    codes, pairs = pd.factorize(pair)
    c_of = np.append([None], np.asarray(c_uniq, dtype=object))
    v_of = np.append([None], np.asarray(v_uniq, dtype=object))
    mapped = [normalize_region(c_of[p // (len(v_uniq) + 1)], v_of[p % (len(v_uniq) + 1)])
              for p in pairs]
    return _expand(mapped, codes, values.index, values.name)
