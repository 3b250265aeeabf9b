"""Survey exports (Qualtrics, SurveyMonkey, Typeform, Delighted) against fixtures written from each
tool's documented CSV layout; expected figures worked out by hand from the fixture rows."""
from pathlib import Path

import pandas as pd
import pytest

from humetrics_desktop.core.io import registry

FIX = Path(__file__).parents[1] / "fixtures" / "formats"


def _read(name):
    path = str(FIX / name)
    res = registry.read_any(path)
    rep = res.report
    assert rep.read == rep.valid + rep.duplicates + rep.rejected
    assert rep.valid == len(res.table)
    return res, rep, res.table


def test_qualtrics_three_header_rows_exclusions_and_dst():
    res, rep, df = _read("qualtrics-nps.csv")
    assert (rep.format, rep.kind) == ("qualtrics", "survey")
    assert (rep.read, rep.valid, rep.duplicates, rep.rejected) == (14, 6, 1, 7)
    assert dict(rep.reasons) == {"survey preview": 1, "survey test": 1, "unfinished response": 1,
                                 "duplicate response id": 1, "score outside 0-10": 2,
                                 "score is not a number": 1, "blank score": 1}
    assert df["score"].tolist() == [10, 9, 3, 7, 10, 0]  # "10 - Extremely likely" -> 10
    assert (df["survey"] == "qualtrics").all()
    t = df.set_index("response_id")["submitted_at"]
    # America/Denver: 01:30 MST (UTC-7); 02:30 does not exist -> 03:00 MDT (UTC-6);
    # 01:30 on 3 Nov happens twice -> first (MDT); 12:00 on 4 Nov is MST again
    assert t["R_001"] == pd.Timestamp("2024-03-10 08:30", tz="UTC")
    assert t["R_002"] == pd.Timestamp("2024-03-10 09:00", tz="UTC")
    assert t["R_003"] == pd.Timestamp("2024-11-03 07:30", tz="UTC")
    assert t["R_004"] == pd.Timestamp("2024-11-04 19:00", tz="UTC")
    assert df["country"].tolist() == ["US", "DE", "JP", "TR", "TR", "??"]
    assert df.set_index("response_id").loc["R_002", "comment"] == "Fast,\nand simple"
    assert df["comment"].isna().sum() == 1  # R_004 left the reason blank


def test_surveymonkey_two_header_rows_and_other_answers():
    res, rep, df = _read("surveymonkey-nps.csv")
    assert rep.format == "surveymonkey"
    # 6 complete rows and a last line cut in the middle of a quoted comment
    assert (rep.read, rep.valid, rep.duplicates, rep.rejected) == (7, 3, 1, 3)
    assert rep.reasons["blank score"] == 1 and rep.reasons["score outside 0-10"] == 1
    assert df["score"].tolist() == [9, 10, 0]
    assert df["comment"].tolist() == ["Clear charts", None, "Crashes on open"]
    other = "Which tool did you use before? | Other (please specify)"
    assert df[other].tolist() == [None, "Our own R scripts", None]
    assert df["country"].tolist() == ["US", "DE", "JP"]
    assert df["submitted_at"].iloc[2] == pd.Timestamp("2024-03-10 13:04", tz="UTC")


def test_typeform_partial_responses_are_excluded():
    res, rep, df = _read("typeform-nps.csv")
    assert rep.format == "typeform"
    assert (rep.read, rep.valid, rep.duplicates, rep.rejected) == (7, 3, 1, 3)
    assert rep.reasons["partial response (not submitted)"] == 2
    assert rep.reasons["score is not a number"] == 1
    assert df["response_id"].tolist() == ["tok001", "tok002", "tok005"]
    assert df["country"].tolist() == ["US", "TR", "CI"]
    assert df["comment"].tolist() == ["More maps", None, "Il est trop lent"]


def test_delighted_offsets_and_epoch_times():
    res, rep, df = _read("delighted-responses.csv")
    assert rep.format == "delighted"
    assert (rep.read, rep.valid, rep.duplicates, rep.rejected) == (6, 4, 1, 1)
    assert df["submitted_at"].tolist() == [
        pd.Timestamp("2024-03-10 09:59:59", tz="UTC"), pd.Timestamp("2024-03-10 10:00:00", tz="UTC"),
        pd.Timestamp("2024-03-15 00:00:00", tz="UTC"), pd.Timestamp("2024-03-17 09:00:00", tz="UTC")]
    assert df["region"].tolist() == ["US-CA", "DE-BY", "JP-13", "TR-34"]
    assert df["user_id"].tolist() == ["c-1", "c-2", "c-3", "c-5"]


@pytest.mark.parametrize("text", [
    "response_id,user_id,submitted_at,score,comment\n1,u1,2024-01-01,9,ok\n",
    "id,score,comment,created\n1,9,ok,2024-01-01\n",
])
def test_generic_survey_layouts_are_not_claimed(tmp_path, text):
    p = tmp_path / "nps.csv"
    p.write_text(text)
    assert registry.detect(str(p)) is None


def test_qualtrics_tsv_in_utf16_reads_like_the_csv(tmp_path):
    import csv
    import io
    text = (FIX / "qualtrics-nps.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    buf = io.StringIO()
    csv.writer(buf, delimiter="\t", lineterminator="\r\n").writerows(rows)
    tsv = tmp_path / "responses.tsv"
    tsv.write_bytes(buf.getvalue().encode("utf-16"))  # Qualtrics' TSV export is UTF-16
    res = registry.read_any(str(tsv))
    assert res.report.format == "qualtrics"
    assert res.report.to_dict() == registry.read_any(str(FIX / "qualtrics-nps.csv")).report.to_dict()


def test_qualtrics_nps_recoded_one_to_eleven_is_shifted_back(tmp_path):
    import csv
    import io
    text = (FIX / "qualtrics-nps.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    q, g = rows[0].index("Q1"), rows[0].index("Q1_NPS_GROUP")
    names = {"Promoter": "3", "Passive": "2", "Detractor": "1"}
    for row in rows[3:]:
        if row[q].isdigit() and row[g]:
            row[q] = str(int(row[q]) + 1)  # an edited recode: 0..10 exported as 1..11
            row[g] = names[row[g]]  # numeric export of the group too
        elif row[q] == "11":
            row[q] = "12"  # still out of range on a 1-11 scale
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    p = tmp_path / "recoded.csv"
    p.write_text(buf.getvalue(), encoding="utf-8")
    res = registry.read_any(str(p))
    original = registry.read_any(str(FIX / "qualtrics-nps.csv"))
    assert res.table["score"].tolist() == original.table["score"].tolist()
    assert any("1-11" in n for n in res.report.notes)
    assert not any("1-11" in n for n in original.report.notes)


def test_surveymonkey_day_first_dates(tmp_path):
    text = (FIX / "surveymonkey-nps.csv").read_bytes().decode("utf-8-sig")
    text = text.replace("03/10/2024", "13/03/2024").replace("03/09/2024", "09/03/2024")
    p = tmp_path / "sm.csv"
    p.write_text(text, encoding="utf-8")
    res = registry.read_any(str(p))
    t = res.table.set_index("response_id")["submitted_at"]
    assert t["11400001"] == pd.Timestamp("2024-03-09 10:02:11", tz="UTC")
    assert t["11400003"] == pd.Timestamp("2024-03-13 13:04", tz="UTC")
