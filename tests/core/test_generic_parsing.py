"""Cell parsing: times to UTC and numbers, with the unreadable ones flagged (answers by hand)."""
from __future__ import annotations

from datetime import datetime, timezone

import numpy as np
import pandas as pd
import pytest

from humetrics_desktop.core.io.parsing import blank_mask, parse_numbers, parse_times

UTC = "UTC"


@pytest.mark.parametrize("dtype", [object, "str"])
def test_time_forms(dtype):
    raw = ["2024-03-01T10:00:00+02:00", "2024-03-01T10:00:00Z", "2024-03-01 10:00:00",
           "1709287200", "1709287200000", "1709287200.5", "20240301", "31.12.2024",
           "31/12/2024 14:05", "12/31/2024", "March 3, 2024", "2024-03-31T02:30:00+02:00",
           "yesterday", "0", "1e3", "", "   ", None]
    t, bad = parse_times(pd.Series(raw, dtype=dtype))
    expected = ["2024-03-01 08:00", "2024-03-01 10:00", "2024-03-01 10:00",
                "2024-03-01 10:00", "2024-03-01 10:00", "2024-03-01 10:00:00.5", "2024-03-01",
                "2024-12-31", "2024-12-31 14:05", "2024-12-31", "2024-03-03", "2024-03-31 00:30",
                None, None, None, None, None, None]
    got = [None if pd.isna(v) else v for v in t]
    assert got == [None if e is None else pd.Timestamp(e, tz=UTC) for e in expected]
    # unreadable: "yesterday"; "0" is 1970-01-01, before any real activity; "1e3" is no number form
    assert list(np.flatnonzero(bad)) == [12, 13, 14]
    assert str(t.dtype) == "datetime64[us, UTC]"


def test_native_times_and_numbers():
    aware = pd.Series(pd.date_range("2024-06-01 12:00", periods=2, freq="h", tz="America/New_York"))
    t, bad = parse_times(aware)
    assert t.iloc[0] == pd.Timestamp("2024-06-01 16:00", tz=UTC) and not bad.any()
    naive = pd.Series(pd.to_datetime(["2024-06-01 12:00"]))
    assert parse_times(naive)[0].iloc[0] == pd.Timestamp("2024-06-01 12:00", tz=UTC)
    nums = pd.Series([1717243200, 1717243200123, 20240601, np.nan])
    t, bad = parse_times(nums)
    assert list(t[:3]) == [pd.Timestamp("2024-06-01 12:00", tz=UTC),
                           pd.Timestamp("2024-06-01 12:00:00.123", tz=UTC),
                           pd.Timestamp("2024-06-01", tz=UTC)]
    assert pd.isna(t.iloc[3]) and not bad.any()
    mixed = pd.Series([datetime(2024, 6, 1, 12, tzinfo=timezone.utc), "2024-06-02", 1717243200],
                      dtype=object)
    t, bad = parse_times(mixed)
    assert [v.strftime("%Y-%m-%d %H") for v in t] == ["2024-06-01 12", "2024-06-02 00", "2024-06-01 12"]


@pytest.mark.parametrize("dtype", [object, "str"])
def test_numbers(dtype):
    raw = ["7", " 7.5 ", "1,234.5", "-3", "ten", "", None, "1 000"]
    x, bad = parse_numbers(pd.Series(raw, dtype=dtype))
    assert [None if np.isnan(v) else v for v in x] == [7, 7.5, 1234.5, -3, None, None, None, 1000]
    assert list(np.flatnonzero(bad)) == [4]


def test_decimal_comma_numbers():
    raw = pd.Series(["7,5", "1.234,5", "12", "31.12.2023", "1.5"], dtype="str")
    x, bad = parse_numbers(raw, decimal=",")
    assert [None if np.isnan(v) else v for v in x] == [7.5, 1234.5, 12, None, None]
    assert list(np.flatnonzero(bad)) == [3, 4]  # a dotted decimal is ambiguous in such a file


def test_booleans_are_not_numbers_and_blank_mask():
    x, bad = parse_numbers(pd.Series([True, 3, None], dtype=object))
    assert list(bad) == [True, False, False]
    assert list(blank_mask(pd.Series(["a", " ", "", None, "\t"], dtype=object))) == \
        [False, True, True, True, True]
