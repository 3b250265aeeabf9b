from __future__ import annotations

import zipfile

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, box

from humetrics_desktop.core.geo.matching import unmatched
from humetrics_desktop.core.geo.userfile import BoundaryFileError, boundary_columns, load_boundary_file


def _frame():
    return gpd.GeoDataFrame({"district": ["D1", "D2", "D2", "D3", None],
                             "name": ["One", "Two", "Two again", "Point", "Nameless"]},
                            geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1),
                                      Point(5, 5), box(3, 0, 4, 1)], crs=4326)


def test_geojson_with_key_column_counts_every_feature(tmp_path):
    path = tmp_path / "districts.geojson"
    _frame().to_file(path, driver="GeoJSON")
    assert "district" in boundary_columns(path)
    layer, report = load_boundary_file(path, "district")
    assert list(layer["key"]) == ["D1", "D2"] and list(layer["name"]) == ["One", "Two"]
    assert report["read"] == 5 and report["valid"] == 2 and report["rejected"] == 3
    assert report["reasons"] == {"not a polygon": 1, "empty district": 1, "duplicate district": 1}


def test_gpkg_in_another_crs_comes_back_in_lonlat(tmp_path):
    path = tmp_path / "d.gpkg"
    _frame().iloc[:2].to_crs(3857).to_file(path, driver="GPKG")
    layer, _ = load_boundary_file(path, "district")
    assert layer.crs.to_epsg() == 4326
    assert layer.total_bounds == pytest.approx([0, 0, 2, 1], abs=1e-6)


def test_zipped_shapefile(tmp_path):
    shp = tmp_path / "shp"
    shp.mkdir()
    _frame().iloc[:2].to_file(shp / "d.shp")
    zpath = tmp_path / "d.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        for f in shp.iterdir():
            zf.write(f, f.name)
    layer, report = load_boundary_file(zpath, "district")
    assert report["valid"] == 2 and set(layer["key"]) == {"D1", "D2"}


def test_bad_inputs_name_file_and_problem(tmp_path):
    path = tmp_path / "d.geojson"
    _frame().to_file(path, driver="GeoJSON")
    with pytest.raises(BoundaryFileError, match="d.geojson: no column 'code'"):
        load_boundary_file(path, "code")
    empty_zip = tmp_path / "e.zip"
    zipfile.ZipFile(empty_zip, "w").close()
    with pytest.raises(BoundaryFileError, match="e.zip: the zip holds no .shp"):
        boundary_columns(empty_zip)
    with pytest.raises(BoundaryFileError, match="not a boundary file"):
        boundary_columns(tmp_path / "x.csv")


def test_unmatched_lists_values_with_counts():
    values = pd.Series(["Bavaria", "Atlantis", "Atlantis", None, "Mars"])
    codes = pd.Series(["DE-BY", None, None, None, None])
    out = unmatched(values, codes)
    assert out.to_dict("records") == [{"value": "Atlantis", "count": 2}, {"value": "(blank)", "count": 1},
                                      {"value": "Mars", "count": 1}]
