# Shared by the benchmark drivers (run_core.sh, run_booking.sh). Sourced, never run.
# shellcheck shell=bash
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

OUT="$ROOT/bench/out"  # logs, Odoo configurations, filestores (git-ignored)
DATA_DIR="$OUT/data"
mkdir -p "$OUT"

[ -x "$PY" ] || die "no .venv: run 'make setup' first"

# The seeds import the ss_seed package (names, codici fiscali, the SQL volume) from the root.
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"

db_exists() { psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'" | grep -q 1; }

# param DB KEY / set_param DB KEY VALUE: an ir_config_parameter (the seeding markers)
param() {
    psql -d "$1" -tAc "SELECT value FROM ir_config_parameter WHERE key = '$2'" 2>/dev/null || true
}
set_param() {
    psql -q -d "$1" -c "INSERT INTO ir_config_parameter (key, value, create_uid, write_uid,
        create_date, write_date) VALUES ('$2', '$3', 1, 1, now(), now())
        ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"
}

# install_addons CONF DB ADDONS LOG: install the addons without demo data into a new database;
# dies with the log's tail on a failure or on an error logged.
install_addons() {
    local conf=$1 db=$2 addons=$3 log=$4
    rm -f "$log"  # Odoo appends to its log file
    if ! "$PY" -m odoo -c "$conf" -d "$db" -i "$addons" --without-demo=all \
            --stop-after-init --log-level=warn --logfile="$log"; then
        tail -40 "$log" >&2
        die "installing $addons failed (log above)"
    fi
    if grep -E ' (ERROR|CRITICAL) ' "$log" >/dev/null; then
        grep -E -A15 ' (ERROR|CRITICAL) ' "$log" | head -60 >&2
        die "the install logged errors (above)"
    fi
}
