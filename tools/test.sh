#!/usr/bin/env bash
# `make test`: lint, install crm_performance alone and then with its bridge modules into
# throw-away databases (the install logs must be clean), run the addon's Odoo tests (pytest-odoo) and the top-level tests/ (a real server
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
    dropdb --if-exists "${DB}_core" 2>/dev/null || true
    dropdb --if-exists "${DB}_runner" 2>/dev/null || true
    rm -rf "$CONF" "$STATE_DIR/data/filestore/$DB" "$STATE_DIR/data/filestore/${DB}_core" \
        "$STATE_DIR/data/filestore/${DB}_runner"
}
trap cleanup EXIT
write_conf "$CONF" "$DB" 0

# crm_performance alone needs only crm and hr: installed by itself first, its log clean
say "installing crm_performance alone (crm, hr) into a fresh database ${DB}_core"
start=$(date +%s)
odoo_bin -c "$CONF" -d "${DB}_core" -i crm_performance --stop-after-init --no-http \
    --log-level=info --logfile="$LOG.core"
"$PY" "$ROOT/tools/install_check.py" "$LOG.core"
dropdb --if-exists "${DB}_core"
say "crm_performance installed alone in $(( $(date +%s) - start ))s, install log clean"

ADDONS="$(addons)"
say "installing $ADDONS into a fresh database $DB"
start=$(date +%s)
odoo_bin -c "$CONF" -d "$DB" -i "$ADDONS" --stop-after-init --no-http \
    --log-level=info --logfile="$LOG"
"$PY" "$ROOT/tools/install_check.py" "$LOG"
say "modules installed in $(( $(date +%s) - start ))s, install log clean"

# Odoo's own runner proves once that it runs every test module of every addon (pytest-odoo
# runs them again below, with the RPC tests)
say "Odoo's own test runner (odoo-bin --test-enable) over every addon, in a fresh database ${DB}_runner"
start=$(date +%s)
runner_port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
odoo_bin -c "$CONF" -d "${DB}_runner" --db-filter="^${DB}_runner\$" -i "$ADDONS" --test-enable \
    --test-tags "/${ADDONS//,/,/}" --stop-after-init --http-port="$runner_port" --log-level=info \
    --logfile="$LOG.runner"
"$PY" "$ROOT/tools/runner_check.py" "$LOG.runner" ${ADDONS//,/ }
dropdb --if-exists "${DB}_runner"
say "Odoo's runner done in $(( $(date +%s) - start ))s"

# the RPC tests get their own copy of the installed database (a template for each server)
createdb -T "$DB" "${DB}_tpl"

say "running pytest"
set +e
CRMPERF_ODOO_CONF="$CONF" CRMPERF_TEMPLATE_DB="${DB}_tpl" \
    "$PY" -m pytest --odoo-config="$CONF" --odoo-http --odoo-log-level=warn "$@"
rc=$?
set -e
exit $rc
