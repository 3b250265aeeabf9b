#!/usr/bin/env bash
# The README's start command: install what is missing, then open the app on its bundled demo data.
# With no display it runs under a virtual X server (xvfb-run).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ "${QT_QPA_PLATFORM:-}" != "offscreen" ]; then
  bash scripts/bootstrap.sh --gui
  exec xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/humetrics "$@"
fi
bash scripts/bootstrap.sh
exec .venv/bin/humetrics "$@"
