#!/usr/bin/env bash
# Refresh the translation templates: for each addon, export i18n/<addon>.pot from a
# scratch database and merge it into i18n/it.po (existing translations are kept;
# new strings arrive untranslated, obsolete ones are dropped). `make i18n`.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pg_env=$(bash "$ROOT/scripts/pg.sh" start test) || exit 1
eval "$pg_env"
DB="ssi18n_$$"
TMP="$(mktemp -d)"
trap 'dropdb --if-exists --force "$DB" >/dev/null 2>&1 || true; rm -rf "$TMP"' EXIT
CONF="$TMP/odoo.conf"
write_odoo_conf "$CONF" "$TMP/data" "without_demo = all"
say "Installing the addons (without demo) into a scratch database"
"$PY" -m odoo -c "$CONF" -d "$DB" -i "$ADDONS" --stop-after-init --log-level=warn
for addon in ${ADDONS//,/ }; do
    pot="$ROOT/$addon/i18n/$addon.pot"
    po="$ROOT/$addon/i18n/it.po"
    "$PY" -m odoo -c "$CONF" -d "$DB" --modules="$addon" --i18n-export="$pot" \
        --stop-after-init --log-level=warn
    if [ -f "$po" ]; then
        msgmerge --quiet --no-fuzzy-matching --no-wrap --update --backup=none "$po" "$pot"
        msgattrib --no-obsolete --no-wrap -o "$po" "$po"
    else
        msginit --no-translator --no-wrap --locale=it_IT.UTF-8 --input="$pot" --output-file="$po"
    fi
    untranslated=$(msgattrib --untranslated "$po" | grep -c '^msgid ' || true)
    say "$addon: $(grep -c '^msgid ' "$pot") strings, $((untranslated > 0 ? untranslated - 1 : 0)) untranslated in it.po"
done
