"""Findings: short sentences with their numbers, n and interval or p-value, and the view behind them.

Each detector asks one question of the data with a test that controls its own false alarms (a
family-wise guard where it scans many places or features) and says nothing when the answer is not
clear. Nothing is said about a group smaller than the suppression threshold k.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy import stats

from ..filters import Filter, apply_filter
from ..privacy import DEFAULT_K
from ..progress import Progress
from ..workspace import Workspace
from .wording import place_name, pct, points, signed

ALPHA = 0.05


@dataclass
class Finding:
    key: str                    # stable identifier, e.g. "nps-decline:US-CA"
    section: str                # the view that shows it: growth, people, usage, sentiment, nps
    headline: str               # one plain sentence with the numbers
    evidence: str               # the numbers behind it: n, interval, test
    n: int                      # people or responses it rests on
    p_value: float | None       # family-wise where a scan made many comparisons
    effect: float               # size on a common scale (standardised), for ranking
    context: dict[str, Any] = field(default_factory=dict)  # what the view should focus on
    topic: str = ""             # nps-decline, sentiment-traffic, representation, feature-nps, income-engagement

    @property
    def rank_score(self) -> float:
        certainty = min(10.0, -math.log10(max(self.p_value, 1e-10))) if self.p_value is not None else 2.0
        return abs(self.effect) * certainty

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


Detector = Callable[[Workspace, int, Progress], list[Finding]]


# ---- NPS declines and what detractors say ------------------------------------------------------------

def _respondents(ws: Workspace) -> pd.DataFrame | None:
    survey = ws.table("survey")
    if survey is None or survey.empty:
        return None
    from ..metrics.nps_people import respondents_table
    layers = {n: lay for n, lay in ws.layers.items() if lay.meta.get("kind") in ("socio-economic", "political")}
    return respondents_table(survey, ws.table("profiles"), ws.table("events"), layers)


def _theme_shift(comments_before: pd.Series, comments_after: pd.Series, k: int) -> dict[str, Any] | None:
    """The term whose share of comments rose most, if the rise is significant after a Bonferroni
    correction over the terms tested."""
    from ..text.tokenize import terms

    def doc_sets(texts: pd.Series) -> list[set[str]]:
        return [set(terms(t)) for t in texts.dropna().astype(str) if t.strip()]

    before, after = doc_sets(comments_before), doc_sets(comments_after)
    if len(before) < k or len(after) < k:
        return None
    cb = pd.Series([t for d in before for t in d]).value_counts()
    ca = pd.Series([t for d in after for t in d]).value_counts()
    candidates = ca[ca >= k].index
    if not len(candidates):
        return None
    nb, na = len(before), len(after)
    best = None
    for term in candidates:
        xa, xb = int(ca[term]), int(cb.get(term, 0))
        pa_, pb_ = xa / na, xb / nb
        pooled = (xa + xb) / (na + nb)
        se = math.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb)) or 1e-12
        z = (pa_ - pb_) / se
        p = min(1.0, stats.norm.sf(z) * len(candidates))
        if p < ALPHA and (best is None or z > best["z"]):
            ratio = pa_ / pb_ if pb_ > 0 else math.inf
            best = {"term": term, "share_after": pa_, "share_before": pb_, "ratio": ratio, "z": z, "p": p,
                    "comments_after": na, "comments_before": nb}
    return best


def nps_declines(ws: Workspace, k: int, progress: Progress) -> list[Finding]:
    resp = _respondents(ws)
    if resp is None or "submitted_at" not in resp.columns:
        return []
    from ..metrics.nps_alerts import find_declines
    scopes = tuple(c for c in ("region", "country") if c in resp.columns)
    alerts = find_declines(resp, scopes=scopes, progress=progress.sub(0, 0.8))
    # a country's decline that one of its regions already explains is the same story told twice
    region_countries = {a.value.split("-")[0] for a in alerts if a.scope == "region"}
    alerts = [a for a in alerts if not (a.scope == "country" and a.value in region_countries)]
    out = []
    for a in alerts:
        if a.baseline.responses < k or a.current.responses < k:
            continue
        where = "overall" if a.scope == "all" else place_name(a.value)
        mask = pd.Series(True, index=resp.index) if a.scope == "all" else resp[a.scope].astype("string") == a.value
        t = resp["submitted_at"]
        det = resp["category"].astype(str) == "detractor"
        before = resp.loc[mask & det & (t >= a.baseline_start) & (t < a.current_start), "comment"] \
            if "comment" in resp.columns else pd.Series(dtype=str)
        after = resp.loc[mask & det & (t >= a.current_start) & (t < a.current_end), "comment"] \
            if "comment" in resp.columns else pd.Series(dtype=str)
        theme = _theme_shift(before, after, k)
        b_half = (a.baseline.ci95[1] - a.baseline.ci95[0]) / 2
        c_half = (a.current.ci95[1] - a.current.ci95[0]) / 2
        headline = (f"NPS {'in ' + where if a.scope != 'all' else 'overall'} fell from "
                    f"{signed(a.baseline.score)} (±{b_half:.0f}) to {signed(a.current.score)} (±{c_half:.0f}) "
                    f"between {a.baseline_label} and {a.current_label}")
        evidence = (f"{a.baseline.responses} then {a.current.responses} responses; change {a.delta:+.1f} points, z = {a.z:.2f}, "
                    f"p = {a.p_adjusted:.3g} after {a.comparisons} comparisons (adjusted-Wald intervals).")
        if theme:
            if math.isinf(theme["ratio"]):
                headline += (f"; \u2018{theme['term']}\u2019 now appears in {pct(theme['share_after'])} of "
                             f"detractors' comments there, against none before")
            else:
                headline += (f"; detractors there mention \u2018{theme['term']}\u2019 {theme['ratio']:.1f}x more "
                             f"often than before ({pct(theme['share_after'])} vs {pct(theme['share_before'])} "
                             f"of their comments)")
            evidence += (f" Term shift: {theme['comments_before']} vs {theme['comments_after']} detractor "
                         f"comments, z = {theme['z']:.1f}, Bonferroni p = {theme['p']:.2g}.")
        out.append(Finding(
            key=f"nps-decline:{a.scope}:{a.value}", section="nps", headline=headline + ".", evidence=evidence,
            n=int(a.baseline.responses + a.current.responses), p_value=float(a.p_adjusted), effect=abs(a.z) / 2,
            context={"scope": a.scope, "value": a.value, "baseline": a.baseline_label,
                     "current": a.current_label, "term": theme["term"] if theme else None,
                     "regions": [a.value] if a.scope == "region" else [],
                     "countries": [a.value] if a.scope == "country" else []},
            topic="nps-decline"))
    return out


# ---- promoters' features -----------------------------------------------------------------------------

def feature_gaps(ws: Workspace, k: int, progress: Progress) -> list[Finding]:
    resp, events = _respondents(ws), ws.table("events")
    if resp is None or events is None or events.empty or "user_id" not in resp.columns:
        return []
    from ..metrics.nps_people import adoption_gaps, feature_adoption_by_category
    adoption = feature_adoption_by_category(resp, events)
    if adoption.empty:
        return []
    gaps = adoption_gaps(adoption).dropna(subset=["gap"])
    sizes = adoption.groupby("category")["users"].max()
    if sizes.get("promoter", 0) < k or sizes.get("detractor", 0) < k:
        return []
    m = len(gaps)
    z_crit = stats.norm.isf(ALPHA / 2 / max(1, m))  # Bonferroni over features
    out = []
    for event, g in gaps.iterrows():
        se = (g["ci_high"] - g["ci_low"]) / (2 * 1.959964)
        if not se > 0:
            continue
        z = g["gap"] / se
        if abs(z) < z_crit or abs(g["gap"]) < 0.10:  # significant and at least 10 points apart
            continue
        p = min(1.0, 2 * stats.norm.sf(abs(z)) * m)
        more, less = ("promoters", "detractors") if g["gap"] > 0 else ("detractors", "promoters")
        out.append(Finding(
            key=f"feature-nps:{event}", section="nps",
            headline=(f"{more.capitalize()} use \u2018{event}\u2019 far more than {less}: "
                      f"{pct(g['promoter_share'])} of promoters vs {pct(g['detractor_share'])} of detractors "
                      f"used it in the 30 days before answering."),
            evidence=(f"Gap {points(g['gap'])} (95% interval {points(g['ci_low'])} to {points(g['ci_high'])}); "
                      f"{int(sizes['promoter'])} promoters, {int(sizes['detractor'])} detractors; "
                      f"Bonferroni p = {p:.2g} over {m} features."),
            n=int(sizes["promoter"] + sizes["detractor"]), p_value=p, effect=abs(z) / 2,
            context={"feature": event}, topic="feature-nps"))
    return out


# ---- who is missing ----------------------------------------------------------------------------------

def representation(ws: Workspace, k: int, progress: Progress) -> list[Finding]:
    profiles = ws.table("profiles")
    refs = ws.layers_of_kind("reference-population")
    if profiles is None or profiles.empty or not refs:
        return []
    from ..metrics.demography import demography_result
    res = demography_result(profiles, reference=next(iter(refs.values())).table, k=k)
    rep = getattr(res, "representation", None)
    if rep is None:
        return []
    out = []
    groups = rep.groups.set_index(["dimension", "group"]) if hasattr(rep, "groups") else None
    for s in rep.statements:
        # one-way groups only: "aged 55-64, female" repeats what "aged 55-64" already says
        if s["direction"] != "under" or s["index"] is None or s["dimension"] not in ("age_band", "gender"):
            continue
        index = s["index"]
        lo, hi = s["ci95"]
        # an index half or less of parity is a strong, practically relevant gap
        if hi >= 0.8:
            continue
        n = int(groups.loc[(s["dimension"], s["group"]), "users"]) if groups is not None and \
            (s["dimension"], s["group"]) in groups.index and "users" in groups.columns else 0
        out.append(Finding(
            key=f"representation:{s['dimension']}:{s['group']}", section="people", headline=s["text"],
            evidence=f"Representation index {index:.2f}, 95% interval {lo:.2f} to {hi:.2f} (1 = as in the population).",
            n=n, p_value=None, effect=abs(math.log(max(index, 1e-3))) * 3,
            context={"dimension": s["dimension"], "group": s["group"]}, topic="representation"))
    return out


# ---- engagement and income ---------------------------------------------------------------------------

def _arrow_text(s: pd.Series | pd.Index) -> pa.Array:
    """Ids or region codes as one Arrow text array, for look-ups that release the GIL."""
    arr = pa.array(s.astype("str"), from_pandas=True)  # no copy when already Arrow text
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr.cast(pa.large_string())


def _region_label(ws: Workspace, kind: str, column: str, text: bool = True) -> pd.Series | None:
    """user_id -> the value of a per-region layer column (e.g. income_group) for the user's region,
    as text unless text=False; users whose region has no value are left out.

    The layer has a few hundred regions and the profiles up to millions of users: each region's value
    is prepared once, and the users' regions are looked up by Arrow (index_in and take release the
    GIL); a per-user pandas map and astype(str) held it for 0.2 s per 300k users, freezing the window."""
    profiles = ws.table("profiles")
    layers = ws.layers_of_kind(kind)
    if profiles is None or "region" not in profiles.columns:
        return None
    for lay in layers.values():
        if column in lay.table.columns:
            by_key = lay.table.drop_duplicates("key").set_index("key")[column].dropna()
            values = by_key.astype(str) if text else by_key
            people = profiles.drop_duplicates("user_id")
            pos = pc.index_in(_arrow_text(people["region"]), value_set=_arrow_text(by_key.index))
            found = pc.indices_nonzero(pc.is_valid(pos)).to_numpy()
            where = pos.take(found).to_numpy().astype(np.int64)
            ids = pd.Index(people["user_id"].iloc[found], name="user_id")
            return values.iloc[where].set_axis(ids).rename("region")
    return None


def _active_days_by_group(ws: Workspace, labels: pd.Series) -> pd.DataFrame | None:
    events = ws.table("events")
    if events is None or events.empty:
        return None
    from ..metrics.activity import cached_activity
    act = cached_activity(events, ws.table("profiles"))
    days = act.user_day.group_by("uid").len().to_pandas()
    uid_codes, names = act.segment_codes(labels)
    days["group"] = np.asarray(names, dtype=object)[uid_codes[days["uid"].to_numpy()]]
    return days[days["group"] != "unknown"].rename(columns={"len": "active_days"})


def income_engagement(ws: Workspace, k: int, progress: Progress) -> list[Finding]:
    labels = _region_label(ws, "socio-economic", "income_group")
    if labels is None or labels.empty:
        return []
    days = _active_days_by_group(ws, labels)
    if days is None:
        return []
    groups = {g: d["active_days"].to_numpy() for g, d in days.groupby("group") if len(d) >= k}
    if len(groups) < 2:
        return []
    h, p = stats.kruskal(*groups.values())
    if p >= ALPHA:
        return []
    means = {g: (v.mean(), 1.959964 * v.std(ddof=1) / math.sqrt(len(v)), len(v)) for g, v in groups.items()}
    hi_g = max(means, key=lambda g: means[g][0])
    lo_g = min(means, key=lambda g: means[g][0])
    n = sum(v[2] for v in means.values())
    eta = (h - len(groups) + 1) / (n - len(groups))  # effect size of Kruskal-Wallis
    detail = "; ".join(f"{g}: {m:.1f} ±{ci:.1f} days (n={c:,})" for g, (m, ci, c) in sorted(means.items()))
    return [Finding(
        key="income-engagement", section="usage",
        headline=(f"Engagement differs with the income group of the users' regions: "
                  f"{means[hi_g][0]:.1f} active days per user in {hi_g}-income regions against "
                  f"{means[lo_g][0]:.1f} in {lo_g}-income regions."),
        evidence=f"Mean active days per active user with 95% intervals: {detail}. Kruskal-Wallis p = {p:.2g}.",
        n=int(n), p_value=float(p), effect=max(0.0, eta) * 20,
        context={"segment": "income_group"}, topic="income-engagement")]


def lean_nps(ws: Workspace, k: int, progress: Progress) -> list[Finding]:
    """NPS by the political lean of the respondent's region (left, centre, right thirds): said only
    when the categories' distribution differs (chi-square), in neutral wording."""
    resp = _respondents(ws)
    labels = _region_label(ws, "political", "lean", text=False)
    if resp is None or labels is None or "user_id" not in resp.columns:
        return []
    pos = pc.index_in(_arrow_text(resp["user_id"]), value_set=_arrow_text(labels.index))
    # the appended NaN is what position -1 (a respondent without a lean) picks
    values = np.append(pd.to_numeric(labels, errors="coerce").to_numpy(dtype="float64"), np.nan)
    lean = pd.Series(values[pos.fill_null(-1).to_numpy()], index=resp.index)
    side = pd.cut(lean, [-1.01, -1 / 3, 1 / 3, 1.01], labels=["leaning A", "balanced", "leaning B"])
    table = pd.crosstab(side, resp["category"].astype(str))
    table = table.loc[table.sum(axis=1) >= k]
    if len(table) < 2 or table.shape[1] < 2:
        return []
    chi2, p, dof, _ = stats.chi2_contingency(table.to_numpy())
    if p >= ALPHA:
        return []
    from ..metrics.nps import NpsStats
    parts = []
    for g, row in table.iterrows():
        pr, pa_, de = (int(row.get(c, 0)) for c in ("promoter", "passive", "detractor"))
        st = NpsStats(pr + pa_ + de, pr, pa_, de)
        lo, hi = st.ci95
        parts.append(f"{g}: {signed(st.score)} ({signed(lo)} to {signed(hi)}, n={st.responses})")
    n = int(table.to_numpy().sum())
    cramer = math.sqrt(chi2 / (n * (min(table.shape) - 1)))
    return [Finding(key="lean-nps", section="growth",
                    headline="NPS differs between regions of different political lean: " + "; ".join(parts) + ".",
                    evidence=f"Chi-square = {chi2:.1f}, {dof} df, p = {p:.2g}, Cramér's V = {cramer:.2f}.",
                    n=n, p_value=float(p), effect=cramer * 10, context={"segment": "lean"}, topic="lean-nps")]


# ---- sentiment and traffic ---------------------------------------------------------------------------

def sentiment_traffic(ws: Workspace, k: int, progress: Progress) -> list[Finding]:
    from ..metrics.sentiment import traffic_link
    link = traffic_link(ws, progress=progress)
    if link is None or not link.get("significant"):
        return []
    return [Finding(key="sentiment-traffic", section="sentiment", headline=link["sentence"],
                    evidence=link.get("evidence", ""), n=int(link.get("days", 0)),
                    p_value=link.get("p_value"), effect=abs(link.get("r", 0.0)) * 5,
                    context={"lag": link.get("lag")}, topic="sentiment-traffic")]


DETECTORS: dict[str, Detector] = {
    "nps-decline": nps_declines,
    "sentiment-traffic": sentiment_traffic,
    "representation": representation,
    "feature-nps": feature_gaps,
    "income-engagement": income_engagement,
    "lean-nps": lean_nps,
}


def find_all(ws: Workspace, flt: Filter | None = None, k: int = DEFAULT_K,
             progress: Progress | None = None) -> list[Finding]:
    """Every supported finding for the filtered data, most important first."""
    progress = progress or Progress()
    view = apply_filter(ws, flt or Filter())
    found: list[Finding] = []
    for i, (name, detect) in enumerate(DETECTORS.items()):
        progress.set(i / len(DETECTORS), f"Looking for findings: {name}")
        found += detect(view, k, progress.sub(i / len(DETECTORS), (i + 1) / len(DETECTORS)))
    progress.set(1.0, f"{len(found)} findings")
    return sorted(found, key=lambda f: -f.rank_score)
