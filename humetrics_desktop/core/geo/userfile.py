"""Boundary files users bring (GeoJSON, GeoPackage, zipped Shapefile), keyed by a column they choose."""
from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

SUFFIXES = {".geojson", ".json", ".gpkg", ".zip", ".shp"}


class BoundaryFileError(ValueError):
    """A boundary file that cannot be used; the message names the file and the problem."""


def _source(path: Path) -> str:
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as zf:
            shps = [n for n in zf.namelist() if n.lower().endswith(".shp") and not n.startswith("__MACOSX")]
        if not shps:
            raise BoundaryFileError(f"{path.name}: the zip holds no .shp file")
        return f"zip://{path}!{shps[0]}"
    return str(path)


def boundary_columns(path: str | Path) -> list[str]:
    """The attribute columns of a boundary file, for the user to choose the key column."""
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise BoundaryFileError(f"{path.name}: not a boundary file (GeoJSON, GeoPackage or zipped Shapefile)")
    try:
        info = pyogrio.read_info(_source(path))
    except (pyogrio.errors.DataSourceError, zipfile.BadZipFile, OSError) as e:
        raise BoundaryFileError(f"{path.name}: cannot be read as a boundary file ({e})") from e
    return [str(c) for c in info["fields"]]


def load_boundary_file(path: str | Path, key_column: str) -> tuple[gpd.GeoDataFrame, dict]:
    """Read a user's boundary file as a layer like the shipped ones: `key` (from key_column, as
    text), `name` where the file has one, polygon geometry in EPSG:4326.

    Returns (layer, report): the report counts features read, kept and rejected with reasons
    (no geometry, not a polygon, empty or duplicate key); rejected features are never drawn."""
    path = Path(path)
    columns = boundary_columns(path)
    if key_column not in columns:
        raise BoundaryFileError(f"{path.name}: no column {key_column!r}; columns are {', '.join(columns)}")
    try:
        gdf = gpd.read_file(_source(path))
    except Exception as e:  # pyogrio raises several types for corrupt files
        raise BoundaryFileError(f"{path.name}: cannot be read ({e})") from e
    if gdf.crs is None:
        x0, y0, x1, y1 = gdf.total_bounds
        if not (-180.5 <= x0 and x1 <= 180.5 and -90.5 <= y0 and y1 <= 90.5):
            raise BoundaryFileError(f"{path.name}: no coordinate reference system and the coordinates "
                                    "are not longitude/latitude")
        gdf = gdf.set_crs(4326)
    reasons: dict[str, int] = {}

    def reject(mask: pd.Series, reason: str) -> None:
        if mask.any():
            reasons[reason] = reasons.get(reason, 0) + int(mask.sum())

    key = gdf[key_column].astype("string").str.strip()
    geom = gdf.geometry
    no_geom = geom.isna() | geom.is_empty
    reject(no_geom, "no geometry")
    not_poly = ~no_geom & ~geom.geom_type.isin(["Polygon", "MultiPolygon"])
    reject(not_poly, "not a polygon")
    no_key = ~no_geom & ~not_poly & (key.isna() | (key == ""))
    reject(no_key, f"empty {key_column}")
    ok = ~(no_geom | not_poly | no_key)
    dup = ok & key.duplicated(keep="first")
    reject(dup, f"duplicate {key_column}")
    ok &= ~dup
    name_col = next((c for c in gdf.columns if str(c).lower() in ("name", "name_en", "nom", "nombre")), None)
    out = gpd.GeoDataFrame({
        "key": key[ok].astype(object).to_numpy(),
        "name": (gdf.loc[ok, name_col].astype(str) if name_col else key[ok]).to_numpy(),
    }, geometry=shapely.make_valid(geom[ok].to_numpy()), crs=gdf.crs).to_crs(4326)
    report = {"path": str(path), "read": len(gdf), "valid": int(ok.sum()),
              "rejected": int((~ok).sum()), "reasons": reasons, "key_column": key_column}
    return out.reset_index(drop=True), report
