#!/usr/bin/env bash
# A streaming replica of the embedded test cluster (pg.sh), for the observatory's
# end-to-end test (tests/test_observatory_replica.py) and to try Odoo's db_replica_host by hand:
#
#   pg_replica.sh start DIR [PORT]   a base backup of the test cluster into DIR (pg_basebackup -R),
#                                    started as a hot standby on its own socket (DIR/run) and
#                                    port (5433), once it streams and has caught up; prints the
#                                    options Odoo needs (db_replica_host, db_replica_port)
#   pg_replica.sh copy DIR [PORT]    the same base backup, started as a server of its own (no
#                                    standby, writable): a throwaway copy of the test cluster
#                                    that a fault test may restart or crash (tests/faults.py);
#                                    prints db_host and db_port
#   pg_replica.sh restart DIR        restart that copy (pg_ctl restart -m fast)
#   pg_replica.sh stop DIR           stop it and delete DIR
#
# Extra settings of the replica's server go in REPLICA_OPTS, e.g. "-c log_statement=all". The
# base backup copies the whole cluster (every database in it): seconds for a test cluster.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pg_bin() {
    local d
    for d in "${PG_BIN:-}" /usr/lib/postgresql/*/bin /usr/local/pgsql/bin; do
        [ -n "$d" ] && [ -x "$d/pg_basebackup" ] && { echo "$d"; return 0; }
    done
    command -v pg_basebackup >/dev/null 2>&1 && { dirname "$(command -v pg_basebackup)"; return 0; }
    die "PostgreSQL server binaries (pg_basebackup, pg_ctl) not found: run 'make setup'"
}

as_owner() {  # as pg.sh: the server refuses to run as root
    if is_root; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# a superuser's query on the replica's socket (the WAL receiver's state is theirs to read)
replica_sql() { "$BIN/psql" -h "$DIR/run" -p "$PORT" -U postgres -d postgres -tAXc "$1" 2>/dev/null; }

cmd_start() {
    local primary_lsn i standby=${1:-standby}
    [ -n "$DIR" ] || die "usage: pg_replica.sh start|copy DIR [PORT]"
    [ -e "$DIR/data" ] && die "$DIR/data exists: stop that replica first"
    eval "$(bash "$ROOT/scripts/pg.sh" start test)"
    mkdir -p "$DIR/run"
    is_root && chown -R postgres: "$DIR"
    # -R: standby.signal and primary_conninfo (the primary's socket, as the superuser: the
    # cluster trusts local replication connections); -X stream: the WAL of the copy with it
    # shellcheck disable=SC2046 # -R only for a standby
    as_owner "$BIN/pg_basebackup" -h "$PGHOST" -p "$PGPORT" -U postgres -D "$DIR/data" \
        $([ "$standby" = standby ] && echo -R) \
        -X stream -c fast --no-sync >"$DIR/basebackup.log" 2>&1 \
        || die "pg_basebackup failed (is this the embedded cluster? an existing server's replica is its administrator's): $(tail -3 "$DIR/basebackup.log")"
    # its own socket and port (the copied postgresql.conf names the primary's); a smaller
    # cache; as many connections as the primary (a standby refuses to start with fewer). It
    # accepts connections once it has replayed the WAL written during the copy: seconds on a
    # test cluster, minutes when other work writes a lot to the cluster meanwhile.
    # shellcheck disable=SC2086 # REPLICA_OPTS are words by design
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 900 start -o \
        "-c unix_socket_directories='$DIR/run' -c port=$PORT -c listen_addresses='' -c shared_buffers=128MB -c hot_standby=on ${REPLICA_OPTS:-}" \
        >/dev/null || die "the replica did not start: $(tail -5 "$DIR/server.log")"
    if [ "$standby" != standby ]; then
        # a server of its own: it answers once the copied WAL is replayed (pg_ctl -w)
        echo "db_host = $DIR/run"
        echo "db_port = $PORT"
        return 0
    fi
    primary_lsn=$("$BIN/psql" -h "$PGHOST" -p "$PGPORT" -U postgres -d postgres -tAXc "SELECT pg_current_wal_lsn()")
    for i in $(seq 1 600); do
        if [ "$(replica_sql "SELECT status FROM pg_stat_wal_receiver")" = streaming ] \
            && [ "$(replica_sql "SELECT pg_last_wal_replay_lsn() >= '$primary_lsn'")" = t ]; then
            echo "db_replica_host = $DIR/run"
            echo "db_replica_port = $PORT"
            return 0
        fi
        sleep 0.5
    done
    die "the replica does not stream: $(tail -5 "$DIR/server.log")"
}

cmd_restart() {
    [ -f "$DIR/data/PG_VERSION" ] || die "usage: pg_replica.sh restart DIR (a copy started by this script)"
    # fast: the open transactions are rolled back and their clients disconnected, as when an
    # administrator restarts the server under load
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -m fast -w -t 120 restart >/dev/null \
        || die "the copy did not restart: $(tail -5 "$DIR/server.log")"
}

cmd_stop() {
    [ -n "$DIR" ] || die "usage: pg_replica.sh stop DIR"
    if [ -f "$DIR/data/PG_VERSION" ]; then
        # immediate: a throwaway copy, nothing of it is kept
        as_owner "$BIN/pg_ctl" -D "$DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$DIR"
}

BIN=$(pg_bin)
DIR=${2:-}
[ -n "$DIR" ] && DIR=$(realpath -m "$DIR")
PORT=${3:-5433}
case "${1:-}" in
    start) cmd_start standby ;;
    copy) cmd_start copy ;;
    restart) cmd_restart ;;
    stop) cmd_stop ;;
    *) die "usage: pg_replica.sh start|copy DIR [PORT] | restart DIR | stop DIR" ;;
esac
