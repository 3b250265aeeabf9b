import pandas as pd

from humetrics_desktop.core.privacy import (mask_personal, mask_value, personal_columns, pseudonymise,
                                            safe_cell, safe_filename, safe_frame, suppress,
                                            suppressed_mask)


def test_small_cells_hidden_and_one_complement_per_group():
    counts = pd.Series([3, 50, 40, 0, 12, 11, 30])
    groups = pd.Series(["a", "a", "a", "b", "b", "c", "c"])
    mask = suppressed_mask(counts, k=10, groups=groups)
    # group a: 3 is small; hiding it alone is undone by total - 50 - 40, so 40 (next smallest) goes too
    # group b: the zero cell reveals nobody; 12 >= k stays. group c: nothing small
    assert mask.tolist() == [True, False, True, False, False, False, False]


def test_two_small_cells_need_no_complement():
    mask = suppressed_mask(pd.Series([3, 4, 100]), k=10)
    assert mask.tolist() == [True, True, False]


def test_no_complement_when_no_total_is_shown():
    mask = suppressed_mask(pd.Series([3, 50, 40]), k=10, total_shown=False)
    assert mask.tolist() == [True, False, False]


def test_suppress_hides_derived_values():
    df = pd.DataFrame({"n": [5, 100, 80], "nps": [20.0, 31.0, -4.0]})
    out = suppress(df, "n", k=10, value_cols=["nps"])
    assert out["suppressed"].tolist() == [True, False, True]
    assert out["nps"].isna().tolist() == [True, False, True]
    assert out.loc[1, "nps"] == 31.0


def test_formula_injection_neutralised_but_numbers_kept():
    assert safe_cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("\tcmd") == "'\tcmd"
    assert safe_cell("-3.5") == "-3.5"
    assert safe_cell("+1") == "+1"
    assert safe_cell("plain") == "plain"
    out = safe_frame(pd.DataFrame({"=x": ["+cmd|' /C calc'!A0", "ok"]}))
    assert list(out.columns) == ["'=x"] and out.iloc[0, 0].startswith("'")


def test_personal_columns_found_by_name_and_content():
    df = pd.DataFrame({"user_id": ["1"], "contact": ["ann@example.org"], "Email": ["b@c.de"],
                       "properties.$ip": ["1.2.3.4"], "score": [9]})
    assert set(personal_columns(df)) == {"contact", "Email", "properties.$ip"}


def test_masking_and_stable_pseudonyms():
    assert mask_value("ann@example.org") == "a***@e***"
    assert mask_value("Ann Smith") == "A***"
    ids = pd.Series(["u1", "u2", "u1"])
    p1 = pseudonymise(ids, b"secret-1")
    assert p1[0] == p1[2] and p1[0] != p1[1] and "u1" not in p1[0]
    assert pseudonymise(ids, b"secret-2")[0] != p1[0]  # another workspace, other pseudonyms
    masked = mask_personal(pd.DataFrame({"user_id": ["u1"], "email": ["ann@example.org"]}), secret=b"s")
    assert masked.loc[0, "email"] == "a***@e***" and masked.loc[0, "user_id"].startswith("p_")


def test_safe_filename():
    assert safe_filename("../../etc/passwd") == "_.._etc_passwd"
    assert safe_filename("CON.csv") == "_CON.csv"
    assert safe_filename("  ") == "export"
