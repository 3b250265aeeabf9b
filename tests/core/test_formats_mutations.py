"""Damaged copies of every fixture (cut, a byte changed, a stretch doubled or deleted) are either
read with every row accounted for or refused with a one-line error; never a crash."""
import random
from pathlib import Path

import pytest

from humetrics_desktop.core.io.registry import read_any
from humetrics_desktop.core.io.report import ImportError_

FIX = Path(__file__).parents[1] / "fixtures" / "formats"
NAMES = ["mixpanel-events.jsonl", "mixpanel-profiles.json", "posthog-events.csv",
         "delighted-responses.csv", "qualtrics-nps.csv", "surveymonkey-nps.csv", "typeform-nps.csv",
         "google-play-reviews_202403.csv", "app-store-reviews.json", "ga4-exploration.csv",
         "amplitude-export.zip"]


def _mutate(data: bytes, rnd: random.Random) -> bytes:
    b = bytearray(data)
    i = rnd.randrange(len(b))
    op = rnd.choice(["cut", "flip", "dup", "del"])
    if op == "cut":
        return bytes(b[: max(1, i)])
    if op == "flip":
        b[i] = rnd.randrange(256)
        return bytes(b)
    if op == "dup":
        return bytes(b[:i] + b[i:i + 40] + b[i:])
    return bytes(b[:i] + b[i + rnd.randrange(1, 30):])


@pytest.mark.parametrize("name", NAMES)
def test_damaged_copies_are_counted_or_refused(tmp_path, name):
    rnd = random.Random(name)
    data = (FIX / name).read_bytes()
    for k in range(10):
        p = tmp_path / f"{k}-{name}"
        p.write_bytes(_mutate(data, rnd))
        try:
            rep = read_any(str(p)).report
        except ImportError_ as e:
            assert "\n" not in str(e) and str(e).startswith(str(p))
            continue
        assert rep.read == rep.valid + rep.duplicates + rep.rejected
