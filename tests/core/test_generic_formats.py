"""The generic importer reads every supported container and format, with answers known by hand."""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from humetrics_desktop.core.io import generic, tabular
from humetrics_desktop.core.io.mapping import Mapping
from humetrics_desktop.core.io.report import ImportError_
from humetrics_desktop.core.io.tabular import open_source

FIX = Path(__file__).parent.parent / "fixtures" / "generic"


def read(path, **kw):
    res = generic.read(str(path), **kw)
    r = res.report
    assert r.read == r.valid + r.duplicates + r.rejected, r.to_dict()
    assert len(res.table) == r.valid
    return res


def examples(res):
    return sorted((e.line, e.column, e.reason) for e in res.report.examples)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_utf8_bom_crlf_quoted_newlines_and_bad_scores():
    f = FIX / "nps_awkward.csv"
    before = sha(f)
    res = read(f)
    assert sha(f) == before  # the source is never modified
    r = res.report
    assert (r.kind, r.format) == ("survey", "generic-csv")
    assert (r.read, r.valid, r.duplicates, r.rejected) == (11, 3, 1, 7)
    # physical lines: r1's comment spans lines 2-3, r6's spans 8-10
    assert examples(res) == [
        (4, "score", "score outside 0-10"), (5, "score", "score outside 0-10"),
        (6, "score", "score is not a number"), (7, "score", "score is not a whole number"),
        (12, "submitted_at", "unreadable or implausible time in submitted_at"),
        (13, "score", "missing score"), (14, None, "wrong number of fields")]
    t = res.table
    assert list(t["response_id"]) == ["r1", "r6", "r10"]
    assert list(t["score"]) == [9, 7, 10]
    assert list(t["submitted_at"]) == [pd.Timestamp("2024-03-01 08:00", tz="UTC"),
                                       pd.Timestamp("2024-03-02", tz="UTC"),
                                       pd.Timestamp("2024-03-04", tz="UTC")]
    assert t["comment"].iloc[0] == "Great, really\r\ngreat"
    assert list(t["country"]) == ["DE", "??", "US"]
    assert r.unmatched == {"country:Atlantis": 1}
    assert r.reasons["duplicate response_id"] == 1


def test_cp1252_semicolons_decimal_commas_german_headers():
    res = read(FIX / "kunden_semikolon.csv")
    src = open_source(FIX / "kunden_semikolon.csv")
    assert (src.delimiter, src.decimal, src.encoding) == (";", ",", "cp1252")
    t = res.table
    assert res.report.kind == "profiles"
    assert list(t["user_id"]) == ["1001", "1002", "1003"]
    assert list(t["country"]) == ["DE", "AT", "CH"]
    assert list(t["region"]) == ["DE-BY", "AT-9", "CH-ZH"]
    assert list(t["age"]) == [34, 27, 45]
    assert list(t["signup_at"].dt.strftime("%Y-%m-%d")) == ["2023-12-31", "2024-02-01", "2024-03-15"]
    assert list(t["Umsatz"]) == [1234.5, 99.9, 0.5]


def test_utf16_tab_separated_reviews():
    res = read(FIX / "reviews_utf16.tsv")
    assert res.report.kind == "reviews"
    assert (res.report.valid, res.report.rejected) == (2, 1)
    assert examples(res) == [(4, "Review Text", "missing text")]
    t = res.table
    assert list(t["country"]) == ["FR", "US"]  # "États-Unis" is matched by name
    assert list(t["rating"]) == [5.0, 1.0]
    assert t["created_at"].iloc[1] == pd.Timestamp("2024-05-02 14:00", tz="UTC")


def test_json_object_wrapping_records_is_flattened():
    res = read(FIX / "events_wrapped.json")
    r = res.report
    assert (r.kind, r.format) == ("events", "generic-json")
    assert (r.read, r.valid, r.duplicates, r.rejected) == (5, 2, 1, 2)
    assert examples(res) == [(4, "distinct_id", "missing user_id"),
                             (5, None, "record is not a JSON object")]
    t = res.table
    assert list(t["user_id"]) == ["u1", "u2"]
    assert list(t["country"]) == ["DE", "FR"]  # "Frankreich"
    assert list(t["properties.device.os"]) == ["iOS", "Android"]
    assert t["tags"].iloc[1] == '["a","b"]'
    assert t["timestamp"].iloc[1] == pd.Timestamp(1717200060, unit="s", tz="UTC")


def test_json_lines_with_broken_lines():
    res = read(FIX / "events.jsonl")
    r = res.report
    assert (r.kind, r.format) == ("events", "generic-jsonl")
    assert (r.read, r.valid, r.rejected) == (5, 3, 2)  # the blank line 2 is not a row
    assert examples(res) == [(4, None, "not valid JSON"), (5, None, "line is not a JSON object")]
    t = res.table
    assert list(t["event"]) == ["login", "logout", "login"]
    assert list(t["timestamp"]) == [pd.Timestamp("2024-06-01 10:00", tz="UTC")] * 2 + \
        [pd.Timestamp("2024-06-01 12:00", tz="UTC")]
    assert list(t["country"]) == ["DE", "DE", "??"]


def test_gzip_and_zip_containers(tmp_path):
    raw = (FIX / "events.jsonl").read_bytes()
    gz = tmp_path / "events.jsonl.gz"
    gz.write_bytes(gzip.compress(raw))
    zp = tmp_path / "export.zip"
    with zipfile.ZipFile(zp, "w") as zf:
        zf.writestr("inner/events.jsonl", raw)
    csvgz = tmp_path / "nps.csv.gz"
    csvgz.write_bytes(gzip.compress((FIX / "nps_awkward.csv").read_bytes()))
    for p in (gz, zp):
        res = read(p)
        assert (res.report.read, res.report.valid, res.report.rejected) == (5, 3, 2)
        assert examples(res)[0] == (4, None, "not valid JSON")
    res = read(csvgz)
    assert (res.report.read, res.report.valid, res.report.duplicates) == (11, 3, 1)
    assert examples(res)[-1] == (14, None, "wrong number of fields")


def test_xlsx(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    from datetime import datetime
    wb = openpyxl.Workbook()
    wb.active.title = "empty"
    ws = wb.create_sheet("customers")  # the first sheet holds nothing: the second is read
    ws.append(["Customers, June"])  # a title row, then a blank row, then the header
    ws.append([])
    ws.append(["Customer ID", "Signup date", "Pays", "Age"])
    ws.append([101, datetime(2024, 1, 2, 3, 4, 5), "Allemagne", 30])
    ws.append([102.0, "2024-02-03", "Japon", 200])
    ws.append([None, None, None, None])
    ws.append([101, datetime(2024, 1, 5), "FR", 31])
    p = tmp_path / "customers.xlsx"
    wb.save(p)
    res = read(p)
    r = res.report
    assert (r.kind, r.format) == ("profiles", "generic-xlsx")
    assert (r.read, r.valid, r.duplicates, r.rejected) == (3, 1, 1, 1)
    assert examples(res) == [(5, "Age", "age outside 0-130")]  # Excel row numbers
    t = res.table
    assert list(t["user_id"]) == ["101"]
    assert t["signup_at"].iloc[0] == pd.Timestamp("2024-01-02 03:04:05", tz="UTC")
    assert list(t["country"]) == ["DE"]
    assert r.notes == ["skipped 1 title row(s) before the header",
                       "read sheet 'customers', the first of 2 that holds data"]


def test_parquet_struct_columns_and_row_groups(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq
    n = 2500
    table = pa.table({
        "user": pa.array([f"u{i % 40}" for i in range(n)]),
        "ts": pa.array(pd.date_range("2024-01-01", periods=n, freq="min", tz="Europe/Berlin")),
        "event_name": pa.array(["view", "click"] * (n // 2)),
        "geo": pa.array([{"country": "DE", "city": "Berlin"}] * n),
    })
    p = tmp_path / "data.parquet"
    pq.write_table(table, p, row_group_size=1000)
    assert pq.ParquetFile(p).num_row_groups == 3
    seen = []

    class Rec(generic.Progress):
        def _report(self):
            seen.append(self.value)

    res = read(p, progress=Rec())
    assert res.report.kind == "events" and res.report.valid == n
    t = res.table
    assert t["timestamp"].iloc[0] == pd.Timestamp("2023-12-31 23:00", tz="UTC")
    assert set(t["country"]) == {"DE"} and set(t["city"]) == {"Berlin"}  # from geo.city
    assert seen[-1] == 1.0 and len(seen) >= 4


def test_zip_with_several_files_is_one_line_error(tmp_path):
    zp = tmp_path / "two.zip"
    with zipfile.ZipFile(zp, "w") as zf:
        zf.writestr("a.csv", "x,y\n1,2\n")
        zf.writestr("b.csv", "x,y\n1,2\n")
    with pytest.raises(ImportError_, match="2 data files"):
        generic.read(str(zp))


def test_preview_returns_raw_rows_and_mapping():
    df, m = generic.preview(FIX / "nps_awkward.csv", n=3)
    assert len(df) == 3 and list(df.columns)[:2] == ["response_id", "user_id"]
    assert df["score"].tolist() == ["9", "11", "-1"]  # raw, before validation
    assert m.kind == "survey" and m.columns["score"] == "score"


def test_explicit_mapping_and_dict_form():
    m = {"kind": "profiles", "columns": {"response_id": None, "user_id": "user_id",
                                         "submitted_at": "signup_at", "score": None,
                                         "comment": None, "country": "country"}}
    res = read(FIX / "nps_awkward.csv", mapping=m)
    r = res.report
    assert r.kind == "profiles"
    # u1 appears twice (dup); r7's date is unreadable; r9 has a wrong field count
    assert (r.read, r.valid, r.duplicates, r.rejected) == (11, 8, 1, 2)
    assert "score" in res.table.columns and res.table["score"].dtype != "Int64"  # kept raw
    with pytest.raises(ImportError_, match="no column holds user_id"):
        generic.read(str(FIX / "nps_awkward.csv"),
                     mapping={"kind": "profiles", "columns": {"score": None}})
    with pytest.raises(ImportError_, match="invalid column mapping"):
        generic.read(str(FIX / "nps_awkward.csv"),
                     mapping={"kind": "profiles", "columns": {"score": "nonsense"}})
    with pytest.raises(ImportError_, match="same field"):
        generic.read(str(FIX / "nps_awkward.csv"), mapping=Mapping(
            "profiles", {"user_id": "user_id", "response_id": "user_id"}))
    with pytest.raises(ImportError_, match="names column 'uid'"):
        generic.read(str(FIX / "nps_awkward.csv"),
                     mapping={"kind": "profiles", "columns": {"uid": "user_id"}})


def test_large_csv_is_chunked_with_progress(tmp_path, monkeypatch):
    from humetrics_desktop.core.io import tabular
    monkeypatch.setattr(tabular, "CHUNK_ROWS", 1000)
    n = 5500
    lines = ["user_id,timestamp,event"] + [f"u{i % 97},2024-01-01T00:{i % 60:02d}:00Z,e{i % 7}"
                                           for i in range(n)]
    lines[3001] = 'u1,"bad\nline",e1'  # a record spanning two physical lines in chunk 4
    p = tmp_path / "big.csv"
    p.write_text("\n".join(lines) + "\n")
    seen = []

    class Rec(generic.Progress):
        def _report(self):
            seen.append(self.value)

    res = read(p, progress=Rec())
    r = res.report
    assert r.read == n and r.rejected == 1
    assert examples(res) == [(3002, "timestamp", "unreadable or implausible time in timestamp")]
    # identical rows: row i and i + lcm(97, 60, 7) never meet below n, so none are duplicates
    assert r.duplicates == 0
    assert len(seen) >= 6 and seen == sorted(seen)


def test_source_kept_read_only(tmp_path):
    p = tmp_path / "users.csv"
    p.write_text("user_id,country\nu1,DE\nu1,DE\n")
    p.chmod(0o444)
    res = read(p)
    assert (res.report.valid, res.report.duplicates) == (1, 1)
    assert p.read_text() == "user_id,country\nu1,DE\nu1,DE\n"


def test_json_array_is_streamed_with_physical_lines(tmp_path, monkeypatch):
    monkeypatch.setattr(tabular, "CHUNK_ROWS", 2)
    p = tmp_path / "survey.json"
    p.write_text(json.dumps([{"id": 1, "nps": 9}, {"id": 2, "nps": 12}, {"id": 3, "nps": "7"}],
                            indent=1))  # each record spans 4 lines, the first starts on line 2
    res = read(p)
    assert res.report.kind == "survey"
    assert examples(res) == [(6, "nps", "score outside 0-10")]
    assert list(res.table["response_id"]) == ["1", "3"] and list(res.table["score"]) == [9, 7]


def test_bytes_io_not_needed_for_plain_parquet(tmp_path):
    # a .gz around a Parquet file is read from memory; answers stay the same
    df = pd.DataFrame({"key": ["DE", "FR"], "gdp": [1.0, 2.0]})
    buf = io.BytesIO()
    df.to_parquet(buf)
    p = tmp_path / "layer.parquet.gz"
    p.write_bytes(gzip.compress(buf.getvalue()))
    res = read(p)
    assert res.report.kind == "layer" and list(res.table["key"]) == ["DE", "FR"]


def test_cancel_stops_a_read(tmp_path):
    from humetrics_desktop.core.progress import Cancelled, Progress
    p = tmp_path / "events.csv"
    p.write_text("user_id,timestamp,event\n" + "u1,2024-01-01T00:00:00Z,open\n" * 300_000)

    class CancelAtHalf(Progress):
        def _report(self):
            if self.value > 0.3:
                self.cancel()

    with pytest.raises(Cancelled):
        generic.read(str(p), progress=CancelAtHalf())


def test_regions_normalised_and_unmatched_counted(tmp_path):
    p = tmp_path / "users.csv"
    p.write_text("user_id,country,region\nu1,DE,Bayern\nu2,Germany,DE-BE\nu3,FR,Nowhere Land\n"
                 "u4,JP,東京都\nu5,,\n")
    res = read(p)
    t = res.table
    assert [None if pd.isna(v) else v for v in t["region"]] == ["DE-BY", "DE-BE", None, "JP-13", None]
    assert t["country"].tolist() == ["DE", "DE", "FR", "JP", "??"]
    assert res.report.unmatched == {"region:Nowhere Land": 1}


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n"])
@pytest.mark.parametrize("delimiter", ["|", "\t", ";"])
def test_line_endings_and_delimiters(tmp_path, newline, delimiter):
    # u1's note is the quoted field "a ""quoted<newline>note": two physical lines
    rows = [["user_id", "signup_at", "note"], ["u1", "2024-01-01", 'a "quoted' + newline + 'note"'],
            ["u2", "bad-date", "x"], ["u3", "2024-01-03", "y"]]
    text = newline.join(delimiter.join(r) for r in rows).replace('a "quoted', '"a ""quoted') + newline
    p = tmp_path / "people.txt"
    p.write_bytes(text.encode("utf-8"))
    res = read(p)
    assert open_source(p).delimiter == delimiter
    assert examples(res) == [(4, "signup_at", "unreadable or implausible time in signup_at")]
    assert res.table["user_id"].tolist() == ["u1", "u3"]
    assert res.table["note"].iloc[0] == 'a "quoted' + newline + 'note'


def test_json_array_edge_cases(tmp_path, monkeypatch):
    monkeypatch.setattr(tabular, "MAX_RECORD_CHARS", 1000)
    # numbers and values cut at the 1 MiB block boundary still decode whole
    recs = [{"user_id": f"u{i}", "age": 20 + i % 50, "pad": "x" * (i % 97)} for i in range(40000)]
    p = tmp_path / "users.json"
    p.write_text(json.dumps(recs))
    assert p.stat().st_size > 2 * 1024**2
    res = read(p)
    assert res.report.valid == 40000 and res.table["age"].sum() == sum(20 + i % 50 for i in range(40000))
    for body, match in [('[{"user_id": "u1"}, {"user_id": ', "not valid JSON at line 1"),
                        ('[{"user_id": "u1"}\n,\n{"user_id": "u2", }]', "not valid JSON at line 3"),
                        ('[{"user_id": "u1"}', "before its closing"),
                        # a record still incomplete after a whole 1 MiB block, beyond the cap
                        ('[{"user_id": "' + "y" * 1_500_000 + '"}]', "longer than")]:
        q = tmp_path / "bad.json"
        q.write_text(body)
        with pytest.raises(ImportError_, match=match):
            generic.read(str(q), mapping={"kind": "profiles", "columns": {"user_id": "user_id"}})


def test_excel_sep_hint_and_comment_preamble(tmp_path):
    p = tmp_path / "export.csv"
    p.write_text("sep=;\n# Exported 2024-06-01\n#\nuser_id;country;signup_at\nu1;DE;2024-01-01\n"
                 "u2;FR;nope\n")
    res = read(p)
    assert res.report.notes == ["skipped 3 line(s) before the header"]
    assert res.table["user_id"].tolist() == ["u1"]
    # the physical line, preamble counted
    assert examples(res) == [(6, "signup_at", "unreadable or implausible time in signup_at")]


def test_extra_columns_get_one_type_each(tmp_path):
    p = tmp_path / "users.csv"
    p.write_text("user_id,zip,visits,ratio,mixed\nu1,01234,3,0.5,a\nu2,80331,,1.25,7\nu3,10115,12,2,\n")
    t = read(p).table
    assert t["zip"].tolist() == ["01234", "80331", "10115"]  # leading zero kept: text
    assert str(t["visits"].dtype) == "Int64" and t["visits"].tolist()[::2] == [3, 12]
    assert pd.isna(t["visits"].iloc[1])
    assert t["ratio"].tolist() == [0.5, 1.25, 2.0]
    assert t["mixed"].tolist()[:2] == ["a", "7"]


def test_title_rows_before_the_header(tmp_path):
    p = tmp_path / "report.csv"
    p.write_text("Survey results\nExported by Jane,2024-06-01\n\nid,score,date\n"
                 "1,9,2024-05-01\n2,11,2024-05-02\n3,\"7\",2024-05-03\n")
    res = read(p)
    assert res.report.kind == "survey"
    assert res.report.notes == ["skipped 2 title row(s) before the header"]  # and a blank line
    assert res.table["score"].tolist() == [9, 7]
    assert examples(res) == [(6, "score", "score outside 0-10")]
    # a header as wide as most rows is never skipped, whatever the rows below it
    q = tmp_path / "plain.csv"
    q.write_text("x,y\n1\n2,3\n4,5\n")
    assert open_source(q).columns == ["x", "y"] and open_source(q).preamble == 0


def test_parquet_dictionary_date_and_decimal_types(tmp_path):
    import datetime
    import decimal

    import pyarrow as pa
    import pyarrow.parquet as pq
    t = pa.table({"user_id": pa.array(["a", "b"]).dictionary_encode(),
                  "signup_at": pa.array([datetime.date(2024, 1, 2), None], pa.date32()),
                  "age": pa.array([decimal.Decimal("31"), decimal.Decimal("40")], pa.decimal128(5, 0)),
                  "country": pa.array(["Deutschland", "FR"]).dictionary_encode()})
    pq.write_table(t, tmp_path / "people.parquet")
    res = read(tmp_path / "people.parquet")
    tb = res.table
    assert res.report.kind == "profiles" and res.report.valid == 2
    assert tb["signup_at"].iloc[0] == pd.Timestamp("2024-01-02", tz="UTC") and pd.isna(tb["signup_at"].iloc[1])
    assert tb["age"].tolist() == [31, 40] and tb["country"].tolist() == ["DE", "FR"]


def test_content_decides_the_format_not_the_name(tmp_path):
    p = tmp_path / "really_a_csv.xlsx"
    p.write_text("user_id,country\nu1,DE\n")
    assert read(p).report.format == "generic-csv"
    q = tmp_path / "parquet.csv"
    pd.DataFrame({"user_id": ["u1"]}).to_parquet(q)
    assert read(q).report.format == "generic-parquet"
    j = tmp_path / "rows.txt"
    j.write_text('{"user_id": "u1"}\n{"user_id": "u2"}\n')
    assert read(j).report.format == "generic-jsonl"
