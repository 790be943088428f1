#!/usr/bin/env bash
# `make bench`: the benchmarks end to end at the small size (50 salespeople, 100 000 leads) in a
# few minutes. Larger sizes by hand, e.g.
#   BENCH_USERS=500 BENCH_LEADS=1000000 BENCH_APPRAISALS=5000 bash bench/run.sh
# The databases are kept (BENCH_DB, BENCH_DB_sync) for re-runs of the bench_*.py scripts.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../tools/lib.sh"
bash "$ROOT/tools/setup.sh"
cd "$ROOT"

DB="${BENCH_DB:-crmperf_bench}"
say "dataset: ${BENCH_USERS:-50} salespeople, ${BENCH_LEADS:-100000} leads into $DB"
"$PY" bench/make_dataset.py --db "$DB" --users "${BENCH_USERS:-50}" --leads "${BENCH_LEADS:-100000}"
say "appraisal computation vs gamification vs raw SQL"
"$PY" bench/bench_compute.py --db "$DB"
say "integrity signals: their cost next to the month's recompute, honest and gamed salespeople"
"$PY" bench/bench_signals.py --db "$DB"
say "payroll sync, ${BENCH_APPRAISALS:-500} approved appraisals, both transports"
"$PY" bench/bench_sync.py --db "${DB}_sync" --appraisals "${BENCH_APPRAISALS:-500}"
