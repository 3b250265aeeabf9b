"""The demography of two groups of users side by side: promoters vs detractors, engaged vs dormant.

For each attribute value, each group's share (with a Wilson 95% interval, see demography_stats),
the difference of the two shares with a pooled two-proportion z-test, and per attribute a chi-square
test of whether the two groups' mixes differ at all. Counts go through small-cell suppression as one
value x group table (core.privacy.tables).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .demography_stats import chi_square_independence, two_proportion_test, wilson
from ..privacy.tables import table_mask
from .demography_tables import order_values

PROMOTER, PASSIVE, DETRACTOR = "promoter", "passive", "detractor"
ENGAGED, OCCASIONAL, DORMANT, NEVER_ACTIVE = "engaged", "occasional", "dormant", "never active"
PLURAL = {PROMOTER: "promoters", PASSIVE: "passives", DETRACTOR: "detractors",
          ENGAGED: "engaged users", OCCASIONAL: "occasional users", DORMANT: "dormant users",
          NEVER_ACTIVE: "users never active"}


def plural(group: str) -> str:
    return PLURAL.get(group, f"{group} users")
WINDOW_DAYS = 30
ENGAGED_MIN_DAYS = 4  # active on 4 or more of the last 30 days: about once a week or more


def nps_groups(survey: pd.DataFrame) -> tuple[pd.Series, dict[str, int]]:
    """Each respondent's latest valid answer as promoter (9-10), passive (7-8) or detractor (0-6).

    Returns (user_id -> group, counts of responses left out and why).
    """
    score = pd.to_numeric(survey["score"], errors="coerce")
    valid = score.between(0, 10) & (score == score.round())
    has_user = survey["user_id"].notna() if "user_id" in survey else pd.Series(False, index=survey.index)
    kept = survey.loc[valid & has_user].assign(_score=score[valid & has_user])
    if "submitted_at" in kept:
        kept = kept.assign(_t=pd.to_datetime(kept["submitted_at"], utc=True, errors="coerce"))
        kept = kept.sort_values("_t", kind="stable", na_position="first")
    latest = kept.drop_duplicates("user_id", keep="last")
    group = np.select([latest["_score"] >= 9, latest["_score"] >= 7], [PROMOTER, PASSIVE], DETRACTOR)
    left_out = {"invalid score": int((~valid).sum()), "no user id": int((valid & ~has_user).sum()),
                "earlier answer of the same user": int(len(kept) - len(latest))}
    return pd.Series(group, index=latest["user_id"].astype("string").to_numpy()), left_out


def activity_groups(events: pd.DataFrame, user_ids: pd.Series, as_of: pd.Timestamp | None = None,
                    window_days: int = WINDOW_DAYS,
                    engaged_min_days: int = ENGAGED_MIN_DAYS) -> tuple[pd.Series, pd.Timestamp]:
    """Each user as engaged (active on >= engaged_min_days distinct UTC days of the window),
    occasional (fewer), dormant (active before the window, not in it) or never active.

    The window is the window_days UTC days ending on as_of (default: the day of the last event).
    Returns (user_id -> group, the window's last day).
    """
    ts = pd.to_datetime(events["timestamp"], utc=True, errors="coerce")
    end_day = (as_of if as_of is not None else ts.max()).tz_convert("UTC").normalize() \
        if len(ts.dropna()) or as_of is not None else pd.Timestamp.now(tz="UTC").normalize()
    start = end_day - pd.Timedelta(days=window_days - 1)
    in_window = (ts >= start) & (ts < end_day + pd.Timedelta(days=1))
    days = pd.DataFrame({"u": events.loc[in_window, "user_id"],
                         "d": ts[in_window].dt.floor("D")}).drop_duplicates()
    active_days = days["u"].value_counts()
    active_days.index = active_days.index.astype("string")
    # distinct ids first: converting every event's id to a string would dominate the run time
    before = pd.Index(pd.unique(events.loc[ts < start, "user_id"])).astype("string")
    ids = user_ids.astype("string")
    n_days = ids.map(active_days).fillna(0).to_numpy()
    group = np.select([n_days >= engaged_min_days, n_days > 0, ids.isin(before).to_numpy()],
                      [ENGAGED, OCCASIONAL, DORMANT], NEVER_ACTIVE)
    return pd.Series(group, index=ids.to_numpy()), end_day


@dataclass
class Comparison:
    """Group a against group b, per attribute: a table with value, n_a, share_a, low_a, high_a, n_b,
    share_b, low_b, high_b, difference (share_a - share_b), p_value, suppressed."""
    a: str
    b: str
    sizes: dict[str, int]
    tables: dict[str, pd.DataFrame]
    tests: dict[str, dict]
    notes: dict[str, int]

    def to_json(self) -> dict:
        return {
            "groups": [self.a, self.b], "sizes": self.sizes, "notes": self.notes,
            "by_attribute": {
                dim: {"test": self.tests[dim], "values": {
                    str(r["value"]): {key: _clean(key, v) for key, v in r.items() if key != "value"}
                    for r in t.to_dict("records")}}
                for dim, t in self.tables.items()},
        }


def compare(prepared: pd.DataFrame, groups: pd.Series, a: str, b: str, dimensions: list[str],
            k: int | None = None, notes: dict[str, int] | None = None) -> Comparison:
    """The demography of users in group a against those in group b (groups: user_id -> label)."""
    label = prepared["user_id"].map(groups)
    frame = prepared[label.isin([a, b])].assign(_group=label[label.isin([a, b])])
    sizes = {a: int((frame["_group"] == a).sum()), b: int((frame["_group"] == b).sum())}
    tables, tests = {}, {}
    for dim in dimensions:
        counts = pd.crosstab(frame[dim], frame["_group"]).reindex(columns=[a, b], fill_value=0)
        counts = counts.reindex(order_values(dim, counts.index))
        tables[dim] = _comparison_table(counts, sizes[a], sizes[b], k)
        tests[dim] = chi_square_independence(counts.to_numpy().T)
        tests[dim]["text"] = _test_sentence(a, b, dim, tests[dim])
    return Comparison(a, b, sizes, tables, tests, dict(notes or {}))


def _comparison_table(counts: pd.DataFrame, n_a: int, n_b: int, k: int | None) -> pd.DataFrame:
    x_a, x_b = counts.iloc[:, 0].to_numpy(float), counts.iloc[:, 1].to_numpy(float)
    lo_a, hi_a = wilson(x_a, n_a)
    lo_b, hi_b = wilson(x_b, n_b)
    _, p = two_proportion_test(x_a, n_a, x_b, n_b)
    with np.errstate(divide="ignore", invalid="ignore"):
        share_a, share_b = x_a / n_a, x_b / n_b
    t = pd.DataFrame({"value": counts.index, "n_a": x_a, "share_a": share_a, "low_a": lo_a,
                      "high_a": hi_a, "n_b": x_b, "share_b": share_b, "low_b": lo_b, "high_b": hi_b,
                      "difference": share_a - share_b, "p_value": p})
    hidden = table_mask(counts.to_numpy(), k)[:-1, :-1]
    for col, side in (("a", 0), ("b", 1)):
        t.loc[hidden[:, side], [f"n_{col}", f"share_{col}", f"low_{col}", f"high_{col}"]] = np.nan
    t.loc[hidden.any(axis=1), ["difference", "p_value"]] = np.nan
    t["suppressed"] = hidden.any(axis=1)
    return t


def _test_sentence(a: str, b: str, dim: str, test: dict) -> str:
    """The chi-square result in words, at the 5% level."""
    what, a, b = dim.replace("_", " "), plural(a), plural(b)
    if test["p_value"] is None:
        return f"Too few {a} and {b} with a known {what} to compare."
    verdict = (f"The {what} mix of {a} and {b} differs" if test["p_value"] < 0.05 else
               f"No evidence that the {what} mix of {a} and {b} differs")
    caveat = " (some groups are small: read with care)" if test["sparse"] else ""
    return (f"{verdict}: chi-square {test['chi2']:.1f}, {test['df']} degree{'s' * (test['df'] != 1)} of "
            f"freedom, "
            f"p = {test['p_value']:.3g}{caveat}.")


def _clean(key: str, v):
    if isinstance(v, (float, np.floating)):
        if np.isnan(v):
            return None
        return int(v) if key.startswith("n_") else round(float(v), 6)
    if isinstance(v, np.bool_):
        return bool(v)
    return v
