#!/usr/bin/env bash
# ruff (style, imports) and pylint-odoo (OCA checks) over the addons, the sync and the tests.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
paths=()
IFS=, read -ra modules <<<"$(addons)"
for path in "${modules[@]}" sync tests bench tools; do
    [[ -e $path ]] && paths+=("$path")  # bench/ may not exist yet on a branch
done
"$VENV/bin/ruff" check "${paths[@]}"
"$VENV/bin/ruff" format --check "${paths[@]}"
"$VENV/bin/pylint" --rcfile="$ROOT/.pylintrc" "${modules[@]}"
