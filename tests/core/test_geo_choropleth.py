from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Polygon, box

from humetrics_desktop.core.geo.choropleth import colour_bivariate, colour_measure, shapes_of
from humetrics_desktop.core.geo.palettes import NO_DATA, SUPPRESSED


def test_shapes_flatten_rings_with_break_flags():
    donut = Polygon([(0, 0), (4, 0), (4, 4), (0, 4)], [[(1, 1), (2, 1), (2, 2), (1, 1)]])
    gdf = gpd.GeoDataFrame({"key": ["A", "B"], "name": ["Donut", "Box"]},
                           geometry=[donut, box(10, 10, 11, 11)])
    s = shapes_of(gdf)
    assert s.keys == ("A", "B") and s.names == ("Donut", "Box")
    assert len(s.xy[0]) == 5 + 4                       # closed exterior ring + closed hole
    assert s.connect[0].tolist() == [1, 1, 1, 1, 0, 1, 1, 1, 0]
    assert s.bounds[1].tolist() == [10, 10, 11, 11]


def test_colour_measure_keeps_no_data_and_suppressed_apart():
    table = pd.DataFrame({"users": [100.0, 50.0, np.nan, 0.0, 20.0],
                          "suppressed_users": [False, False, True, False, pd.NA]},
                         index=["a", "b", "c", "d", "e"])
    c = colour_measure(table, "users", "users", "Users", "equal_interval", 2, "blues",
                       suppressed="suppressed_users")
    t = c.table
    assert t.loc["c", "cls"] == -2 and t.loc["c", "colour"] == SUPPRESSED
    assert t.loc["e", "suppressed"] == False  # noqa: E712  (missing flag = not suppressed)
    assert t.loc["a", "rank"] == 1 and t.loc["d", "rank"] == 4
    assert [e.label for e in c.legend] == ["0 – 50  (3)", "50 – 100  (1)", "no data", "suppressed (small numbers)"]
    missing = colour_measure(table.drop(index="c").assign(users=[1.0, np.nan, 3.0, 4.0]), "users", "users",
                             "Users", "quantiles", 2, "blues", suppressed="suppressed_users")
    assert missing.table.loc["b", "cls"] == -1 and missing.table.loc["b", "colour"] == NO_DATA


def test_bivariate_classes_by_terciles():
    x = pd.Series([1.0, 2, 3, 4, 5, 6], index=list("abcdef"))
    y = pd.Series([10.0, 20, 30, 40, 50, 60], index=list("abcdef"))
    c = colour_bivariate(x, y, "Users", "Income", suppressed=pd.Series([False] * 5 + [True], index=list("abcdef")))
    t = c.table
    assert t.loc["f", "cls"] == -2
    assert t.loc["a", "cls"] == 0 and t.loc["e", "cls"] == 2 * 3 + 2
    assert t.loc["a", "colour"] == c.bivariate[0][0] and t.loc["e", "colour"] == c.bivariate[2][2]
