"""Recognising what a table is and which of its columns are the canonical ones.

Each raw column is scored against each canonical field by its header (synonyms in several
languages, camelCase and dotted names understood) and by its content (times, epoch numbers,
0-10 integers, country and ISO 3166-2 codes, free text). Each kind of table is then scored by how
well its fields are covered; the best kind wins, with a confidence that says whether the user
should be asked to confirm.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..geo.names import normalize_country, normalize_region
from ..schema import KINDS
from .parsing import blank_mask, parse_numbers, parse_times

CONFIRM_BELOW = 0.75   # a proposal less confident than this is shown to the user first
# What a per-region layer holds (Workspace layers' meta "kind").
LAYER_KINDS = ("population", "socio-economic", "political", "reference-population")
_LAYER_WORDS = {
    "reference-population": ["reference"],
    "political": ["politic", "vote", "election", "lean", "party", "turnout", "wahl", "partei"],
    "population": ["population", "census", "inhabitants", "einwohner", "bevoelkerung"],
}
MIN_COLUMN_SCORE = 0.45

# ---- synonyms (normalised: lower case, ASCII, words joined by "_") --------------------------------
_USER = ["user_id", "userid", "user", "uid", "distinct_id", "customer_id", "customer", "client_id",
         "member_id", "account_id", "person_id", "visitor_id", "contact_id", "subscriber_id",
         "external_id", "nutzer_id", "benutzer_id", "kunden_id", "kundennummer", "kunde",
         "id_utilisateur", "utilisateur", "id_client", "usuario_id", "id_usuario", "usuario",
         "id_cliente", "cliente", "id_utente", "utente", "gebruiker_id", "klant_id"]
_COUNTRY = ["country", "country_code", "countrycode", "country_iso", "country_name", "iso_country",
            "geo_country", "mp_country_code", "land", "landcode", "staat", "pays", "code_pays",
            "pais", "paese", "nazione", "nation", "kraj", "ulke", "country_region"]
_REGION = ["region", "region_code", "region_iso", "iso_3166_2", "subdivision", "subdivision_code",
           "state", "state_code", "province", "province_code", "county", "bundesland", "provinz",
           "kanton", "departement", "provincia", "comunidad", "estado", "regione", "provincie",
           "geo_region", "region_name"]
_CITY = ["city", "town", "stadt", "ort", "ville", "ciudad", "citta", "cidade", "geo_city"]

_COMMON: dict[str, list[str]] = {
    "user_id": _USER, "country": _COUNTRY, "region": _REGION, "city": _CITY,
    "email": ["email", "e_mail", "mail", "email_address", "courriel", "correo"],
    "name": ["name", "full_name", "display_name", "nom", "nombre", "nome", "vorname_nachname"],
    "language": ["language", "lang", "locale", "sprache", "langue", "idioma", "lingua", "taal"],
}

SYNONYMS: dict[str, dict[str, list[str]]] = {
    "profiles": {
        **_COMMON,
        "user_id": _USER + ["id"],
        "signup_at": ["signup_at", "signup", "signup_date", "signed_up_at", "signup_time", "created_at",
                      "created", "creation_date", "registered_at", "registration_date", "registered",
                      "joined", "joined_at", "join_date", "first_seen", "anmeldedatum", "registriert_am",
                      "date_inscription", "inscription", "fecha_registro", "fecha_alta",
                      "data_registrazione"],
        "age": ["age", "alter", "age_years", "edad", "eta", "idade", "leeftijd"],
        "gender": ["gender", "sex", "geschlecht", "genre", "sexe", "genero", "sexo", "sesso", "geslacht"],
        "plan": ["plan", "tier", "subscription", "subscription_plan", "pricing_plan", "plan_name",
                 "tarif", "abo", "abonnement", "forfait", "suscripcion"],
    },
    "events": {
        **_COMMON,
        "timestamp": ["timestamp", "time", "ts", "event_time", "event_timestamp", "datetime",
                      "date_time", "occurred_at", "happened_at", "created_at", "server_timestamp",
                      "client_timestamp", "event_date", "date", "zeitpunkt", "zeitstempel", "datum",
                      "horodatage", "fecha_hora", "fecha", "data_ora"],
        "event": ["event", "event_name", "event_type", "eventname", "action", "activity", "event_key",
                  "ereignis", "aktion", "evenement", "evento", "azione"],
        "session_id": ["session_id", "session", "sessionid", "session_key", "sitzung", "sitzungs_id"],
        "duration_s": ["duration_s", "duration", "duration_seconds", "duration_sec", "seconds", "dauer",
                       "duree", "duracion", "durata"],
        "device_id": ["device_id", "device", "deviceid", "anonymous_id", "anon_id", "geraet_id"],
    },
    "survey": {
        **_COMMON,
        "response_id": ["response_id", "responseid", "respondent_id", "submission_id", "answer_id",
                        "antwort_id", "id_reponse", "id_respuesta", "id"],
        "submitted_at": ["submitted_at", "submitted", "submission_date", "submit_date", "responded_at",
                         "response_date", "completed_at", "end_date", "date_submitted", "created_at",
                         "date", "timestamp", "time", "datum", "date_reponse", "fecha"],
        "score": ["score", "nps", "nps_score", "rating", "recommend", "likelihood_to_recommend",
                  "recommendation", "how_likely", "likelihood", "punktzahl", "bewertung", "empfehlung",
                  "weiterempfehlung", "note", "recommandation", "puntuacion", "recomendacion",
                  "punteggio", "raccomandazione", "cijfer"],
        "comment": ["comment", "comments", "feedback", "reason", "why", "verbatim", "open_text",
                    "open_answer", "answer", "remarks", "text", "kommentar", "anmerkung", "begruendung",
                    "commentaire", "raison", "comentario", "motivo", "commento", "opmerking"],
        "survey": ["survey", "survey_name", "survey_id", "campaign", "umfrage", "enquete", "encuesta",
                   "sondaggio"],
    },
    "reviews": {
        **_COMMON,
        "feedback_id": ["feedback_id", "review_id", "ticket_id", "post_id", "comment_id", "message_id",
                        "id"],
        "created_at": ["created_at", "date", "posted_at", "review_date", "reviewed_at", "submitted_at",
                       "timestamp", "time", "at", "datum", "fecha", "data", "date_avis"],
        "text": ["text", "review", "review_text", "body", "content", "message", "feedback", "comment",
                 "comments", "post", "reviewtext", "bewertungstext", "rezension", "kommentar", "avis",
                 "commentaire", "opinion", "resena", "comentario", "recensione", "commento"],
        "source": ["source", "channel", "platform", "store", "origin", "quelle", "kanal", "origine",
                   "fuente", "canal", "fonte"],
        "rating": ["rating", "stars", "star_rating", "review_rating", "score", "sterne", "bewertung",
                   "etoiles", "note", "estrellas", "valutazione", "stelle"],
        "author": ["author", "reviewer", "user_name", "username", "reviewer_name", "autor", "auteur",
                   "autore"],
    },
    "traffic": {
        "date": ["date", "day", "datum", "tag", "jour", "fecha", "dia", "data", "giorno", "ga_date"],
        "active_users": ["active_users", "users", "visitors", "total_users", "unique_users", "dau",
                         "aktive_nutzer", "nutzer", "besucher", "utilisateurs", "visiteurs", "usuarios",
                         "visitantes", "utenti"],
        "sessions": ["sessions", "visits", "sitzungen", "besuche", "visites", "sesiones", "visitas",
                     "sessioni"],
        "new_users": ["new_users", "neue_nutzer", "nouveaux_utilisateurs", "nuevos_usuarios",
                      "nuovi_utenti"],
        "country": _COUNTRY, "region": _REGION,
    },
    "layer": {
        "key": ["key", "code", "iso", "iso2", "iso_code", "iso_a2", "iso_3166", "iso_3166_1",
                "iso_3166_2", "region_code", "country_code", "geo", "geo_code", "area_code", "id",
                "region", "country", "land", "pays"],
        "name": ["name", "region_name", "country_name", "label", "nom", "nombre"],
        "level": ["level", "admin_level", "ebene", "niveau", "nivel"],
    },
}

# What each canonical field holds; decides how its content is checked and validated.
FIELD_TYPES: dict[str, str] = {
    "user_id": "id", "response_id": "id", "feedback_id": "id", "session_id": "id", "device_id": "id",
    "timestamp": "time", "signup_at": "time", "submitted_at": "time", "created_at": "time",
    "date": "time", "score": "score", "rating": "rating", "country": "country", "region": "region",
    "key": "geo_key", "active_users": "count", "sessions": "count", "new_users": "count",
    "age": "age", "duration_s": "number", "comment": "text", "text": "text",
}

# Fields a column can be given by its content alone, with no header hint.
_CONTENT_ONLY = {"time", "score", "country", "region", "geo_key", "text"}

_FILE_HINTS: dict[str, list[str]] = {
    "profiles": ["user", "users", "profile", "profiles", "customer", "customers", "member", "members",
                 "people", "contacts", "accounts", "nutzer", "kunden"],
    "events": ["event", "events", "activity", "tracking", "clickstream", "actions"],
    "survey": ["nps", "survey", "surveys", "responses", "umfrage", "enquete", "encuesta"],
    "reviews": ["feedback", "review", "reviews", "ratings", "posts", "comments", "tickets"],
    "traffic": ["traffic", "visits", "sessions", "ga4", "web"],
    "layer": ["layer", "layers", "population", "indicator", "indicators", "income", "election",
              "political", "socio", "economic", "reference", "census", "vote", "votes"],
}


@dataclass
class Mapping:
    """A table's kind and where each raw column goes: a canonical column name, or None to keep the
    column as an extra attribute under its own name."""

    kind: str
    columns: dict[str, str | None]
    confidence: float = 1.0
    column_confidence: dict[str, float] = field(default_factory=dict)
    layer_kind: str | None = None  # layers only: one of LAYER_KINDS (a sidecar file overrides it)

    @property
    def needs_confirmation(self) -> bool:
        return self.confidence < CONFIRM_BELOW

    def missing_required(self) -> list[str]:
        have = {c for c in self.columns.values() if c}
        return [f for f in KINDS[self.kind]["required"] if f not in have]

    def to_json(self) -> dict[str, Any]:
        d = {"kind": self.kind, "columns": dict(self.columns), "confidence": self.confidence,
             "column_confidence": dict(self.column_confidence)}
        if self.layer_kind:
            d["layer_kind"] = self.layer_kind
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Mapping":
        if d.get("kind") not in KINDS:
            raise ValueError(f"unknown table kind {d.get('kind')!r}")
        cols = {str(k): (str(v) if v else None) for k, v in d.get("columns", {}).items()}
        allowed = set(KINDS[d["kind"]]["required"] + KINDS[d["kind"]]["optional"])
        wrong = [v for v in cols.values() if v and v not in allowed]
        if wrong:
            raise ValueError(f"{wrong[0]!r} is not a column of a {d['kind']} table")
        targets = [v for v in cols.values() if v]
        if len(targets) != len(set(targets)):
            raise ValueError("two columns are mapped to the same field")
        layer_kind = d.get("layer_kind")
        if layer_kind is not None and layer_kind not in LAYER_KINDS:
            raise ValueError(f"unknown layer kind {layer_kind!r}")
        return cls(d["kind"], cols, float(d.get("confidence", 1.0)),
                   {str(k): float(v) for k, v in d.get("column_confidence", {}).items()},
                   layer_kind if d["kind"] == "layer" else None)


# ---- headers -------------------------------------------------------------------------------------

def normalise_header(name: str) -> str:
    """'User ID' / 'userId' / 'Nutzer-ID' / '$country' -> 'user_id' / 'user_id' / 'nutzer_id' / 'country'."""
    s = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", str(name))
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower().replace("ß", "ss")
    return re.sub(r"[^a-z0-9]+", "_", s).strip("_")


def _header_score(name: str, synonyms: list[str]) -> float:
    full = normalise_header(name)
    last = normalise_header(re.split(r"[.\[/]", str(name))[-1]) if "." in str(name) else full
    # earlier synonyms are the more usual names: a tiny edge breaks ties between columns
    if full in synonyms:
        return 1.0 - 0.001 * synonyms.index(full)
    if last in synonyms:
        return 0.9 - 0.001 * synonyms.index(last)
    # "Customer ID (internal)", "nps_score_q1", "how likely are you to recommend us"; only the
    # last dotted segment counts ("properties.device.os" is not a device id)
    tokens = set(last.split("_"))
    for syn in synonyms:
        parts = syn.split("_")
        if len(parts) > 1 and len(syn) > 3 and syn in last:
            return 0.75
        if len(parts) == 1 and len(syn) > 3 and syn in tokens:
            return 0.7
    return 0.0


# ---- content -------------------------------------------------------------------------------------

@dataclass
class ColumnProfile:
    """What a column's sample holds, as fractions of its non-blank values."""
    n: int = 0
    time: float = 0.0
    numeric: float = 0.0
    score010: float = 0.0      # whole numbers 0..10
    rating15: float = 0.0      # whole numbers 1..5
    count: float = 0.0         # whole numbers >= 0
    age: float = 0.0           # whole numbers 10..110
    country: float = 0.0       # names or codes of countries (numbers excluded)
    region: float = 0.0        # ISO 3166-2 codes
    text: float = 0.0          # free text (several words)
    int_time: bool = False     # times given as numbers (epoch or YYYYMMDD)


def profile_column(values: pd.Series, decimal: str = ".", places: bool = True) -> ColumnProfile:
    """`places=False` skips recognising country and region names (the name index is costly to
    build, and pointless for a column whose header already says what it is)."""
    present = values[~blank_mask(values)]
    n = len(present)
    prof = ColumnProfile(n=n)
    if n == 0:
        return prof
    nums, bad_num = parse_numbers(present, decimal)
    is_num = ~bad_num & nums.notna().to_numpy()
    prof.numeric = is_num.mean()
    whole = is_num & (nums.to_numpy() == np.floor(nums.fillna(0).to_numpy()))
    x = nums.to_numpy()
    prof.score010 = (whole & (x >= 0) & (x <= 10)).mean()
    prof.rating15 = (whole & (x >= 1) & (x <= 5)).mean()
    prof.count = (whole & (x >= 0)).mean()
    prof.age = (whole & (x >= 10) & (x <= 110)).mean()
    times, bad_t = parse_times(present)
    ok_t = times.notna().to_numpy()
    # small integers are not times even though they could be read as epoch seconds
    ax = np.abs(np.nan_to_num(x))
    plausible = ~is_num | (ax >= 1e8) | ((ax >= 19000101) & (ax <= 21001231))
    prof.time = (ok_t & plausible).mean()
    prof.int_time = bool(prof.time > 0.5 and prof.numeric > 0.5)
    strs = present.astype(str).str.strip()
    distinct = strs.drop_duplicates().head(300)
    non_num = distinct[~distinct.str.fullmatch(r"[+-]?[\d.,]+")]
    # many distinct or long values are ids or text, not places: skip the (costly) name index;
    # but unique ISO 3166-2 / HASC codes are the key of a per-region layer, and cheap to check
    code_like = strs.str.fullmatch(r"[A-Za-z]{2}[-.][A-Za-z0-9]{1,3}").mean() > 0.8
    if not places or prof.numeric < 0.5 and not code_like and (
            strs.nunique() > 300 or strs.str.len().median() > 40 or (n >= 50 and strs.nunique() > 0.6 * n)):
        non_num = non_num.iloc[:0]
    country_ok = {v: normalize_country(v) is not None for v in non_num if len(v) <= 60}
    region_ok = {v: bool(re.fullmatch(r"[A-Za-z]{2}-[A-Za-z0-9]{1,3}", v)) and
                 normalize_region(None, v) is not None for v in non_num}
    # shares among the rows whose value was checked (at most 300 distinct values are)
    checked = strs.isin(non_num.tolist()) | strs.str.fullmatch(r"[+-]?[\d.,]+")
    sample = strs[checked] if checked.any() else strs
    prof.country = sample.map(lambda v: country_ok.get(v, False)).mean()
    prof.region = sample.map(lambda v: region_ok.get(v, False)).mean()
    words = strs.str.count(r"\s+") + 1
    prof.text = ((words >= 3) & (strs.str.len() >= 12)).mean()
    return prof


def _content_fit(ftype: str, p: ColumnProfile) -> float:
    """How well a column's content fits a field type, 0..1."""
    if p.n == 0:
        return 0.5  # an empty sample says nothing
    if ftype == "time":
        return p.time
    if ftype == "score":
        return p.score010 if p.numeric > 0.5 else p.score010 * 0.5
    if ftype == "rating":
        # star ratings are 1-5; a 0-10 scale fits less well (and suggests an NPS score)
        return max(p.rating15, 0.6 * p.score010)
    if ftype == "count":
        return p.count
    if ftype == "age":  # numbers of years, or bands ("25-34") kept as categories
        return max(p.age, 0.8 * (1.0 - p.numeric))
    if ftype == "number":
        return p.numeric
    if ftype == "country":
        return max(p.country, 1.0 - p.numeric) if p.country < 0.5 else p.country
    if ftype == "region":
        return max(p.region, 0.8 * (1.0 - p.numeric))
    if ftype == "geo_key":
        # a layer keyed by regions often repeats their country in another column: the finer key wins
        return max(0.9 * p.country, p.region)
    if ftype == "text":
        return 1.0 - p.numeric
    if ftype == "id":
        return 1.0 - p.time if not p.int_time else 0.3
    return 1.0 - p.time if p.numeric < 0.9 else 0.6


def _content_only(ftype: str, p: ColumnProfile) -> float:
    """Score for a field recognised from content alone (no header match)."""
    if p.n == 0:
        return 0.0
    fit = {"time": p.time, "country": p.country, "region": p.region,
           "geo_key": max(p.country, p.region), "text": p.text,
           "score": p.score010 if p.numeric > 0.95 and p.rating15 < 0.98 else 0.0}.get(ftype, 0.0)
    return 0.6 * fit if fit >= 0.9 else 0.0


def score_columns(kind: str, profiles: dict[str, ColumnProfile]) -> dict[tuple[str, str], float]:
    """(raw column, canonical field) -> match score for one kind."""
    scores: dict[tuple[str, str], float] = {}
    for fname, syns in SYNONYMS[kind].items():
        ftype = FIELD_TYPES.get(fname, "category")
        for col, prof in profiles.items():
            h = _header_score(col, syns)
            if h > 0:
                s = h * (0.4 + 0.6 * _content_fit(ftype, prof))
            elif ftype in _CONTENT_ONLY:
                s = _content_only(ftype, prof)
            else:
                s = 0.0
            if s >= MIN_COLUMN_SCORE:
                scores[(col, fname)] = s
    return scores


def _assign(scores: dict[tuple[str, str], float]) -> dict[str, tuple[str, float]]:
    """Greedy one-to-one assignment, best pairs first: column -> (field, score)."""
    out: dict[str, tuple[str, float]] = {}
    used: set[str] = set()
    for (col, fname), s in sorted(scores.items(), key=lambda kv: -kv[1]):
        if col not in out and fname not in used:
            out[col] = (fname, s)
            used.add(fname)
    return out


def _assign_kind(kind: str, profiles: dict[str, ColumnProfile]) -> dict[str, tuple[str, float]]:
    scores = score_columns(kind, profiles)
    assigned = _assign(scores)
    return _finest_key(assigned, scores) if kind == "layer" else assigned


def _finest_key(assigned: dict[str, tuple[str, float]], scores: dict[tuple[str, str], float]
                ) -> dict[str, tuple[str, float]]:
    """A layer with both a country and a region column is keyed by the region."""
    holder = next((c for c, (f, _) in assigned.items() if f == "key"), None)
    if holder is None or _header_score(holder, _REGION) > 0:
        return assigned
    region = next((c for (c, f), s in scores.items()
                   if f == "key" and c not in assigned and _header_score(c, _REGION) >= 0.9), None)
    if region is None:
        return assigned
    out = dict(assigned)
    out[region] = ("key", out.pop(holder)[1])
    return out


def _kind_score(kind: str, assigned: dict[str, tuple[str, float]], ncols: int,
                profiles: dict[str, ColumnProfile]) -> float:
    required = KINDS[kind]["required"]
    got = {f: s for f, s in assigned.values()}
    score = sum(s * (2.0 if f in required else 1.0) for f, s in got.items())
    score += 2.0 * len(assigned) / max(1, ncols)
    score -= 3.0 * sum(1 for f in required if f not in got)
    if kind == "layer":
        # a layer is a key plus indicators: no people, no times
        others = [p for c, p in profiles.items() if c not in assigned]
        if any(p.time > 0.8 for p in profiles.values()):
            score -= 3.0
        if others:
            score += 1.5 * float(np.mean([p.numeric for p in others]))
    return score


_PLACE_FIELDS = {"country", "region", "key", "city"}


def _maybe_place(col: str) -> bool:
    """False when the header clearly names a field that is not a place."""
    for syns in SYNONYMS.values():
        for fname, words in syns.items():
            if fname not in _PLACE_FIELDS and _header_score(col, words) >= 0.89:
                return False
    return True


def _profiles(frame: pd.DataFrame, decimal: str) -> dict[str, ColumnProfile]:
    return {str(c): profile_column(frame[c], decimal, _maybe_place(str(c))) for c in frame.columns}


def guess_layer_kind(name: str, columns: list[str]) -> str:
    """What a layer holds, from its file name first, then its column names; socio-economic
    (incomes, indices, rates) when nothing says otherwise."""
    for text in (normalise_header(name), " ".join(normalise_header(c) for c in columns)):
        for kind, words in _LAYER_WORDS.items():
            if any(w in text for w in words):
                return kind
    return "socio-economic"


def propose(frame: pd.DataFrame, path: str | None = None, decimal: str = ".",
            meta: dict | None = None) -> Mapping:
    """The most likely kind and column mapping for a sample of raw rows."""
    profiles = _profiles(frame, decimal)
    stem_tokens = set(normalise_header(Path(path).name.split(".")[0]).split("_")) if path else set()
    best: tuple[float, str, dict[str, tuple[str, float]]] | None = None
    ranking: list[float] = []
    for kind in KINDS:
        assigned = _assign_kind(kind, profiles)
        s = _kind_score(kind, assigned, len(profiles), profiles)
        if stem_tokens & set(_FILE_HINTS[kind]):
            s += 1.0
        if meta is not None and kind == "layer":
            s += 5.0
        ranking.append(s)
        if best is None or s > best[0]:
            best = (s, kind, assigned)
    assert best is not None
    s, kind, assigned = best
    columns = {str(c): (assigned[str(c)][0] if str(c) in assigned else None) for c in frame.columns}
    col_conf = {c: round(assigned[c][1], 3) for c in assigned}
    required = KINDS[kind]["required"]
    req_scores = [next((sc for f, sc in assigned.values() if f == r), 0.0) for r in required]
    ranking.sort(reverse=True)
    margin = ranking[0] - ranking[1] if len(ranking) > 1 else ranking[0]
    confidence = min(req_scores) if req_scores else 0.0
    if margin < 1.0:
        confidence *= 0.5 + 0.5 * max(0.0, margin)
    layer_kind = None
    if kind == "layer":
        side = (meta or {}).get("kind")
        layer_kind = side if side in LAYER_KINDS else \
            guess_layer_kind(Path(path).name.split(".")[0] if path else "", list(columns))
    return Mapping(kind, columns, round(float(confidence), 3), col_conf, layer_kind)


def for_kind(frame: pd.DataFrame, kind: str, decimal: str = ".") -> Mapping:
    """The best column mapping when the kind is already known (the user chose it)."""
    profiles = _profiles(frame, decimal)
    assigned = _assign_kind(kind, profiles)
    columns = {str(c): (assigned[str(c)][0] if str(c) in assigned else None) for c in frame.columns}
    req = [next((sc for f, sc in assigned.values() if f == r), 0.0) for r in KINDS[kind]["required"]]
    return Mapping(kind, columns, round(float(min(req) if req else 0.0), 3),
                   {c: round(v[1], 3) for c, v in assigned.items()},
                   guess_layer_kind("", list(columns)) if kind == "layer" else None)
