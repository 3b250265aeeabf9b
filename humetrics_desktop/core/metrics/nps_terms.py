"""The terms that separate detractors' comments from promoters'.

Weighted log-odds with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008): for each term,
the log-odds of appearing in a detractor comment minus that in a promoter comment, each smoothed by
the term's frequency across all comments, divided by its standard error. A term counts once per
comment, so one long rant cannot dominate, and a term used in fewer than `min_comments` comments is
left out (it could point at one person).
"""
from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from ..text.tokenize import terms as content_terms

PRIOR_WEIGHT = 500.0  # the prior's total pseudo-count (alpha_0)


def distinguishing_terms(respondents: pd.DataFrame, top: int = 15, min_comments: int = 10,
                         max_comments: int = 50_000, seed: int = 0) -> pd.DataFrame:
    """Columns: term, side ("detractor" or "promoter"), detractor_comments, promoter_comments, z.
    Positive z leans to detractors. At most `max_comments` comments per side are read (a fixed
    random sample beyond that, so the same data give the same terms)."""
    if "comment" not in respondents.columns:
        return pd.DataFrame(columns=["term", "side", "detractor_comments", "promoter_comments", "z"])
    counts, docs = {}, {}
    for side in ("detractor", "promoter"):
        mask = (respondents["category"] == side) & respondents["comment"].notna()
        part = respondents.loc[mask]
        part = part[part["comment"].astype(str).str.strip() != ""]
        if len(part) > max_comments:
            part = part.sample(max_comments, random_state=seed)
        c = Counter()
        for text in part["comment"].astype(str):
            # stop words of every language: comments come in many, whatever the profile says
            c.update(set(content_terms(text)))
        counts[side], docs[side] = c, len(part)
    vocab = sorted(t for t in set(counts["detractor"]) | set(counts["promoter"])
                   if counts["detractor"][t] + counts["promoter"][t] >= min_comments)
    if not vocab or not docs["detractor"] or not docs["promoter"]:
        return pd.DataFrame(columns=["term", "side", "detractor_comments", "promoter_comments", "z"])
    yd = np.array([counts["detractor"][t] for t in vocab], float)
    yp = np.array([counts["promoter"][t] for t in vocab], float)
    nd, np_ = yd.sum(), yp.sum()
    alpha = PRIOR_WEIGHT * (yd + yp) / (nd + np_)
    delta = (np.log((yd + alpha) / (nd + PRIOR_WEIGHT - yd - alpha))
             - np.log((yp + alpha) / (np_ + PRIOR_WEIGHT - yp - alpha)))
    z = delta / np.sqrt(1.0 / (yd + alpha) + 1.0 / (yp + alpha))
    table = pd.DataFrame({"term": vocab, "detractor_comments": yd.astype(int),
                          "promoter_comments": yp.astype(int), "z": z})
    det = table[table["z"] > 0].nlargest(top, "z").assign(side="detractor")
    pro = table[table["z"] < 0].nsmallest(top, "z").assign(side="promoter")
    return pd.concat([det, pro], ignore_index=True)[["term", "side", "detractor_comments",
                                                     "promoter_comments", "z"]]
