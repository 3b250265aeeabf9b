"""The Growth view through its signals, models and items (offscreen)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import QPointF

from humetrics_desktop.core.filters import Filter
from humetrics_desktop.core.geo import projection
from humetrics_desktop.core.progress import Progress
from humetrics_desktop.core.workspace import Layer, Workspace
from humetrics_desktop.ui.sections.growth import BIVARIATE, GrowthSection


def _workspace() -> Workspace:
    rows = []
    # Germany: 30 people in Bavaria, 12 in Berlin, 3 in Bremen (suppressed, Berlin its complement);
    # US: 40 in California
    for region, n in (("DE-BY", 30), ("DE-BE", 12), ("DE-HB", 3)):
        rows += [(f"{region}-{i}", "DE", region) for i in range(n)]
    rows += [(f"us{i}", "US", "US-CA") for i in range(40)]
    rows += [(f"fr{i}", "FR", None) for i in range(4)]
    rows += [(f"jp{i}", "JP", None) for i in range(11)]   # hidden as FR's complement
    profiles = pd.DataFrame(rows, columns=["user_id", "country", "region"])
    profiles["signup_at"] = pd.Timestamp("2024-01-05", tz="UTC")
    events = pd.DataFrame({"user_id": profiles["user_id"], "event": "open",
                           "timestamp": pd.Timestamp("2024-01-20", tz="UTC")})
    survey = pd.DataFrame({"user_id": [f"us{i}" for i in range(20)],
                           "score": [10] * 12 + [3] * 8,
                           "submitted_at": pd.Timestamp("2024-01-21", tz="UTC")})
    ws = Workspace(tables={"profiles": profiles, "events": events, "survey": survey})
    ws.layers["pop"] = Layer(pd.DataFrame({"key": ["DE-BY", "DE-BE", "DE-HB"],
                                           "population": [13e6, 3.6e6, 0.7e6]}), {"kind": "population"})
    ws.layers["income"] = Layer(pd.DataFrame({"key": ["DE-BY", "DE-BE", "DE-HB"],
                                              "income_index": [120.0, 100.0, 95.0]}), {"kind": "socio-economic"})
    ws.layers["votes"] = Layer(pd.DataFrame({"key": ["DE-BY", "DE-BE"], "lean": [0.4, -0.3]}),
                               {"kind": "political", "synthetic": True})
    return ws


@pytest.fixture(scope="module")
def result():
    return GrowthSection.job(_workspace(), Filter(), {"suppression_k": 10})(Progress())


@pytest.fixture
def section(qtbot, result):
    sec = GrowthSection()
    qtbot.addWidget(sec)
    sec.resize(1400, 850)
    sec.show()
    sec.show_result(result)
    return sec


def inside(key: str, gdf) -> QPointF:
    pt = gdf.set_index("key").geometry[key].representative_point()
    return QPointF(pt.x, pt.y)


def test_world_map_draws_every_country_with_a_legend(section):
    item = section.map.item
    assert len(item) == len(section.shapes.keys) > 200
    assert section.measure.currentData() == "users_per_100k"
    labels = [label for label, _ in section.legend.entries]
    assert "no data" in labels and "suppressed (small numbers)" in labels
    table = section.colouring.table
    assert table.loc["US", "value"] == pytest.approx(40 / 328_239_523 * 1e5)
    assert table.loc["FR", "suppressed"] and table.loc["JP", "suppressed"]  # 4 people, and a complement
    assert np.isnan(table.loc["RU", "value"]) and table.loc["RU", "cls"] == -1
    # a few fill batches per colour, not one item per country
    assert set(item.colour_batches()) <= set(table["colour"]) and item.batch_count() < len(item) / 2


def test_hover_finds_the_country_and_the_tooltip_gives_value_n_and_rank(section):
    idx = section.map.item.region_at(inside("US", projection.world()))
    assert section.shapes.keys[idx] == "US"
    text = section.tooltip_text(idx)
    assert "United States" in text and "n = 40" in text and "rank 2 of 2" in text
    fr = section.shapes.keys.index("FR")
    assert "fewer than 10" in section.tooltip_text(fr)
    assert section.map.item.region_at(QPointF(-4.0e6, 0.0)) is None          # mid-Atlantic


def test_click_country_drills_down_and_click_region_filters(section, qtbot):
    section.map.clicked.emit(section.shapes.keys.index("DE"))
    assert section.country == "DE"
    assert set(section.shapes.keys) >= {"DE-BY", "DE-BE", "DE-HB"}
    table = section.colouring.table
    assert table.loc["DE-BY", "value"] == pytest.approx(30 / 13e6 * 1e5)
    assert table.loc["DE-HB", "suppressed"]
    idx = section.map.item.region_at(inside("DE-BY", projection.country_regions("DE")))
    assert section.shapes.keys[idx] == "DE-BY"
    with qtbot.waitSignal(section.filter_requested) as sig:
        section.map.clicked.emit(idx)
    assert sig.args == [{"regions": ["DE-BY"]}]
    with qtbot.waitSignal(section.filter_requested) as sig:
        section.filter_country.click()
    assert sig.args == [{"countries": ["DE"]}]
    section.back.click()
    assert section.country is None


def test_classification_and_palette_pickers(section):
    section.measure.setCurrentIndex(section.measure.findData("nps"))
    palettes = [section.palette.itemData(i) for i in range(section.palette.count())]
    assert palettes[0] == "purple-orange"                    # NPS has a midpoint: diverging first
    assert section.colouring.table.loc["US", "value"] == pytest.approx(100 * (12 - 8) / 20)
    # adjusted Wald by hand: n' = 23, P' = 12.75/23, D' = 8.75/23
    p, d = 12.75 / 23, 8.75 / 23
    half = 1.96 * ((p + d - (p - d) ** 2) / 23) ** 0.5
    assert section.colouring.table.loc["US", "low"] == pytest.approx(100 * (p - d - half), abs=0.01)
    tip = section.tooltip_text(section.shapes.keys.index("US"))
    assert "NPS: 20 (95% interval" in tip and "n = 20" in tip
    section.measure.setCurrentIndex(section.measure.findData("users"))
    palettes = [section.palette.itemData(i) for i in range(section.palette.count())]
    assert "purple-orange" not in palettes                   # counts: sequential only
    section.scheme.setCurrentIndex(section.scheme.findData("user_defined"))
    section.breaks.setText("20")
    section.breaks.editingFinished.emit()
    assert section.colouring.table.loc["US", "cls"] == 1     # 40 > 20: second class


def test_bivariate_month_and_tables(section):
    section.map.clicked.emit(section.shapes.keys.index("DE"))
    section.measure.setCurrentIndex(section.measure.findData(BIVARIATE))
    assert section.indicator.currentText() == "income: income_index"
    assert len(section.colouring.bivariate) == 3
    assert section.colouring.table.loc["DE-HB", "cls"] == -2
    section.show_world()
    section.measure.setCurrentIndex(section.measure.findData("users"))
    section.by_month.setChecked(True)
    assert section.month_label.text() == "2024-01"
    assert section.colouring.table.loc["US", "value"] == 40
    income = section.income_model.frame()
    assert income.loc[income["group"] == "1. High income: OECD", "users"].iloc[0] == 100
    lean = section.lean_model.frame().set_index("group")
    assert lean.loc["leans first side", "users"] == 30 and lean.loc["leans second side", "users"] == 12
    assert "Synthetic data" in section.lean_caption.text()
    assert section.unmatched.count() >= 1


def test_exports_png_and_vector_pdf(section, tmp_path):
    section.export_png(str(tmp_path / "map.png"))
    section.export_pdf(str(tmp_path / "map.pdf"))
    from PySide6.QtGui import QImage
    img = QImage(str(tmp_path / "map.png"))
    assert img.width() > 1000
    pdf = (tmp_path / "map.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 50_000
    assert b"/Subtype /Image" not in pdf                     # paths and text, not a bitmap


def test_own_boundary_file_keyed_by_a_chosen_column(section, qtbot, tmp_path):
    import geopandas as gpd
    from shapely.geometry import box
    gdf = gpd.GeoDataFrame({"code": ["DE-BY", "DE-BE", None], "label": ["Bavaria", "Berlin", "blank"]},
                           geometry=[box(9, 47.3, 13.8, 50.5), box(13.1, 52.3, 13.7, 52.7), box(0, 0, 1, 1)],
                           crs=4326)
    path = tmp_path / "areas.geojson"
    gdf.to_file(path, driver="GeoJSON")
    section.load_boundaries(str(path), "code")
    assert section.shapes.keys == ("DE-BY", "DE-BE")
    assert "2 of 3 areas" in section.crumb.text() and "empty code" in section.crumb.text()
    assert section.colouring.table.loc["DE-BY", "value"] == pytest.approx(30 / 13e6 * 1e5)
    with qtbot.waitSignal(section.filter_requested) as sig:
        section.map.clicked.emit(0)
    assert sig.args == [{"regions": ["DE-BY"]}]


def test_real_mouse_click_on_a_country_drills_down(section, qtbot):
    from PySide6.QtCore import Qt
    vb = section.map.getViewBox()
    view_pt = inside("DE", projection.world())
    pixel = section.map.mapFromScene(vb.mapViewToScene(view_pt))
    qtbot.mouseMove(section.map.viewport(), pixel)
    assert section.map.item.highlight == section.shapes.keys.index("DE")
    qtbot.mouseClick(section.map.viewport(), Qt.MouseButton.LeftButton, pos=pixel)
    qtbot.waitUntil(lambda: section.country == "DE", timeout=3000)


def test_every_first_level_region_of_the_world(section, qtbot):
    section.all_regions.click()
    assert len(section.shapes) > 3000 and "first-level regions" in section.crumb.text()
    table = section.colouring.table
    assert table.loc["DE-BY", "value"] == pytest.approx(30 / 13e6 * 1e5)
    assert table["value"].notna().sum() == 1   # Bavaria: Bremen and Berlin hidden, California lacks a population
    with qtbot.waitSignal(section.filter_requested) as sig:
        section.map.clicked.emit(section.shapes.keys.index("US-CA"))
    assert sig.args == [{"regions": ["US-CA"]}]
