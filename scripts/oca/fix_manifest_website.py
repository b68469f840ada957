# License AGPLv3 (https://www.gnu.org/licenses/agpl-3.0-standalone.html)
"""`oca-fix-manifest-website` of OCA maintainer-tools, for a machine without it.

Sets the website key of every addon manifest to the repository's URL (maintainer-tools'
tools/fix_manifest_website.py, commit d4657f8c, without click). --check writes nothing and fails
when a manifest says otherwise (`make lint`; `make format` writes).
"""

import argparse
import ast
import os
import re
import sys

WEBSITE_KEY_RE = re.compile(r"""(["']website["']\s*:\s*["'])([^"']*)(["'])""")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("--addons-dir", default=".")
    parser.add_argument("--check", action="store_true", help="write nothing; fail when wrong")
    args = parser.parse_args(argv)
    wrong = []
    for addon in sorted(os.listdir(args.addons_dir)):
        path = os.path.join(args.addons_dir, addon, "__manifest__.py")
        if not os.path.isfile(path):
            continue
        with open(path, encoding="utf8") as f:
            text = f.read()
        if "website" not in ast.literal_eval(text):
            sys.exit(f"website key not found in manifest in {addon}.")
        new_text, count = WEBSITE_KEY_RE.subn(r"\g<1>" + args.url + r"\g<3>", text)
        if count != 1:
            sys.exit(f"{'no' if not count else 'more than one'} website key match in {path}.")
        if new_text != text:
            wrong.append(path)
            if not args.check:
                with open(path, "w", encoding="utf8") as f:
                    f.write(new_text)
    for path in wrong:
        print(f"{path}: website is not {args.url}{' (make format)' if args.check else ': fixed'}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
