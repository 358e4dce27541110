#!/usr/bin/env bash
# Install (into .venv) and start the dashboard.
#   bash scripts/run.sh          this PC only: http://localhost:8501, no sign-in
#   bash scripts/run.sh --lan    the shop's network: every visitor must sign in first
#                                (needs an owner account: python -m analytics users add NAME --role owner)
# Any other arguments go to `streamlit run` (e.g. --server.port 8600); ui/serve.py loads the
# libraries before the server listens, so the first page view does not wait for them.
set -euo pipefail
cd "$(dirname "$0")/.."
lan=0
args=()
for arg in "$@"; do
    if [ "$arg" = "--lan" ]; then lan=1; else args+=("$arg"); fi
done
[ -x .venv/bin/python ] || "${PYTHON:-python3}" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
if [ "$lan" = 1 ]; then
    if ! .venv/bin/python -m analytics users has-owner; then
        echo "run.sh --lan: refused. Create an owner account first:" >&2
        echo "  .venv/bin/python -m analytics users add NAME --role owner" >&2
        echo "局域网模式需要先创建店主账号：.venv/bin/python -m analytics users add 名字 --role owner" >&2
        exit 2
    fi
    export LAOKE_LAN=1
    exec .venv/bin/python -m ui.serve --server.address 0.0.0.0 "${args[@]}"
fi
unset LAOKE_LAN
exec .venv/bin/python -m ui.serve "${args[@]}"
