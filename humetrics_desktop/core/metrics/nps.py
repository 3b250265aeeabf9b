"""Net Promoter Score: counts, score, adjusted-Wald interval and the two-period z-test.

Definitions follow docs/metrics.md exactly. Everything here is a pure function over the canonical
survey table (core/schema.py: score, submitted_at, user_id, comment, survey, country, region).
Time series, alerts, segments and people live in the nps_* modules beside this one.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from ..schema import UNKNOWN_COUNTRY

Z95 = 1.96
DECLINE_Z = -1.645  # one-sided 5% critical value for a decline against the baseline
CATEGORIES = ("detractor", "passive", "promoter")


def _valid_mask(scores: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    s = pd.to_numeric(scores, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(invalid="ignore"):
        ok = (s >= 0) & (s <= 10) & (s == np.floor(s))
    return ok, s


def valid_scores(scores: pd.Series) -> pd.Series:
    """The integer scores 0-10 of a column, as int64; anything else (blank, 7.5, 11, text) dropped."""
    ok, s = _valid_mask(scores)
    return pd.Series(s[ok].astype("int64"), index=scores.index[ok], name=scores.name)


def valid_responses(survey: pd.DataFrame) -> pd.DataFrame:
    """Rows of the survey table with a valid score; `score` becomes int64."""
    ok, s = _valid_mask(survey["score"])
    out = survey.loc[ok].copy()
    out["score"] = s[ok].astype("int64")
    return out


def category(scores: pd.Series) -> pd.Series:
    """promoter 9-10, passive 7-8, detractor 0-6 (as a categorical in that order)."""
    s = np.asarray(scores, dtype="int64")
    codes = np.where(s >= 9, 2, np.where(s >= 7, 1, 0))
    return pd.Series(pd.Categorical.from_codes(codes, CATEGORIES), index=getattr(scores, "index", None))


@dataclass(frozen=True)
class NpsStats:
    """One NPS figure with its n and 95% interval (NPS points, -100..100)."""
    responses: int
    promoters: int
    passives: int
    detractors: int

    @property
    def score(self) -> float:
        """100 x (P - D); NaN when there are no responses."""
        n = self.responses
        return math.nan if n == 0 else 100.0 * (self.promoters - self.detractors) / n

    @property
    def ci95(self) -> tuple[float, float]:
        return adjusted_wald_interval(self.promoters, self.detractors, self.responses)

    @property
    def variance(self) -> float:
        """Adjusted-Wald variance of NPS/100 (the one the z-test uses)."""
        return adjusted_wald_variance(self.promoters, self.detractors, self.responses)

    @property
    def plain_variance(self) -> float:
        return plain_variance(self.promoters, self.detractors, self.responses)

    def __add__(self, other: "NpsStats") -> "NpsStats":
        return NpsStats(self.responses + other.responses, self.promoters + other.promoters,
                        self.passives + other.passives, self.detractors + other.detractors)

    def to_dict(self, digits: int = 3) -> dict:
        """The cli.md shape: responses, promoters, passives, detractors, score, ci95."""
        d = asdict(self)
        d["score"] = _round(self.score, digits)
        d["ci95"] = [_round(v, digits) for v in self.ci95]
        return d


def _round(x: float, digits: int) -> float | None:
    return None if x is None or math.isnan(x) else round(float(x), digits)


def nps_stats(scores: pd.Series) -> NpsStats:
    """Counts of a column of scores; invalid scores are ignored."""
    s = valid_scores(pd.Series(scores))
    promoters = int((s >= 9).sum())
    detractors = int((s <= 6).sum())
    return NpsStats(len(s), promoters, len(s) - promoters - detractors, detractors)


def _adjusted(promoters: float, detractors: float, n: float) -> tuple[float, float, float]:
    n_adj = n + 3.0
    return (promoters + 0.75) / n_adj, (detractors + 0.75) / n_adj, n_adj


def adjusted_wald_variance(promoters: float, detractors: float, n: float) -> float:
    """Var(NPS'/100) with n' = n + 3, P' = (promoters + 3/4) / n', D' = (detractors + 3/4) / n'."""
    p, d, n_adj = _adjusted(promoters, detractors, n)
    return ((p + d) - (p - d) ** 2) / n_adj


def adjusted_wald_interval(promoters: float, detractors: float, n: float) -> tuple[float, float]:
    """95% interval in NPS points, clipped to [-100, 100] (metrics.md). NaN for n = 0."""
    if n == 0:
        return (math.nan, math.nan)
    p, d, _ = _adjusted(promoters, detractors, n)
    half = Z95 * math.sqrt(adjusted_wald_variance(promoters, detractors, n))
    return (max(-100.0, 100.0 * (p - d - half)), min(100.0, 100.0 * (p - d + half)))


def plain_variance(promoters: float, detractors: float, n: float) -> float:
    """Var(NPS/100) = ((P + D) - (P - D)^2) / n, without the adjustment. NaN for n = 0."""
    if n == 0:
        return math.nan
    p, d = promoters / n, detractors / n
    return ((p + d) - (p - d) ** 2) / n


@dataclass(frozen=True)
class ChangeTest:
    """current vs baseline: difference in NPS points, z, one-sided p of a decline."""
    current: NpsStats
    baseline: NpsStats
    delta: float   # NPS points, current - baseline
    z: float
    p_decline: float  # one-sided: P(Z <= z) under no change

    @property
    def decline(self) -> bool:
        return self.z < DECLINE_Z


def change_test(current: NpsStats, baseline: NpsStats) -> ChangeTest:
    """z = (NPS_current - NPS_baseline) / sqrt(Var_current + Var_baseline), with NPS as fractions
    and adjusted-Wald variances (metrics.md). Negative z means the score fell."""
    if current.responses == 0 or baseline.responses == 0:
        return ChangeTest(current, baseline, math.nan, math.nan, math.nan)
    delta = current.score - baseline.score
    se = math.sqrt(current.variance + baseline.variance)
    z = (delta / 100.0) / se
    return ChangeTest(current, baseline, delta, z, normal_cdf(z))


def normal_cdf(z: float | np.ndarray) -> float | np.ndarray:
    """Standard normal CDF (erfc keeps the far tail accurate)."""
    if isinstance(z, np.ndarray):
        from scipy.special import ndtr
        return ndtr(z)
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def grouped_stats(df: pd.DataFrame, by: str | list[str]) -> pd.DataFrame:
    """Per group of valid responses: responses, promoters, passives, detractors, score, ci_low,
    ci_high. Missing group values form their own group (NaN key)."""
    ok, s = _valid_mask(df["score"])
    s = s[ok]
    tmp = pd.DataFrame({"promoters": (s >= 9).astype("int64"), "detractors": (s <= 6).astype("int64")})
    rows = np.flatnonzero(ok)
    keys = [df[c].iloc[rows].reset_index(drop=True) for c in ([by] if isinstance(by, str) else by)]
    g = tmp.groupby(keys, dropna=False, observed=True)
    out = g.agg(responses=("promoters", "size"), promoters=("promoters", "sum"),
                detractors=("detractors", "sum"))
    out["passives"] = out["responses"] - out["promoters"] - out["detractors"]
    return add_intervals(out[["responses", "promoters", "passives", "detractors"]])


def add_intervals(counts: pd.DataFrame) -> pd.DataFrame:
    """Add score, ci_low, ci_high and var (adjusted Wald) columns to a frame of counts."""
    out = counts.copy()
    n = out["responses"].astype("float64").to_numpy()
    pr = out["promoters"].astype("float64").to_numpy()
    de = out["detractors"].astype("float64").to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        out["score"] = np.where(n > 0, 100.0 * (pr - de) / n, np.nan)
        n_adj = n + 3.0
        p, d = (pr + 0.75) / n_adj, (de + 0.75) / n_adj
        var = ((p + d) - (p - d) ** 2) / n_adj
        half = Z95 * np.sqrt(var)
        out["ci_low"] = np.where(n > 0, np.maximum(-100.0, 100.0 * (p - d - half)), np.nan)
        out["ci_high"] = np.where(n > 0, np.minimum(100.0, 100.0 * (p - d + half)), np.nan)
    out["var"] = var
    return out


def row_stats(row: pd.Series) -> NpsStats:
    return NpsStats(int(row["responses"]), int(row["promoters"]), int(row["passives"]),
                    int(row["detractors"]))


@dataclass(frozen=True)
class CombinedNps:
    """One NPS over several surveys (all valid responses pooled) and each survey's own figure."""
    total: NpsStats
    by_survey: pd.DataFrame  # index: survey; counts, score, ci_low, ci_high


def combined_nps(survey: pd.DataFrame, survey_col: str = "survey") -> CombinedNps:
    """Pool the valid responses of every survey import. Rows without a survey name are grouped
    under "(unnamed)" so that the breakdown always sums to the total."""
    v = valid_responses(survey)
    names = (v[survey_col].astype("string").fillna("(unnamed)") if survey_col in v.columns
             else pd.Series("(unnamed)", index=v.index, dtype="string"))
    v = v.assign(_survey=names)
    by = grouped_stats(v, "_survey")
    by.index.name = "survey"
    return CombinedNps(nps_stats(v["score"]), by)


def _stats_dict(row: pd.Series, digits: int = 3) -> dict:
    return row_stats(row).to_dict(digits)


def nps_section(survey: pd.DataFrame | None, profiles: pd.DataFrame | None = None) -> dict | None:
    """The `nps` section of `humetrics metrics --json` (docs/cli.md): totals, ci95, by_month, by_country.

    Countries come from the response's own country column, else from the respondent's profile;
    responses with neither count under "??". Responses without a date count in the totals and by
    country but in no month. None when there is no survey table.
    """
    if survey is None:
        return None
    v = valid_responses(survey)
    out = nps_stats(v["score"]).to_dict()
    by_month: dict = {}
    if "submitted_at" in v.columns:
        t = pd.to_datetime(v["submitted_at"], utc=True, errors="coerce")
        dated = v.loc[t.notna()].assign(_month=t[t.notna()].dt.strftime("%Y-%m"))
        if len(dated):
            by_month = {k: _stats_dict(r) for k, r in grouped_stats(dated, "_month").iterrows()}
    out["by_month"] = dict(sorted(by_month.items()))
    countries = respondent_countries(v, profiles)
    by_country = grouped_stats(v.assign(_country=countries), "_country")
    out["by_country"] = {k: _stats_dict(r) for k, r in by_country.sort_index().iterrows()}
    return out


def respondent_countries(responses: pd.DataFrame, profiles: pd.DataFrame | None = None) -> pd.Series:
    """Each response's country: its own, else its respondent's profile country, else "??"."""
    own = (responses["country"].astype("string") if "country" in responses.columns
           else pd.Series(pd.NA, index=responses.index, dtype="string"))
    if profiles is not None and "country" in profiles.columns and "user_id" in responses.columns:
        lookup = profiles.drop_duplicates("user_id").set_index("user_id")["country"].astype("string")
        own = own.fillna(responses["user_id"].map(lookup).astype("string"))
    return own.fillna(UNKNOWN_COUNTRY).replace("", UNKNOWN_COUNTRY)
