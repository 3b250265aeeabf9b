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
