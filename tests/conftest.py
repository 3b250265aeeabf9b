"""Suite-wide guards: Qt offscreen, settings isolated from the user's, and no network at all."""
from __future__ import annotations

import os
import socket

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


class NetworkBlocked(RuntimeError):
    pass


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_local(address) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX paths
        return True
    host = address[0] if isinstance(address, tuple) else address
    return host in ("localhost", "::1", "") or str(host).startswith("127.")


def _guarded_connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address):
        raise NetworkBlocked(f"test tried to connect to {address!r}: the app must work offline")
    return _real_connect(self, address)


def _guarded_connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address):
        raise NetworkBlocked(f"test tried to connect to {address!r}: the app must work offline")
    return _real_connect_ex(self, address)


socket.socket.connect = _guarded_connect
socket.socket.connect_ex = _guarded_connect_ex


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """Settings, remembered mappings and the demo cache go to a temporary folder, never the user's."""
    home = tmp_path_factory.mktemp("humetrics-home")
    monkeypatch.setenv("HUMETRICS_HOME", str(home))
    yield home


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory):
    """The default-size demo exports (20k users, 1M events), generated once per test session."""
    from humetrics_desktop.core.demo import generate
    out = tmp_path_factory.mktemp("demo-default")
    generate(out, seed=0)
    return out


@pytest.fixture(scope="session")
def demo_ws(demo_dir):
    """The demo exports imported into a workspace, once per test session (treat as read-only)."""
    from humetrics_desktop.core.loading import load_paths
    outcome = load_paths([demo_dir])
    assert outcome.errors == []
    return outcome.workspace
