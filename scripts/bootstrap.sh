#!/usr/bin/env bash
# Installs whatever is missing on a fresh Debian 12 / Python 3.11 machine: the Qt runtime
# libraries (offscreen and, with --gui, a virtual X server) and a venv with the pinned stack.
# Idempotent: a second run only checks.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"

# fonts-droid-fallback: CJK comments (Japanese, Chinese, Korean) instead of empty boxes
want_pkgs=(libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0 fonts-dejavu-core fonts-droid-fallback)
if [ "${1:-}" = "--gui" ]; then
  want_pkgs+=(xvfb xauth libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxcb-image0 libxcb-randr0
              libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0)
fi
missing=()
for p in "${want_pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  echo "bootstrap: installing ${missing[*]}" >&2
  $sudo_cmd apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

py="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$py" -m venv .venv
fi
stamp=.venv/.humetrics-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip >&2
  .venv/bin/python -m pip install -q -e ".[test]" >&2
  touch "$stamp"
fi
