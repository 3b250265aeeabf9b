"""Google Play and App Store reviews, GA4 traffic and Mixpanel profiles, against fixtures written
from each tool's documented export layout; expected figures worked out by hand."""
from pathlib import Path

import pandas as pd

from humetrics_desktop.core.io import registry

FIX = Path(__file__).parents[1] / "fixtures" / "formats"


def _read(name):
    res = registry.read_any(str(FIX / name))
    rep = res.report
    assert rep.read == rep.valid + rep.duplicates + rep.rejected
    assert rep.valid == len(res.table)
    return res, rep, res.table


def test_google_play_utf16_reviews():
    assert (FIX / "google-play-reviews_202403.csv").read_bytes()[:2] == b"\xff\xfe"
    res, rep, df = _read("google-play-reviews_202403.csv")
    assert (rep.format, rep.kind) == ("google-play-reviews", "reviews")
    assert (rep.read, rep.valid, rep.duplicates, rep.rejected) == (6, 4, 1, 1)
    assert rep.reasons["star rating is not 1-5"] == 1
    assert df["rating"].tolist() == [5.0, 2.0, 4.0, 3.0]
    assert df["text"].iloc[1] == "Stürzt beim Öffnen ab"
    assert df["text"].iloc[2] == ""  # a rating without text still counts
    assert df["language"].tolist() == ["en", "de", "ja", "en"]
    # the millis column wins; the ISO text is used when it is empty
    assert df["created_at"].tolist() == [pd.Timestamp(t, tz="UTC") for t in (
        "2024-03-10 09:15", "2024-03-10 10:00", "2024-03-11 00:00", "2024-03-12 09:00")]


def test_app_store_pages_territories_and_offsets():
    res, rep, df = _read("app-store-reviews.json")
    assert rep.format == "app-store-reviews"
    assert (rep.read, rep.valid, rep.duplicates, rep.rejected) == (6, 4, 1, 1)
    assert df["country"].tolist() == ["US", "DE", "JP", "TR"]  # alpha-3 territories
    # -08:00 before the US DST change, -07:00 after it
    assert df["created_at"].iloc[0] == pd.Timestamp("2024-03-10 09:30", tz="UTC")
    assert df["created_at"].iloc[1] == pd.Timestamp("2024-03-10 10:30", tz="UTC")
    assert df["text"].iloc[2] == "便利"  # empty body: the title is the text


def test_ga4_preamble_totals_and_not_set():
    res, rep, df = _read("ga4-exploration.csv")
    assert (rep.format, rep.kind) == ("ga4", "traffic")
    assert (rep.read, rep.valid, rep.duplicates, rep.rejected) == (12, 7, 0, 5)
    assert dict(rep.reasons) == {"totals row (not data)": 1, "metric is not a number": 1,
                                 "date is not YYYYMMDD": 1,
                                 "another table in the file (only the first is read)": 2}
    assert df["active_users"].sum() == 320 + 1010 + 45 + 40 + 20 + 15 + 7
    assert df["country"].tolist() == ["US", "US", "DE", "DE", "JP", "TR", "??"]
    assert df["region"].tolist()[:6] == ["US-CA", "US-CA", "DE-BY", "DE-BY", "JP-13", "TR-34"]
    assert df["date"].iloc[0] == pd.Timestamp("2024-03-09", tz="UTC")


def test_mixpanel_profiles_pages_duplicates_and_cut_end():
    res, rep, df = _read("mixpanel-profiles.json")
    assert (rep.format, rep.kind) == ("mixpanel-profiles", "profiles")
    assert (rep.read, rep.valid, rep.duplicates, rep.rejected) == (7, 4, 1, 2)
    assert df["user_id"].tolist() == ["u-1", "u-2", "u-3", "u-4"]
    assert df["name"].tolist() == ["Ann Lee", "Bo Berg", None, None]
    assert df["region"].tolist() == ["US-CA", "DE-BY", "JP-13", "GB-ENG"]
    assert df["plan"].tolist() == ["pro", "free", "free", "pro"]
    assert df["signup_at"].iloc[1] == pd.Timestamp("2024-02-11 23:30", tz="UTC")


def test_ga4_reads_only_the_first_segment(tmp_path):
    p = tmp_path / "seg.csv"
    p.write_text("# Start date: 20240301\n# End date: 20240302\n"
                 "Segment,Country,Date,Active users\n"
                 "All Users,Germany,20240301,10\nAll Users,France,20240301,5\n"
                 "Mobile traffic,Germany,20240301,4\n")
    res = registry.read_any(str(p))
    assert res.report.format == "ga4"
    assert (res.report.read, res.report.valid, res.report.rejected) == (3, 2, 1)
    assert res.table["active_users"].sum() == 15


def test_ga4_summary_row_found_beside_metrics_we_do_not_keep(tmp_path):
    p = tmp_path / "ga4.csv"
    p.write_text("# Start date: 20240301\n# End date: 20240302\n"
                 "Country,Date,Active users,Engagement rate,Average engagement time per active user\n"
                 ",,15,0.61,42.5\nGermany,20240301,10,0.6,40\nFrance,20240301,5,0.62,45\n")
    res = registry.read_any(str(p))
    assert res.report.reasons["totals row (not data)"] == 1
    assert res.table["active_users"].sum() == 15


def test_mixpanel_profiles_as_csv_with_api_names(tmp_path):
    p = tmp_path / "users.csv"
    p.write_text("$distinct_id,$email,$country_code,$region,$created,plan\n"
                 "u1,a@example.com,US,California,2024-01-01T00:00:00,pro\n"
                 "u2,,DE,Bayern,2024-02-01T00:00:00,free\n"
                 "u1,a@example.com,US,California,2024-01-01T00:00:00,pro\n"
                 "u3,,JP\n", encoding="utf-8")
    res = registry.read_any(str(p))
    rep = res.report
    assert rep.format == "mixpanel-profiles"
    assert (rep.read, rep.valid, rep.duplicates, rep.rejected) == (4, 2, 1, 1)
    assert res.table["region"].tolist() == ["US-CA", "DE-BY"]
    assert res.table["plan"].tolist() == ["pro", "free"]
