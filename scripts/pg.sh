#!/usr/bin/env bash
# The embedded PostgreSQL: a private cluster in .local/, unix socket only.
#
#   pg.sh start run|test   create (first time) and start a cluster, print its env
#   pg.sh stop  [run|test] stop one cluster, or both
#   pg.sh status
#
# Two clusters: "run" (make run: durable, fsync on) and "test" (make test:
# fsync off, throwaway databases). As root the server runs as the `postgres` OS
# user (initdb and pg_ctl refuse root). With PGHOST set, an existing server is
# used instead and nothing here is started.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PG_USER_ROLE=odoo

pg_bin() {
    local d
    for d in "${PG_BIN:-}" /usr/lib/postgresql/*/bin /usr/local/pgsql/bin; do
        [ -n "$d" ] && [ -x "$d/initdb" ] && { echo "$d"; return 0; }
    done
    command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
    die "PostgreSQL server binaries (initdb, pg_ctl) not found: run 'make setup', or set PGHOST to use an existing server"
}

cluster_dir() { echo "$LOCAL/pg-$1"; }

# The unix socket path must stay under 107 bytes: use a short folder in /tmp
# when the checkout's path is too long.
socket_dir() {
    local dir
    dir="$(cluster_dir "$1")/run"
    if [ ${#dir} -gt 80 ]; then
        dir="/tmp/ss-pg-$(echo "$dir" | sha256sum | cut -c1-10)"
    fi
    echo "$dir"
}

# Run a PostgreSQL server command as the cluster's owner.
as_owner() {
    if is_root; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

print_env() {  # what a client needs to reach the cluster
    echo "export PGHOST='$(socket_dir "$1")' PGPORT=5432 PGUSER=$PG_USER_ROLE PGDATABASE=postgres"
}

cmd_start() {
    local kind=$1 dir data sock bin
    if [ -n "${PGHOST:-}" ]; then
        # An existing server, chosen by the user: nothing to start.
        echo "export PGHOST='$PGHOST' PGPORT='${PGPORT:-5432}' PGUSER='${PGUSER:-$(id -un)}' PGDATABASE=postgres${PGPASSWORD:+ PGPASSWORD='$PGPASSWORD'}"
        return 0
    fi
    dir=$(cluster_dir "$kind"); data="$dir/data"; sock=$(socket_dir "$kind"); bin=$(pg_bin)
    mkdir -p "$dir" "$sock"
    if is_root; then
        id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' OS user to own the cluster (install the postgresql package)"
        chown postgres: "$dir" "$sock"
        if ! runuser -u postgres -- test -w "$dir"; then
            die "the postgres OS user cannot reach $dir (a parent folder is private to root).
Move the checkout somewhere world-traversable (e.g. /srv or /work), or use an existing server with PGHOST=..."
        fi
    fi
    if [ ! -f "$data/PG_VERSION" ]; then
        say "Creating the embedded PostgreSQL cluster ($kind) in ${dir#"$ROOT/"}"
        rm -rf "$data"
        as_owner "$bin/initdb" -D "$data" -A trust -E UTF8 --locale=C.UTF-8 -U postgres >"$dir/initdb.log" 2>&1 \
            || die "initdb failed: see $dir/initdb.log"
        {
            echo "listen_addresses = ''"
            echo "unix_socket_directories = '$sock'"
            echo "unix_socket_permissions = 0700"
            echo "max_connections = 200"
            echo "shared_buffers = 256MB"
            echo "logging_collector = off"
            if [ "$kind" = test ]; then
                # Throwaway databases: durability buys nothing, speed does.
                echo "fsync = off"
                echo "synchronous_commit = off"
                echo "full_page_writes = off"
            fi
        } | as_owner tee -a "$data/postgresql.conf" >/dev/null
    fi
    if ! as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        # A crashed run may leave a postmaster.pid behind: pg_ctl status says
        # "no server running", so the file is stale and safe to remove.
        if [ -f "$data/postmaster.pid" ]; then
            warn "removing a stale postmaster.pid left by a crashed run"
            rm -f "$data/postmaster.pid"
        fi
        as_owner "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 start >/dev/null \
            || die "PostgreSQL ($kind) did not start: last lines of $dir/server.log:
$(tail -5 "$dir/server.log")"
    fi
    # The role Odoo connects as (Odoo refuses the 'postgres' superuser).
    if ! "$bin/psql" -h "$sock" -U postgres -d postgres -tAc \
            "SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER_ROLE'" | grep -q 1; then
        "$bin/psql" -h "$sock" -U postgres -d postgres -qc "CREATE ROLE $PG_USER_ROLE LOGIN CREATEDB" >/dev/null
    fi
    print_env "$kind"
}

cmd_stop() {
    local kind data bin
    bin=$(pg_bin)
    for kind in "${@:-run test}"; do
        for kind in $kind; do
            data="$(cluster_dir "$kind")/data"
            [ -f "$data/PG_VERSION" ] || continue
            if as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
                as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null && say "PostgreSQL ($kind) stopped"
            fi
        done
    done
}

cmd_status() {
    local kind data bin
    bin=$(pg_bin)
    for kind in run test; do
        data="$(cluster_dir "$kind")/data"
        if [ ! -f "$data/PG_VERSION" ]; then
            echo "$kind: not created"
        elif as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
            echo "$kind: running (socket $(socket_dir "$kind"))"
        else
            echo "$kind: stopped"
        fi
    done
}

case "${1:-}" in
    start) cmd_start "${2:?run or test}" ;;
    stop) shift; cmd_stop "$@" ;;
    status) cmd_status ;;
    *) die "usage: pg.sh start run|test | stop [run|test] | status" ;;
esac
