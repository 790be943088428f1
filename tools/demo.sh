#!/usr/bin/env bash
# `make demo`: the whole product on one machine. A persistent database (DEMO_DB, default
# crm_performance_demo) with the module and its demo sales organisation, served on
# http://127.0.0.1:${DEMO_PORT:-8069}. Ctrl-C stops the server; the database is kept, and the
# next run reuses it (DEMO_RESET=1 drops and rebuilds it).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bash "$ROOT/tools/setup.sh"
cd "$ROOT"

DB="${DEMO_DB:-crm_performance_demo}"
PORT="${DEMO_PORT:-8069}"
CONF="$STATE_DIR/demo.conf"
LOG="$STATE_DIR/demo.log"
OUT="$ROOT/demo-output"
# the apps whose data the bridge modules measure (the bridges install themselves with them)
APPS="sale_management,hr_holidays"
write_conf "$CONF" "$DB" "$PORT"
mkdir -p "$OUT"

if [[ "${DEMO_RESET:-0}" == 1 ]]; then
    say "dropping $DB"
    dropdb --if-exists "$DB"
fi
if ! psql -lqt | cut -d'|' -f1 | grep -qw "$DB"; then
    say "creating $DB with crm_performance, Sales, Invoicing, Time Off, the bridge modules and the demo organisation (a few minutes)"
    odoo_bin -c "$CONF" -d "$DB" -i "crm_performance,$APPS" --with-demo --load-language=en_US,zh_CN \
        --stop-after-init --no-http --logfile="$LOG"
    say "six months of history for the demo organisation (tools/demo_history.py)"
    "$PY" "$ROOT/tools/demo_history.py" "$CONF" "$DB" 2>>"$LOG"
else
    say "updating crm_performance in $DB"
    odoo_bin -c "$CONF" -d "$DB" -u crm_performance -i "$APPS" --stop-after-init --no-http --logfile="$LOG"
fi

say "recomputing open appraisals"
echo 'env["crm.appraisal"]._cron_recompute(); env.cr.commit()' \
    | odoo_bin shell -c "$CONF" -d "$DB" --no-http --logfile="$LOG" >/dev/null
SYNC_CONF="$STATE_DIR/demo-sync.toml"
PERIOD=$("$PY" "$ROOT/tools/demo_payroll.py" "$CONF" "$DB" "$OUT/payroll.xlsx" "$SYNC_CONF" "$PORT" 2>>"$LOG" | tail -1)

say "starting Odoo on http://127.0.0.1:$PORT (log: $LOG)"
"$PY" "$ODOO_SRC/odoo-bin" -c "$CONF" --logfile="$LOG" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null' EXIT INT TERM
for _ in $(seq 120); do
    curl -sf "http://127.0.0.1:$PORT/web/health" >/dev/null && break
    kill -0 $SERVER 2>/dev/null || die "Odoo stopped; see $LOG"
    sleep 0.5
done

say "payroll sync: approved appraisals of $PERIOD into $OUT/payroll.xlsx (HR's API key)"
"$VENV/bin/crm-performance-sync" "$PERIOD" "$OUT/payroll.xlsx" --config "$SYNC_CONF" \
    --csv "$OUT/payroll-$PERIOD.csv" </dev/null

cat <<MSG

  crm_performance demo is running:  http://127.0.0.1:$PORT   (database $DB)
  Logins (password = login):
    admin                    administrator (configures KPIs, plans, targets, periods)
    vp                       sales VP: consolidates and gives the first review
    hr                       HR officer: approves, locks, reopens
    north, south, east       area managers: score manual items and submit their team
    li.na, zhao.lei, ma.lin  salespeople (and 9 more): My Performance, acknowledge or appeal

  Payroll workbook: $OUT/payroll.xlsx (sheet Payroll, period $PERIOD; backup payroll.xlsx.bak)
  Sync it again:    .venv/bin/crm-performance-sync $PERIOD demo-output/payroll.xlsx --config $SYNC_CONF
MSG
[[ "${DEMO_NO_WAIT:-0}" == 1 ]] && exit 0
echo "  Ctrl-C to stop."
wait $SERVER
