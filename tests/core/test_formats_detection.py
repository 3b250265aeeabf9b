"""Each export is claimed by its own format module and by no other; layouts no tool writes are
left to the generic importer; sniffers never fail on junk."""
from pathlib import Path

import pytest

from humetrics_desktop.core.io.registry import check_readable, format_modules

FIX = Path(__file__).parents[1] / "fixtures" / "formats"

EXPECTED = {
    "mixpanel-events.jsonl": "mixpanel-events",
    "mixpanel-profiles.json": "mixpanel-profiles",
    "amplitude-export.zip": "amplitude-export",
    "123456_2024-03-09_16#0.json.gz": "amplitude-export",
    "posthog-events.csv": "posthog-events",
    "delighted-responses.csv": "delighted",
    "qualtrics-nps.csv": "qualtrics",
    "surveymonkey-nps.csv": "surveymonkey",
    "typeform-nps.csv": "typeform",
    "google-play-reviews_202403.csv": "google-play-reviews",
    "app-store-reviews.json": "app-store-reviews",
    "ga4-exploration.csv": "ga4",
}


def _claims(path: Path) -> list[str]:
    head = check_readable(str(path))
    return [m.FORMAT for m in format_modules() if m.sniff(str(path), head)]


@pytest.mark.parametrize("name, fmt", sorted(EXPECTED.items()))
def test_each_fixture_is_claimed_by_exactly_its_format(name, fmt):
    assert _claims(FIX / name) == [fmt]


def test_detection_does_not_depend_on_the_file_name(tmp_path):
    for name, fmt in EXPECTED.items():
        if name.endswith((".zip", ".gz")):
            continue
        renamed = tmp_path / f"export-{fmt}.txt"
        renamed.write_bytes((FIX / name).read_bytes())
        assert _claims(renamed) == [fmt]


@pytest.mark.parametrize("content", [
    b"user_id,signup_at,country,region,age,gender,language,plan\nu1,2024-01-01,DE,DE-BY,31,f,de,pro\n",
    b"feedback_id,created_at,source,text,rating,user_id,country\n1,2024-01-01,app,nice,5,u1,DE\n",
    b"date,country,active_users,sessions\n2024-01-01,DE,10,12\n",
    b'{"user_id": "u1", "event": "login", "timestamp": "2024-01-01T00:00:00Z"}\n',
    b'[{"id": 1, "score": 9}]',
    b"# a comment\nname,value\na,1\n",
    b"Score,Comment\n9,ok\n",
    b"\x00\x01\x02binary\xff\xfe\x00" * 50,
    "\ufeffRespondent ID\n".encode("utf-8"),
])
def test_unknown_layouts_are_not_claimed(tmp_path, content):
    p = tmp_path / "data.csv"
    p.write_bytes(content)
    for m in format_modules():
        assert not m.sniff(str(p), content), m.FORMAT
