"""Every addon ships i18n/<addon>.pot and a complete Italian i18n/it.po: valid (msgfmt -c),
no untranslated or fuzzy entry, and every string of the template translated."""

import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ["social_secretariat", "social_secretariat_network", "social_secretariat_reports"]


def problems(addon):
    pot_path = ROOT / addon / "i18n" / f"{addon}.pot"
    po_path = ROOT / addon / "i18n" / "it.po"
    if not pot_path.exists() or not po_path.exists():
        return [f"{addon}: i18n/{addon}.pot and i18n/it.po are both required (make i18n)"]
    check = subprocess.run(
        ["msgfmt", "-c", "--check-format", "-o", "/dev/null", str(po_path)],
        capture_output=True,
        text=True,
    )
    found = [f"{po_path}: {line}" for line in check.stderr.splitlines()] if check.returncode else []
    po = polib.pofile(str(po_path))
    present = {(e.msgctxt, e.msgid) for e in po}
    found += [f"{po_path}: untranslated: {e.msgid[:70]!r}" for e in po.untranslated_entries()]
    found += [f"{po_path}: fuzzy: {e.msgid[:70]!r}" for e in po.fuzzy_entries()]
    missing = [e for e in polib.pofile(str(pot_path)) if (e.msgctxt, e.msgid) not in present]
    found += [f"{po_path}: missing from it.po (make i18n): {e.msgid[:70]!r}" for e in missing]
    return found


if __name__ == "__main__":
    errors = [error for addon in ADDONS for error in problems(addon)]
    for error in errors[:50]:
        print(error)
    if len(errors) > 50:
        print(f"... and {len(errors) - 50} more")
    sys.exit(1 if errors else 0)
