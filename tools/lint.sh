#!/usr/bin/env bash
# ruff (style, imports) and pylint-odoo (OCA checks) over the addon, the sync and the tests.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
"$VENV/bin/ruff" check crm_performance sync tests bench tools
"$VENV/bin/ruff" format --check crm_performance sync tests bench tools
"$VENV/bin/pylint" --rcfile="$ROOT/.pylintrc" crm_performance
