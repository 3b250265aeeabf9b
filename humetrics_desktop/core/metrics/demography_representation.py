"""Who is missing: the users' age and gender mix against a reference population.

Representation index of group g = (share of g among users) / (share of g expected from the
reference population). 1 means represented as in the population.

Expected share. Users are rarely spread over countries as the population is, so the expected share
is standardised to the users' own places: e_g = sum over places c of (N_c / N) * pi_{g|c}, where N_c
is the users compared in place c and pi_{g|c} the share of g in c's reference population. With one
place this is the plain population share. Per place, the index is (n_cg / N_c) / pi_{g|c}.

95% interval. The reference is a census-scale count whose sampling error is negligible beside the
users', and the places' weights are taken as given, so e_g is treated as a known constant. The index
is then the user share divided by a constant, and its interval is the Wilson score interval of the
user share (n_g out of N) divided by e_g. Wilson rather than Wald, because small groups (the ones most
likely to be missing) have shares near 0, where Wald's interval collapses or goes negative; Wilson
gives a real upper bound even when no user is in the group.

Who is compared. Only users in the reference's places, with a value in the reference's categories:
the gender dimension of a female/male reference leaves out users who are non-binary, another gender,
prefer not to say, or unknown. Those users are counted and reported by category, never dropped
silently and never folded into the two.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..privacy import suppress
from .demography_labels import (UNKNOWN, band_of, band_order, gender_order, make_bands,
                                normalise_gender_label, parse_age_interval)
from .demography_stats import wilson
from .demography_tables import count_pairs

# The method in a few sentences, for the JSON output and the view's caption.
METHOD = " ".join(p.replace("\n", " ") for p in __doc__.split("\n\n")[1:4])
DIMENSIONS = ("age_band", "gender", "age_band x gender")
_TOTAL_LABELS = {"total", "all", "both", "both sexes", "persons", "people", "everyone", "t"}
_LABEL_DATE = dt.date(2000, 1, 1)  # band labels only: any reference day parses them


@dataclass
class Representation:
    groups: pd.DataFrame       # dimension, group, users, user_share, expected_share, index, ci_low,
    #                            ci_high, suppressed, fewer_than_k
    by_place: pd.DataFrame     # the same per place (country or region), per one-way dimension
    statements: list[dict]     # {dimension, group, direction, index, ci95, text}
    excluded: dict[str, dict[str, int | None]]  # dimension -> category not in the reference -> users
    place_column: str
    users_compared: int
    users_outside_reference_places: int
    k: int | None

    def to_json(self) -> dict:
        return {
            "method": METHOD, "place_column": self.place_column,
            "users_compared": self.users_compared,
            "users_outside_reference_places": self.users_outside_reference_places,
            "groups": _records(self.groups), "by_place": _records(self.by_place),
            "statements": [s["text"] for s in self.statements],
            "excluded": self.excluded,
        }


def reference_table(reference) -> pd.DataFrame:
    """The layer's table (a Layer or a DataFrame) with columns place, age_band, gender, population."""
    table = getattr(reference, "table", reference)
    place = next((c for c in ("key", "country", "region") if c in table.columns), None)
    if place is None or "population" not in table.columns:
        raise ValueError("reference population: needs a key (or country/region) and a population column")
    if "age_band" not in table.columns and "gender" not in table.columns:
        raise ValueError("reference population: needs an age_band or a gender column")
    out = pd.DataFrame({"place": table[place].astype("string").str.strip().str.upper(),
                        "population": pd.to_numeric(table["population"], errors="coerce")})
    out["age_band"] = table["age_band"].astype("string") if "age_band" in table else "all"
    out["gender"] = table["gender"].astype("string") if "gender" in table else "all"
    return out.dropna(subset=["population", "place"])


def representation(prepared: pd.DataFrame, reference, k: int | None = None) -> Representation:
    """Representation indices of age bands, genders and both, overall and per place."""
    ref = reference_table(reference)
    place_col = "country" if ref["place"].str.fullmatch(r"[A-Z]{2}").all() else "region"
    ref, users, bands_used = _align(ref, prepared, place_col)
    covered = users["place"].isin(set(ref["place"]))
    users_in = users[covered]

    groups, by_place, excluded = [], [], {}
    for dim in DIMENSIONS:
        parts = dim.split(" x ")
        if not all(bands_used[p] for p in parts):
            continue
        ref_dim = ref[~ref[parts].eq("all").any(axis=1)]
        cats = ref_dim.groupby(parts).size().index
        key_users = _key(users_in, parts)
        key_ref = _key(ref_dim, parts)
        inside = key_users.isin(set(key_ref))
        excluded[dim] = _excluded_counts(key_users[~inside], k)
        pop = ref_dim.assign(g=key_ref).pivot_table(index="place", columns="g", values="population",
                                                   aggfunc="sum", fill_value=0)
        pi = pop.div(pop.sum(axis=1), axis=0)
        counts = count_pairs(users_in.loc[inside, "place"], key_users[inside]).reindex(
            columns=pi.columns, fill_value=0)
        counts = counts[counts.sum(axis=1) > 0]
        weights = counts.sum(axis=1) / counts.to_numpy().sum()
        expected = (pi.loc[counts.index].mul(weights, axis=0)).sum(axis=0)
        order = _order(parts, cats)
        groups.append(_index_rows(dim, counts.sum(axis=0), expected, order))
        if len(parts) == 1:
            for place in counts.index:
                rows = _index_rows(dim, counts.loc[place], pi.loc[place], order)
                by_place.append(rows.assign(place=place))
    groups_df = _suppressed(pd.concat(groups, ignore_index=True), k, ["dimension"]) if groups else \
        _empty()
    place_df = _suppressed(pd.concat(by_place, ignore_index=True), k, ["place", "dimension"]) \
        if by_place else _empty().assign(place=pd.Series(dtype="string"))
    return Representation(
        groups=groups_df, by_place=place_df, statements=statements(groups_df, k), excluded=excluded,
        place_column=place_col, users_compared=int(covered.sum()),
        users_outside_reference_places=int((~covered).sum()), k=k)


def _align(ref: pd.DataFrame, prepared: pd.DataFrame, place_col: str):
    """Reference and users on the same age bands (the reference's own) and gender labels."""
    ref = ref.copy()
    users = pd.DataFrame({"place": prepared[place_col].astype("string").str.upper()
                          if place_col in prepared else pd.Series(UNKNOWN, index=prepared.index)})
    used = {"age_band": False, "gender": False}
    intervals = {lab: parse_age_interval(lab, _LABEL_DATE) for lab in ref["age_band"].dropna().unique()
                 if _fold(lab) not in _TOTAL_LABELS}
    if intervals and all(v is not None for v in intervals.values()):
        bands = make_bands(sorted({int(iv[0]) for iv in intervals.values()}))
        ref["age_band"] = ref["age_band"].map(lambda lab: band_of(intervals[lab], bands)
                                              if lab in intervals else "all")
        users["age_band"] = _rebanded(prepared, bands)
        used["age_band"] = True
    else:
        ref["age_band"] = "all"
    genders = {g: ("all" if _fold(g) in _TOTAL_LABELS else normalise_gender_label(g))
               for g in ref["gender"].dropna().unique()}
    ref["gender"] = ref["gender"].map(genders).fillna("all")
    for col in ("age_band", "gender"):  # total rows repeat the specific ones: keep the specific
        if (ref[col] != "all").any():
            ref = ref[ref[col] != "all"]
    if (ref["gender"] != "all").any():
        users["gender"] = prepared["gender"].astype("string")
        used["gender"] = True
    return ref, users, used


def _fold(label) -> str:
    return " ".join(str(label).casefold().split())


def _rebanded(prepared: pd.DataFrame, bands) -> np.ndarray:
    """Users on the reference's bands: exact ages by their band's lower edge, the others by their
    own band label (which keeps its label where it straddles the reference's bands)."""
    age = prepared["age"].to_numpy(dtype="float64")
    exact = ~np.isnan(age)
    lows = np.array([b.low for b in bands])
    labels = np.array([b.label for b in bands], dtype=object)
    out = np.empty(len(age), dtype=object)
    out[exact] = labels[np.searchsorted(lows, age[exact], side="right") - 1]
    # each distinct label placed once and the users take theirs by code: a Python string and a look-up
    # per user held the GIL 0.4 s at 1M users
    codes, distinct = pd.factorize(prepared["age_band"].iloc[np.flatnonzero(~exact)], use_na_sentinel=False)
    placed = np.array([band_of(parse_age_interval(lab, _LABEL_DATE) if lab != UNKNOWN else None, bands)
                       for lab in distinct], dtype=object)
    out[~exact] = placed[codes]
    return out


def _key(df: pd.DataFrame, parts: list[str]) -> pd.Series:
    if len(parts) == 1:
        return df[parts[0]].astype("string")
    return df[parts[1]].astype("string") + ", " + df[parts[0]].astype("string")


def _order(parts: list[str], cats) -> list[str]:
    if len(parts) == 1:
        return band_order(list(cats)) if parts[0] == "age_band" else gender_order(list(cats))
    ages = band_order(list(dict.fromkeys(c[0] for c in cats)))
    sexes = gender_order(list(dict.fromkeys(c[1] for c in cats)))
    return [f"{g}, {a}" for a in ages for g in sexes if (a, g) in set(cats)]


def _excluded_counts(keys: pd.Series, k: int | None) -> dict[str, int | None]:
    counts = keys.value_counts()
    return {str(v): (None if k and 0 < n < k else int(n)) for v, n in counts.items()}


def _index_rows(dim: str, counts: pd.Series, expected: pd.Series, order: list[str]) -> pd.DataFrame:
    counts = counts.reindex(order, fill_value=0).astype("float64")
    expected = expected.reindex(order).astype("float64")
    n = counts.sum()
    lo, hi = wilson(counts.to_numpy(), n)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = counts.to_numpy() / n if n else np.full(len(order), np.nan)
        e = expected.to_numpy()
        e = np.where(e > 0, e, np.nan)  # a group absent from the reference has no index
        return pd.DataFrame({
            "dimension": dim, "group": order, "users": counts.to_numpy(), "compared": n,
            "user_share": share, "expected_share": e, "index": share / e,
            "ci_low": lo / e, "ci_high": hi / e,
        })


def _suppressed(df: pd.DataFrame, k: int | None, by: list[str]) -> pd.DataFrame:
    """Hide groups of fewer than k users (and a complement per dimension); remember which were
    hidden for being small, so the plain list can still say "fewer than k" where that is telling."""
    df = df.assign(fewer_than_k=(df["users"] > 0) & (df["users"] < (k or 0)))
    if not k:
        return df.assign(suppressed=False)
    group = df[by].astype("string").agg("|".join, axis=1)
    return suppress(df.assign(_g=group), "users", k, ["user_share", "index", "ci_low", "ci_high"],
                    group_col="_g").drop(columns="_g")


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=["dimension", "group", "users", "compared", "user_share",
                                 "expected_share", "index", "ci_low", "ci_high", "fewer_than_k",
                                 "suppressed"])


def _who(dim: str, group: str) -> str:
    if dim == "age_band":
        return f"Users aged {group}"
    if dim == "gender":
        return f"Users whose gender is {group}"
    gender, age = group.split(", ", 1)
    return f"Users aged {age} whose gender is {gender}"


def statements(groups: pd.DataFrame, k: int | None) -> list[dict]:
    """The plain list: every group whose interval excludes 1, most distorted first, with its numbers.
    A group hidden for having fewer than k users is listed when even k-1 users would leave it
    under-represented (the Wilson upper bound at k-1 below 1)."""
    out = []
    for r in groups.itertuples(index=False):
        if r.suppressed:
            if not (r.fewer_than_k and k):
                continue
            upper = wilson(k - 1, r.compared)[1] / r.expected_share
            if not upper < 1:
                continue
            text = (f"{_who(r.dimension, r.group)} are under-represented: fewer than {k} of "
                    f"{int(r.compared):,} users (under {100 * (k - 1) / r.compared:.1f}%) against "
                    f"{100 * r.expected_share:.1f}% of the reference population (index below "
                    f"{upper:.2f}).")
            out.append({"dimension": r.dimension, "group": r.group, "direction": "under",
                        "index": None, "ci95": [None, round(float(upper), 3)], "text": text,
                        "_rank": np.inf})
            continue
        if not (r.ci_high < 1 or r.ci_low > 1):
            continue
        under = r.ci_high < 1
        gap = 100 * (r.user_share - r.expected_share)
        text = (f"{_who(r.dimension, r.group)} are {'under' if under else 'over'}-represented: "
                f"{100 * r.user_share:.1f}% of users against {100 * r.expected_share:.1f}% of the "
                f"reference population ({gap:+.1f} points), an index of {r.index:.2f} "
                f"(95% interval {r.ci_low:.2f} to {r.ci_high:.2f}).")
        rank = abs(np.log(r.index)) if r.index > 0 else np.inf
        out.append({"dimension": r.dimension, "group": r.group,
                    "direction": "under" if under else "over", "index": round(float(r.index), 4),
                    "ci95": [round(float(r.ci_low), 4), round(float(r.ci_high), 4)], "text": text,
                    "_rank": rank})
    out.sort(key=lambda s: (DIMENSIONS.index(s["dimension"]), -s["_rank"]))
    return [{k_: v for k_, v in s.items() if k_ != "_rank"} for s in out]


def _records(df: pd.DataFrame) -> list[dict]:
    """Rows as JSON-safe dicts: counts as integers, undefined figures (NaN, a ratio over a zero
    reference share) as null."""
    def clean(key: str, v):
        if isinstance(v, (bool, np.bool_)):
            return bool(v)
        if isinstance(v, (float, np.floating)):
            if not np.isfinite(v):
                return None
            return int(v) if key in ("users", "compared") else round(float(v), 6)
        return v
    return [{key: clean(key, v) for key, v in rec.items()} for rec in df.to_dict("records")]
