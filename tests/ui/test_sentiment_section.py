"""The Sentiment section through its widgets, models and plot items: headline counts, curves and lag
bars equal the core's numbers, a term click opens its texts, filters, masking, model switch."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import Qt

from humetrics_desktop.core.filters import Filter
from humetrics_desktop.core.metrics.sentiment import sentiment_overview
from humetrics_desktop.core.progress import Progress
from humetrics_desktop.core.text.terms import texts_with_term
from humetrics_desktop.core.workspace import Workspace
from humetrics_desktop.ui.sections.sentiment import SentimentSection
from humetrics_desktop.ui.sections.sentiment_browser import COLUMNS

NEG = ["The sync crashes all the time, terrible", "Awful update, the editor is so slow",
       "Support never answered, useless"]
POS = ["Great app, I love the search", "Excellent design and very helpful team", "Nice and easy to use"]
DAYS = 150
SETTINGS = {"sentiment_model": "textblob", "negative_threshold": -0.05, "positive_threshold": 0.05}


def workspace(seed: int = 0) -> Workspace:
    """20 reviews a day, a varying share negative; traffic dips 3 days after negative days; some
    German reviews (not scored) and one blank review."""
    rng = np.random.default_rng(seed)
    share = np.clip(0.3 + 0.15 * rng.standard_normal(DAYS), 0.02, 0.95)
    rows = []
    for d in range(DAYS):
        for i in range(20):
            neg = rng.random() < share[d]
            rows.append({"text": (NEG if neg else POS)[rng.integers(0, 3)],
                         "created_at": pd.Timestamp("2026-01-01", tz="UTC") + pd.Timedelta(days=d, hours=i),
                         "source": ["app-store", "google-play"][i % 2], "rating": 1 if neg else 5,
                         "country": ["US", "GB", "DE"][i % 3], "user_id": f"u{d}-{i}", "author": f"Ann {d}"})
    rows += [{"text": "Die App ist wirklich schlecht und langsam", "created_at": pd.Timestamp("2026-02-01", tz="UTC"),
              "source": "google-play", "country": "DE", "user_id": "de1", "author": "Jörg"},
             {"text": "", "created_at": pd.Timestamp("2026-02-02", tz="UTC"), "source": "app-store", "country": "US"}]
    reviews = pd.DataFrame(rows)
    traffic = 1000 + np.cumsum(5 * rng.standard_normal(DAYS))
    traffic[3:] -= 400 * (share[:-3] - 0.3)
    t = pd.DataFrame({"date": pd.date_range("2026-01-01", periods=DAYS, freq="D", tz="UTC"),
                      "active_users": traffic.round()})
    return Workspace(tables={"reviews": reviews, "traffic": t})


@pytest.fixture
def shown(qtbot):
    ws = workspace()
    sec = SentimentSection()
    qtbot.addWidget(sec)
    sec.resize(1400, 900)
    result = sec.job(ws, Filter(), SETTINGS)(Progress())
    sec.show_result(result)
    return sec, ws, result


def test_headline_counts_and_not_scored(shown):
    sec, ws, result = shown
    c = result["overview"]["counts"]
    assert c == {"texts": DAYS * 20 + 2, "scored": DAYS * 20, "not_scored": 2,
                 "by_status": {"scored": DAYS * 20, "language": 1, "empty": 1}}
    text = sec.headline.text()
    assert f"{DAYS * 20:,}" in text and "textblob 0.20" in text and "not counted as neutral" in text


def test_curves_and_lag_bars_show_the_core_numbers(shown):
    sec, ws, result = shown
    ov = result["overview"]
    x, y = sec.mean_curve.xData, sec.mean_curve.yData
    assert np.allclose(y, ov["daily"]["mean"].to_numpy())
    assert x[0] == pd.Timestamp("2026-01-01", tz="UTC").timestamp()
    ty = sec.traffic_curve.yData
    assert np.allclose(ty, ov["traffic"].to_numpy())
    lags = ov["correlation"].lags
    assert np.allclose(sec.lag_bars.opts["height"], lags["r"].to_numpy())
    assert list(sec.lag_bars.opts["x"]) == list(range(-14, 15))
    assert ov["correlation"].best["lag"] == 3
    assert "leads active users (traffic export) by 3 days" in sec.sentence.text()
    assert not sec.warning.isVisibleTo(sec)  # 150 days: no thin-data warning


def test_pointing_at_a_day_shows_its_numbers(shown):
    sec, ws, result = shown
    ov = result["overview"]
    day = pd.Timestamp("2026-01-10")
    row = ov["daily"].loc[day]
    sec.show_day(pd.Timestamp("2026-01-10 05:00", tz="UTC").timestamp())
    text = sec.day_label.text()
    assert text.startswith("Sat 10 Jan 2026") and f"n = {int(row['n'])} scored texts" in text
    assert f"{row['mean']:.2f} [{row['ci_low']:.2f}, {row['ci_high']:.2f}]" in text
    assert f"{ov['traffic'][day]:.0f}" in text


def test_clicking_a_term_opens_its_texts(shown, qtbot):
    sec, ws, result = shown
    sec.tabs.setCurrentIndex(1)
    first = sec.neg_model.frame().iloc[0]["term"]
    index = sec.neg_model.index(0, 0)
    rect = sec.neg_view.visualRect(index)
    qtbot.mouseClick(sec.neg_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert sec.tabs.currentWidget() is sec.browser
    assert sec.browser.term.text() == first
    expected = texts_with_term(result["overview"]["feedback"], first)
    assert sec.browser.model.rowCount() == len(expected) > 0
    assert list(sec.browser.model.frame().columns) == [c for c in COLUMNS if c in expected.columns]


def test_browser_filters_and_masks(shown):
    sec, ws, result = shown
    b = sec.browser
    b.set_filter("sentiment", "not scored (language)")
    assert b.model.rowCount() == 1
    col = list(b.model.frame().columns)
    user_col, text_col = col.index("user_id"), col.index("text")
    assert b.model.index(0, user_col).data() == "d***"
    sec.set_unmasked(True)
    assert b.model.index(0, user_col).data() == "de1"
    sec.set_unmasked(False)
    b.clear_filters()
    b.set_filter("source", "app-store")
    b.set_filter("place", "GB")
    frame = b.visible_frame()
    assert len(frame) > 0 and set(frame["source"]) == {"app-store"} and set(frame["country"]) == {"GB"}
    b.table.selectRow(0)
    assert "textblob 0.20" in b.detail.toPlainText() and "polarity" in b.detail.toPlainText()


def test_switching_model_rescores_and_is_remembered(shown):
    sec, ws, result = shown
    sec.controls["sentiment_model"].setCurrentIndex(sec.controls["sentiment_model"].findData("vader"))
    assert sec.result["overview"]["model"].startswith("vader 3.3")
    assert "vader 3.3" in sec.headline.text()
    assert ws.view_state["sentiment"]["sentiment_model"] == "vader"
    # The next refresh (e.g. a filter change) keeps the choice.
    again = SentimentSection.job(ws, Filter(), SETTINGS)(Progress())
    assert again["overview"]["model"].startswith("vader")
    direct = sentiment_overview(ws, {**SETTINGS, "sentiment_model": "vader"})
    assert np.allclose(again["overview"]["daily"]["mean"], direct["daily"]["mean"])


def test_filter_by_date_changes_days_and_warns_when_thin(qtbot):
    ws = workspace()
    sec = SentimentSection()
    qtbot.addWidget(sec)
    from datetime import date
    result = sec.job(ws, Filter(start=date(2026, 1, 1), end=date(2026, 2, 9)), SETTINGS)(Progress())
    sec.show_result(result)
    assert result["overview"]["daily"].index.max() <= pd.Timestamp("2026-02-09")
    assert sec.warning.isVisibleTo(sec) and "days" in sec.warning.text()


def test_no_feedback(qtbot):
    sec = SentimentSection()
    qtbot.addWidget(sec)
    result = sec.job(Workspace(), Filter(), SETTINGS)(Progress())
    assert result is None
    sec.show_result(result)
    assert "No feedback texts imported" in sec.headline.text()


def test_user_lexicon_extends_the_model_and_shows_in_labels(shown, tmp_path):
    sec, ws, result = shown
    before = result["overview"]["feedback"]
    lex = tmp_path / "lexicon.csv"
    lex.write_text("word,score\nsearch,-1.0\n", encoding="utf-8")
    sec.set_lexicon(str(lex))
    ov = sec.result["overview"]
    assert "lexicon" in ov["model"] and "lexicon.csv" in sec.lexicon_button.text()
    assert sec.lexicon_clear.isVisibleTo(sec)
    fb = ov["feedback"]
    # TextBlob reads "great" as 0.8 and "love" as 0.5; the lexicon adds "search" at -1: mean of three.
    assert before.loc[before["text"] == POS[0], "polarity"].iloc[0] == pytest.approx((0.8 + 0.5) / 2)
    assert np.allclose(fb.loc[fb["text"] == POS[0], "polarity"], (0.8 + 0.5 - 1.0) / 3)
    assert (fb.loc[fb["text"] == POS[1], "polarity"] == before.loc[before["text"] == POS[1], "polarity"]).all()
    sec.set_lexicon(None)
    assert "lexicon" not in sec.result["overview"]["model"] and not sec.lexicon_clear.isVisibleTo(sec)


def test_terms_by_month_open_that_months_texts(shown):
    sec, ws, result = shown
    i = sec.scope.findData("month:2026-02")
    assert i > 0
    sec.scope.setCurrentIndex(i)
    expected = result["overview"]["terms_by"]["month"]["2026-02"]
    term = expected[expected["side"] == "negative"].iloc[0]["term"]
    assert sec.neg_model.frame().iloc[0]["term"] == term
    sec.show_term(term)
    shown_rows = sec.browser.visible_frame()
    assert len(shown_rows) > 0 and sec.browser.combos["month"].currentText() == "2026-02"
    assert set(shown_rows["created_at"].dt.strftime("%Y-%m")) == {"2026-02"}
