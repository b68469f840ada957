# Shared settings and helpers for the project's scripts. Sourced, never run.
# shellcheck shell=bash

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
LOCAL="$ROOT/.local"
PY="$VENV/bin/python"
ADDONS="social_secretariat,social_secretariat_network,social_secretariat_reports,social_secretariat_identity"

# Where the Odoo 18.0 source tree lives: $ODOO_SRC, else a per-user cache.
ODOO_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/social-secretariat/odoo-18.0"
ODOO_REPO_URL="${ODOO_REPO_URL:-https://github.com/odoo/odoo.git}"

# Database name used by `make run` (kept across runs).
RUN_DB="${RUN_DB:-social_secretariat}"
PORT="${PORT:-8069}"

say()  { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
warn() { printf '\033[33mwarning:\033[0m %s\n' "$*" >&2; }
die()  { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# The Odoo source tree in use (after setup): recorded by setup.sh.
odoo_src() {
    if [ -f "$LOCAL/odoo-src" ]; then cat "$LOCAL/odoo-src"; else echo "${ODOO_SRC:-$ODOO_CACHE}"; fi
}

# addons_path: the server's own addons first (a tree may ship a copy of the
# community addons in both folders; the server's is the one its code matches),
# then the community addons, then ours.
addons_path() {
    local src
    src="$(odoo_src)"
    local path="$src/odoo/addons"
    [ -d "$src/addons" ] && path="$path,$src/addons"
    echo "$path,$ROOT"
}

# write_odoo_conf FILE DATA_DIR [OPTION_LINE...]: an Odoo configuration for our addons on the
# PostgreSQL server of the PG* environment (pg.sh start), plus the given option lines.
write_odoo_conf() {
    local file=$1 data_dir=$2
    shift 2
    {
        echo "[options]"
        echo "addons_path = $(addons_path)"
        echo "data_dir = $data_dir"
        echo "db_host = $PGHOST"
        echo "db_port = $PGPORT"
        echo "db_user = $PGUSER"
        echo "db_password = ${PGPASSWORD:-False}"
        printf '%s\n' "$@"
    } > "$file"
}

# seed_history CONF DB [OPTION...]: a year of demo history (persons, sessions, consents,
# referrals) in a database with the demo data, by the ss_seed package (not an addon). Once
# per database: it does nothing when it ran before (see ss_seed/history.py).
seed_history() {
    (cd "$ROOT" && PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}" \
        "$PY" -m ss_seed history -c "$1" -d "$2" "${@:3}")
}

# source_hash DIR...: a hash of the files of the given addons (relative to the checkout),
# to tell whether a database was installed from the same source.
source_hash() {
    (cd "$ROOT" && find "$@" -type f ! -path '*/__pycache__/*' ! -name '*.pyc' -print0 \
        | sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16
}

# Kill a process and every descendant (children first collected, then killed),
# so that no Odoo worker or Chromium is left behind after an interruption.
descendants() {
    local pid=$1 child
    for child in $(pgrep -P "$pid" 2>/dev/null || true); do
        echo "$child"
        descendants "$child"
    done
}
kill_tree() {
    local pid=$1 sig=${2:-TERM} all
    all="$(descendants "$pid") $pid"
    # shellcheck disable=SC2086
    kill -"$sig" $all 2>/dev/null || true
}

# Is a TCP port on loopback already taken?
port_busy() {
    "$PY" - "$1" <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(0)
sys.exit(1)
PY
}
