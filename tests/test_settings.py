import json

from humetrics_desktop.settings import SETTINGS_VERSION, Settings, home


def test_settings_live_in_isolated_home(tmp_path, monkeypatch):
    monkeypatch.setenv("HUMETRICS_HOME", str(tmp_path))
    s = Settings()
    s.add_recent(tmp_path / "a.humetrics")
    assert home() == tmp_path
    assert json.loads((tmp_path / "settings.json").read_text())["recent_files"][0].endswith("a.humetrics")


def test_old_settings_are_migrated(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": 1, "min_cell": 5}))
    s = Settings(path)
    assert s["suppression_k"] == 5 and s["version"] == SETTINGS_VERSION


def test_damaged_settings_fall_back_to_defaults(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text("{not json")
    assert Settings(path)["suppression_k"] == 10
