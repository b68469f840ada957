#!/usr/bin/env bash
# Prepare everything `make run` and `make test` need. Idempotent: a second run
# with nothing to do takes a couple of seconds.
#
#   1. system packages (Chromium for browser tests, wkhtmltopdf for PDF reports,
#      PostgreSQL server binaries unless an external server is configured);
#   2. the Odoo 18.0 source tree ($ODOO_SRC, else the per-user cache, else a
#      shallow clone of Odoo's upstream repository into that cache);
#   3. the npm development tools pinned in package-lock.json (axe-core for the
#      accessibility tests; oidc-provider, the OpenID Connect provider of the identity
#      tests; prettier with its XML plugin and eslint for make lint)
#      in node_modules/ (npm ci);
#   4. the Python virtual environment .venv/ with requirements.txt and Odoo
#      installed from its source tree (pip install -e).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

mkdir -p "$LOCAL"

# --- 1. system packages -------------------------------------------------------
find_pg_bin() {
    local d
    for d in "${PG_BIN:-}" /usr/lib/postgresql/*/bin /usr/local/pgsql/bin; do
        [ -n "$d" ] && [ -x "$d/initdb" ] && { echo "$d"; return 0; }
    done
    command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
    return 1
}

missing_pkgs=()
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
    || command -v google-chrome >/dev/null 2>&1 || missing_pkgs+=(chromium)
command -v wkhtmltopdf >/dev/null 2>&1 || missing_pkgs+=(wkhtmltopdf)
command -v pg_config >/dev/null 2>&1 || missing_pkgs+=(libpq-dev)
command -v git >/dev/null 2>&1 || missing_pkgs+=(git)
command -v npm >/dev/null 2>&1 || missing_pkgs+=(nodejs npm)
if [ -z "${PGHOST:-}" ] && ! find_pg_bin >/dev/null; then
    missing_pkgs+=(postgresql postgresql-contrib)
fi
if [ ${#missing_pkgs[@]} -gt 0 ]; then
    if is_root && command -v apt-get >/dev/null 2>&1; then
        say "Installing system packages: ${missing_pkgs[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null
        apt-get install -y -qq --no-install-recommends "${missing_pkgs[@]}" fonts-dejavu-core >/dev/null
    else
        die "missing system packages: ${missing_pkgs[*]}
Install them, then run this again:
    sudo apt-get install -y --no-install-recommends ${missing_pkgs[*]} fonts-dejavu-core"
    fi
fi

# --- 2. Odoo 18.0 source tree -------------------------------------------------
check_odoo_tree() {  # $1 = tree; prints why it is not usable
    local tree=$1
    [ -f "$tree/odoo/release.py" ] && [ -f "$tree/setup.py" ] || {
        echo "$tree holds no Odoo source tree (no odoo/release.py)"; return 1; }
    grep -Eq '^version_info = \(18, 0,' "$tree/odoo/release.py" || {
        echo "$tree holds Odoo $(grep -Eo '^version_info = \([0-9]+, [0-9]+' "$tree/odoo/release.py" \
            | grep -Eo '[0-9]+, [0-9]+$' | tr -d ' ' | tr , .), not 18.0"; return 1; }
    [ -d "$tree/odoo/addons/base" ] || { echo "$tree has no odoo/addons/base"; return 1; }
    [ -d "$tree/odoo/addons/mail" ] || [ -d "$tree/addons/mail" ] || {
        echo "$tree has no community addons (addons/mail)"; return 1; }
}

if [ -n "${ODOO_SRC:-}" ]; then
    why=$(check_odoo_tree "$ODOO_SRC") || die "ODOO_SRC is not a usable Odoo 18.0 tree: $why"
    src="$(cd "$ODOO_SRC" && pwd)"
elif why=$(check_odoo_tree "$ODOO_CACHE"); then
    src="$ODOO_CACHE"
else
    if [ -e "$ODOO_CACHE" ] && [ -n "$(ls -A "$ODOO_CACHE" 2>/dev/null)" ]; then
        die "the Odoo cache is not usable: $why
Remove it (rm -rf '$ODOO_CACHE') or point ODOO_SRC at an Odoo 18.0 source tree."
    fi
    say "Cloning Odoo 18.0 (shallow) into $ODOO_CACHE"
    mkdir -p "$(dirname "$ODOO_CACHE")"
    if ! git clone --quiet --depth 1 --branch 18.0 "$ODOO_REPO_URL" "$ODOO_CACHE.part" 2>"$LOCAL/clone.log"; then
        rm -rf "$ODOO_CACHE.part"
        die "no Odoo 18.0 source: the clone of $ODOO_REPO_URL failed ($(tail -1 "$LOCAL/clone.log")).
Either set ODOO_SRC to an Odoo 18.0 Community source tree:
    ODOO_SRC=/path/to/odoo make test
or put one in the cache folder:
    $ODOO_CACHE"
    fi
    mv "$ODOO_CACHE.part" "$ODOO_CACHE"
    src="$ODOO_CACHE"
fi
echo "$src" > "$LOCAL/odoo-src"

# --- 3. npm development tools ----------------------------------------------
# axe-core for the accessibility tests, prettier (with @prettier/plugin-xml) and eslint for
# make lint, at the versions pinned in package-lock.json.
npm_stamp="$(sha256sum < "$ROOT/package-lock.json" | cut -c1-16)"
if [ ! -f "$ROOT/node_modules/axe-core/axe.min.js" ] || [ ! -x "$ROOT/node_modules/.bin/prettier" ] \
        || [ ! -f "$ROOT/node_modules/oidc-provider/package.json" ] \
        || [ "$(cat "$ROOT/node_modules/.stamp" 2>/dev/null)" != "$npm_stamp" ]; then
    command -v npm >/dev/null 2>&1 || die "npm is missing: it installs axe-core for the accessibility tests and
prettier and eslint for make lint (npm ci).
Install Node.js and npm (e.g. sudo apt-get install -y nodejs npm), then run this again,
or run it yourself in $ROOT:
    npm ci --no-audit --no-fund"
    say "Installing the npm development tools into node_modules/ (npm ci)"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error) \
        || die "npm ci failed (output above); run it again in $ROOT: npm ci --no-audit --no-fund"
    echo "$npm_stamp" > "$ROOT/node_modules/.stamp"
fi

# --- 4. Python virtual environment -----------------------------------------
find_python() {
    local c
    for c in "${PYTHON:-}" python3.11 python3; do
        [ -n "$c" ] && command -v "$c" >/dev/null 2>&1 || continue
        "$c" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null && { command -v "$c"; return 0; }
    done
    return 1
}

stamp="$(cat "$ROOT/requirements.txt" "$ROOT/requirements-oca.txt" | sha256sum | cut -c1-16)-$(echo "$src" | sha256sum | cut -c1-8)"
if [ -x "$PY" ] && [ "$(cat "$VENV/.stamp" 2>/dev/null)" = "$stamp" ]; then
    exit 0
fi

python=$(find_python) || die "Python 3.11 is required (Odoo 18 and the pinned requirements target it).
Install it (e.g. apt-get install python3.11-venv, or pyenv install 3.11) or set PYTHON=/path/to/python3.11."
if [ ! -x "$PY" ]; then
    say "Creating the virtual environment .venv/"
    "$python" -m venv "$VENV"
fi
say "Installing Python requirements into .venv/ (first time: a few minutes)"
"$PY" -m pip install --quiet --disable-pip-version-check --upgrade pip==25.1.1 setuptools==75.8.0 wheel==0.45.1
"$PY" -m pip install --quiet --disable-pip-version-check -r "$ROOT/requirements.txt"
say "Installing Odoo from $src (editable)"
"$PY" -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e "$src"
"$PY" -c 'import odoo.release as r; assert r.version_info[:2] == (18, 0), r.version' \
    || die "the virtual environment does not import Odoo 18.0"
say "Installing the OCA addons the addons depend on (requirements-oca.txt)"
"$PY" -m pip install --quiet --disable-pip-version-check --no-deps -r "$ROOT/requirements-oca.txt"
echo "$stamp" > "$VENV/.stamp"
say "Environment ready"
