"""Who the users are, as counts: one row per person normalised, distributions, cross-tabs, the
population pyramid, and the same by region and by signup period.

Every count a caller gets back has been through small-cell suppression when k is given (k None means
unsuppressed, for the data's owner, as `humetrics metrics` without --suppress). Hidden counts are NaN
and their shares too; a `suppressed` flag says which.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..privacy import suppress, suppressed_mask
from ..schema import UNKNOWN_COUNTRY
from .demography_labels import (STANDARD_BANDS, UNKNOWN, AgeBand, band_order, gender_order,
                                is_missing, normalise_ages, normalise_genders, normalise_languages)
from ..privacy.tables import table_mask

# Columns an age may come from, first non-missing wins (exports name a birth year many ways).
AGE_SOURCES = ["age", "birth_year", "year_of_birth", "birthyear", "yob", "birth_date",
               "date_of_birth", "dob", "birthdate", "birthday", "age_band", "age_group", "age_range"]
# Columns that are never a segment of people: identifiers, personal data, times, raw ages.
NOT_SEGMENTS = {"user_id", "signup_at", "email", "name", "city", "device_id", "phone", "ip",
                "age_raw_unread", *(set(AGE_SOURCES) - {"age_band"})}
MAX_SEGMENT_VALUES = 60


def _missing_mask(values: pd.Series) -> np.ndarray:
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return np.asarray([is_missing(u) for u in uniques], dtype=bool)[codes] if len(uniques) else \
        np.zeros(len(values), dtype=bool)


def _clean_labels(values: pd.Series) -> pd.Series:
    """Attribute labels trimmed, with every kind of missing as "unknown"."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    cleaned = np.asarray([UNKNOWN if is_missing(u) else " ".join(str(u).split()) for u in uniques],
                         dtype=object)
    return pd.Series(pd.array(cleaned[codes], dtype="string"), index=values.index)


def prepare_profiles(profiles: pd.DataFrame, reference_date: dt.date | None = None,
                     bands: tuple[AgeBand, ...] = STANDARD_BANDS) -> pd.DataFrame:
    """One row per user (the last row of a repeated user_id wins), with age (exact where known),
    age_band, gender, language, country, region, plan and every other attribute column normalised.

    reference_date: the day birth years and birth dates are aged to (default: today, UTC).
    """
    if "user_id" not in profiles.columns:
        raise ValueError("profiles table: no user_id column")
    df = profiles.drop_duplicates("user_id", keep="last").reset_index(drop=True)
    ref = reference_date or dt.datetime.now(dt.timezone.utc).date()
    out = pd.DataFrame({"user_id": df["user_id"].astype("string")})

    age_raw = pd.Series([None] * len(df), dtype=object)
    for col in (c for c in AGE_SOURCES if c in df.columns):
        col_values = df[col].astype(object)
        fill = _missing_mask(age_raw) & ~_missing_mask(col_values)
        age_raw[fill] = col_values[fill]
    out = out.join(normalise_ages(age_raw, ref, bands))
    out["gender"] = normalise_genders(df["gender"]) if "gender" in df else UNKNOWN
    out["language"] = normalise_languages(df["language"]) if "language" in df else UNKNOWN
    out["country"] = (df["country"].astype("string").str.upper().mask(_missing_mask(df["country"]),
                                                                        UNKNOWN_COUNTRY)
                      .fillna(UNKNOWN_COUNTRY) if "country" in df else UNKNOWN_COUNTRY)
    if "signup_at" in df:
        out["signup_at"] = pd.to_datetime(df["signup_at"], utc=True, errors="coerce")
    for col in df.columns:
        if col not in out.columns and col not in NOT_SEGMENTS:
            out[col] = _clean_labels(df[col])
    return out


def segment_columns(prepared: pd.DataFrame) -> list[str]:
    """Attributes people can be grouped by: the standard ones, then any other column with a
    manageable number of distinct values (plan, cultural background, ...)."""
    cols = [c for c in prepared.columns if c not in NOT_SEGMENTS]
    first = [c for c in ("age_band", "gender", "language", "country", "region", "plan") if c in cols]
    rest = [c for c in cols if c not in first and 1 < prepared[c].nunique() <= MAX_SEGMENT_VALUES]
    return first + rest


def order_values(column: str, values) -> list:
    """Display order: age bands youngest first, gender categories in their fixed order, anything
    else by name with unknown and "??" last."""
    values = list(dict.fromkeys(values))
    if column == "age_band":
        return band_order(values)
    if column == "gender":
        return gender_order(values)
    tail = [v for v in (UNKNOWN, UNKNOWN_COUNTRY) if v in values]
    return sorted((v for v in values if v not in tail), key=str) + tail


@dataclass
class Distribution:
    """Counts of one attribute: table columns value, count, share (of all users), suppressed."""
    column: str
    table: pd.DataFrame
    total: int
    k: int | None

    def to_json(self) -> dict:
        return {"total": self.total, "values": {
            str(r.value): {"count": _int_or_none(r.count), "share": _float_or_none(r.share)}
            for r in self.table.itertuples(index=False)}}


def distribution(prepared: pd.DataFrame, column: str, k: int | None = None) -> Distribution:
    counts = prepared[column].value_counts(dropna=False)
    values = order_values(column, counts.index)
    total = len(prepared)
    table = pd.DataFrame({"value": values, "count": counts.reindex(values).to_numpy(dtype="float64")})
    table["share"] = table["count"] / total if total else np.nan
    if k:
        table = suppress(table, "count", k, value_cols=["share"])
    else:
        table["suppressed"] = False
    return Distribution(column, table.reset_index(drop=True), total, k)


def count_pairs(a: pd.Series, b: pd.Series) -> pd.DataFrame:
    """How many rows have each pair of values (missing values count as their own value).

    Integer codes and one bincount: about ten times faster than pd.crosstab on a million strings.
    """
    codes_a, values_a = pd.factorize(a, use_na_sentinel=False)
    codes_b, values_b = pd.factorize(b, use_na_sentinel=False)
    n_a, n_b = len(values_a), len(values_b)
    counts = np.bincount(codes_a.astype(np.int64) * n_b + codes_b, minlength=n_a * n_b)
    return pd.DataFrame(counts.reshape(n_a, n_b), index=pd.Index(values_a, dtype=object),
                        columns=pd.Index(values_b, dtype=object))


@dataclass
class CrossTab:
    """Counts of one attribute against another, with margins. Hidden entries are NaN."""
    rows: str
    cols: str
    counts: pd.DataFrame       # index: row values, columns: column values
    row_totals: pd.Series
    col_totals: pd.Series
    total: float               # NaN only when the whole table is below k
    hidden: pd.DataFrame       # True where a cell is suppressed

    def shares_within_rows(self) -> pd.DataFrame:
        """Each cell as a share of its row (e.g. the gender mix of each region); NaN where hidden."""
        return self.counts.div(self.row_totals, axis=0)

    def to_json(self) -> dict:
        return {
            "rows": self.rows, "columns": self.cols, "total": _int_or_none(self.total),
            "counts": {str(r): {str(c): _int_or_none(v) for c, v in row.items()}
                       for r, row in self.counts.iterrows()},
            "row_totals": {str(r): _int_or_none(v) for r, v in self.row_totals.items()},
            "column_totals": {str(c): _int_or_none(v) for c, v in self.col_totals.items()},
        }


def crosstab(prepared: pd.DataFrame, rows: str, cols: str, k: int | None = None) -> CrossTab:
    """rows x cols counts of people with margins, suppressed as one table (core.privacy.tables).

    The margins are seeded with what the one-way distributions of the two attributes hide, so the
    cross-tab and the distributions shown beside it do not undo each other's suppression.
    """
    table = count_pairs(prepared[rows], prepared[cols])
    table = table.reindex(index=order_values(rows, table.index),
                          columns=order_values(cols, table.columns), fill_value=0)
    r, c = table.shape
    seed = np.zeros((r + 1, c + 1), dtype=bool)
    if k:  # the margins are the one-way distributions: suppressed exactly as distribution() does
        seed[:r, c] = suppressed_mask(table.sum(axis=1), k).to_numpy()
        seed[r, :c] = suppressed_mask(table.sum(axis=0), k).to_numpy()
    hidden = table_mask(table.to_numpy(), k, seed)
    full = np.zeros((r + 1, c + 1))
    full[:r, :c] = table.to_numpy()
    full[:r, c], full[r, :c], full[r, c] = full[:r, :c].sum(1), full[:r, :c].sum(0), full[:r, :c].sum()
    full[hidden] = np.nan
    return CrossTab(
        rows, cols,
        counts=pd.DataFrame(full[:r, :c], index=table.index, columns=table.columns),
        row_totals=pd.Series(full[:r, c], index=table.index),
        col_totals=pd.Series(full[r, :c], index=table.columns),
        total=float(full[r, c]),
        hidden=pd.DataFrame(hidden[:r, :c], index=table.index, columns=table.columns),
    )


def pyramid(prepared: pd.DataFrame, k: int | None = None) -> CrossTab:
    """The population pyramid: age band x every gender category the data carries."""
    return crosstab(prepared, "age_band", "gender", k)


def signup_period(prepared: pd.DataFrame, freq: str = "Q") -> pd.Series:
    """Each user's signup period as a label ("2026-Q1", "2026-03"), "unknown" without a signup time."""
    if "signup_at" not in prepared:
        return pd.Series(UNKNOWN, index=prepared.index, dtype="string")
    t = prepared["signup_at"].dt.tz_convert("UTC").dt.tz_localize(None)
    codes, periods = pd.factorize(t.dt.to_period(freq))  # label the few distinct periods only
    labels = [str(p).replace("Q", "-Q") if freq.upper().startswith("Q") else str(p) for p in periods]
    return pd.Series(pd.array(np.asarray([*labels, UNKNOWN], dtype=object)[codes], dtype="string"),
                     index=prepared.index)


def by_period(prepared: pd.DataFrame, column: str, freq: str = "Q", k: int | None = None) -> CrossTab:
    """Signup period x attribute: how the mix of newcomers changes over time."""
    frame = prepared.assign(signup_period=signup_period(prepared, freq))
    return crosstab(frame, "signup_period", column, k)


def by_region(prepared: pd.DataFrame, column: str, k: int | None = None) -> CrossTab:
    """Region (ISO 3166-2) x attribute; countries where there is no region column."""
    place = "region" if "region" in prepared.columns else "country"
    return crosstab(prepared, place, column, k)


def _int_or_none(v) -> int | None:
    return None if v is None or pd.isna(v) else int(v)


def _float_or_none(v) -> float | None:
    return None if v is None or pd.isna(v) else round(float(v), 6)
