#!/usr/bin/env bash
# `make test`: lint, install the module into a throw-away database (the install log must be
# clean), run the addon's Odoo tests (pytest-odoo) and the top-level tests/ (a real server
# over RPC) in one pytest run, drop the databases. Exit status is pytest's (or lint's).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bash "$ROOT/tools/setup.sh"
cd "$ROOT"

say "lint: ruff + pylint-odoo"
bash "$ROOT/tools/lint.sh"

DB="crmperf_test_$$"
CONF="$STATE_DIR/test-$$.conf"
LOG="$STATE_DIR/install-$$.log"
cleanup() {
    dropdb --if-exists "$DB" 2>/dev/null || true
    dropdb --if-exists "${DB}_tpl" 2>/dev/null || true
    rm -rf "$CONF" "$STATE_DIR/data/filestore/$DB"
}
trap cleanup EXIT
write_conf "$CONF" "$DB" 0

say "installing crm_performance into a fresh database $DB"
start=$(date +%s)
odoo_bin -c "$CONF" -d "$DB" -i crm_performance --stop-after-init --no-http \
    --log-level=info --logfile="$LOG"
"$PY" "$ROOT/tools/install_check.py" "$LOG"
say "module installed in $(( $(date +%s) - start ))s, install log clean"

# the RPC tests get their own copy of the installed database (a template for each server)
createdb -T "$DB" "${DB}_tpl"

say "running pytest"
set +e
CRMPERF_ODOO_CONF="$CONF" CRMPERF_TEMPLATE_DB="${DB}_tpl" \
    "$PY" -m pytest --odoo-config="$CONF" --odoo-http --odoo-log-level=warn "$@"
rc=$?
set -e
exit $rc
