#!/usr/bin/env bash
# `make lint`: the hooks of .pre-commit-config.yaml over every tracked file: ruff, pylint-odoo
# (OCA's mandatory checks, then every other Odoo check), OCA's module and translation checks, and
# the README.rst / index.html generated from readme/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
PRE_COMMIT_HOME="${PRE_COMMIT_HOME:-$STATE_DIR/pre-commit}" \
    "$VENV/bin/pre-commit" run --all-files --show-diff-on-failure --color=never
