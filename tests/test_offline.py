"""The offline guarantee: no network code in the app, and the app works with no network at all."""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "humetrics_desktop"
NETWORK_CODE = re.compile(r"^\s*(import|from)\s+(requests|urllib\.request|urllib3|http\.client|httpx|aiohttp|"
                          r"socket|ftplib|smtplib)\b", re.M)


def test_the_package_has_no_network_code():
    offenders = [str(f.relative_to(PKG)) for f in PKG.rglob("*.py") if NETWORK_CODE.search(f.read_text("utf-8"))]
    assert offenders == []


def _can_unshare() -> bool:
    if not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _can_unshare(), reason="needs `unshare -n` (root or user namespaces)")
def test_works_in_a_network_namespace_without_network(tmp_path):
    """Generate the demo, compute every metric and render every view inside `unshare -n`."""
    py = [sys.executable, "-m", "humetrics_desktop"]
    demo = tmp_path / "demo"
    script = (f"{' '.join(py)} demo --out {demo} --users 800 --events 20000 --seed 3 && "
              f"{' '.join(py)} metrics {demo} --json > {tmp_path / 'm.json'} && "
              f"{' '.join(py)} snapshot {demo} --out {tmp_path / 'snap'}")
    res = subprocess.run(["unshare", "-n", "bash", "-c", script], capture_output=True, text=True, timeout=600,
                         env={"PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen",
                              "HUMETRICS_HOME": str(tmp_path / "home"), "HOME": str(tmp_path)})
    assert res.returncode == 0, res.stderr[-3000:]
    assert (tmp_path / "m.json").stat().st_size > 1000
    assert len(list((tmp_path / "snap").glob("*.png"))) >= 5
