"""The parallel pool gives exactly the serial scores; cancelling stops it; the cache means a text is
scored once per model, across reopening and refiltering."""
from __future__ import annotations

import pandas as pd
import pytest
from textblob import TextBlob

from humetrics_desktop.core.progress import Cancelled, Progress
from humetrics_desktop.core.text import cache as cache_mod
from humetrics_desktop.core.text.cache import CACHE_KEY, scores_for_workspace, scores_with_cache, text_hash
from humetrics_desktop.core.text.models import model_spec
from humetrics_desktop.core.text.scoring import score_parallel, score_serial

TEXTS = ["Great app, I love it", "Crashes constantly, useless", "Die App ist gut und ich mag sie sehr",
         "", "Slow sync, but the support team was very helpful!", "meh", "アプリが好き", "Not bad at all"]


@pytest.mark.parametrize("model", ["textblob", "vader"])
def test_parallel_equals_serial(model):
    texts = [f"{t} #{i % 7}" if t else t for i, t in enumerate(TEXTS * 40)]
    spec = model_spec(model)
    serial = score_serial(texts, spec)
    parallel = score_parallel(texts, spec, workers=2, chunk_size=37)
    pd.testing.assert_frame_equal(serial, parallel)
    if model == "textblob":
        english = serial["status"] == "scored"
        direct = [TextBlob(t).sentiment.polarity for t, ok in zip(texts, english) if ok]
        assert serial.loc[english, "polarity"].tolist() == direct


def test_cancel_stops_scoring():
    progress = Progress()
    progress.cancel()
    with pytest.raises(Cancelled):
        score_serial(TEXTS * 10, model_spec("textblob"), progress, chunk_size=5)


def test_cache_scores_each_text_once_per_model(monkeypatch):
    calls = []
    real = cache_mod.score_texts

    def counting(texts, spec, progress=None, workers=None):
        calls.append(list(texts))
        return real(texts, spec, progress, workers)

    monkeypatch.setattr(cache_mod, "score_texts", counting)
    spec = model_spec("textblob")
    out, cache = scores_with_cache(TEXTS + TEXTS[:3], spec, None)
    assert len(calls[0]) == len(TEXTS)  # duplicates scored once
    assert list(out["hash"]) == [text_hash(t) for t in TEXTS + TEXTS[:3]]
    assert out["polarity"].iloc[0] == out["polarity"].iloc[len(TEXTS)]
    # A refiltered subset scores nothing new; a new text is the only one scored.
    sub, cache2 = scores_with_cache(TEXTS[2:5], spec, cache)
    assert len(calls) == 1 and len(cache2) == len(cache)
    pd.testing.assert_frame_equal(sub.reset_index(drop=True), out.iloc[2:5].reset_index(drop=True))
    scores_with_cache(TEXTS + ["Brand new text, lovely"], spec, cache2)
    assert calls[1] == ["Brand new text, lovely"]
    # Another model has its own entries.
    _, cache3 = scores_with_cache(TEXTS, model_spec("vader"), cache2)
    assert len(calls[2]) == len(TEXTS) and set(cache3["model"]) == {spec.label, model_spec("vader").label}


def test_workspace_cache_survives_save_and_load(tmp_path, monkeypatch):
    from humetrics_desktop.core.workspace import Workspace

    ws = Workspace()
    first = scores_for_workspace(ws, TEXTS, model_spec("vader"))
    path = ws.save(tmp_path / "p")
    reopened = Workspace.load(path)

    def fail(*a, **k):
        raise AssertionError("rescored after reopening")

    monkeypatch.setattr(cache_mod, "score_texts", fail)
    again = scores_for_workspace(reopened, TEXTS, model_spec("vader"))
    pd.testing.assert_series_equal(first["polarity"], again["polarity"])
    assert list(again["status"].astype(str)) == list(first["status"].astype(str))
    assert CACHE_KEY in reopened.cache


class _CancelAfterFirstChunk(Progress):
    def _report(self) -> None:
        if self.value > 0:
            self.cancel()


def test_cancel_terminates_the_pool():
    progress = _CancelAfterFirstChunk()
    with pytest.raises(Cancelled):
        score_parallel(TEXTS * 50, model_spec("vader"), progress, workers=2, chunk_size=10)
    assert 0 < progress.value < 1


def test_broken_pool_falls_back_to_serial(monkeypatch):
    """Workers that cannot start (e.g. a frozen app without freeze_support) must not hang the app."""
    import multiprocessing as mp

    from humetrics_desktop.core.text import scoring

    def broken(spec):
        raise SystemExit("no worker here")

    monkeypatch.setattr(scoring, "_init_worker", broken)
    monkeypatch.setattr(scoring, "_context", lambda: mp.get_context("fork"))
    messages = []

    class Recording(Progress):
        def _report(self) -> None:
            messages.append(self.message)

    progress = Recording()
    out = score_parallel(TEXTS * 20, model_spec("textblob"), progress, workers=2, chunk_size=16)
    pd.testing.assert_frame_equal(out, score_serial(TEXTS * 20, model_spec("textblob")))
    assert progress.value == 1.0
    assert "Scoring processes could not run; scoring on one core" in messages
