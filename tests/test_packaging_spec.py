"""The PyInstaller spec keeps what the bundle cannot run without, checked without building.

The spec is executed with PyInstaller's hook helpers and build steps replaced by recorders, so the
test needs no PyInstaller and takes milliseconds. The real build and its smoke test are
packaging/build.sh (minutes; outside the default test run).
"""
from __future__ import annotations

import ast
import configparser
import struct
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"

# (destination name, source, type) entries the spec's lean filter is given to sort.
TOC_IN = [
    ("PySide6/Qt/plugins/platforms/libqxcb.so", "src", "BINARY"),
    ("PySide6/Qt/plugins/platforms/libqwayland.so", "src", "BINARY"),
    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", "src", "BINARY"),
    ("PySide6/Qt/plugins/platforms/libqvnc.so", "src", "BINARY"),
    ("PySide6/Qt/plugins/platforms/libqeglfs.so", "src", "BINARY"),
    ("PySide6/Qt/translations/qtbase_de.qm", "src", "DATA"),
    ("pyarrow/libparquet.so.2600", "src", "BINARY"),
    ("pyarrow/libarrow.so.2600", "src", "BINARY"),
    ("pyarrow/libarrow_flight.so.2600", "src", "BINARY"),
    ("pyarrow/libarrow_s3.so.2600", "src", "BINARY"),
    ("pyarrow/_parquet.pyx", "src", "DATA"),
    ("textblob/en/en-sentiment.xml", "src", "DATA"),
]
KEPT = {"libqxcb.so", "libqwayland.so", "libqoffscreen.so", "libparquet.so.2600", "libarrow.so.2600",
        "en-sentiment.xml"}


class _Analysis:
    def __init__(self, scripts, **kwargs):
        self.entry_scripts = scripts
        self.kwargs = kwargs
        self.binaries = [e for e in TOC_IN if e[2] == "BINARY"]
        self.datas = [e for e in TOC_IN if e[2] == "DATA"]
        self.pure, self.scripts = [], []


def _hooks() -> types.ModuleType:
    """Stand-ins for PyInstaller.utils.hooks that name what was asked for."""
    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_data_files = lambda pkg, *a, **k: [(f"<data {pkg}>", pkg)]
    hooks.collect_submodules = lambda pkg, *a, **k: [f"<submodules {pkg}>"]
    hooks.copy_metadata = lambda pkg, *a, **k: [(f"<metadata {pkg}>", f"{pkg}.dist-info")]
    hooks.collect_all = lambda pkg, *a, **k: (
        [(f"<data {pkg}>", pkg), (f"<data {pkg} tests>", f"{pkg}/tests/fixtures")],
        [(f"<binaries {pkg}>", f"{pkg}.libs")],
        [f"{pkg}._io", f"{pkg}.tests.conftest"],
    )
    return hooks


def _run_spec(monkeypatch, platform: str) -> dict:
    """The spec's namespace after running it as on `platform`, with the recorded build steps."""
    hooks = _hooks()
    for name, mod in (("PyInstaller", types.ModuleType("PyInstaller")),
                      ("PyInstaller.utils", types.ModuleType("PyInstaller.utils")),
                      ("PyInstaller.utils.hooks", hooks)):
        monkeypatch.setitem(sys.modules, name, mod)
    monkeypatch.setattr(sys, "platform", platform)
    steps: dict[str, dict] = {}

    def step(name):
        def record(*args, **kwargs):
            steps[name] = {"args": args, **kwargs}
            return name
        return record

    namespace = {"SPECPATH": str(PACKAGING), "__name__": "__main__", "Analysis": _Analysis,
                 "PYZ": step("PYZ"), "EXE": step("EXE"), "COLLECT": step("COLLECT"),
                 "BUNDLE": step("BUNDLE")}
    path = PACKAGING / "humetrics.spec"
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
    namespace["steps"] = steps
    return namespace


@pytest.fixture
def spec(monkeypatch) -> dict:
    return _run_spec(monkeypatch, "linux")


def test_spec_collects_the_data_files_the_bundle_needs(spec):
    datas = spec["a"].kwargs["datas"]
    for pkg in ("textblob", "vaderSentiment", "pyogrio", "pyproj", "pycountry", "langdetect"):
        assert (f"<data {pkg}>", pkg) in datas, f"{pkg} data files are not collected"
    for pkg in ("textblob", "vaderSentiment"):  # importlib.metadata.version() labels the scores
        assert (f"<metadata {pkg}>", f"{pkg}.dist-info") in datas
    assert ("<binaries pyogrio>", "pyogrio.libs") in spec["a"].kwargs["binaries"]  # GDAL itself
    assert not [d for d in datas if "tests" in d[1]], "pyogrio's test fixtures are bundled"


def test_resources_land_where_the_frozen_app_looks(spec, monkeypatch):
    from humetrics_desktop import resources

    (source, dest), = [d for d in spec["a"].kwargs["datas"] if not d[0].startswith("<")]
    assert Path(source) == resources.resources_dir()  # the repository's resources/ (not frozen)
    assert (Path(source) / "geo" / "PROVENANCE.md").exists()
    monkeypatch.setattr(sys, "_MEIPASS", "/bundle", raising=False)
    assert resources.resources_dir() == Path("/bundle") / dest


def test_dynamically_discovered_modules_are_hidden_imports(spec):
    hidden = spec["a"].kwargs["hiddenimports"]
    assert "<submodules humetrics_desktop>" in hidden  # format readers, window sections
    assert "pyogrio._io" in hidden
    assert "pyogrio.tests.conftest" not in hidden


def test_the_entry_script_is_the_cli_with_freeze_support_first(spec):
    entry = Path(spec["a"].entry_scripts[0])
    assert entry == PACKAGING / "entry.py"
    tree = ast.parse(entry.read_text(encoding="utf-8"))
    main_block, = [n for n in tree.body if isinstance(n, ast.If)]
    first = main_block.body[0]
    assert ast.unparse(first) == "multiprocessing.freeze_support()"
    assert "from humetrics_desktop.cli import main" in ast.unparse(main_block)
    assert spec["steps"]["EXE"]["name"] == "humetrics" and spec["steps"]["EXE"]["console"] is True


def _imported_modules() -> set[str]:
    names = set()
    for path in (ROOT / "humetrics_desktop").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
                names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def test_excluded_modules_are_not_imported_by_the_app(spec):
    excluded = spec["EXCLUDES"]
    clashes = sorted(m for m in _imported_modules()
                     if any(m == x or m.startswith(x + ".") for x in excluded))
    assert not clashes, f"the app imports modules the spec excludes: {clashes}"


def test_lean_filter_drops_only_unused_files(spec):
    kept = {Path(e[0]).name for e in spec["a"].binaries + spec["a"].datas}
    assert kept == KEPT


def test_desktop_entry_names_the_executable_and_an_installed_icon():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(PACKAGING / "linux" / "humetrics.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Exec"].split()[0] == "humetrics"
    assert (PACKAGING / "icons" / "hicolor" / "scalable" / "apps" / f"{desktop['Icon']}.svg").exists()


def test_every_icon_size_is_rendered_at_its_size():
    sys.path.insert(0, str(PACKAGING))
    try:
        import make_icons
    finally:
        sys.path.remove(str(PACKAGING))
    for size in make_icons.SIZES:
        png = PACKAGING / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "humetrics.png"
        head = png.read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR"
        assert struct.unpack(">II", head[16:24]) == (size, size)


def test_windows_and_macos_builds_carry_the_icon_and_a_windowed_start(monkeypatch):
    from humetrics_desktop import __version__

    icon = PACKAGING / "icons" / "hicolor" / "512x512" / "apps" / "humetrics.png"
    win = _run_spec(monkeypatch, "win32")["steps"]
    assert win["EXE"]["icon"] == str(icon) and win["EXE"]["hide_console"] == "hide-early"
    assert "BUNDLE" not in win
    mac = _run_spec(monkeypatch, "darwin")["steps"]
    assert mac["EXE"]["console"] is False  # a console .app would be background-only (no Dock icon)
    assert mac["BUNDLE"]["version"] == __version__ and mac["BUNDLE"]["icon"] == str(icon)
