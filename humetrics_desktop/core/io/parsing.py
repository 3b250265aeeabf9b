"""Turning raw cell values (strings from CSV, native values from Excel/Parquet/JSON) into times and
numbers, vectorised, with a mask of the values that were present but could not be read."""
from __future__ import annotations

import re
from datetime import date, datetime

import numpy as np
import pandas as pd

# Times outside this window are placeholders or unit mistakes, not real activity.
EARLIEST = pd.Timestamp("1970-01-02", tz="UTC")
LATEST = pd.Timestamp("2100-01-01", tz="UTC")

_NUMERIC_STR = re.compile(r"^[+-]?\d+(\.\d+)?$")
_DMY = re.compile(r"^\s*(\d{1,2})([./-])(\d{1,2})\2(\d{4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*$")


def blank_mask(values: pd.Series) -> np.ndarray:
    """True where a cell is missing: NA, None, NaN or only white space."""
    na = values.isna().to_numpy()
    if _is_text(values):
        return na | values.str.strip().eq("").to_numpy(dtype=bool, na_value=False)
    if values.dtype == object:
        blank = np.fromiter((isinstance(v, str) and not v.strip() for v in values), bool, len(values))
        return na | blank
    return na


def _is_text(values: pd.Series) -> bool:
    """A pandas string column (CSV values arrive as one): vectorised string methods apply."""
    return isinstance(values.dtype, pd.StringDtype)


def parse_times(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """UTC timestamps and a mask of present-but-unreadable values.

    Accepts ISO 8601 with or without offset (naive means UTC), epoch seconds / milliseconds /
    microseconds (told apart by magnitude), YYYYMMDD, day.month.year, and datetime objects."""
    n = len(values)
    # work in naive UTC microseconds; the zone is attached once at the end
    res = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
    bad = np.zeros(n, bool)
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        res[:] = _naive_utc(values)
        return _finish(res, bad, values.index)
    if pd.api.types.is_datetime64_dtype(values.dtype):
        res[:] = values.to_numpy(dtype="datetime64[us]")
        return _finish(res, bad, values.index)
    blank = blank_mask(values)
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        res[:], b = _from_numbers(pd.to_numeric(values, errors="coerce").to_numpy(dtype=float))
        return _finish(res, b & ~blank, values.index)
    todo = ~blank
    if _is_text(values):
        strs = values.str.strip().fillna("")
    else:
        obj = values.astype(object).to_numpy()
        # datetime objects (Excel, JSON parsers) and numbers mixed into an object column
        is_dt = np.fromiter((isinstance(v, (datetime, date, pd.Timestamp)) for v in obj), bool, n) & todo
        if is_dt.any():
            res[is_dt] = _naive_utc(pd.to_datetime(pd.Series(obj[is_dt]), utc=True))
            todo &= ~is_dt
        strs = pd.Series([str(v).strip() if t else "" for v, t in zip(obj, todo)], dtype="str")
    is_num = strs.str.fullmatch(_NUMERIC_STR.pattern).to_numpy(dtype=bool, na_value=False) & todo
    if is_num.any():
        t, b = _from_numbers(pd.to_numeric(strs[is_num], errors="coerce").to_numpy(float))
        res[is_num] = t
        bad[np.flatnonzero(is_num)[b]] = True
        todo &= ~is_num
    if todo.any():
        s = strs[todo].reset_index(drop=True)
        parsed = _naive_utc(pd.to_datetime(s, format="ISO8601", utc=True, errors="coerce"))
        miss = np.isnat(parsed)
        if miss.any():
            parsed[miss] = _parse_other(s[miss].reset_index(drop=True))
        res[todo] = parsed
        bad[np.flatnonzero(todo)[np.isnat(parsed)]] = True
    return _finish(res, bad, values.index)


def _naive_utc(s: pd.Series) -> np.ndarray:
    return s.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[us]", copy=True)


def _finish(res: np.ndarray, bad: np.ndarray, index: pd.Index) -> tuple[pd.Series, np.ndarray]:
    lo, hi = EARLIEST.tz_localize(None).to_datetime64(), LATEST.tz_localize(None).to_datetime64()
    present = ~np.isnat(res)
    outside = present & ((res < lo) | (res >= hi))
    res[outside] = np.datetime64("NaT")
    out = pd.Series(res, index=index).dt.tz_localize("UTC")
    return out, bad | outside


def _from_numbers(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Epoch values by magnitude (s, ms, us, ns) and YYYYMMDD integers, as naive UTC."""
    res = np.full(len(x), np.datetime64("NaT"), dtype="datetime64[us]")
    ok = np.isfinite(x)
    ymd = ok & (x >= 19000101) & (x <= 21001231) & (x == np.floor(np.nan_to_num(x)))
    if ymd.any():
        parsed = pd.to_datetime(pd.Series(x[ymd].astype(np.int64).astype(str)), format="%Y%m%d",
                                errors="coerce")
        res[ymd] = parsed.to_numpy(dtype="datetime64[us]")
        ymd[np.flatnonzero(ymd)[parsed.isna().to_numpy()]] = False
    rest = ok & ~ymd
    a = np.abs(np.nan_to_num(x))
    for lo, hi, per_us in ((0, 1e11, 1e6), (1e11, 1e14, 1e3), (1e14, 1e17, 1.0), (1e17, 1e20, 1e-3)):
        m = rest & (a >= lo) & (a < hi)
        if m.any():
            res[m] = (np.round(x[m] * per_us)).astype(np.int64).astype("datetime64[us]")
    return res, ~ok | np.isnat(res)


def _parse_other(s: pd.Series) -> np.ndarray:
    """Day-first numeric dates (31.12.2024, 31/12/2024 14:05) and anything dateutil reads."""
    out = np.full(len(s), np.datetime64("NaT"), dtype="datetime64[us]")
    m = s.str.extract(_DMY)
    dmy = m[0].notna().to_numpy()
    if dmy.any():
        a, b = m[0].astype(float), m[2].astype(float)
        # month first only for slash dates whose second part cannot be a month
        month_first = ((m[1] == "/") & (b > 12) & (a <= 12)).fillna(False)
        day = np.where(month_first, b, a)
        month = np.where(month_first, a, b)
        parts = pd.DataFrame({"year": m[3].astype(float), "month": month, "day": day,
                              "hour": m[4].astype(float).fillna(0), "minute": m[5].astype(float).fillna(0),
                              "second": m[6].astype(float).fillna(0)})[dmy]
        out[dmy] = pd.to_datetime(parts, errors="coerce").to_numpy(dtype="datetime64[us]")
    rest = ~dmy
    if rest.any():
        vals = s[rest]
        # dateutil guesses; only short strings with a year ("March 3, 2024", "3 Mar 2024 10:00")
        looks = (vals.str.contains(r"\b(?:19|20)\d\d\b", regex=True)
                 & vals.str.fullmatch(r"[\w ,./:+-]{6,40}")).fillna(False).to_numpy()
        if looks.any():
            got = pd.to_datetime(vals[looks], format="mixed", utc=True, errors="coerce")
            out[np.flatnonzero(rest)[looks]] = _naive_utc(got)
    return out


def parse_numbers(values: pd.Series, decimal: str = ".") -> tuple[pd.Series, np.ndarray]:
    """Floats and a mask of present-but-unreadable values. `decimal` ',' reads 1.234,5 as 1234.5;
    with '.', thousands commas (1,234.5) are read too."""
    n = len(values)
    if pd.api.types.is_bool_dtype(values.dtype):
        return pd.Series(np.nan, index=values.index), values.notna().to_numpy()
    if pd.api.types.is_numeric_dtype(values.dtype):
        return values.astype(float), np.zeros(n, bool)
    blank = blank_mask(values)
    if _is_text(values):
        is_bool = np.zeros(n, bool)
        s = values
    else:
        obj = values.astype(object)
        is_bool = np.fromiter((isinstance(v, (bool, np.bool_)) for v in obj), bool, n)
        s = obj.where(~blank & ~is_bool, None).map(str, na_action="ignore").astype("str")
    s = s.str.strip().str.replace(r"[\s\u00a0\u202f']", "", regex=True)
    if decimal == ",":
        # dots only as thousands separators (1.234,5); "31.12.2023" stays a non-number
        grouped = s.str.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+(,\d+)?").fillna(False)
        s = s.where(~grouped, s.str.replace(".", "", regex=False))
        s = s.where(s.str.contains(".", regex=False).fillna(False) == False,  # noqa: E712
                    None).str.replace(",", ".", regex=False)
    else:
        thousands = s.str.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?").fillna(False)
        s = s.where(~thousands, s.str.replace(",", "", regex=False))
    num = pd.to_numeric(s, errors="coerce").astype(float)
    num.index = values.index
    bad = (num.isna().to_numpy() & ~blank) | is_bool
    num[is_bool] = np.nan
    return num, bad
