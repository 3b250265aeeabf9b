"""The demo workspace's files: same seed same bytes, the generic-format schema, layers and manifest.

Checked by reading the written files with pandas, pyarrow and pycountry, not with the app's importers.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pycountry
import pytest
from langdetect import DetectorFactory, detect

from humetrics_desktop.core.demo import generate
from humetrics_desktop.core.demo.world import first_level_regions
from humetrics_desktop.core.progress import Cancelled, Progress

SMALL = {"users": 3000, "events": 150_000}
FILES = ["users.csv", "events.parquet", "nps.csv", "feedback.csv", "traffic.csv", "manifest.json",
         "layers/population_regions.csv", "layers/socioeconomic_regions.csv", "layers/political_regions.csv",
         "layers/reference_population.csv", "layers/population_regions.meta.json",
         "layers/socioeconomic_regions.meta.json", "layers/political_regions.meta.json",
         "layers/reference_population.meta.json"]


def _digests(folder: Path) -> dict[str, str]:
    return {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in FILES}


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("demo_small")
    return out, generate(out, seed=7, **SMALL)


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_same_seed_same_bytes_other_seed_other_data(small, tmp_path):
    out, _ = small
    again = tmp_path / "again"
    generate(again, seed=7, **SMALL)
    assert _digests(again) == _digests(out)
    other = tmp_path / "other"
    generate(other, seed=8, **SMALL)
    changed = {k for k, v in _digests(other).items() if v != _digests(out)[k]}
    assert {"users.csv", "events.parquet", "nps.csv", "feedback.csv"} <= changed
    # The map is the same for every seed.
    assert "layers/population_regions.csv" not in changed


def test_manifest_lists_files_with_their_hashes_and_five_stories(small):
    out, manifest = small
    assert json.loads((out / "manifest.json").read_text()) == manifest
    assert manifest["seed"] == 7 and manifest["sizes"]["users"] == SMALL["users"]
    for entry in manifest["files"]:
        assert hashlib.sha256((out / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]
    stories = manifest["stories"]
    assert [s["id"] for s in stories] == [1, 2, 3, 4, 5]
    assert all(s["where"] and s["when"] and s["title"] for s in stories)
    assert stories[0]["when"]["month"] == "2026-03" and stories[0]["where"]["region"] == "US-CA"


def test_users_schema_and_demography(small):
    users = _csv(small[0] / "users.csv")
    assert list(users.columns) == ["user_id", "signup_at", "country", "region", "age", "gender",
                                   "language", "plan", "email"]
    assert len(users) == SMALL["users"] and users["user_id"].is_unique
    signup = pd.to_datetime(users["signup_at"], format="%Y-%m-%dT%H:%M:%SZ", utc=True)
    assert signup.max() <= pd.Timestamp("2026-12-01", tz="UTC")
    assert users["country"].nunique() >= 30
    assert all(pycountry.countries.get(alpha_2=c) for c in users["country"].unique())
    for code in users["region"].unique():
        sub = pycountry.subdivisions.get(code=code)
        assert sub is not None and sub.parent_code is None, code
    assert (users["region"].str[:2] == users["country"]).all()
    assert set(users["gender"]) == {"female", "male", "non-binary", "prefer not to say", ""}
    ages = pd.to_numeric(users["age"].replace("", None))
    assert 0 < ages.isna().mean() < 0.1
    assert ages.min() >= 18 and ages.max() <= 100 and 30 < ages.median() < 50
    assert users["email"].str.fullmatch(r"demo\.u\d+@example\.com").all()
    assert set(users["plan"]) <= {"free", "pro", "team", "enterprise"}


def test_events_schema(small):
    table = pq.read_table(small[0] / "events.parquet")
    assert table.schema.names == ["user_id", "timestamp", "event", "session_id"]
    assert str(table.schema.field("timestamp").type) == "timestamp[ms, tz=UTC]"
    assert table.num_rows == SMALL["events"]
    assert pq.ParquetFile(small[0] / "events.parquet").metadata.num_row_groups >= 1
    df = table.to_pandas()
    assert df["timestamp"].min() >= pd.Timestamp("2025-06-01", tz="UTC")
    assert df["timestamp"].max() < pd.Timestamp("2026-12-01", tz="UTC")
    assert df["timestamp"].is_monotonic_increasing
    assert 8 <= df["event"].nunique() <= 12
    users = set(_csv(small[0] / "users.csv")["user_id"])
    assert set(df["user_id"].unique()) <= users
    # A session belongs to one user.
    assert (df.groupby("session_id")["user_id"].nunique() == 1).all()


def test_nobody_acts_before_signing_up(small):
    users = _csv(small[0] / "users.csv")
    signup = pd.Series(pd.to_datetime(users["signup_at"], utc=True).to_numpy(), index=users["user_id"])
    events = pq.read_table(small[0] / "events.parquet", columns=["user_id", "timestamp"]).to_pandas()
    first = events.groupby("user_id")["timestamp"].min()
    assert (first >= signup[first.index].to_numpy()).all()
    nps = _csv(small[0] / "nps.csv")
    assert (pd.to_datetime(nps["submitted_at"], utc=True).to_numpy() >= signup[nps["user_id"]].to_numpy()).all()
    fb = _csv(small[0] / "feedback.csv")
    fb = fb[fb["user_id"] != ""]
    assert (pd.to_datetime(fb["created_at"], utc=True).to_numpy() >= signup[fb["user_id"]].to_numpy()).all()


def test_nps_has_invalid_scores_duplicates_and_five_languages(small):
    nps = _csv(small[0] / "nps.csv")
    assert list(nps.columns) == ["response_id", "user_id", "submitted_at", "score", "comment"]
    assert {"11", "-1", "ten", ""} <= set(nps["score"])
    assert nps["response_id"].duplicated().sum() >= 3
    valid = nps[nps["score"].isin([str(i) for i in range(11)])]
    assert len(valid) > 0.99 * len(nps) - 30
    DetectorFactory.seed = 0
    languages = {detect(c) for c in nps["comment"].unique() if c}
    assert {"en", "de", "fr", "es", "pt", "ja"} <= languages


def test_feedback_and_traffic_schema(small):
    fb = _csv(small[0] / "feedback.csv")
    assert list(fb.columns) == ["feedback_id", "created_at", "source", "text", "rating", "user_id", "country"]
    assert set(fb["source"]) == {"app_store", "google_play", "twitter", "reddit", "support"}
    assert set(fb.loc[fb["source"].isin(["twitter", "reddit"]), "rating"]) == {""}
    assert set(fb.loc[fb["source"] == "app_store", "rating"]) == {"1", "2", "3", "4", "5"}
    assert (fb.loc[fb["source"] == "support", "user_id"] != "").all()
    assert (fb["text"] != "").all() and fb["feedback_id"].is_unique
    traffic = _csv(small[0] / "traffic.csv")
    assert list(traffic.columns) == ["date", "active_users", "sessions"]
    dates = pd.to_datetime(traffic["date"])
    assert len(traffic) == 548 and (dates.diff().dropna() == pd.Timedelta(days=1)).all()
    assert str(dates.iloc[-1].date()) == "2026-11-30"
    assert (traffic["sessions"].astype(int) >= traffic["active_users"].astype(int)).all()


def test_layers_are_keyed_by_first_level_regions_and_labelled_synthetic(small):
    layers = small[0] / "layers"
    users = _csv(small[0] / "users.csv")
    kinds = {"population_regions": "population", "socioeconomic_regions": "socio-economic",
             "political_regions": "political", "reference_population": "reference-population"}
    for name, kind in kinds.items():
        meta = json.loads((layers / f"{name}.meta.json").read_text())
        assert meta["kind"] == kind and meta["synthetic"] is True and meta["source"] and meta["description"]
    pop = _csv(layers / "population_regions.csv")
    assert set(users["region"]) <= set(pop["key"]) and pop["key"].is_unique
    socio = pd.read_csv(layers / "socioeconomic_regions.csv")
    assert set(socio["income_group"]) == {"high", "upper-middle", "lower-middle", "low"}
    political = pd.read_csv(layers / "political_regions.csv")
    assert political["lean"].between(-1, 1).all()
    assert (political["vote_share_a"] + political["vote_share_b"] <= 1).all()
    ref = pd.read_csv(layers / "reference_population.csv")
    assert list(ref.columns) == ["country", "age_band", "gender", "population"]
    assert set(ref["age_band"]) == {"18-24", "25-34", "35-44", "45-54", "55-64", "65+"}
    assert set(users["country"]) <= set(ref["country"])
    # Each country's regions add up to its population.
    us = pop[pop["country"] == "US"]["population"].astype(int).sum()
    assert abs(us - 335e6) < 1e3


def test_first_level_regions_leave_out_overseas_parts():
    fr = {code for code, _ in first_level_regions("FR")}
    assert "FR-IDF" in fr and not fr & {"FR-971", "FR-972", "FR-973", "FR-974", "FR-976", "FR-PF", "FR-NC"}
    nl = {code for code, _ in first_level_regions("NL")}
    assert "NL-NH" in nl and not nl & {"NL-AW", "NL-CW", "NL-SX", "NL-BQ1"}
    us = {code for code, _ in first_level_regions("US")}
    assert len(us) == 51 and "US-PR" not in us and "US-DC" in us


def test_progress_is_reported_and_cancel_stops(tmp_path):
    seen = []

    class Recording(Progress):
        def _report(self):
            seen.append(self.value)
            if self.value > 0.5:
                self.cancel()

    with pytest.raises(Cancelled):
        generate(tmp_path, users=500, events=5000, progress=Recording())
    assert seen == sorted(seen) and len(seen) >= 4


def test_rejects_sizes_it_cannot_honour(tmp_path):
    with pytest.raises(ValueError, match="at least 100 users"):
        generate(tmp_path, users=10, events=1000)


def test_events_show_lifecycles_weekly_rhythm_and_a_power_core(small):
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"create view e as select user_id, timestamp, cast(timestamp as date) as day "
                f"from read_parquet('{small[0] / 'events.parquet'}')")
    months = con.execute("""
        with m as (select distinct user_id, date_trunc('month', day) as month from e),
        flagged as (select month,
            month = min(month) over (partition by user_id) as is_new,
            lag(month) over (partition by user_id order by month) as previous from m)
        select month, count(*) as active, sum(is_new::int) as new,
               sum((not is_new and previous < month - interval 1 month)::int) as resurrecting
        from flagged group by month order by month""").df()
    assert len(months) == 18
    assert (months["new"].iloc[1:] > 0).all() and months["resurrecting"].sum() > 0.02 * months["active"].sum()
    # Churn: many users' last month is long before the end.
    churned = con.execute("select count(*) filter (where last < date '2026-06-01') / count(*) "
                          "from (select max(day) as last from e group by user_id)").fetchone()[0]
    assert 0.2 < churned < 0.9
    weekday = con.execute("select avg(n) filter (where isodow(day) <= 5) / avg(n) filter (where isodow(day) > 5) "
                          "from (select day, count(distinct user_id) as n from e group by day)").fetchone()[0]
    assert weekday > 1.2
    per_day = con.execute("select avg(n) from (select user_id, day, count(*) as n from e group by all)").fetchone()[0]
    assert per_day >= 4
    # Power-user curve of the last 30 days: a core active on most days.
    l30 = con.execute("select count(distinct day) as d from e where day >= date '2026-11-01' group by user_id").df()["d"]
    assert (l30 >= 15).sum() >= 0.03 * len(l30) and (l30 == 1).sum() > (l30 == 10).sum()
