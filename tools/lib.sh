# Shared settings for tools/*.sh (sourced, not executed).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ODOO_SRC="${ODOO_SRC:-/opt/odoo19}"
export VENV="${VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"
STATE_DIR="$ROOT/.odoo"
ADDONS_PATH="$ODOO_SRC/addons,$ROOT"

say() { printf '\033[1m[%s]\033[0m %s\n' "$(basename "$0" .sh)" "$*" >&2; }
die() { printf '\033[1;31m[%s] ERROR:\033[0m %s\n' "$(basename "$0" .sh)" "$*" >&2; exit 2; }

# write_conf FILE DB [HTTP_PORT]: an Odoo configuration file for this checkout.
write_conf() {
    mkdir -p "$STATE_DIR"
    cat >"$1" <<CONF
[options]
addons_path = $ADDONS_PATH
data_dir = $STATE_DIR/data
db_name = $2
dbfilter = ^$2\$
http_interface = 127.0.0.1
http_port = ${3:-8069}
list_db = False
proxy_mode = False
max_cron_threads = ${MAX_CRON_THREADS:-1}
CONF
}

# the addons of this repository: crm_performance and its bridge modules (comma-separated)
addons() {
    local dir names=()
    for dir in "$ROOT"/*/__manifest__.py; do
        names+=("$(basename "$(dirname "$dir")")")
    done
    (IFS=,; echo "${names[*]}")
}

odoo_bin() { "$PY" "$ODOO_SRC/odoo-bin" "$@"; }
