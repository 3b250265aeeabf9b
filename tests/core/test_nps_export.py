"""Closed-loop export: personal fields pseudonymised or masked by default, formulas neutralised."""
from __future__ import annotations

import hashlib
import hmac

import pandas as pd
import pytest
from openpyxl import load_workbook

from humetrics_desktop.core.export import export_rows

SECRET = b"k" * 32


@pytest.fixture
def rows():
    return pd.DataFrame({
        "user_id": ["u1", "u2", None],
        "email": ["ann@example.org", "bob@example.org", None],
        "score": [0, 3, 6],
        "comment": ["=HYPERLINK(\"http://evil\",\"x\")", "+1 better than before", "\tpadded"],
        "note": ["@SUM(A1)", "-2", "fine"],
        "category": pd.Categorical(["detractor"] * 3),
        "submitted_at": pd.to_datetime(["2026-03-01T12:00:00Z"] * 3, utc=True),
    })


def _expected_pseudonym(value: str) -> str:
    return "p_" + hmac.new(SECRET, value.encode(), hashlib.sha256).hexdigest()[:12]


def test_csv_pseudonymises_by_default_and_neutralises_formulas(tmp_path, rows):
    s = export_rows(rows, tmp_path / "detractors.csv", SECRET)
    assert s.rows == 3 and set(s.personal) == {"user_id", "email"}
    out = pd.read_csv(tmp_path / "detractors.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert out["user_id"].tolist() == [_expected_pseudonym("u1"), _expected_pseudonym("u2"), ""]
    assert not out["email"].str.contains("@").any()
    assert out["comment"].tolist() == ["'=HYPERLINK(\"http://evil\",\"x\")", "'+1 better than before", "'\tpadded"]
    # a plain number stays a number; an @ formula is neutralised
    assert out["note"].tolist() == ["'@SUM(A1)", "-2", "fine"]
    assert out["submitted_at"].iloc[0] == "2026-03-01T12:00:00Z"
    assert not (tmp_path / "detractors.csv.part").exists()


def test_pseudonyms_stable_within_workspace_and_differ_across(tmp_path, rows):
    a = export_rows(rows, tmp_path / "a.csv", SECRET)
    b = export_rows(rows.iloc[::-1], tmp_path / "b.csv", SECRET)
    c = export_rows(rows, tmp_path / "c.csv", b"other-secret")
    ra, rb, rc = (pd.read_csv(x.path, encoding="utf-8-sig", dtype=str) for x in (a, b, c))
    assert set(ra["user_id"].dropna()) == set(rb["user_id"].dropna())
    assert not set(ra["user_id"].dropna()) & set(rc["user_id"].dropna())


def test_mask_mode_and_explicit_keep(tmp_path, rows):
    export_rows(rows, tmp_path / "m.csv", SECRET, personal="mask")
    m = pd.read_csv(tmp_path / "m.csv", encoding="utf-8-sig", dtype=str)
    assert m["email"].iloc[0] == "a***@e***" and m["user_id"].iloc[0] == "u***"
    kept = export_rows(rows, tmp_path / "k.csv", SECRET, personal="keep")
    assert kept.personal == []
    k = pd.read_csv(tmp_path / "k.csv", encoding="utf-8-sig", dtype=str)
    assert k["email"].iloc[0] == "ann@example.org"
    # keeping personal data does not switch off the formula guard
    assert k["comment"].iloc[0].startswith("'=")


def test_xlsx_cells_are_text_not_formulas(tmp_path, rows):
    export_rows(rows, tmp_path / "d.xlsx", SECRET, columns=["user_id", "score", "comment", "note"])
    ws = load_workbook(tmp_path / "d.xlsx").active
    values = list(ws.iter_rows(values_only=True))
    assert values[0] == ("user_id", "score", "comment", "note")
    assert values[1][0] == _expected_pseudonym("u1") and values[1][1] == 0
    assert all(cell.data_type != "f" for row in ws.iter_rows() for cell in row)
    assert values[1][2].startswith("'=") and values[2][3] == "-2"


def test_bad_suffix_is_a_clear_error(tmp_path, rows):
    with pytest.raises(ValueError, match="x.json: export to .csv or .xlsx"):
        export_rows(rows, tmp_path / "x.json", SECRET)
    with pytest.raises(ValueError, match="personal must be one of"):
        export_rows(rows, tmp_path / "x.csv", SECRET, personal="plain")
