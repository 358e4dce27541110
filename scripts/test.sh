#!/usr/bin/env bash
# Install (into .venv) everything the tests need, then run lint and all tests.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || "${PYTHON:-python3}" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check \
    -r requirements.txt -r requirements-dev.txt
# The browser tests drive Debian's Chromium with a CJK font (Playwright's own download does
# not work offline). Without it they are skipped, and say so.
if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        chromium fonts-wqy-microhei >/dev/null) || echo "note: chromium could not be installed"
fi
.venv/bin/ruff check .
.venv/bin/ruff format --check .
exec .venv/bin/python -m pytest -q -n 2 --timeout 900 "$@"
