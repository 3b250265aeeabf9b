"""Reading the workspace's reference layers for the map: population, socio-economic indicators and
political lean, each keyed by ISO alpha-2 or ISO 3166-2 code (`key`)."""
from __future__ import annotations

import pandas as pd

from ..workspace import Layer, Workspace

LABEL_COLUMNS = {"key", "key_raw", "name", "level", "country"}
# |lean| up to this margin counts as balanced; beyond it, the locale leans to one side.
LEAN_MARGIN = 0.1


def keyed_table(layer: Layer) -> pd.DataFrame:
    """The layer's rows indexed by a unique place key. Where `key` repeats (a per-region table whose
    key column was read as the country) but the file's own key (`key_raw`) is unique, that is used."""
    t = layer.table
    key = t["key"].astype(str)
    if key.duplicated().any() and "key_raw" in t.columns and not t["key_raw"].duplicated().any():
        key = t["key_raw"].astype(str)
    t = t.set_axis(pd.Index(key, name="key"))
    return t[~t.index.duplicated()]


def numeric_columns(layer: Layer) -> list[str]:
    t = layer.table
    return [c for c in t.columns if c not in LABEL_COLUMNS and pd.api.types.is_numeric_dtype(t[c])]


def label_columns(layer: Layer) -> list[str]:
    t = layer.table
    return [c for c in t.columns if c not in LABEL_COLUMNS and not pd.api.types.is_numeric_dtype(t[c])]


def layer_values(layer: Layer, column: str) -> pd.Series:
    """One column of a layer indexed by key (first row wins where a key repeats)."""
    t = keyed_table(layer)
    if column not in t.columns:
        raise KeyError(f"layer has no column {column!r}; columns are {', '.join(map(str, t.columns))}")
    return t[column]


def region_population(ws: Workspace) -> pd.Series | None:
    """Population by region code from the first imported population layer, or None."""
    for layer in ws.layers_of_kind("population").values():
        cols = [c for c in numeric_columns(layer) if "pop" in c.lower()] or numeric_columns(layer)
        if cols:
            pop = pd.to_numeric(layer_values(layer, cols[0]), errors="coerce").astype("float64")
            return pop.where(pop > 0)
    return None


def indicators(ws: Workspace) -> dict[str, tuple[str, str]]:
    """Numeric indicators of the socio-economic layers: "layer: column" -> (layer, column)."""
    out = {}
    for name, layer in ws.layers_of_kind("socio-economic").items():
        for col in numeric_columns(layer):
            out[f"{name}: {col}"] = (name, col)
    return out


def lean_labels(layer: Layer, margin: float = LEAN_MARGIN) -> pd.Series:
    """Each locale's lean as a neutral label, by key.

    A numeric `lean` column in [-1, 1] (positive = the first-named side) is cut at +-margin into
    "leans A", "balanced", "leans B" style labels named after the layer's vote-share columns where
    it has two (vote_share_a -> "a"); a text lean column is used as it is; otherwise the locale is
    labelled by its largest vote-share column ("largest: b")."""
    t = keyed_table(layer)
    shares = [c for c in numeric_columns(layer) if "share" in c.lower()]
    sides = [c.lower().replace("vote_share_", "").replace("share_", "") for c in shares[:2]]
    if "lean" in t.columns and pd.api.types.is_numeric_dtype(t["lean"]):
        a, b = (sides if len(sides) == 2 else ["first side", "second side"])
        lean = t["lean"].astype("float64")
        lab = pd.Series("balanced (within %d pts)" % round(margin * 100), index=t.index, dtype=object)
        lab[lean > margin] = f"leans {a}"
        lab[lean < -margin] = f"leans {b}"
        return lab.where(lean.notna())
    if "lean" in t.columns:
        return t["lean"].astype("string").astype(object)
    if shares:
        return t[shares].astype("float64").idxmax(axis=1).map(lambda c: f"largest: {c}")
    raise ValueError("political layer has neither a lean column nor vote-share columns")
