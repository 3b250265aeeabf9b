"""The People section through its models, plot items and signals, on a workspace counted by hand."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt

from humetrics_desktop.core.filters import Filter
from humetrics_desktop.core.progress import Progress
from humetrics_desktop.core.workspace import Layer, Workspace
from humetrics_desktop.ui.sections.people import PeopleSection

T0 = pd.Timestamp("2026-03-01", tz="UTC")


def workspace() -> Workspace:
    """133 users, in blocks of (count, gender label, age):
    female 30 "F" + 20 "femme" aged 20; male 10 aged 20 + 35 aged 50; non-binary 12 aged 50;
    Genderqueer 10 aged 50; agender 3 aged 50; 13 with neither gender nor age.
    Pyramid (18-24, 45-54, unknown): female 50/0/0, male 10/35/0, non-binary 0/12/0,
    Genderqueer 0/10/0, agender 0/3/0, unknown 0/0/13. With k = 10 the 3 is hidden, and Genderqueer's
    10 beside it (the 45-54 total would give the 3 back), and then Genderqueer's total too."""
    blocks = [(30, "F", 20), (20, "femme", 20), (10, "m", 20), (35, "m", 50), (12, "nb", 50),
              (10, "Genderqueer", 50), (3, "agender", 50), (13, None, None)]
    genders = [g for n, g, _ in blocks for _ in range(n)]
    ages = [a for n, _, a in blocks for _ in range(n)]
    profiles = pd.DataFrame({"user_id": [f"u{i}" for i in range(133)], "age": ages, "gender": genders,
                             "language": ["fr-FR"] * 100 + ["en"] * 33, "country": "FR",
                             "region": ["FR-IDF"] * 70 + ["FR-ARA"] * 63,
                             "plan": ["free"] * 80 + ["pro"] * 53})
    reference = pd.DataFrame({"country": ["FR"] * 4, "age_band": ["18-34", "18-34", "35+", "35+"],
                              "gender": ["female", "male"] * 2, "population": [100, 100, 300, 300]})
    survey = pd.DataFrame({"user_id": [f"u{i}" for i in range(120)],
                           "score": [10] * 60 + [3] * 60, "submitted_at": T0})
    events = pd.DataFrame({"user_id": [f"u{i}" for i in range(0, 120, 2)],
                           "timestamp": T0, "event": "open"})
    return Workspace(tables={"profiles": profiles, "survey": survey, "events": events},
                     layers={"census": Layer(reference, {"kind": "reference-population",
                                                         "synthetic": True, "source": "test"})})


@pytest.fixture
def section(qtbot):
    sec = PeopleSection()
    qtbot.addWidget(sec)
    sec.resize(1300, 850)
    sec.show_result(PeopleSection.job(workspace(), Filter(), {"suppression_k": 10})(Progress()))
    return sec


def _bars(plot: pg.PlotWidget) -> list[pg.BarGraphItem]:
    return [i for i in plot.getPlotItem().items if isinstance(i, pg.BarGraphItem)]


def test_pyramid_faces_female_and_male_and_stacks_every_other_answer(section):
    left, right = _bars(section.pyramid_plot)
    assert left.opts["x0"].tolist() == [-50.0, 0.0, 0.0]    # female, drawn leftwards
    assert right.opts["width"].tolist() == [10.0, 35.0, 0.0]
    nb, gq, agender, unknown = _bars(section.others_plot)
    assert nb.opts["width"].tolist() == [0.0, 12.0, 0.0]
    assert gq.opts["y"].tolist() == [0, 2]                   # its 45-54 cell is hidden, not drawn
    assert unknown.opts["x0"].tolist() == [0.0, 12.0, 0.0]  # stacked after non-binary
    assert unknown.opts["width"].tolist() == [0.0, 0.0, 13.0]
    caption = section.pyramid_caption.text()
    for label in ("female: 50", "male: 45", "non-binary: 12", "Genderqueer: hidden", "agender: hidden",
                  "unknown: 13", "2 cells hidden"):
        assert label in caption


def test_distribution_lists_every_gender_category(section):
    section.dist_choice.setCurrentIndex(section.dist_choice.findData("gender"))
    ticks = [t for _, t in section.dist_plot.getAxis("bottom")._tickLevels[0]]
    assert ticks == ["female", "male", "non-binary", "Genderqueer\n(hidden)", "agender\n(hidden)",
                     "unknown"]
    (bars,) = _bars(section.dist_plot)
    assert bars.opts["height"].tolist() == pytest.approx([100 * n / 133 for n in (50, 45, 12, 13)])


def test_crosstab_model_shows_counts_hidden_cells_and_totals(section):
    section.tab_choice.setCurrentIndex(section.tab_choice.findData("language x country"))
    m = section.tab_model
    assert m.headerData(0, Qt.Orientation.Horizontal) == "FR"
    assert m.headerData(1, Qt.Orientation.Horizontal) == "Total"
    assert [m.headerData(r, Qt.Orientation.Vertical) for r in range(m.rowCount())] == ["en", "fr", "Total"]
    assert m.data(m.index(1, 0)) == "100"
    assert m.data(m.index(2, 1), Qt.ItemDataRole.UserRole) == 133
    section.tab_choice.setCurrentIndex(section.tab_choice.findData("age band x gender"))
    row = [m.headerData(r, Qt.Orientation.Vertical) for r in range(m.rowCount())].index("45-54")
    col = [m.headerData(c, Qt.Orientation.Horizontal) for c in range(m.columnCount())].index("agender")
    assert m.data(m.index(row, col)) == "hidden"
    assert m.data(m.index(row, col), Qt.ItemDataRole.UserRole) is None
    assert "small-cell suppression" in m.data(m.index(row, col), Qt.ItemDataRole.ToolTipRole)


def test_double_click_on_a_region_requests_a_filter(section, qtbot):
    section.tab_choice.setCurrentIndex(section.tab_choice.findData("region x gender"))
    m = section.tab_model
    regions = [m.headerData(r, Qt.Orientation.Vertical) for r in range(m.rowCount())]
    with qtbot.waitSignal(section.filter_requested, timeout=1000) as sig:
        section.tab_view.doubleClicked.emit(m.index(regions.index("FR-IDF"), 0))
    assert sig.args == [{"regions": ["FR-IDF"]}]


def test_representation_points_whiskers_line_at_one_and_plain_list(section):
    section.rep_choice.setCurrentIndex(section.rep_choice.findData("age_band"))
    items = section.rep_plot.getPlotItem().items
    (points,) = [i for i in items if isinstance(i, pg.ScatterPlotItem)]
    # 60 of 120 users aged 18-34 against 200 of 800 in the population: 0.5 / 0.25
    assert points.getData()[1].tolist() == pytest.approx([2.0, 0.5 / 0.75])
    assert any(isinstance(i, pg.ErrorBarItem) for i in items)
    lines = [i for i in items if isinstance(i, pg.InfiniteLine)]
    assert [ln.value() for ln in lines] == [1]
    texts = [section.rep_list.item(i).text() for i in range(section.rep_list.count())]
    assert texts[0].startswith("▲ Users aged 18-34 are over-represented: 50.0% of users against 25.0%")
    assert any("not compared" in t and "non-binary: 12" in t and "agender: fewer than 10" in t
               for t in texts)


def test_promoters_vs_detractors_and_engaged_vs_dormant(section):
    assert section.cmp_choice.count() == 2
    section.cmp_dim.setCurrentIndex(section.cmp_dim.findData("plan"))
    a, b = _bars(section.cmp_plot)
    # promoters are users 0..59 (all free), detractors 60..119 (20 free, 40 pro)
    assert a.opts["height"].tolist() == pytest.approx([100.0, 0.0])
    assert b.opts["height"].tolist() == pytest.approx([100 / 3, 200 / 3])
    assert "promoters (n = 60)" in section.cmp_legend.text()
    assert section.cmp_caption.text().startswith("The plan mix of promoters and detractors differs")


def test_no_profiles_shows_a_message(qtbot):
    sec = PeopleSection()
    qtbot.addWidget(sec)
    sec.show_result(PeopleSection.job(Workspace(), Filter(), {})(Progress()))
    assert "No user profiles" in sec.summary.text()
    assert sec.tab_model.rowCount() == 0


def test_global_filter_applies(qtbot):
    sec = PeopleSection()
    qtbot.addWidget(sec)
    result = PeopleSection.job(workspace(), Filter(regions=("FR-ARA",)), {"suppression_k": 10})(Progress())
    assert result.users == 63
    sec.show_result(result)
    assert sec.summary.text().startswith("<b>63 users</b>")
