#!/usr/bin/env bash
# The fixing half of `make lint` (whose hooks only report): ruff --fix and ruff format on Python,
# prettier --write on what the prettier hook checks, eslint --fix on JavaScript, the manifests'
# website and each addon's README.rst (and static/description/index.html) from its readme/.
# With file arguments, only those files (the README generation and the manifests always run).
#
#   make format                            # every file git would commit
#   make format ARGS="social_secretariat/views/social_desk_views.xml"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

if [ $# -gt 0 ]; then
    files=("$@")
else
    mapfile -t files < <(git ls-files --cached --others --exclude-standard)
fi
# the files pre-commit would give each hook (same exclusions as .pre-commit-config.yaml)
pick() {  # $1 = regex of names to keep; prints the existing files among $files
    printf '%s\n' "${files[@]}" | grep -E "$1" \
        | grep -Ev '^(\.venv|\.local|node_modules)/|/static/description/index\.html$|/static/(src/)?lib/|readme/.*\.(rst|md)$|^README\.md$|^package-lock\.json$|^(eslint|prettier)\.config\.cjs$' \
        | while read -r f; do [ -f "$f" ] && echo "$f"; done
}

mapfile -t py < <(pick '\.pyi?$')
if [ ${#py[@]} -gt 0 ]; then
    "$VENV/bin/ruff" check --fix --force-exclude --exit-zero --quiet "${py[@]}"
    "$VENV/bin/ruff" format --force-exclude --quiet "${py[@]}"
fi
mapfile -t pretty < <(pick '\.(css|htm|html|js|json|jsx|less|md|scss|toml|ts|xml|yaml|yml)$')
if [ ${#pretty[@]} -gt 0 ]; then
    "$ROOT/node_modules/.bin/prettier" --write --list-different --ignore-unknown "${pretty[@]}"
fi
mapfile -t js < <(pick '\.js$')
if [ ${#js[@]} -gt 0 ]; then
    "$ROOT/node_modules/.bin/eslint" --fix "${js[@]}" || true
fi
"$VENV/bin/whool" init
"$PY" scripts/oca/fix_manifest_website.py "https://github.com/social-secretariat/social-secretariat" || true
"$PY" scripts/oca/gen_addon_readme.py --addons-dir=. --branch=18.0 \
    --org-name=social-secretariat --repo-name=social-secretariat \
    --if-source-changed --keep-source-digest || true
