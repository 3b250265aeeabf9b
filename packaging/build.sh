#!/usr/bin/env bash
# Build the one-folder app into dist/humetrics (work files in build/) and smoke-test it offline.
#   ./packaging/build.sh            build, report size and time, smoke test
#   ./packaging/build.sh --no-test  build only
# Takes minutes and about 1 GB of disk; not part of ./scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-.venv/bin/python}
if [ ! -x "$PY" ]; then
    echo "build: $PY not found; run ./scripts/bootstrap.sh (or set PYTHON)" >&2
    exit 2
fi
if ! "$PY" -c "import PyInstaller" 2>/dev/null; then
    echo "build: installing the pinned PyInstaller (optional dependency group 'package')" >&2
    "$PY" -m pip install --quiet -e ".[package]"
fi

start=$(date +%s)
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build packaging/humetrics.spec
seconds=$(( $(date +%s) - start ))
size=$(du -sm dist/humetrics | cut -f1)
echo "build: dist/humetrics is ${size} MB, built in ${seconds} s"

if [ "${1:-}" = "--no-test" ]; then
    exit 0
fi
# No network during the smoke test: the app must never need it.
if unshare -n true 2>/dev/null; then
    offline=(unshare -n)
else
    echo "build: 'unshare -n' is not available here; the smoke test runs with the network" >&2
    offline=()
fi
exec "${offline[@]}" "$PY" packaging/smoke_test.py dist/humetrics/humetrics
