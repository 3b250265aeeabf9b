"""Users' location values matched to boundary keys, with every unmatched value listed and counted."""
from __future__ import annotations

import pandas as pd

from .names import normalize_country_series, normalize_region_series


def match_countries(values: pd.Series, known: set[str] | None = None) -> pd.Series:
    """ISO alpha-2 per value (names in any language, alpha-2/3 codes), None where unmatched or
    (when known is given) not among the boundary keys."""
    codes = normalize_country_series(values)
    if known is not None:
        codes = codes.where(codes.isin(known))
    return codes


def match_regions(countries: pd.Series, values: pd.Series, known: set[str] | None = None) -> pd.Series:
    """First-level ISO 3166-2 code per (country, region value); values already shaped like a
    known key (a HASC code of the shipped layer, a user boundary key) are kept as they are."""
    raw = values.astype("string").str.strip()
    codes = normalize_region_series(countries, values)
    if known is not None:
        direct = raw.where(raw.isin(known)).astype(object)
        codes = codes.where(codes.isin(known)).fillna(direct)
    return codes.where(codes.notna(), None)


def unmatched(values: pd.Series, codes: pd.Series, weights: pd.Series | None = None) -> pd.DataFrame:
    """The location values that matched nothing, with how many rows (or people, via weights)
    carry each: value, count, sorted by count. Missing values are listed as "(blank)"."""
    miss = codes.isna()
    if not miss.any():
        return pd.DataFrame({"value": pd.Series(dtype=object), "count": pd.Series(dtype="int64")})
    vals = values[miss].astype(object).where(values[miss].notna(), "(blank)").astype(str)
    w = pd.Series(1, index=vals.index) if weights is None else weights[miss]
    out = w.groupby(vals).sum().rename("count").reset_index().rename(columns={"index": "value"})
    out.columns = ["value", "count"]
    return out.sort_values(["count", "value"], ascending=[False, True]).reset_index(drop=True)
