#!/usr/bin/env bash
# `make bench`: the core addon's benchmark on a large seeded database.
#
#   SCALE=1.0   100k persons, 1M listening sessions (SCALE=0.01: a quick run)
#   REUSE=1     keep the seeded databases when they were built with the same SCALE (a
#               marker inside says so); social_secretariat is upgraded in them (-u) when
#               its source changed since. Without REUSE=1 they are always rebuilt.
#
# Two databases on the embedded test cluster (fsync off):
#   ss_bench_core_empty  social_secretariat without demo data + the small setup
#                        (municipalities, desks, operators, needs, services)
#   ss_bench_core        a copy of it + the bulk rows inserted with batched SQL
# The benchmark measures on both: the query count of creating a session must not
# depend on the size of the database. Every measurement is rolled back.
# Figures are printed, never asserted: this is not part of `make test`.
source "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh"

SCALE="${SCALE:-1.0}"
REUSE="${REUSE:-0}"
DB="${BENCH_DB:-ss_bench_core}"
EMPTY_DB="${DB}_empty"
CONF="$OUT/odoo-bench.conf"

"$PY" -c "import sys; s = float(sys.argv[1]); sys.exit(0 if 0 < s <= 10 else 1)" "$SCALE" 2>/dev/null \
    || die "SCALE must be a number in (0, 10], e.g. SCALE=0.01 (got '$SCALE')"
SCALE=$("$PY" -c "import sys; print(float(sys.argv[1]))" "$SCALE")  # 1 and 1.0: the same marker

pg_env=$(bash "$ROOT/scripts/pg.sh" start test) || exit 1
eval "$pg_env"

write_odoo_conf "$CONF" "$DATA_DIR" "list_db = False" "max_cron_threads = 0"

# The markers inside the seeded database: its scale, and the addon's source it was
# last installed or upgraded with.
src_hash=$(source_hash social_secretariat)

upgrade() {  # upgrade social_secretariat in a database; the log goes to $OUT
    rm -f "$OUT/upgrade-$1.log"
    "$PY" -m odoo -c "$CONF" -d "$1" -u social_secretariat --stop-after-init --log-level=warn \
        --logfile="$OUT/upgrade-$1.log"
}

reuse=0
if [ "$REUSE" = 1 ] && db_exists "$DB" && db_exists "$EMPTY_DB"; then
    have=$(param "$DB" ss_bench.seed)
    if [ "$have" = "scale=$SCALE" ]; then
        reuse=1
        say "Reusing $DB ($have)"
        if [ "$(param "$DB" ss_bench.src)" != "$src_hash" ]; then
            say "social_secretariat changed since: upgrading it in $EMPTY_DB and $DB"
            if upgrade "$EMPTY_DB" && upgrade "$DB"; then
                set_param "$DB" ss_bench.src "$src_hash"
            else
                warn "the upgrade failed (see $OUT/upgrade-*.log): seeding again"
                reuse=0
            fi
        fi
    else
        warn "$DB was seeded with '${have:-nothing}', not 'scale=$SCALE': seeding again"
    fi
fi

if [ "$reuse" = 0 ]; then
    t0=$SECONDS
    dropdb --if-exists --force "$DB"
    dropdb --if-exists --force "$EMPTY_DB"
    rm -rf "$DATA_DIR/filestore/$DB" "$DATA_DIR/filestore/$EMPTY_DB"

    say "Installing social_secretariat without demo data into $EMPTY_DB"
    install_addons "$CONF" "$EMPTY_DB" social_secretariat "$OUT/install.log"

    say "Small setup (ORM): municipalities, desks, operators, needs, services"
    "$PY" "$ROOT/bench/seed_core.py" -c "$CONF" -d "$EMPTY_DB" --phase small

    say "Copying $EMPTY_DB to $DB"
    createdb -T "$EMPTY_DB" "$DB"
    if [ -d "$DATA_DIR/filestore/$EMPTY_DB" ]; then
        cp -a "$DATA_DIR/filestore/$EMPTY_DB" "$DATA_DIR/filestore/$DB"
    fi

    say "Bulk seeding (SQL) at SCALE=$SCALE"
    "$PY" "$ROOT/bench/seed_core.py" -c "$CONF" -d "$DB" --phase bulk --scale "$SCALE"
    set_param "$DB" ss_bench.seed "scale=$SCALE"
    set_param "$DB" ss_bench.src "$src_hash"
    say "Databases ready in $((SECONDS - t0)) s"
fi

# The observatory, installed after the bulk seeding (its triggers would slow the SQL inserts
# down; its install counts what is there), upgraded when its source changed.
reports_hash=$(source_hash social_secretariat_reports)
for db in "$EMPTY_DB" "$DB"; do
    state=$(psql -d "$db" -tAc "SELECT state FROM ir_module_module
        WHERE name = 'social_secretariat_reports'")
    if [ "$state" != installed ]; then
        say "Installing social_secretariat_reports into $db"
        t0=$SECONDS
        install_addons "$CONF" "$db" social_secretariat_reports "$OUT/install-reports-$db.log"
        say "Installed in $((SECONDS - t0)) s (the aggregate built from the sessions there)"
    elif [ "$(param "$db" ss_bench.reports_src)" != "$reports_hash" ]; then
        say "social_secretariat_reports changed since: upgrading it in $db"
        rm -f "$OUT/upgrade-reports-$db.log"
        "$PY" -m odoo -c "$CONF" -d "$db" -u social_secretariat_reports --stop-after-init \
            --log-level=warn --logfile="$OUT/upgrade-reports-$db.log" \
            || die "upgrading social_secretariat_reports failed (see $OUT/upgrade-reports-$db.log)"
    fi
    set_param "$db" ss_bench.reports_src "$reports_hash"
done

say "Benchmark"
# BENCH_ARGS: more options of bench_core.py, e.g. BENCH_ARGS="--verbose --timeout 120"
# shellcheck disable=SC2086
"$PY" "$ROOT/bench/bench_core.py" -c "$CONF" -d "$DB" --empty-db "$EMPTY_DB" ${BENCH_ARGS:-}
say "Observatory benchmark"
"$PY" "$ROOT/bench/bench_reports.py" -c "$CONF" -d "$DB"
