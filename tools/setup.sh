#!/usr/bin/env bash
# Idempotent setup used by `make demo` and `make test`:
#   - checks the Odoo 19 community source tree in $ODOO_SRC (default /opt/odoo19)
#   - installs the Debian packages needed (PostgreSQL, build headers, Chromium, wkhtmltopdf, a CJK
#     font so PDFs print Chinese, poppler-utils for the PDF tests, LibreOffice Calc without GUI:
#     the sync tests open the synced workbooks in it)
#   - starts the PostgreSQL cluster and creates a superuser role for the current user
#   - creates .venv with Odoo's requirements and this project's pinned dependencies
# Re-running it when nothing changed takes about a second.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ODOO_SRC="${ODOO_SRC:-/opt/odoo19}"
VENV="${VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3.11}"

say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[setup] ERROR:\033[0m %s\n' "$*" >&2; exit 2; }

check_odoo_src() {
    local missing=()
    for item in odoo-bin odoo/release.py addons/crm/__manifest__.py addons/hr/__manifest__.py requirements.txt; do
        [[ -e "$ODOO_SRC/$item" ]] || missing+=("$item")
    done
    if ((${#missing[@]})); then
        die "Odoo 19.0 community source not found in ODOO_SRC=$ODOO_SRC (missing: ${missing[*]}).
Put an Odoo 19.0 community checkout there (it must contain odoo-bin, odoo/, addons/ and
requirements.txt), e.g.  git clone --depth 1 -b 19.0 <odoo community repository> $ODOO_SRC
or point ODOO_SRC at an existing one:  ODOO_SRC=/path/to/odoo make test"
    fi
    if ! grep -qE '^version_info = \(19, 0' "$ODOO_SRC/odoo/release.py"; then
        die "$ODOO_SRC is not Odoo 19.0 (see $ODOO_SRC/odoo/release.py); this module needs 19.0."
    fi
}

apt_install() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    ((${#missing[@]})) || return 0
    say "installing Debian packages: ${missing[*]}"
    local sudo=""
    [[ $(id -u) -eq 0 ]] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

setup_postgres() {
    local sudo=""
    [[ $(id -u) -eq 0 ]] || sudo="sudo"
    if ! pg_isready -q -h localhost 2>/dev/null; then
        say "starting PostgreSQL"
        local cluster
        cluster=$(pg_lsclusters -h | awk 'NR==1 {print $1" "$2}')
        [[ -n "$cluster" ]] || die "no PostgreSQL cluster found (pg_lsclusters is empty); create one with pg_createcluster"
        # shellcheck disable=SC2086
        $sudo pg_ctlcluster $cluster start
        for _ in $(seq 30); do pg_isready -q -h localhost && break; sleep 0.5; done
        pg_isready -q -h localhost || die "PostgreSQL did not start; see /var/log/postgresql/"
    fi
    local role
    role="$(id -un)"
    if ! as_postgres psql -tAc "SELECT 1 FROM pg_roles WHERE rolname='$role'" | grep -q 1; then
        say "creating PostgreSQL role $role"
        as_postgres createuser --superuser "$role"
    fi
}

as_postgres() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        sudo -u postgres "$@"
    fi
}

setup_venv() {
    command -v "$PYTHON" >/dev/null || PYTHON=python3
    "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
        || say "warning: $PYTHON is not Python 3.11; Odoo 19's pins are tested here on 3.11"
    local stamp="$VENV/.setup-stamp" want
    want=$(cat "$ODOO_SRC/requirements.txt" "$ROOT/requirements-dev.txt" "$ROOT/tools/constraints.txt" \
        "$ROOT/sync/pyproject.toml" | sha1sum | cut -d' ' -f1)
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
        return 0
    fi
    say "creating the Python environment in $VENV (about a minute)"
    [[ -x "$VENV/bin/python" ]] || "$PYTHON" -m venv "$VENV"
    export PIP_CONSTRAINT="$ROOT/tools/constraints.txt" PIP_DISABLE_PIP_VERSION_CHECK=1
    "$VENV/bin/pip" install -q --upgrade "pip<25" wheel "setuptools<70"
    "$VENV/bin/pip" install -q -r "$ODOO_SRC/requirements.txt"
    "$VENV/bin/pip" install -q -r "$ROOT/requirements-dev.txt"
    "$VENV/bin/pip" install -q --no-deps -e "$ROOT/sync"
    echo "$want" >"$stamp"
}

link_odoo() {
    # make `import odoo` work in the venv (pytest-odoo, bench scripts) without copying Odoo
    local site
    site=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    echo "$ODOO_SRC" >"$site/odoo-src.pth"
}

check_odoo_src
apt_install postgresql libpq-dev libldap2-dev libsasl2-dev python3-dev build-essential chromium wkhtmltopdf \
    libreoffice-calc-nogui fonts-noto-cjk poppler-utils
setup_postgres
setup_venv
link_odoo
say "ready (ODOO_SRC=$ODOO_SRC, venv=$VENV)"
