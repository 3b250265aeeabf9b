"""Raw rows -> the canonical table of one kind, with every rejected row's reason, line and column.

Checks run column by column over a whole chunk (vectorised); a row is rejected for the first
problem found. Duplicates are removed once all chunks are in, keeping the first occurrence.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa

from ..geo.names import normalize_country, normalize_country_series, normalize_region, \
    normalize_region_series
from ..schema import KINDS, UNKNOWN_COUNTRY
from .mapping import FIELD_TYPES, SYNONYMS, Mapping, normalise_header, profile_column
from .parsing import blank_mask, parse_numbers, parse_times
from .report import MAX_EXAMPLES, ImportReport
from .tabular import RawChunk

# Which column identifies a record, per kind; kinds not listed de-duplicate identical rows.
# (Layers may hold several rows per key, e.g. population by age band, so they are not listed.)
ID_COLUMN = {"profiles": "user_id", "survey": "response_id", "reviews": "feedback_id"}
AGE_RANGE = (0, 130)
HASH_ROWS = 1_000_000
_COUNTRY_HEADERS = set(SYNONYMS["profiles"]["country"])


class Validator:
    def __init__(self, mapping: Mapping, report: ImportReport, decimal: str = ".") -> None:
        self.kind = mapping.kind
        self.mapping = mapping
        self.report = report
        self.decimal = decimal
        canon = KINDS[self.kind]["required"] + KINDS[self.kind]["optional"]
        self.fields = {raw: f for raw, f in mapping.columns.items() if f}
        self.order = [f for f in canon if f in self.fields.values()]
        taken = set(canon)
        # unmapped columns are kept under their own name, renamed if it clashes with a canonical one
        self.extras = {raw: (raw if raw not in taken else f"{raw}_raw")
                       for raw, f in mapping.columns.items() if not f}
        self._age_numeric: bool | None = None

    # -- per chunk -----------------------------------------------------------------------------
    def chunk(self, raw: RawChunk) -> pd.DataFrame:
        df = raw.frame.reset_index(drop=True)
        n = len(df)
        reason = np.full(n, None, dtype=object)
        column = np.full(n, None, dtype=object)
        value = np.full(n, None, dtype=object)
        bad = np.zeros(n, bool)
        out: dict[str, pd.Series] = {}

        def fail(mask: np.ndarray, why: str, col: str, vals: pd.Series | None) -> None:
            new = mask & ~bad
            if not new.any():
                return
            bad[new] = True
            reason[new] = why
            column[new] = col
            if vals is not None:
                # only the failing cells become Python objects (a whole column of tz-aware
                # times would take seconds per million rows)
                value[new] = vals[new].to_numpy(dtype=object)

        by_field = {f: raw_col for raw_col, f in self.fields.items()}
        required = set(KINDS[self.kind]["required"])
        for f in self.order:
            col = by_field[f]
            vals = df[col] if col in df.columns else pd.Series([None] * n, dtype=object)
            blank = blank_mask(vals)
            if f in required:
                fail(blank, f"missing {f}", col, None)
            out[f] = self._convert(f, col, vals, blank, fail, df)
        for raw_col, name in self.extras.items():
            out[name] = df[raw_col] if raw_col in df.columns else pd.Series([None] * n, dtype=object)
        # columns first seen after the sample (JSON) are kept too
        for raw_col in df.columns:
            if raw_col not in self.fields and raw_col not in self.extras:
                out[str(raw_col)] = df[raw_col]
        table = pd.DataFrame(out, index=df.index)
        self._record(raw.lines, bad, reason, column, value)
        return table[~bad].reset_index(drop=True) if bad.any() else table

    def _convert(self, f: str, col: str, vals: pd.Series, blank: np.ndarray, fail,
                 df: pd.DataFrame) -> pd.Series:
        ftype = FIELD_TYPES.get(f, "category")
        if ftype == "time":
            t, bad = parse_times(vals)
            fail(bad, f"unreadable or implausible time in {f}", col, vals)
            return t
        if ftype in ("score", "rating", "count", "number", "age"):
            if ftype == "age" and not self._age_is_numeric(vals):
                return _strings(vals, blank)
            x, bad = parse_numbers(vals, self.decimal)
            fail(bad, f"{f} is not a number", col, vals)
            arr = x.to_numpy()
            ok = ~np.isnan(arr)
            whole = ok & (arr == np.floor(np.nan_to_num(arr)))
            if ftype == "score":
                fail(ok & ~whole, "score is not a whole number", col, vals)
                fail(whole & ((arr < 0) | (arr > 10)), "score outside 0-10", col, vals)
                return _ints(x, whole & (arr >= 0) & (arr <= 10))
            if ftype == "rating":
                fail(ok & ((arr < 0) | (arr > 10)), "rating outside 0-10", col, vals)
                return x
            if ftype == "count":
                fail(ok & (~whole | (arr < 0)), f"{f} is not a whole number >= 0", col, vals)
                return _ints(x, whole & (arr >= 0))
            if ftype == "age":
                lo, hi = AGE_RANGE
                fail(ok & ~whole, "age is not a whole number", col, vals)
                fail(whole & ((arr < lo) | (arr > hi)), f"age outside {lo}-{hi}", col, vals)
                return _ints(x, whole & (arr >= lo) & (arr <= hi))
            fail(ok & (arr < 0), f"{f} is negative", col, vals)
            return x
        if ftype == "country":
            return self._countries(vals, blank)
        if ftype == "region":
            return self._regions(vals, blank)
        if ftype == "geo_key":
            keys = self._keys(vals, blank, self._country_context(df))
            fail(~blank & keys.isna().to_numpy(), "key is not a known country or ISO 3166-2 code",
                 col, vals)
            return keys
        if ftype == "id":
            return _ids(vals, blank)
        return _strings(vals, blank)

    def _age_is_numeric(self, vals: pd.Series) -> bool:
        # age as numbers, or as bands ("25-34") kept as categories; decided on the first chunk
        if self._age_numeric is None:
            self._age_numeric = profile_column(vals.head(1000), self.decimal).numeric >= 0.9
        return self._age_numeric

    def _countries(self, vals: pd.Series, blank: np.ndarray) -> pd.Series:
        codes = normalize_country_series(vals.astype(object).where(~blank, None))
        unmatched = ~blank & codes.isna().to_numpy()
        self._count_unmatched("country", vals[unmatched])
        res = codes.fillna(UNKNOWN_COUNTRY).astype("str")
        self._last_countries = res
        return res

    def _regions(self, vals: pd.Series, blank: np.ndarray) -> pd.Series:
        countries = getattr(self, "_last_countries", None)
        if countries is None or len(countries) != len(vals):
            countries = pd.Series([None] * len(vals), index=vals.index, dtype=object)
        countries = countries.astype(object).where(countries != UNKNOWN_COUNTRY, None)
        codes = normalize_region_series(countries, vals.astype(object).where(~blank, None))
        unmatched = ~blank & codes.isna().to_numpy()
        self._count_unmatched("region", vals[unmatched])
        return codes.astype("str").where(codes.notna(), None)

    def _country_context(self, df: pd.DataFrame) -> pd.Series | None:
        """A layer's unmapped country column, which lets region names ("Bayern") be keys."""
        for raw in self.extras:
            if raw in df.columns and normalise_header(raw) in _COUNTRY_HEADERS:
                return df[raw]
        return None

    def _keys(self, vals: pd.Series, blank: np.ndarray, countries: pd.Series | None) -> pd.Series:
        """Layer keys: ISO 3166-2 / HASC codes, country codes or names, or region names within
        the country given beside them."""
        obj = vals.astype(object).where(~blank, None)
        ctx = [None] * len(obj) if countries is None else \
            countries.astype(object).where(~blank_mask(countries), None).tolist()
        cache: dict[tuple, str | None] = {}

        def one(v: object, c: object) -> str | None:
            if v is None:
                return None
            if (v, c) not in cache:
                s = str(v).strip()
                # "US-CA" / "DE.BY": a region; its country is the part before the separator
                prefix = re.split(r"[-.]", s, maxsplit=1)[0] if ("-" in s or "." in s) else None
                got = normalize_region(prefix.upper(), s) if prefix else None
                if got is None and c is not None:
                    got = normalize_region(c, s)
                cache[(v, c)] = got or normalize_country(s)
            return cache[(v, c)]

        keys = pd.Series([one(v, c) for v, c in zip(obj, ctx)], index=vals.index, dtype=object)
        return keys.astype("str").where(keys.notna(), None)

    def _count_unmatched(self, what: str, vals: pd.Series) -> None:
        if len(vals):
            for v, k in vals.astype(str).str.strip().value_counts().items():
                self.report.unmatched[f"{what}:{v}"] += int(k)

    def _record(self, lines: np.ndarray, bad: np.ndarray, reason: np.ndarray, column: np.ndarray,
                value: np.ndarray) -> None:
        idx = np.flatnonzero(bad)
        room = max(0, MAX_EXAMPLES - len(self.report.examples))
        for i in idx[:room]:
            self.report.reject(int(lines[i]), column[i], reason[i], value[i])
        if len(idx) > room:
            rest = pd.Series(reason[idx[room:]]).value_counts()
            for why, k in rest.items():
                self.report.reject(None, None, str(why), count=int(k))

    # -- once all chunks are in ----------------------------------------------------------------
    def finish(self, parts: list[pd.DataFrame]) -> pd.DataFrame:
        table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=self.order)
        for c in self.order:
            if c not in table.columns:
                table[c] = pd.Series(dtype=object)
        table = table[self.order + [c for c in table.columns if c not in self.order]]
        table = self._tidy_extras(table)
        id_col = ID_COLUMN.get(self.kind)
        if id_col and id_col in table.columns:
            dup = table[id_col].notna() & table.duplicated(subset=[id_col], keep="first")
            why = f"duplicate {id_col}"
        else:
            dup = _duplicate_rows(table)
            why = "duplicate row"
        ndup = int(dup.sum())
        if ndup:
            self.report.duplicate(ndup, why)
            table = _without(table, np.asarray(dup, dtype=bool))
        self.report.valid = len(table)
        return table

    def _tidy_extras(self, table: pd.DataFrame) -> pd.DataFrame:
        """Extra columns get one type each: numbers where every value is one (whole numbers as
        integers), else text. Codes with leading zeros ("01234") stay text. In layers,
        mostly-numeric indicator columns become numbers and the unreadable cells are noted."""
        for c in table.columns:
            if c in self.order or not (table[c].dtype == object
                                       or isinstance(table[c].dtype, pd.StringDtype)):
                continue
            s = table[c]
            blank = blank_mask(s)
            present = s[~blank]
            if present.empty:
                continue
            if present.astype(str).str.match(r"\s*[+-]?0\d").any():
                table[c] = _strings(s, blank)
                continue
            x, bad = parse_numbers(s, self.decimal)
            nbad = int(bad.sum())
            if nbad == 0 or (self.kind == "layer" and nbad <= 0.1 * len(present)):
                arr = x.to_numpy()
                ok = ~np.isnan(arr)
                whole = bool((arr[ok] == np.floor(arr[ok])).all()) and bool((np.abs(arr[ok]) < 2**53).all())
                # layer indicators stay float (maps and classifiers expect plain numpy numbers)
                table[c] = _ints(x, ok) if whole and self.kind != "layer" else x
                if nbad:
                    self.report.notes.append(f"column '{c}': {nbad} values that are not numbers "
                                             "left empty")
            else:
                table[c] = _strings(s, blank_mask(s))
        return table


def _duplicate_rows(table: pd.DataFrame) -> np.ndarray:
    """Rows identical to an earlier one. A 64-bit hash per row finds the candidates cheaply (10M
    events stay within memory); candidates are then compared exactly, so collisions never count."""
    h = _row_hashes(table)
    if h is None:  # unhashable cells: compare directly
        return table.duplicated(keep="first").to_numpy()
    # hashes seen more than once, found by sorting (a hash table over 10M keys is several times slower)
    s = np.sort(h)
    repeated = s[1:][s[1:] == s[:-1]]
    dup = np.zeros(len(table), bool)
    if len(repeated):
        cand = np.flatnonzero(np.isin(h, repeated))
        dup[cand] = table.iloc[cand].duplicated(keep="first").to_numpy()
    return dup


def _without(table: pd.DataFrame, drop: np.ndarray) -> pd.DataFrame:
    """The table minus the rows marked in `drop`, on a fresh index. Arrow-backed columns are
    filtered by Arrow chunk by chunk: pandas turns the mask into one take over all chunks, which
    costs seconds per text column at 10M rows."""
    keep = ~drop
    mask = pa.array(keep)
    cols = {}
    for i in range(table.shape[1]):  # by position: a name may repeat
        s = table.iloc[:, i]
        if isinstance(s.dtype, (pd.StringDtype, pd.ArrowDtype)) and hasattr(s.array, "__arrow_array__"):
            cols[i] = pd.Series(s.dtype.__from_arrow__(s.array.__arrow_array__().filter(mask)))
        else:
            cols[i] = s[keep].reset_index(drop=True)
    out = pd.DataFrame(cols)
    out.columns = table.columns
    return out


def _row_hashes(table: pd.DataFrame) -> np.ndarray | None:
    """One 64-bit hash per row: polars over the Arrow columns (strings are not copied into Python
    objects; 5x faster than pandas' hashing at 10M rows), pandas for columns Arrow cannot type."""
    import polars as pl  # here, not at module level: the window imports this module at start-up
    try:
        whole = pa.Table.from_pandas(table, preserve_index=False)  # one type per column
        # a million rows at a time: polars copies the text it is given, so memory stays bounded
        return np.concatenate([pl.from_arrow(whole.slice(i, HASH_ROWS)).hash_rows().to_numpy()
                               for i in range(0, len(table), HASH_ROWS)] or [np.zeros(0, np.uint64)])
    except (pa.ArrowException, TypeError, ValueError):
        pass
    try:
        return pd.util.hash_pandas_object(table, index=False).to_numpy()
    except TypeError:
        return None


def _ints(x: pd.Series, ok: np.ndarray) -> pd.Series:
    return pd.Series(np.where(ok, x.to_numpy(), np.nan), index=x.index).astype("Int64")


def _strings(vals: pd.Series, blank: np.ndarray) -> pd.Series:
    if isinstance(vals.dtype, pd.StringDtype):
        s = vals.str.strip()
    else:
        s = vals.astype(object).map(lambda v: v.strip() if isinstance(v, str) else str(v),
                                    na_action="ignore").astype("str")
    return s.where(~blank, None)


def _ids(vals: pd.Series, blank: np.ndarray) -> pd.Series:
    """Identifiers as text; numbers written as floats by spreadsheets (123.0) lose the '.0'."""
    def one(v: object) -> object:
        if isinstance(v, (float, np.floating)) and np.isfinite(v) and float(v).is_integer():
            return str(int(v))
        return v.strip() if isinstance(v, str) else str(v)

    if isinstance(vals.dtype, pd.StringDtype):
        return _strings(vals, blank)
    s = vals.astype(object).map(one, na_action="ignore")
    return s.where(~blank, None).astype("str").where(~blank, None)
