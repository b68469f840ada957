#!/usr/bin/env bash
# `make run`: Odoo 18.0 with the three addons and their demo data at
# http://localhost:$PORT, until Ctrl-C. The database (and the embedded
# PostgreSQL cluster) survives restarts; the addons are upgraded only when
# their source changed since the last run.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if port_busy "$PORT"; then
    die "port $PORT is already in use (another Odoo, or a previous 'make run' still running?).
Stop it, or pick another port:  make run PORT=8070"
fi
GEVENT_PORT="${GEVENT_PORT:-$((PORT + 3))}"
if port_busy "$GEVENT_PORT"; then
    die "port $GEVENT_PORT (live chat/notifications) is in use: pick others with  make run PORT=... GEVENT_PORT=..."
fi

pg_env=$(bash "$ROOT/scripts/pg.sh" start run) || exit 1
eval "$pg_env"

CONF="$LOCAL/odoo-run.conf"
[ -f "$LOCAL/admin_passwd" ] || (umask 077; "$PY" -c 'import secrets; print(secrets.token_urlsafe(18))' > "$LOCAL/admin_passwd")
write_odoo_conf "$CONF" "$LOCAL/data" \
    "db_name = $RUN_DB" \
    "dbfilter = ^$RUN_DB\$" \
    "list_db = False" \
    "admin_passwd = $(cat "$LOCAL/admin_passwd")" \
    "http_port = $PORT" \
    "gevent_port = $GEVENT_PORT" \
    "without_demo = False"

hash=$(source_hash social_secretariat social_secretariat_network social_secretariat_reports)
state="$LOCAL/run-db.hash"
if ! psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$RUN_DB'" | grep -q 1; then
    # measured on 2 cores: about 4 minutes to install, then the history and the assets
    say "First run: creating the database '$RUN_DB' with the demo data (3 to 5 minutes)"
    first_run=$SECONDS
    "$PY" -m odoo -c "$CONF" -i "$ADDONS" --load-language=it_IT --stop-after-init --log-level=warn \
        || die "installing the addons failed (see the log above)"
    echo "$hash" > "$state"
elif [ "$(cat "$state" 2>/dev/null)" != "$hash" ]; then
    say "The addons changed since the last run: upgrading them"
    "$PY" -m odoo -c "$CONF" -u "$ADDONS" --stop-after-init --log-level=warn \
        || die "upgrading the addons failed (see the log above); 'make reset' starts from a fresh database"
    echo "$hash" > "$state"
fi
# The year of history is data, not part of the addons: generated once, after the first
# installation (a marker in the database says it was; upgrades never run it again).
if ! psql -d "$RUN_DB" -tAc "SELECT 1 FROM ir_config_parameter WHERE key = 'ss_seed.demo_history'" \
        | grep -q 1; then
    say "Generating a year of demo history: persons, sessions, consents, referrals (about a minute)"
    seed_history "$CONF" "$RUN_DB" || die "generating the demo history failed (see the log above)"
fi
# The pages' styles and scripts, built now rather than by the first visitors' requests.
if [ -n "${first_run:-}" ] || [ "$(cat "$state.assets" 2>/dev/null)" != "$hash" ]; then
    say "Building the pages' styles and scripts (asset bundles)"
    "$PY" "$ROOT/scripts/build_assets.py" -c "$CONF" -d "$RUN_DB" \
        || die "building the asset bundles failed (see the log above)"
    echo "$hash" > "$state.assets"
fi
[ -n "${first_run:-}" ] && say "The database is ready (in $((SECONDS - first_run)) s)"

cat <<MSG

  Segretariato Sociale is starting at  http://localhost:$PORT
  (stop with Ctrl-C; 'make stop' also stops the embedded PostgreSQL)

  Demo logins (password = login):
    admin          administrator
    operatore      front-office operator (Giulia Ferri)
    educatrice     front-office operator, educator (Sara Colombo)
    assistente     social worker (Marco Rinaldi)
    coordinatrice  coordinator, Ufficio di Piano (Elena Bassi)
    cittadino      citizen, portal (Mario Esposito)      -> http://localhost:$PORT/my
    partner        network partner, Caritas (portal)      -> http://localhost:$PORT/my

MSG
exec "$PY" "$(odoo_src)/odoo-bin" -c "$CONF" --log-level=info
