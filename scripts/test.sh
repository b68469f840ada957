#!/usr/bin/env bash
# `make test`: every test of the project, on throwaway databases, in one pytest
# session with one exit status.
#
#   1. a fresh database with the three addons and their demo data installed, and the
#      demo's year of history (ss_seed, as `make run` has it);
#   2. a copy of it for the end-to-end tests (tests/), which start a real Odoo
#      server on it;
#   3. pytest: the addons' module tests through pytest-odoo with --odoo-http
#      (HttpCase and tours in Chromium) and the end-to-end tests.
#
# Any failure, error or skipped test, or zero tests collected, fails the run.
# Extra arguments go to pytest, e.g. `make test ARGS="social_secretariat -k person"`.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pg_env=$(bash "$ROOT/scripts/pg.sh" start test) || exit 1
eval "$pg_env"

# Unique per run, so two runs at once never share a database.
RUN_ID="$(date +%Y%m%d%H%M%S)_$$"
DB="sstest_$RUN_ID"
E2E_DB="${DB}_e2e"
TMP="$LOCAL/test/$RUN_ID"
mkdir -p "$TMP"
CONF="$TMP/odoo.conf"
DATA_DIR="$TMP/data"

PYTEST_PID=
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    # Leave no Odoo server, worker or Chromium behind, even on Ctrl-C.
    if [ -n "$PYTEST_PID" ]; then
        kill_tree "$PYTEST_PID" TERM
        sleep 1
        kill_tree "$PYTEST_PID" KILL
    fi
    if [ -z "${KEEP_DB:-}" ]; then
        dropdb --if-exists --force "$E2E_DB" >/dev/null 2>&1 || true
        dropdb --if-exists --force "$DB" >/dev/null 2>&1 || true
        rm -rf "$TMP"
    else
        echo "kept: databases $DB and $E2E_DB, config $CONF" >&2
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

write_odoo_conf "$CONF" "$DATA_DIR" \
    "db_name = $DB" \
    "dbfilter = ^$DB\$" \
    "list_db = False" \
    "admin_passwd = test-$RUN_ID" \
    "http_interface = 127.0.0.1" \
    "without_demo = False" \
    "max_cron_threads = 0"

say "Installing $ADDONS with demo data into $DB"
if ! "$PY" -m odoo -c "$CONF" -d "$DB" -i "$ADDONS" --load-language=it_IT --stop-after-init \
        --log-level=warn --logfile="$TMP/install.log"; then
    tail -40 "$TMP/install.log" >&2
    die "installing the addons failed (log above)"
fi
# The demo's year of history, as `make run` has it (the tests see the same data).
if ! seed_history "$CONF" "$DB" --logfile="$TMP/install.log" >/dev/null; then
    tail -40 "$TMP/install.log" >&2
    die "generating the demo history failed (log above)"
fi
# An install that logs errors is a failed install, even if Odoo carries on.
if grep -E ' (ERROR|CRITICAL) ' "$TMP/install.log" >/dev/null; then
    grep -E -A15 ' (ERROR|CRITICAL) ' "$TMP/install.log" | head -60 >&2
    die "the install logged errors (above)"
fi

# The end-to-end server gets its own copy (database and filestore).
createdb -T "$DB" "$E2E_DB"
if [ -d "$DATA_DIR/filestore/$DB" ]; then
    cp -a "$DATA_DIR/filestore/$DB" "$DATA_DIR/filestore/$E2E_DB"
fi

export SS_ODOO_CONF="$CONF" SS_E2E_DB="$E2E_DB" SS_DATA_DIR="$DATA_DIR"
say "Running the tests"
cd "$ROOT"
set +e
if [ $# -eq 0 ]; then
    set -- social_secretariat social_secretariat_network social_secretariat_reports \
        social_secretariat_identity tests
fi
"$PY" -m pytest --odoo-config="$CONF" --odoo-database="$DB" --odoo-http \
    --odoo-log-level=warn "$@" &
PYTEST_PID=$!
wait "$PYTEST_PID"
status=$?
PYTEST_PID=
exit "$status"
