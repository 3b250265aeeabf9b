"""Each planted story of the demo is in the written files at the default size, and the rest of the
data carries no such effect. Checked with plain pandas, DuckDB, SciPy and VADER on the files, never
with the app's metric code; where and when come from manifest.json.
"""
from __future__ import annotations

import re
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy import stats
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from humetrics_desktop.core.demo import generate

BANDS = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"]
PRICE = re.compile(r"price|pricing|expensive|subscription|preis|teuer|prix|cher|tarif|precio|caro|preço|料金|価格|値上げ",
                   re.IGNORECASE)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("demo_default")
    return out, generate(out, seed=0)


def _story(manifest: dict, name: str) -> dict:
    return next(s for s in manifest["stories"] if s["name"] == name)


@pytest.fixture(scope="module")
def users(demo) -> pd.DataFrame:
    return pd.read_csv(demo[0] / "users.csv", keep_default_na=False, na_values={"age": [""]})


@pytest.fixture(scope="module")
def responses(demo, users) -> pd.DataFrame:
    """Valid responses (integer score 0-10), duplicates of a response_id dropped, with the region."""
    nps = pd.read_csv(demo[0] / "nps.csv", dtype=str, keep_default_na=False)
    nps = nps[nps["score"].isin([str(i) for i in range(11)])].drop_duplicates("response_id")
    nps = nps.assign(score=nps["score"].astype(int), submitted_at=pd.to_datetime(nps["submitted_at"], utc=True))
    return nps.merge(users[["user_id", "region"]], on="user_id", how="left")


def _nps_and_var(scores: pd.Series) -> tuple[float, float, int]:
    p, d, n = (scores >= 9).mean(), (scores <= 6).mean(), len(scores)
    return 100 * (p - d), ((p + d) - (p - d) ** 2) / n * 1e4, n


def test_story1_nps_falls_in_the_region_after_the_release(demo, responses):
    story = _story(demo[1], "price-release")
    release = pd.Timestamp(story["when"]["release"], tz="UTC")
    assert story["when"]["month"] == release.strftime("%Y-%m")
    region = responses["region"] == story["where"]["region"]
    after = responses["submitted_at"] >= release
    before_nps, before_var, n_before = _nps_and_var(responses.loc[region & ~after, "score"])
    after_nps, after_var, n_after = _nps_and_var(responses.loc[region & after, "score"])
    assert n_before >= 200 and n_after >= 200
    assert before_nps - after_nps >= 12
    assert (after_nps - before_nps) / np.sqrt(before_var + after_var) < -3.0
    # Elsewhere the score holds.
    e_before, e_bvar, _ = _nps_and_var(responses.loc[~region & ~after, "score"])
    e_after, e_avar, _ = _nps_and_var(responses.loc[~region & after, "score"])
    assert abs((e_after - e_before) / np.sqrt(e_bvar + e_avar)) < 2.0


def test_story1_detractors_there_talk_about_price_after_the_release(demo, responses):
    story = _story(demo[1], "price-release")
    release = pd.Timestamp(story["when"]["release"], tz="UTC")
    detractors = responses[(responses["score"] <= 6) & (responses["comment"] != "")]
    mentions = detractors["comment"].str.contains(PRICE)
    region = detractors["region"] == story["where"]["region"]
    after = detractors["submitted_at"] >= release
    table = [[mentions[region & after].sum(), (~mentions[region & after]).sum()],
             [mentions[region & ~after].sum(), (~mentions[region & ~after]).sum()]]
    _, p = stats.fisher_exact(table, alternative="greater")
    assert p < 1e-4
    assert mentions[region & after].mean() >= 2.5 * mentions[region & ~after].mean()
    # Elsewhere detractors mention price as often after the release as before.
    _, p_elsewhere = stats.fisher_exact([[mentions[~region & after].sum(), (~mentions[~region & after]).sum()],
                                         [mentions[~region & ~after].sum(), (~mentions[~region & ~after]).sum()]])
    assert p_elsewhere > 0.01


def _lagged_z(x: pd.Series, y: pd.Series, lag: int) -> float:
    """Correlation of x[t] with y[t + lag] times the square root of the pairs that go in (days
    without feedback leave x missing)."""
    pairs = pd.concat([x, y.shift(-lag)], axis=1).dropna()
    return float(pairs.corr().iloc[0, 1] * np.sqrt(len(pairs)))


def test_story2_negative_feedback_leads_traffic_dips_by_three_days(demo):
    story = _story(demo[1], "outage-lead")
    fb = pd.read_csv(demo[0] / "feedback.csv", keep_default_na=False)
    vader = SentimentIntensityAnalyzer()
    polarity = {t: vader.polarity_scores(t)["compound"] for t in fb["text"].unique()}
    fb["negative"] = fb["text"].map(polarity) < -0.05
    traffic = pd.read_csv(demo[0] / "traffic.csv").set_index("date")
    share = fb.groupby(fb["created_at"].str[:10])["negative"].mean().reindex(traffic.index)
    x = share.diff()
    y = traffic["active_users"].astype(float).diff()
    z = {lag: _lagged_z(x, y, lag) for lag in range(-14, 15)}
    assert min(z, key=z.get) == story["planted"]["lag_days"] == 3
    assert z[3] < -3.5
    # No other lag stands out once 29 lags are looked at (Bonferroni at 5%: |z| < 3.2).
    assert all(abs(v) < 3.2 for lag, v in z.items() if lag != 3)


def test_story3_one_age_group_is_under_represented(demo, users):
    story = _story(demo[1], "missing-age-group")
    ref = pd.read_csv(demo[0] / "layers" / "reference_population.csv")
    known = users.dropna(subset=["age"])
    band = pd.cut(known["age"], [18, 25, 35, 45, 55, 65, 200], right=False, labels=BANDS)
    observed = band.value_counts().reindex(BANDS)
    by_country = ref.groupby(["country", "age_band"])["population"].sum().unstack()[BANDS]
    by_country = by_country.div(by_country.sum(axis=1), axis=0)
    weights = known["country"].value_counts()
    expected_share = by_country.loc[weights.index].mul(weights / weights.sum(), axis=0).sum(axis=0)
    share = observed / observed.sum()
    index = share / expected_share
    n = observed.sum()
    half_width = 1.96 * np.sqrt(share * (1 - share) / n) / expected_share
    target = story["where"]["age_band"]
    assert index[target] + half_width[target] < 0.5
    others = index.drop(target)
    assert others.between(0.85, 1.3).all(), others


def test_story4_feature_used_by_promoters_not_detractors(demo, responses):
    story = _story(demo[1], "feature-loved-by-promoters")
    feature = story["where"]["feature"]
    con = duckdb.connect()
    used = con.execute(f"select user_id, event from read_parquet('{demo[0] / 'events.parquet'}') "
                       "group by user_id, event").df()
    last = responses.sort_values("submitted_at").drop_duplicates("user_id", keep="last")
    category = pd.cut(last["score"], [-1, 6, 8, 10], labels=["detractor", "passive", "promoter"])

    def adoption(event: str) -> pd.Series:
        did = last["user_id"].isin(used.loc[used["event"] == event, "user_id"])
        return did.groupby(category, observed=True).mean(), pd.crosstab(category, did)

    share, table = adoption(feature)
    assert share["promoter"] >= 3 * share["detractor"]
    assert stats.chi2_contingency(table).pvalue < 1e-10
    # Other features are used alike by promoters and detractors.
    for other in ("search", "comment", "share_doc", "export_pdf"):
        share, _ = adoption(other)
        assert 0.75 < share["promoter"] / share["detractor"] < 1.33, (other, share)


def test_story5_engagement_follows_region_income_not_politics(demo, users):
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    per_user = con.execute(
        f"select user_id, count(distinct cast(timestamp as date)) as active_days, count(*) as events "
        f"from read_parquet('{demo[0] / 'events.parquet'}') group by user_id").df()
    socio = pd.read_csv(demo[0] / "layers" / "socioeconomic_regions.csv")
    political = pd.read_csv(demo[0] / "layers" / "political_regions.csv")
    df = (per_user.merge(users[["user_id", "region"]], on="user_id")
          .merge(socio[["key", "income_group"]], left_on="region", right_on="key")
          .merge(political[["key", "lean"]], left_on="region", right_on="key"))
    groups = {g: d["active_days"] for g, d in df.groupby("income_group")}
    assert stats.kruskal(*groups.values()).pvalue < 1e-10
    assert groups["high"].mean() > 1.3 * groups["low"].mean()
    per_day = df["events"] / df["active_days"]
    assert per_day[df["income_group"] == "high"].mean() > per_day[df["income_group"] == "low"].mean()
    # Political lean of the region says nothing about engagement.
    tercile = pd.qcut(df["lean"], 3, labels=False)
    assert stats.kruskal(*[d for _, d in df["active_days"].groupby(tercile)]).pvalue > 0.01
