"""Recognising the kind of table and its columns, by header and by content; remembered mappings."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from humetrics_desktop.core.io import generic, mapping_store
from humetrics_desktop.core.io.mapping import Mapping, normalise_header, propose


def cols(m: Mapping) -> dict[str, str]:
    return {k: v for k, v in m.columns.items() if v}


@pytest.mark.parametrize("raw,expected", [
    ("User ID", "user_id"), ("userId", "user_id"), ("Nutzer-ID", "nutzer_id"),
    ("$country", "country"), ("Größe", "grosse"), ("Date d'inscription", "date_d_inscription"),
])
def test_normalise_header(raw, expected):
    assert normalise_header(raw) == expected


def _frame(**columns) -> pd.DataFrame:
    return pd.DataFrame({k: pd.Series(v, dtype="str") for k, v in columns.items()})


@pytest.mark.parametrize("user_col", ["user id", "distinct_id", "uid", "customer_id", "Kunden-ID"])
def test_user_id_synonyms_for_events(user_col):
    df = _frame(**{user_col: ["a", "b", "c"], "time": ["2024-01-01T10:00:00Z"] * 3,
                   "action": ["open", "close", "open"]})
    m = propose(df)
    assert m.kind == "events"
    assert cols(m) == {user_col: "user_id", "time": "timestamp", "action": "event"}


@pytest.mark.parametrize("country_col", ["country", "Land", "pays", "País"])
@pytest.mark.parametrize("score_col", ["score", "NPS", "recommend", "rating",
                                       "How likely are you to recommend us?"])
def test_survey_headers_in_several_languages(country_col, score_col):
    df = _frame(**{"date": ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"],
                   score_col: ["9", "0", "10", "6"],
                   country_col: ["DE", "Frankreich", "USA", "日本"],
                   "comment": ["great", "", "too slow to load", "ok"]})
    m = propose(df)
    assert m.kind == "survey"
    assert cols(m) == {"date": "submitted_at", score_col: "score", country_col: "country",
                       "comment": "comment"}


def test_reviews_recognised_by_review_and_stars():
    df = _frame(review=["Love the new design, it is fast", "Keeps crashing on start", "Meh, fine I guess"],
                stars=["5", "1", "3"], posted=["2024-05-01", "2024-05-02", "2024-05-03"])
    m = propose(df)
    assert m.kind == "reviews"
    assert cols(m) == {"review": "text", "stars": "rating", "posted": "created_at"}


def test_content_alone_without_useful_headers():
    rng = np.random.default_rng(0)
    n = 60
    df = _frame(c1=[f"2024-03-{d % 28 + 1:02d}T10:00:00+01:00" for d in range(n)],
                c2=[str(v) for v in rng.integers(0, 11, n)],
                c3=["The app is slow when I open it" if i % 2 else "Support answered very quickly"
                    for i in range(n)],
                c4=list(rng.choice(["DE", "FR", "JP", "BR"], n)))
    m = propose(df)
    assert m.kind == "survey"
    assert cols(m) == {"c1": "submitted_at", "c2": "score", "c3": "comment", "c4": "country"}
    assert m.needs_confirmation  # content alone is a guess the user should see


def test_epoch_seconds_and_milliseconds_are_times_by_content():
    df = _frame(user=["a", "b", "c"], when=["1709287200", "1709287260000", "1709287320"],
                event=["x", "y", "z"])
    m = propose(df)
    assert m.kind == "events" and m.columns["when"] == "timestamp"
    df["when"] = ["41", "42", "43"]  # small numbers are not times
    assert propose(df).columns["when"] is None


def test_layer_by_iso_codes_and_numeric_indicators():
    df = _frame(code=["DE-BY", "DE-BE", "FR-IDF", "US-CA"],
                median_income=["41000", "39000", "38000", "52000"],
                vote_share_left=["0.31", "0.45", "0.40", "0.60"])
    m = propose(df)
    assert m.kind == "layer" and cols(m) == {"code": "key"}


def test_traffic_from_ga_like_headers():
    df = _frame(Date=["20240101", "20240102"], Users=["120", "130"], Sessions=["150", "170"],
                **{"New users": ["10", "12"], "Country": ["Germany", "France"]})
    m = propose(df)
    assert m.kind == "traffic"
    assert cols(m) == {"Date": "date", "Users": "active_users", "Sessions": "sessions",
                       "New users": "new_users", "Country": "country"}


def _demo_exports(d):
    """The generic exports of docs/cli.md, small: the same columns and value forms."""
    rng = np.random.default_rng(3)
    n = 120
    users = pd.DataFrame({
        "user_id": [f"u{i:05d}" for i in range(n)],
        "signup_at": pd.date_range("2024-01-01", periods=n, freq="7h", tz="UTC").strftime("%Y-%m-%dT%H:%M:%SZ"),
        "country": rng.choice(["DE", "FR", "US", "JP", "BR"], n),
        "region": rng.choice(["DE-BY", "FR-IDF", "US-CA", "JP-13", "BR-SP"], n),
        "age": rng.integers(16, 80, n), "gender": rng.choice(["female", "male", "non-binary"], n),
        "language": rng.choice(["de", "fr", "en"], n), "plan": rng.choice(["free", "pro"], n)})
    users.to_csv(d / "users.csv", index=False)
    pd.DataFrame({"user_id": users["user_id"].repeat(5).to_numpy(),
                  "timestamp": pd.date_range("2024-02-01", periods=5 * n, freq="17min", tz="UTC"),
                  "event": rng.choice(["open", "search", "share", "export"], 5 * n),
                  "session_id": [f"s{i // 3}" for i in range(5 * n)]}).to_parquet(d / "events.parquet")
    pd.DataFrame({"response_id": [f"r{i}" for i in range(40)], "user_id": users["user_id"][:40],
                  "submitted_at": pd.date_range("2024-03-01", periods=40, freq="D", tz="UTC").strftime("%Y-%m-%dT%H:%M:%SZ"),
                  "score": rng.integers(0, 11, 40),
                  "comment": rng.choice(["Zu teuer", "Great app", "", "Trop lent"], 40)}).to_csv(d / "nps.csv", index=False)
    pd.DataFrame({"feedback_id": [f"f{i}" for i in range(30)],
                  "created_at": pd.date_range("2024-03-01", periods=30, freq="D", tz="UTC").strftime("%Y-%m-%dT%H:%M:%SZ"),
                  "source": rng.choice(["app-store", "google-play", "social"], 30),
                  "text": rng.choice(["Love it, really useful", "Crashes all the time", "Too expensive now"], 30),
                  "rating": rng.integers(1, 6, 30), "user_id": users["user_id"][:30],
                  "country": rng.choice(["DE", "FR"], 30)}).to_csv(d / "feedback.csv", index=False)
    pd.DataFrame({"date": pd.date_range("2024-01-01", periods=90).strftime("%Y-%m-%d"),
                  "country": "DE", "active_users": rng.integers(100, 900, 90),
                  "sessions": rng.integers(900, 2000, 90), "new_users": rng.integers(0, 90, 90)}
                 ).to_csv(d / "traffic.csv", index=False)
    (d / "layers").mkdir()
    pd.DataFrame({"key": ["DE-BY", "DE-BE", "FR-IDF"], "name": ["Bayern", "Berlin", "Île-de-France"],
                  "income_index": [1.12, 0.94, 1.21], "income_group": ["high", "middle", "high"]}
                 ).to_csv(d / "layers" / "income.csv", index=False)
    (d / "layers" / "income.meta.json").write_text(json.dumps(
        {"kind": "socio-economic", "synthetic": True, "source": "HuMetrics demo generator"}))
    pd.DataFrame({"key": ["DE-BY", "DE-BE"], "lean": [-0.2, 0.3]}).to_csv(d / "layers" / "politics.csv", index=False)
    (d / "layers" / "politics.meta.json").write_text(json.dumps(
        {"kind": "political", "synthetic": True, "source": "demo"}))
    pd.DataFrame({"country": ["DE", "DE", "FR"], "age_band": ["18-24", "25-34", "18-24"],
                  "gender": ["female", "male", "female"], "population": [4100, 5200, 3900]}
                 ).to_csv(d / "reference_population.csv", index=False)


@pytest.mark.parametrize("name,kind,expected", [
    ("users.csv", "profiles", {"user_id": "user_id", "signup_at": "signup_at", "country": "country",
                               "region": "region", "age": "age", "gender": "gender",
                               "language": "language", "plan": "plan"}),
    ("events.parquet", "events", {"user_id": "user_id", "timestamp": "timestamp", "event": "event",
                                  "session_id": "session_id"}),
    ("nps.csv", "survey", {"response_id": "response_id", "user_id": "user_id",
                           "submitted_at": "submitted_at", "score": "score", "comment": "comment"}),
    ("feedback.csv", "reviews", {"feedback_id": "feedback_id", "created_at": "created_at",
                                 "source": "source", "text": "text", "rating": "rating",
                                 "user_id": "user_id", "country": "country"}),
    ("traffic.csv", "traffic", {"date": "date", "country": "country", "active_users": "active_users",
                                "sessions": "sessions", "new_users": "new_users"}),
    ("layers/income.csv", "layer", {"key": "key", "name": "name"}),
    ("layers/politics.csv", "layer", {"key": "key"}),
    ("reference_population.csv", "layer", {"country": "key"}),
])
def test_demo_exports_map_without_a_dialog(tmp_path, name, kind, expected):
    _demo_exports(tmp_path)
    df, m = generic.preview(tmp_path / name)
    assert m.kind == kind and cols(m) == expected
    assert not m.needs_confirmation, m.confidence
    res = generic.read(str(tmp_path / name))
    assert res.report.rejected == 0 and res.report.duplicates == 0
    assert res.report.valid == len(pd.read_parquet(tmp_path / name) if name.endswith("parquet")
                                   else pd.read_csv(tmp_path / name))


def test_layer_meta_from_sidecar_and_guess(tmp_path):
    _demo_exports(tmp_path)
    res = generic.read(str(tmp_path / "layers" / "income.csv"))
    assert res.meta == {"name": "income", "source": "HuMetrics demo generator", "synthetic": True,
                        "kind": "socio-economic"}
    assert res.table["income_index"].tolist() == [1.12, 0.94, 1.21]
    res = generic.read(str(tmp_path / "reference_population.csv"))
    assert res.meta["kind"] == "reference-population" and res.meta["synthetic"] is False
    assert res.table["key"].tolist() == ["DE", "DE", "FR"]  # several rows per key are kept
    assert res.table["population"].tolist() == [4100, 5200, 3900]


def test_mapping_store_round_trip(tmp_path):
    store = tmp_path / "settings"
    p = tmp_path / "odd.csv"
    p.write_text("a,b,c\nx1,2024-01-01,7\nx2,2024-01-02,8\n")
    src_cols = ["a", "b", "c"]
    assert mapping_store.load(store, src_cols) is None
    chosen = Mapping("profiles", {"a": "user_id", "b": "signup_at", "c": None}, 0.4)
    f = mapping_store.save(store, src_cols, chosen)
    assert f.is_file() and f.parent.parent == store
    got = mapping_store.load(store, src_cols)
    assert got.columns == chosen.columns and got.kind == "profiles" and not got.needs_confirmation
    # same layout with different spelling of headers still matches
    assert mapping_store.load(store, [" A", "B ", "c"]).columns == {" A": "user_id", "B ": "signup_at", "c": None}
    assert mapping_store.load(store, ["a", "b"]) is None
    # and the importer uses it
    res = generic.read(str(p), store_dir=store)
    assert res.report.kind == "profiles" and res.table["user_id"].tolist() == ["x1", "x2"]
    assert res.table["c"].tolist() == [7, 8]
    # a corrupt store entry is ignored, not fatal
    f.write_text("{not json")
    assert mapping_store.load(store, src_cols) is None


def test_remap_for_a_chosen_kind(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("customer,joined,land\nc1,2024-01-01,DE\nc2,2024-02-01,FR\n")
    m = generic.remap(p, "profiles")
    assert cols(m) == {"customer": "user_id", "joined": "signup_at", "land": "country"}


def test_layer_keyed_by_region_names_with_a_country_column(tmp_path):
    p = tmp_path / "regional_income.csv"
    p.write_text("region,country,income\nBayern,DE,41000\nÎle-de-France,France,38000\n"
                 "Atlantis,DE,1\nDE-BE,,39000\n")
    res = generic.read(str(p))
    r = res.report
    assert r.kind == "layer"
    assert res.table["key"].tolist() == ["DE-BY", "FR-IDF", "DE-BE"]
    assert [(e.line, e.reason) for e in r.examples] == [
        (4, "key is not a known country or ISO 3166-2 code")]
    assert res.table["income"].tolist() == [41000, 38000, 39000]
    df, _ = generic.preview(p)
    assert df.attrs["decimal"] == "." and df.attrs["format"] == "generic-csv"


def test_import_plan_for_the_window(tmp_path):
    store = tmp_path / "settings"
    sure = tmp_path / "users.csv"
    sure.write_text("user_id,country\nu1,DE\nu2,FR\n")
    unsure = tmp_path / "data.csv"
    unsure.write_text("a,b\n2024-01-01T00:00:00Z,7\n2024-01-02T00:00:00Z,9\n")
    p = generic.plan(sure, store)
    assert p.mapping.kind == "profiles" and not p.ask and len(p.preview) == 2
    p = generic.plan(unsure, store)
    assert p.ask  # headers say nothing: the user confirms
    mapping_store.save(store, list(p.preview.columns), p.mapping)
    again = generic.plan(unsure, store)
    assert not again.ask and again.mapping.columns == p.mapping.columns
    mixpanel = tmp_path / "export.jsonl"
    mixpanel.write_text(json.dumps({"event": "x", "properties": {"distinct_id": "a", "time": 1717200000,
                                                                 "$insert_id": "i1"}}) + "\n")
    assert generic.plan(mixpanel, store) is None  # the Mixpanel module claims it


def test_the_real_demo_exports_import_without_a_dialog(tmp_path):
    from humetrics_desktop.core.demo import generate
    generate(tmp_path, users=300, events=3000, seed=1)
    expected = {"users.csv": "profiles", "events.parquet": "events", "nps.csv": "survey",
                "feedback.csv": "reviews", "traffic.csv": "traffic"}
    files = sorted(p for p in tmp_path.rglob("*") if p.suffix in (".csv", ".parquet"))
    assert {p.name for p in files} >= set(expected)
    for p in files:
        plan = generic.plan(p)
        assert plan is not None and not plan.ask, (p.name, plan and plan.mapping)
        kind = expected.get(p.name, "layer" if p.parent.name == "layers" else None)
        assert plan.mapping.kind == kind, p.name
        res = generic.read(str(p), mapping=plan.mapping)
        r = res.report
        assert r.read == r.valid + r.duplicates + r.rejected and r.valid > 0
        if kind == "layer":
            side = json.loads(p.with_name(p.stem + ".meta.json").read_text())
            assert {k: res.meta[k] for k in ("kind", "synthetic", "source")} == \
                {k: side[k] for k in ("kind", "synthetic", "source")}
        elif kind != "survey":  # the survey plants a few invalid and duplicate answers
            assert r.rejected == 0, (p.name, dict(r.reasons))


@pytest.mark.parametrize("name,columns,expected", [
    ("election_2024", ["key", "share"], "political"),
    ("regions", ["key", "vote_share_a", "turnout"], "political"),
    ("census", ["key", "n"], "population"),
    ("ref", ["country", "population"], "population"),
    ("reference_population", ["country", "age_band", "population"], "reference-population"),
    ("indicators", ["key", "median_income", "unemployment_rate"], "socio-economic"),
])
def test_guess_layer_kind(name, columns, expected):
    from humetrics_desktop.core.io.mapping import guess_layer_kind
    assert guess_layer_kind(name, columns) == expected


def test_layer_kind_round_trips_and_is_checked():
    m = Mapping("layer", {"key": "key"}, 1.0, {}, "political")
    assert Mapping.from_json(m.to_json()).layer_kind == "political"
    with pytest.raises(ValueError, match="layer kind"):
        Mapping.from_json({**m.to_json(), "layer_kind": "weather"})
    assert Mapping.from_json({"kind": "survey", "columns": {"s": "score"}, "layer_kind": "political"}
                             ).layer_kind is None
