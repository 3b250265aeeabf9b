"""Equal-area projections: Equal Earth for the world, a Lambert azimuthal equal-area projection
centred on the country for a country's regions. Projected layers are cached, so each layer is
projected once per session."""
from __future__ import annotations

from functools import lru_cache

import geopandas as gpd
import numpy as np
import pyproj
import shapely

from . import boundaries

WORLD_CRS = pyproj.CRS("EPSG:8857")  # WGS 84 / Equal Earth Greenwich


def centre_of(geom: shapely.Geometry) -> tuple[float, float]:
    """(lon, lat) centre of a geometry's largest part: the mainland a national map is centred on.
    Taking the largest part avoids centring France on the Atlantic (its overseas regions) or Fiji
    on the wrong side of the antimeridian."""
    parts = shapely.get_parts(geom)
    main = parts[int(np.argmax(shapely.area(parts)))]
    c = main.centroid
    return float(c.x), float(c.y)


def country_crs(geom: shapely.Geometry) -> pyproj.CRS:
    """A Lambert azimuthal equal-area projection centred on the geometry."""
    lon, lat = centre_of(geom)
    return pyproj.CRS.from_proj4(f"+proj=laea +lat_0={lat:.4f} +lon_0={lon:.4f} +datum=WGS84 +units=m +no_defs")


def focus_bounds(gdf: gpd.GeoDataFrame, factor: float = 1.5) -> tuple[float, float, float, float]:
    """Bounds of the main landmass and whatever lies close to it (projected units): the initial view
    of a country whose far-off islands would otherwise shrink the mainland to a dot."""
    if gdf.empty:
        return (0.0, 0.0, 1.0, 1.0)
    # the outline, not the regions: Alaska is the largest US state but not the mainland
    geoms = gdf.geometry.values
    geoms = geoms[~shapely.is_empty(geoms)]
    if len(geoms) > 500:  # a world layer, not one country: everything is the focus
        return tuple(float(v) for v in shapely.total_bounds(geoms))
    parts = shapely.get_parts(shapely.coverage_union_all(geoms))
    b = shapely.bounds(parts)
    x0, y0, x1, y1 = b[int(np.argmax(shapely.area(parts)))]
    reach = factor * max(x1 - x0, y1 - y0)
    # distance between bounding boxes: cheap, and close enough to pick the nearby islands
    dx = np.maximum(0, np.maximum(b[:, 0] - x1, x0 - b[:, 2]))
    dy = np.maximum(0, np.maximum(b[:, 1] - y1, y0 - b[:, 3]))
    near = b[np.hypot(dx, dy) <= reach]
    return (float(near[:, 0].min()), float(near[:, 1].min()), float(near[:, 2].max()), float(near[:, 3].max()))


@lru_cache(maxsize=1)
def world() -> gpd.GeoDataFrame:
    """Countries in Equal Earth."""
    return boundaries.countries().to_crs(WORLD_CRS)


@lru_cache(maxsize=1)
def world_regions() -> gpd.GeoDataFrame:
    """Every first-level region in Equal Earth."""
    return boundaries.regions().to_crs(WORLD_CRS)


@lru_cache(maxsize=64)
def country_regions(country: str) -> gpd.GeoDataFrame:
    """One country's regions in its own equal-area projection (empty when none are shipped)."""
    regs = boundaries.regions_of(country)
    if regs.empty:
        return regs
    outline = boundaries.countries().set_index("key").geometry.get(country)
    crs = country_crs(outline if outline is not None else shapely.union_all(regs.geometry.values))
    return regs.to_crs(crs)
