#!/usr/bin/env bash
# `make loadtest`: Locust against a multi-worker Odoo on the demo database enlarged to an
# Ambito of ~100k inhabitants (bench/README.md, "Load"). Figures printed, never asserted.
#
#   STEPS="50 100 200 400"  concurrent users of each step, one Locust run a step
#   STEP_TIME=120           seconds measured a step, once its users are all spawned
#                           (SPAWN_RATE a second) and SETTLE seconds more have passed
#   SPAWN_RATE=5            users started a second
#   SETTLE=30               seconds after the spawn before the figures count: each user
#                           signs in as it starts, and that queue is not a real morning
#   SIGN_OUT_SHARE=0.25     the share of a citizen's visits that end by signing out (the
#                           next visit signs in again); 1: a sign-in every visit
#   SIGN_IN=spid            how citizens sign in: spid, through a real OpenID Connect provider
#                           playing the national gateway (tests/oidc/provider.mjs, as in
#                           production), or password (pbkdf2 on the server: the worst case)
#   WARMUP=30               seconds of load before the steps, not measured (0: none)
#   REUSE=1                 keep ss_load when it was built and enlarged (a marker inside says
#                           so); the addons are upgraded in it (-u) when their source changed
#                           since. Without it the database is built again
#   BASELINE_REV=<git rev>  also run the same load against that revision's addons (a git
#                           worktree under .local/loadtest/, its own database ss_load_<rev>)
#                           and print both side by side
#   BASELINE_DB=ss_load     run the baseline on that database instead of building one: only
#                           when the revision's models are the current ones (same fields)
#   LOAD_PORT=8079          the server's port
#
# Results: bench/out/load-<UTC timestamp>.json, the server's log bench/out/load-server.log.
source "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh"

STEPS="${STEPS:-50 100 200 400}"
STEP_TIME="${STEP_TIME:-120}"
SPAWN_RATE="${SPAWN_RATE:-5}"
SETTLE="${SETTLE:-30}"
SIGN_OUT_SHARE="${SIGN_OUT_SHARE:-0.25}"
SIGN_IN="${SIGN_IN:-spid}"
WARMUP="${WARMUP:-30}"
REUSE="${REUSE:-0}"
BASELINE_REV="${BASELINE_REV:-}"
BASELINE_DB="${BASELINE_DB:-}"
LOAD_PORT="${LOAD_PORT:-8079}"
LOAD_DIR="$LOCAL/loadtest"
LOAD_VENV="$LOAD_DIR/venv"
REQS="$ROOT/bench/requirements-load.txt"

for n in $STEPS; do
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "STEPS must be numbers of users, e.g. STEPS=\"10 20\" (got '$STEPS')"
done
[[ "$STEP_TIME" =~ ^[1-9][0-9]*$ ]] || die "STEP_TIME must be a number of seconds (got '$STEP_TIME')"
[[ "$WARMUP" =~ ^[0-9]+$ ]] || die "WARMUP must be a number of seconds (got '$WARMUP')"
[[ "$SETTLE" =~ ^[0-9]+$ ]] || die "SETTLE must be a number of seconds (got '$SETTLE')"
[[ "$SPAWN_RATE" =~ ^[1-9][0-9]*$ ]] || die "SPAWN_RATE must be a number of users a second (got '$SPAWN_RATE')"
case "$SIGN_IN" in
    spid)
        command -v node >/dev/null && [ -f "$ROOT/node_modules/oidc-provider/package.json" ] \
            || die "SIGN_IN=spid needs node and node_modules/oidc-provider: run make setup (or SIGN_IN=password)"
        ! port_busy "$((LOAD_PORT + 2))" || die "port $((LOAD_PORT + 2)) (the SPID provider's) is taken: set LOAD_PORT" ;;
    password) ;;
    *) die "SIGN_IN must be spid or password (got '$SIGN_IN')" ;;
esac
! port_busy "$LOAD_PORT" || die "port $LOAD_PORT is taken: set LOAD_PORT to a free one"

# Locust needs a newer gevent than Odoo's: its own venv, rebuilt when the requirements change
locust_venv() {
    local want have=""
    want=$(sha256sum "$REQS" | cut -c1-16)
    [ -f "$LOAD_VENV/.requirements" ] && have=$(cat "$LOAD_VENV/.requirements")
    if [ "$want" != "$have" ] || [ ! -x "$LOAD_VENV/bin/locust" ]; then
        say "Installing Locust into $LOAD_VENV"
        rm -rf "$LOAD_VENV"
        mkdir -p "$LOAD_DIR"
        python3.11 -m venv "$LOAD_VENV"
        "$LOAD_VENV/bin/pip" install -q --disable-pip-version-check -r "$REQS"
        echo "$want" > "$LOAD_VENV/.requirements"
    fi
}

pg_env=$(bash "$ROOT/scripts/pg.sh" start test) || exit 1
eval "$pg_env"
locust_venv

# build_db ROOT DB: the four addons of the checkout at ROOT with demo data (Italian loaded),
# the demo history, then enlarged (seed_load.py); kept when REUSE=1 and built from the same
# source.
build_db() {
    local src=$1 db=$2 conf="$OUT/odoo-load-$2.conf" hash log="$OUT/install-$2.log" t0
    # the addons of that checkout, Odoo's own before them
    ROOT="$src" write_odoo_conf "$conf" "$DATA_DIR" "list_db = False" "max_cron_threads = 0"
    local addons
    IFS=, read -r -a addons <<< "$ADDONS"
    hash=$(ROOT="$src" source_hash "${addons[@]}")
    if [ "$REUSE" = 1 ] && db_exists "$db" && [ -n "$(param "$db" ss_load.seed)" ]; then
        say "Reusing $db ($(param "$db" ss_load.seed))"
        [ "$(param "$db" ss_load.src)" = "$hash" ] && return
        say "The addons changed since: upgrading them in $db"
        rm -f "$OUT/upgrade-$db.log"
        if (cd "$src" && "$PY" -m odoo -c "$conf" -d "$db" -u "$ADDONS" --stop-after-init \
                --log-level=warn --logfile="$OUT/upgrade-$db.log"); then
            set_param "$db" ss_load.src "$hash"
            return
        fi
        warn "the upgrade failed (see $OUT/upgrade-$db.log): building $db again"
    fi
    t0=$SECONDS
    dropdb --if-exists --force "$db"
    rm -rf "$DATA_DIR/filestore/$db" "$log"
    say "Installing $ADDONS with demo data into $db"
    if ! "$PY" -m odoo -c "$conf" -d "$db" -i "$ADDONS" --load-language=it_IT \
            --stop-after-init --log-level=warn --logfile="$log"; then
        tail -40 "$log" >&2
        die "installing the addons failed (log above)"
    fi
    say "The demo's year of history"
    seed_history "$conf" "$db"
    say "Enlarging $db to an Ambito of ~100k inhabitants"
    (cd "$src" && PYTHONPATH="$ROOT:$src" "$PY" "$ROOT/bench/seed_load.py" -c "$conf" -d "$db")
    set_param "$db" ss_load.src "$hash"
    say "$db built in $((SECONDS - t0)) s"
}

server_pid=""
provider_pid=""
stop_server() {
    local pid
    for pid in "$server_pid" "$provider_pid"; do
        if [ -n "$pid" ]; then
            kill_tree "$pid" TERM
            wait "$pid" 2>/dev/null || true
        fi
    done
    server_pid=""
    provider_pid=""
}
trap stop_server EXIT

# start_provider SRC DB DIR: the SPID provider (a real OpenID Connect provider, the identity
# tests' own) on LOAD_PORT+2, registered in DB as the Ambito's SPID provider; its
# configuration, with each citizen's identity, in DIR/spid.json for the locustfile
start_provider() {
    local src=$1 db=$2 dir=$3 port=$((LOAD_PORT + 2))
    local issuer="http://127.0.0.1:$port"
    (cd "$src" && PYTHONPATH="$ROOT:$src" "$PY" "$ROOT/bench/load/spid.py" \
        -c "$OUT/odoo-load-$db.conf" -d "$db" --issuer "$issuer" --port "$port" \
        --redirect-uri "http://127.0.0.1:$LOAD_PORT/auth_oauth/signin" --out "$dir/spid.json") \
        || die "registering the SPID provider in $db failed"
    node "$ROOT/tests/oidc/provider.mjs" "$dir/spid.json" > "$dir/spid-provider.log" 2>&1 &
    provider_pid=$!
    local deadline=$((SECONDS + 30))
    until curl -fs -o /dev/null "$issuer/.well-known/openid-configuration"; do
        kill -0 "$provider_pid" 2>/dev/null || { cat "$dir/spid-provider.log" >&2; die "the SPID provider died"; }
        [ $SECONDS -lt $deadline ] || die "the SPID provider did not answer in 30 s"
        sleep 0.5
    done
    say "SPID provider on :$port (bench/load/spid.py, tests/oidc/provider.mjs)"
}

# step_run_time N: a step's whole run: the spawn of N users, SETTLE, then STEP_TIME measured
step_run_time() {
    echo $(( ($1 + SPAWN_RATE - 1) / SPAWN_RATE + SETTLE + STEP_TIME ))
}

# run_load SRC DB LABEL: the server with the production settings, then one Locust run a step;
# prints the figures, writes bench/out/load-<stamp>[-<label>].json
run_load() {
    local src=$1 db=$2 label=$3 conf="$OUT/odoo-load-$2.conf" prod="$OUT/odoo-load-$2-prod.conf"
    local log="$OUT/load-server.log" stamp step_dir n
    # Production settings (README "Deployment"): 4 workers and 1 cron thread on 2 cores,
    # Odoo's documented limits, behind a reverse proxy (X-Forwarded-For trusted)
    ROOT="$src" write_odoo_conf "$prod" "$DATA_DIR" "list_db = False" \
        "workers = 4" "max_cron_threads = 1" "proxy_mode = True" \
        "limit_time_cpu = 600" "limit_time_real = 1200" "limit_request = 8192" \
        "limit_memory_soft = 629145600" "limit_memory_hard = 1677721600" \
        "db_maxconn = 64" "http_port = $LOAD_PORT" "gevent_port = $((LOAD_PORT + 1))"
    [ "$label" = current ] && [ -f "$log" ] && mv "$log" "$log.1"
    [ "$label" != current ] && log="$OUT/load-server-$label.log"
    rm -f "$log"
    stamp=$(date -u +%Y%m%dT%H%M%SZ)
    step_dir="$OUT/load-$stamp"
    mkdir -p "$step_dir"
    local spid_file=""
    if [ "$SIGN_IN" = spid ]; then
        start_provider "$src" "$db" "$step_dir"
        spid_file="$step_dir/spid.json"
    fi
    say "Odoo on :$LOAD_PORT (4 workers, proxy mode) against $db; log: $log"
    # odoo-bin, not `python -m odoo`: the multi-worker server re-executes its own script
    # the database named, without a filter: Odoo then serves only it and does not list the
    # server's databases at every request without a session (each public page)
    (cd "$src" && exec "$PY" "$(odoo_src)/odoo-bin" -c "$prod" -d "$db" \
        --logfile="$log") &
    server_pid=$!
    local deadline=$((SECONDS + 120))
    until curl -fs -o /dev/null "http://127.0.0.1:$LOAD_PORT/web/login"; do
        kill -0 "$server_pid" 2>/dev/null || { tail -30 "$log" >&2; die "the server died"; }
        [ $SECONDS -lt $deadline ] || die "the server did not answer in 120 s"
        sleep 1
    done
    psql -d "$db" -tAc "SELECT value FROM ir_config_parameter WHERE key = 'ss_load.users'" \
        > "$step_dir/users.json"
    if [ "$WARMUP" -gt 0 ]; then
        # each worker's first requests load the registry and compile the templates: not
        # measured (a server in production has been up for hours)
        say "Warm-up: 10 users for $WARMUP s (not measured)"
        LOAD_USERS_FILE="$step_dir/users.json" LOAD_SPID_FILE="$spid_file" \
            "$LOAD_VENV/bin/locust" \
            -f "$ROOT/bench/load/locustfile.py" --headless --host "http://127.0.0.1:$LOAD_PORT" \
            -u 10 -r 10 -t "${WARMUP}s" --stop-timeout 10 --only-summary --loglevel ERROR \
            > "$step_dir/locust-warmup.log" 2>&1 || true
    fi
    for n in $STEPS; do
        say "Step: $n users, measured $STEP_TIME s once spawned and settled, sign-in $SIGN_IN, sign-out share $SIGN_OUT_SHARE ($label)"
        "$LOAD_VENV/bin/python" "$ROOT/bench/load/sample.py" --server-pid "$server_pid" \
            --pg-data "$PGDATA_DIR" --out "$step_dir/sample-$n.json" &
        local sampler=$!
        LOAD_USERS_FILE="$step_dir/users.json" LOAD_TIMES_FILE="$step_dir/times-$n.json" \
            LOAD_SPID_FILE="$spid_file" \
            LOAD_SETTLE="$SETTLE" LOAD_SIGN_OUT_SHARE="$SIGN_OUT_SHARE" \
            "$LOAD_VENV/bin/locust" \
            -f "$ROOT/bench/load/locustfile.py" --headless --host "http://127.0.0.1:$LOAD_PORT" \
            -u "$n" -r "$SPAWN_RATE" -t "$(step_run_time "$n")s" --stop-timeout 30 \
            --csv "$step_dir/step-$n" --only-summary --loglevel WARNING \
            > "$step_dir/locust-$n.log" 2>&1 || true  # failures are counted, not fatal
        kill -INT "$sampler" 2>/dev/null || true
        wait "$sampler" 2>/dev/null || true
        "$LOAD_VENV/bin/python" "$ROOT/bench/load/report.py" step --dir "$step_dir" --users "$n" \
            --sign-in "$SIGN_IN"
    done
    stop_server
    local json="$OUT/load-$stamp.json"
    [ "$label" != current ] && json="$OUT/load-$stamp-$label.json"
    "$LOAD_VENV/bin/python" "$ROOT/bench/load/report.py" summary --dir "$step_dir" \
        --steps "$STEPS" --step-time "$STEP_TIME" --label "$label" --db "$db" \
        --rev "$(cd "$src" && git rev-parse --short HEAD)" --out "$json"
    LAST_JSON=$json
}

# The test cluster's data directory (pg.sh): its postmaster.pid names the processes to sample
PGDATA_DIR="$LOCAL/pg-test/data"
[ -f "$PGDATA_DIR/postmaster.pid" ] || die "no $PGDATA_DIR/postmaster.pid: where is the test cluster?"

build_db "$ROOT" ss_load
run_load "$ROOT" ss_load current
current_json=$LAST_JSON
"$LOAD_VENV/bin/python" "$ROOT/bench/load/report.py" compare --out-dir "$OUT" \
    --current "$current_json" --previous-file "$ROOT/bench/load/previous.json"

if [ -n "$BASELINE_REV" ]; then
    rev=$(git -C "$ROOT" rev-parse --short "$BASELINE_REV") || die "unknown BASELINE_REV"
    tree="$LOAD_DIR/rev-$rev"
    if [ ! -d "$tree" ]; then
        say "A worktree of $rev in $tree"
        git -C "$ROOT" worktree add --detach "$tree" "$rev" >/dev/null
    fi
    if [ -n "$BASELINE_DB" ]; then
        # that revision's code on an existing database: only when its models are the same
        # (no field added or removed since), which saves building a second database
        db_exists "$BASELINE_DB" || die "BASELINE_DB=$BASELINE_DB does not exist"
        ROOT="$tree" write_odoo_conf "$OUT/odoo-load-$BASELINE_DB.conf" "$DATA_DIR" \
            "list_db = False" "max_cron_threads = 0"
        run_load "$tree" "$BASELINE_DB" "rev-$rev"
    else
        build_db "$tree" "ss_load_$rev"
        run_load "$tree" "ss_load_$rev" "rev-$rev"
    fi
    "$LOAD_VENV/bin/python" "$ROOT/bench/load/report.py" compare --out-dir "$OUT" \
        --current "$current_json" --baseline "$LAST_JSON"
fi
