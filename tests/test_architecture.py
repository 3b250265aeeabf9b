"""The house rules that a tool can check."""
import ast
import subprocess
import sys
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "humetrics_desktop"
QT = ("PySide6", "pyqtgraph", "superqt", "qtpy", "humetrics_desktop.ui")


def test_core_never_imports_qt():
    offenders = []
    for f in (PKG / "core").rglob("*.py"):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [f"{f.relative_to(PKG)}: {n}" for n in names if n.startswith(QT)]
    assert offenders == []


def test_import_linter_contract_holds():
    exe = Path(sys.executable).parent / "lint-imports"
    res = subprocess.run([str(exe), str(PKG.parent / "pyproject.toml")],
                         capture_output=True, text=True, cwd=PKG.parent)
    assert res.returncode == 0, res.stdout + res.stderr


def test_no_pickle_or_eval_of_input():
    for f in PKG.rglob("*.py"):
        text = f.read_text(encoding="utf-8")
        for bad in ("pickle.load", " eval(", " exec(", "allow_pickle=True"):
            assert bad not in text, f"{f}: {bad}"
