#!/usr/bin/env bash
# `make bench-booking`: the free slots of one topic at one desk for 28 days, measured against
# OCA resource_booking 18.0 on equivalent data (issue 4).
#
#   REUSE=1   keep ss_bench_booking when it was seeded today from the same source of
#             social_secretariat and the same OCA pins (a marker inside says so); else rebuilt
#   RUNS=N    measured runs of each figure (default 15, after a warm-up)
#
# The OCA addons (bench/requirements-oca.txt) are installed with pip into .local/bench-oca/,
# never into .venv/; only this benchmark's Odoo configuration lists their folder, and only the
# database ss_bench_booking (embedded test cluster, fsync off) has them installed:
#   social_secretariat (without demo) + resource_booking, the small setup of seed_core.py
#   (20 desks, 60 operators...) and seed_booking.py (opening hours, a topic, 50k appointments
#   with their busy rows and calendar events, the OCA booking type and bookings on them).
# An Odoo server is started on free ports for the HTTP figures and stopped at the end.
# Figures are printed, never asserted: this is not part of `make test`.
source "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh"

REUSE="${REUSE:-0}"
RUNS="${RUNS:-15}"
DB="${BENCH_BOOKING_DB:-ss_bench_booking}"
CONF="$OUT/odoo-bench-booking.conf"
OCA="$LOCAL/bench-oca"
REQUIREMENTS="$ROOT/bench/requirements-oca.txt"

# --- the OCA addons, outside the project's venv ---------------------------------------------
oca_hash=$(sha256sum "$REQUIREMENTS" | cut -c1-16)
if [ "$(cat "$OCA/.installed" 2>/dev/null)" != "$oca_hash" ]; then
    say "Installing the OCA addons of bench/requirements-oca.txt into ${OCA#"$ROOT/"}"
    rm -rf "$OCA"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-deps --target "$OCA" \
        -r "$REQUIREMENTS" || die "pip could not install bench/requirements-oca.txt"
    echo "$oca_hash" > "$OCA/.installed"
fi
[ -d "$OCA/odoo/addons/resource_booking" ] || die "no resource_booking in $OCA/odoo/addons"
# cssselect (an external dependency of resource_booking) is not in the venv: for the bench only
export PYTHONPATH="$OCA${PYTHONPATH:+:$PYTHONPATH}"

pg_env=$(bash "$ROOT/scripts/pg.sh" start test) || exit 1
eval "$pg_env"

# the project's configuration, with the OCA folder appended to its addons_path
write_odoo_conf "$CONF" "$DATA_DIR" "list_db = False" "max_cron_threads = 0"
sed -i "s|^addons_path = .*|&,$OCA/odoo/addons|" "$CONF"

# the marker inside the seeded database: the day (the appointments are placed around it), the
# source of social_secretariat and the OCA pins it was built with
marker="$(date -u +%F) src=$(source_hash social_secretariat) oca=$oca_hash"
have=""
if db_exists "$DB"; then
    have=$(param "$DB" ss_bench.booking_seed)
fi

if [ "$REUSE" = 1 ] && [ "$have" = "$marker" ]; then
    say "Reusing $DB ($have)"
else
    [ "$REUSE" = 1 ] && warn "$DB was seeded with '${have:-nothing}', not '$marker': seeding again"
    t0=$SECONDS
    dropdb --if-exists --force "$DB"
    rm -rf "$DATA_DIR/filestore/$DB"
    say "Installing social_secretariat and resource_booking (OCA) without demo data into $DB"
    install_addons "$CONF" "$DB" social_secretariat,resource_booking "$OUT/install-booking.log"
    say "Small setup (ORM): municipalities, desks, operators"
    "$PY" "$ROOT/bench/seed_core.py" -c "$CONF" -d "$DB" --phase small
    say "Booking data: opening hours, topic, 50k appointments, the OCA type and bookings"
    "$PY" "$ROOT/bench/seed_booking.py" -c "$CONF" -d "$DB"
    set_param "$DB" ss_bench.booking_seed "$marker"
    say "Database ready in $((SECONDS - t0)) s"
fi

# --- a server for the HTTP figures ----------------------------------------------------------
port=8169
while port_busy "$port" || port_busy $((port + 1)); do port=$((port + 2)); done
SERVER_LOG="$OUT/server-booking.log"
rm -f "$SERVER_LOG"
# A threaded server (workers=0): the prefork one also starts a gevent process for the live
# notifications, which the benchmark does not need.
# werkzeug at INFO: each request's line ends with its query count and server times.
"$PY" "$(odoo_src)/odoo-bin" -c "$CONF" -d "$DB" --db-filter="^$DB\$" --http-port="$port" \
    --gevent-port=$((port + 1)) --workers=0 --max-cron-threads=0 --limit-time-real=300 \
    --log-level=warn --log-handler=werkzeug:INFO --logfile="$SERVER_LOG" </dev/null &
server=$!
stop_server() { kill_tree "$server"; wait "$server" 2>/dev/null || true; }
trap stop_server EXIT
trap 'exit 130' INT TERM

say "Benchmark"
# shellcheck disable=SC2086
"$PY" "$ROOT/bench/bench_booking.py" -c "$CONF" -d "$DB" --url "http://127.0.0.1:$port" \
    --server-log "$SERVER_LOG" --runs "$RUNS" ${BENCH_ARGS:-}
