"""The NPS section through its models and signals: headline, alert banner -> drill-down, sorting,
filtering, chunked fetching, person timeline, masking, export, segments."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import Qt

from humetrics_desktop.core.filters import Filter
from humetrics_desktop.core.progress import Progress
from humetrics_desktop.core.workspace import Workspace
from humetrics_desktop.ui.models.respondents import CHUNK, RespondentsModel
from humetrics_desktop.ui.sections.nps import NpsSection

REGIONS = ["US-CA", "US-NY", "DE-BY", "FR-IDF"]


def small_workspace(seed: int = 0, users: int = 800, responses: int = 2400) -> Workspace:
    """Responses over 12 months; from 2026-07 US-CA's answers turn mostly detractor."""
    rng = np.random.default_rng(seed)
    uid = np.array([f"u{i:04d}" for i in range(users)])
    region = rng.choice(REGIONS, users)
    profiles = pd.DataFrame({"user_id": uid, "region": region, "country": [r[:2] for r in region],
                             "plan": rng.choice(["free", "pro"], users), "age": rng.integers(18, 70, users),
                             "gender": rng.choice(["female", "male", "non-binary"], users),
                             "email": [f"person{i}@example.org" for i in range(users)]})
    start = pd.Timestamp("2026-01-01", tz="UTC")
    who = rng.integers(0, users, responses)
    when = start + pd.to_timedelta(rng.integers(0, 365 * 24, responses), unit="h")
    p = np.array([2, 1, 2, 3, 4, 6, 7, 15, 20, 20, 20], float)
    score = rng.choice(11, responses, p=p / p.sum())
    hit = (region[who] == "US-CA") & (when >= pd.Timestamp("2026-07-01", tz="UTC"))
    score[hit] = np.where(rng.random(hit.sum()) < 0.6, rng.integers(0, 7, hit.sum()), score[hit])
    comments = np.where(score <= 6, "too expensive now", np.where(score >= 9, "love the search", "")).astype(object)
    comments[0] = "=cmd|' /C calc'!A0"
    survey = pd.DataFrame({"response_id": [f"r{i}" for i in range(responses)], "user_id": uid[who],
                           "submitted_at": when, "score": score, "comment": comments, "survey": "delighted"})
    n_ev = 30_000
    ev_user = rng.integers(0, users, n_ev)
    events = pd.DataFrame({"user_id": uid[ev_user],
                           "timestamp": start + pd.to_timedelta(rng.integers(0, 365 * 24 * 60, n_ev), unit="min"),
                           "event": rng.choice(["search", "edit", "share", "export"], n_ev)})
    return Workspace(tables={"profiles": profiles, "survey": survey, "events": events}, secret=b"s" * 32)


@pytest.fixture(scope="module")
def result():
    ws = small_workspace()
    return ws, NpsSection.job(ws, Filter(), {"min_nps_responses": 30, "suppression_k": 10})(Progress())


@pytest.fixture
def section(qtbot, result):
    sec = NpsSection()
    qtbot.addWidget(sec)
    sec.resize(1400, 900)
    sec.show_result(result[1])
    return sec


def test_headline_and_alert_banner_open_the_drill_down(qtbot, section, result):
    _, res = result
    assert f"n = {res.total.responses:,}" in section.headline.text()
    assert res.alerts and res.alerts[0].value == "US-CA"
    assert "US-CA" in section.banner_text.text() and section.banner_open.isVisibleTo(section)
    section.open_current_alert()
    assert section.tabs.currentIndex() == 2
    m = section.respondents
    shown = m.frame_rows()
    # every row shown is a US-CA detractor answering inside the alert's later window
    a = res.alerts[0]
    assert len(shown) == m.total_rows() > 0
    assert (shown["region"] == "US-CA").all() and (shown["category"] == "detractor").all()
    assert (shown["submitted_at"] >= a.current_start).all() and (shown["submitted_at"] < a.current_end).all()
    expected = res.respondents
    expected = expected[(expected["region"] == "US-CA") & (expected["category"] == "detractor")
                        & (expected["submitted_at"] >= a.current_start) & (expected["submitted_at"] < a.current_end)]
    assert m.total_rows() == len(expected)
    section.clear_focus()
    section.category.setCurrentIndex(0)
    assert m.total_rows() == len(res.respondents)


def test_comments_carry_sentiment_and_blank_ones_none(result):
    r = result[1].respondents
    assert (r.loc[r["comment"] == "love the search", "sentiment"] > 0).all()
    assert (r.loc[r["comment"] == "too expensive now", "sentiment"] < 0).all()
    assert r.loc[r["comment"] == "", "sentiment"].isna().all()  # not scored, never 0


def test_personal_fields_masked_unless_unmasked(section):
    m = section.respondents
    cols = m.column_names()
    assert "sentiment" in cols
    uid_col, email_col = cols.index("user_id"), cols.index("email")
    raw_uid = m.data(m.index(0, uid_col), Qt.ItemDataRole.UserRole)
    shown_uid = m.data(m.index(0, uid_col))
    assert shown_uid != raw_uid and shown_uid.startswith("p_")
    assert "@example.org" not in m.data(m.index(0, email_col))
    section.set_unmasked(True)
    assert m.data(m.index(0, uid_col)) == raw_uid
    assert m.data(m.index(0, email_col)).endswith("@example.org")


def test_sort_and_text_filter(section):
    m = section.respondents
    score_col = m.column_names().index("score")
    m.sort(score_col, Qt.SortOrder.DescendingOrder)
    scores = m.frame_rows()["score"].to_numpy()
    assert (np.diff(scores) <= 0).all() and scores[0] == 10
    section.search.setText("EXPENSIVE")
    section._apply_drill_filter()
    kept = m.frame_rows()
    assert len(kept) == (section.result.respondents["comment"] == "too expensive now").sum()
    assert (np.diff(kept["score"].to_numpy()) <= 0).all()  # the sort survives a new filter


def test_person_timeline_follows_selection(qtbot, section):
    view = section.respondents_view
    view.setCurrentIndex(section.respondents.index(3, 0))
    uid = section.respondents.value(3, "user_id")
    tl = section.timeline_model.frame()
    expected = section.result.timelines.of(uid)
    assert len(tl) == len(expected) > 0
    assert "survey answers" in section.person_title.text() and uid not in section.person_title.text()


def test_export_of_focused_rows_is_pseudonymised_and_safe(tmp_path, section):
    section.search.setText("")
    section.open_current_alert()
    s = section.export_to(tmp_path / "detractors.csv")
    out = pd.read_csv(s.path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert len(out) == section.respondents.total_rows()
    assert out["user_id"].str.startswith("p_").all() and not out["email"].str.contains("@example.org").any()
    # "keep" without an unmasked session still pseudonymises
    s2 = section.export_to(tmp_path / "all.csv", mode="keep")
    assert s2.mode == "pseudonymise"
    section.clear_focus()
    section.category.setCurrentIndex(0)
    s3 = section.export_to(tmp_path / "everyone.csv")
    everyone = pd.read_csv(s3.path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert not everyone["comment"].str.startswith("=").any()
    assert (everyone["comment"] == "'=cmd|' /C calc'!A0").sum() == 1


def test_export_dialog_writes_in_the_background(qtbot, tmp_path, section, monkeypatch):
    target = tmp_path / "risk.xlsx"
    monkeypatch.setattr("humetrics_desktop.ui.sections.nps.QFileDialog.getSaveFileName",
                        lambda *a, **k: (str(target), ""))
    section._export_dialog("at_risk")
    qtbot.waitUntil(lambda: section.last_export is not None and target.exists(), timeout=20_000)
    assert section.last_export.rows == len(section.result.at_risk)
    assert "Exported" in section.count_label.text()


def test_several_survey_imports_pool_into_one_score(qtbot):
    from pathlib import Path
    from humetrics_desktop.core.loading import load_paths
    fixtures = Path(__file__).parents[1] / "fixtures" / "formats"
    names = ["delighted-responses.csv", "qualtrics-nps.csv", "surveymonkey-nps.csv", "typeform-nps.csv"]
    ws = load_paths([fixtures / n for n in names]).workspace
    sec = NpsSection()
    qtbot.addWidget(sec)
    sec.show_result(NpsSection.job(ws, Filter(), {})(Progress()))
    by = sec.survey_model.frame().set_index("survey")
    assert set(by.index) == {"delighted", "qualtrics", "surveymonkey", "typeform"}
    assert by["responses"].sum() == sec.result.total.responses == len(sec.result.respondents)
    assert by[["promoters", "passives", "detractors"]].sum().tolist() == [
        sec.result.total.promoters, sec.result.total.passives, sec.result.total.detractors]
    # too few responses for any period: every month is marked too thin, nothing is flagged
    months = sec.result.periods["month"]
    assert months.loc[months["responses"] > 0, "too_thin"].all() and not months["decline"].any()
    # merged, the 16 responses still make one thin group
    sec.merge_thin.setChecked(True)
    merged = sec.result.merged_periods["month"]
    assert len(merged) == 1 and merged["responses"].iloc[0] == 16 and merged["too_thin"].iloc[0]
    assert "1 period; 1 too thin" in sec.time_note.text()
    assert "No decline" in sec.banner_text.text()


def test_no_survey_says_so(qtbot):
    ws = small_workspace()
    ws = Workspace(tables={k: v for k, v in ws.tables.items() if k != "survey"})
    result = NpsSection.job(ws, Filter(), {})(Progress())
    assert result is None
    sec = NpsSection()
    qtbot.addWidget(sec)
    sec.show_result(result)
    assert "No survey responses" in sec.headline.text() and sec.respondents.rowCount() == 0


def test_focus_from_another_section(section):
    region = section.result.respondents["region"].iloc[0]
    section.focus_on({"regions": [region], "category": "promoter"})
    shown = section.respondents.frame_rows()
    assert len(shown) and (shown["region"] == region).all() and (shown["category"] == "promoter").all()
    assert region in section.scope_label.text()


def test_focus_from_a_finding_context(qtbot, section):
    # the context Findings sends for a decline: segment, period labels, a term
    a = section.result.alerts[0]
    with qtbot.waitSignal(section.respondents.rows_changed) as blocker:
        section.focus_on({"scope": a.scope, "value": a.value, "baseline": a.baseline_label,
                          "current": a.current_label, "term": "expensive", "regions": [a.value]})
    shown = section.respondents.frame_rows()
    assert blocker.args[0] == len(shown) > 0
    assert (shown["region"] == a.value).all() and (shown["category"] == "detractor").all()
    assert (shown["submitted_at"] >= a.current_start).all() and (shown["submitted_at"] < a.current_end).all()
    assert shown["comment"].str.contains("expensive").all()
    section.focus_on({"feature": "search"})
    assert section.tabs.currentIndex() == 4


def test_segment_table_and_region_click(qtbot, section):
    section.segment.setCurrentText("region")
    table = section.segment_model.frame()
    assert set(table["region"]) == set(REGIONS) and table["responses"].sum() == section.result.total.responses
    with qtbot.waitSignal(section.filter_requested) as blocker:
        section._segment_double_clicked(section.segment_model.index(0, 0))
    assert blocker.args[0]["regions"][0] in REGIONS


def test_periods_switch_and_thin_periods(section):
    for i, freq in enumerate(("week", "month", "quarter")):
        section.period.setCurrentIndex(i)
        assert str(len(section.result.periods[freq])) in section.time_note.text()
    items = section.nps_plot.listDataItems()
    assert any(len(it.getData()[0]) == 4 for it in items)  # four quarters drawn


def test_model_fetches_in_chunks_and_sorts_a_million_rows(qtbot):
    n = 1_000_000
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"user_id": [f"u{i}" for i in range(n)], "score": rng.integers(0, 11, n),
                          "category": pd.Categorical.from_codes(rng.integers(0, 3, n),
                                                                ["detractor", "passive", "promoter"]),
                          "region": rng.choice(REGIONS, n)})
    m = RespondentsModel()
    m.set_frame(frame, b"k")
    assert m.rowCount() == CHUNK and m.canFetchMore()
    m.fetchMore()
    assert m.rowCount() == 2 * CHUNK
    m.sort(m.column_names().index("region"))
    regions = m.frame_rows()["region"].to_numpy()
    assert (regions[:-1] <= regions[1:]).all()
    m.set_filter(category="promoter", equals={"region": ["DE-BY"]})
    kept = m.frame_rows()
    assert len(kept) == ((frame["category"] == "promoter") & (frame["region"] == "DE-BY")).sum()
    assert (kept["region"] == "DE-BY").all() and m.rowCount() == CHUNK
