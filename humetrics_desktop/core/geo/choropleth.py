"""What a choropleth view draws, computed without Qt: projected outlines as flat coordinate arrays
(one per region, rings separated by a break flag) and the colouring of a measure (class, colour,
rank and legend per region, with "no data" and "suppressed" kept apart)."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import projection
from .classify import SCHEMES, Classification, classify
from .palettes import NO_DATA, SUPPRESSED, bivariate_colours, class_colours


@dataclass(frozen=True)
class Shapes:
    """Outlines in projected metres. For region i, xy[i] is an (n, 2) array of all its rings one
    after another and connect[i] is 1 where a vertex joins the next one, 0 at each ring's end."""
    keys: tuple[str, ...]
    names: tuple[str, ...]
    xy: tuple[np.ndarray, ...]
    connect: tuple[np.ndarray, ...]
    bounds: np.ndarray                       # (n, 4): x0, y0, x1, y1 per region
    focus: tuple[float, float, float, float]  # the initial view

    def __len__(self) -> int:
        return len(self.keys)


def shapes_of(gdf: gpd.GeoDataFrame, name_col: str = "name") -> Shapes:
    geoms = gdf.geometry.values
    xy, connect = [], []
    for g in geoms:
        rings = [r for p in shapely.get_parts(g) for r in (p.exterior, *p.interiors)] if g is not None else []
        arrays = [np.asarray(r.coords)[:, :2] for r in rings]
        xy.append(np.concatenate(arrays) if arrays else np.empty((0, 2)))
        flags = [np.r_[np.ones(len(a) - 1, dtype=np.int8), 0] for a in arrays]
        connect.append(np.concatenate(flags) if flags else np.empty(0, dtype=np.int8))
    bounds = shapely.bounds(geoms) if len(geoms) else np.empty((0, 4))
    return Shapes(tuple(gdf["key"].astype(str)), tuple(gdf[name_col].astype(str)), tuple(xy),
                  tuple(connect), np.asarray(bounds), projection.focus_bounds(gdf) if len(gdf) else (0, 0, 1, 1))


@lru_cache(maxsize=1)
def world_shapes() -> Shapes:
    """Countries in Equal Earth; the initial view leaves out Antarctica's empty south."""
    world = projection.world()
    s = shapes_of(world)
    inhabited = world[world["key"] != "AQ"]
    return Shapes(s.keys, s.names, s.xy, s.connect, s.bounds,
                  tuple(float(v) for v in inhabited.total_bounds))


@lru_cache(maxsize=1)
def all_region_shapes() -> Shapes:
    """Every first-level region in Equal Earth (the heaviest layer the map can show)."""
    return shapes_of(projection.world_regions())


@lru_cache(maxsize=64)
def region_shapes(country: str) -> Shapes:
    """One country's regions in its own equal-area projection."""
    return shapes_of(projection.country_regions(country))


@dataclass(frozen=True)
class LegendEntry:
    label: str
    colour: str


@dataclass(frozen=True)
class Colouring:
    """Per key: value, n (the count behind it), cls (-1 no data, -2 suppressed), colour, rank
    (1 = highest value among the shown ones). Legend: the classes, then "no data", "suppressed"."""
    title: str
    table: pd.DataFrame
    legend: tuple[LegendEntry, ...]
    bivariate: tuple[tuple[str, ...], ...] = field(default=())  # rows: y class, cols: x class


def _fmt(v: float, percent: bool) -> str:
    if percent:
        return f"{v * 100:.1f}%"
    if abs(v) >= 100 or float(v).is_integer():
        return f"{v:,.0f}"
    return f"{v:,.2f}" if abs(v) >= 1 else f"{v:.3g}"


def _with_state(table: pd.DataFrame, value: str, count: str, suppressed: str | None) -> pd.DataFrame:
    out = pd.DataFrame(index=table.index)
    out["value"] = table[value].astype("float64") if value in table else np.nan
    out["n"] = table[count].astype("float64") if count in table else np.nan
    out["suppressed"] = (table[suppressed].astype("boolean").fillna(False).astype(bool)
                         if suppressed and suppressed in table else False)
    out["value"] = out["value"].where(~out["suppressed"])
    return out


def colour_measure(table: pd.DataFrame, value: str, count: str, title: str, scheme: str = "quantiles",
                   k: int = 5, palette: str = "blues", breaks: list[float] | None = None,
                   midpoint: float | None = None, percent: bool = False,
                   suppressed: str | None = None, interval: tuple[str, str] | None = None) -> Colouring:
    """Classify table[value] and colour it. Rows flagged in table[suppressed] are drawn as
    suppressed; rows with no value as no data. `interval` names the columns of the value's 95%
    interval, carried along as low and high."""
    out = _with_state(table, value, count, suppressed)
    if interval and all(c in table for c in interval):
        for name, col in zip(("low", "high"), interval):
            out[name] = table[col].astype("float64").where(out["value"].notna())
    if scheme not in SCHEMES:
        raise ValueError(f"unknown classification scheme {scheme!r}")
    cls: Classification = classify(out["value"], scheme, k, breaks)
    colours = class_colours(cls, palette, midpoint) if cls.k else []
    out["cls"] = cls.classes.where(~out["suppressed"], -2)
    lut = {**{i: c for i, c in enumerate(colours)}, -1: NO_DATA, -2: SUPPRESSED}
    out["colour"] = out["cls"].map(lut)
    out["rank"] = out["value"].rank(ascending=False, method="min")
    legend = [LegendEntry((f"{_fmt(lo, percent)} – {_fmt(hi, percent)}" if lo < hi else f"≤ {_fmt(hi, percent)}")
                          + f"  ({n})", c)
              for (lo, hi), c, n in zip(cls.intervals(), colours, cls.counts)]
    legend += [LegendEntry("no data", NO_DATA), LegendEntry("suppressed (small numbers)", SUPPRESSED)]
    return Colouring(title, out, tuple(legend))


def colour_bivariate(x: pd.Series, y: pd.Series, x_label: str, y_label: str,
                     suppressed: pd.Series | None = None, n: int = 3) -> Colouring:
    """n x n classes (n-tiles) of x against y with a blended palette; suppressed x rows apart."""
    from ..metrics.growth import bivariate_classes

    idx = x.index.union(y.index)
    x, y = x.reindex(idx).astype("float64"), y.reindex(idx).astype("float64")
    hidden = (suppressed.reindex(idx).fillna(False).astype(bool) if suppressed is not None
              else pd.Series(False, index=idx))
    classes = bivariate_classes(x.where(~hidden), y, n)
    grid = bivariate_colours(n)
    out = pd.DataFrame({"value": x.where(~hidden), "n": np.nan, "suppressed": hidden, "indicator": y},
                       index=idx)
    out["cls"] = -1
    out.loc[classes.index, "cls"] = classes["y_class"] * n + classes["x_class"]
    out.loc[hidden, "cls"] = -2
    flat = {i * n + j: grid[i][j] for i in range(n) for j in range(n)}
    out["colour"] = out["cls"].map({**flat, -1: NO_DATA, -2: SUPPRESSED})
    out["rank"] = out["value"].rank(ascending=False, method="min")
    legend = (LegendEntry(f"{x_label} (→) by {y_label} (↑), terciles", ""),
              LegendEntry("no data", NO_DATA), LegendEntry("suppressed (small numbers)", SUPPRESSED))
    return Colouring(f"{x_label} × {y_label}", out, legend, tuple(tuple(r) for r in grid))


def user_shapes(path: str, key_column: str) -> tuple[Shapes, dict]:
    """A user's boundary file as Shapes: Equal Earth when it spans much of the globe, else an
    equal-area projection centred on it. Returns the shapes and the file's row report."""
    from .userfile import load_boundary_file

    layer, report = load_boundary_file(path, key_column)
    if layer.empty:
        raise ValueError(f"{report['path']}: no usable polygon with a {key_column!r} value")
    x0, _, x1, _ = layer.total_bounds
    crs = projection.WORLD_CRS if x1 - x0 > 90 else projection.country_crs(shapely.union_all(layer.geometry.values))
    return shapes_of(layer.to_crs(crs)), report
