import json
import subprocess
import sys
from pathlib import Path

import pandas as pd

from humetrics_desktop.cli import main


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "humetrics_desktop", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def test_help_lists_the_headless_commands():
    res = _run("--help")
    assert res.returncode == 0
    for cmd in ("inspect", "metrics", "demo", "snapshot", "report"):
        assert cmd in res.stdout


def test_inspect_unreadable_files_exit_nonzero_with_one_line(tmp_path, capsys):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 20)
    assert main(["inspect", str(empty), str(junk), "--json"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert any(line.startswith(str(empty)) and "empty" in line for line in err)
    assert any(line.startswith(str(junk)) and "binary" in line for line in err)


def test_metrics_rejects_unknown_section(capsys):
    assert main(["metrics", "nothing.csv", "--only", "bogus"]) == 2
    assert "unknown section bogus" in capsys.readouterr().err


def test_entry_point_starts_the_window_and_quits(tmp_path):
    """The real entry point, as a user starts it, on a small export; exits cleanly."""
    users = tmp_path / "users.csv"
    pd.DataFrame({"user_id": ["a", "b"], "country": ["DE", "FR"]}).to_csv(users, index=False)
    res = _run(str(users), "--quit-after", "4000")
    assert res.returncode == 0, res.stderr[-2000:]


def test_metrics_json_follows_the_contract_and_matches_an_independent_count(demo_dir, capsys):
    import duckdb
    assert main(["metrics", str(demo_dir), "--json", "--only", "users,engagement,nps"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"period", "users", "engagement", "nps"}
    assert set(out["engagement"]) >= {"dau", "wau", "mau", "stickiness", "retention_weekly", "feature_adoption"}
    assert set(out["nps"]) >= {"responses", "promoters", "passives", "detractors", "score", "ci95",
                               "by_month", "by_country"}
    nps = duckdb.sql(f"""
        with v as (select distinct on (response_id) response_id, try_cast(score as integer) s
                   from read_csv('{demo_dir / "nps.csv"}', all_varchar=true)
                   where regexp_full_match(trim(score), '[0-9]+') and try_cast(score as integer) between 0 and 10)
        select count(*), count(*) filter (where s >= 9), count(*) filter (where s <= 6) from v""").fetchall()[0]
    assert (out["nps"]["responses"], out["nps"]["promoters"], out["nps"]["detractors"]) == nps
    dau = dict(duckdb.sql(f"""select strftime(timestamp, '%Y-%m-%d'), count(distinct user_id)
                              from read_parquet('{demo_dir / "events.parquet"}') group by 1""").fetchall())
    assert out["engagement"]["dau"] == {d: dau[d] for d in out["engagement"]["dau"]}
    assert out["users"]["total"] == 20_000


def test_metrics_suppression_hides_small_counts(demo_dir, capsys):
    assert main(["metrics", str(demo_dir), "--json", "--only", "nps", "--suppress", "50"]) == 0
    by_country = json.loads(capsys.readouterr().out)["nps"]["by_country"]
    assert any(v.get("suppressed") for v in by_country.values())
    assert all(v["responses"] is None or v["responses"] >= 50 for v in by_country.values())
