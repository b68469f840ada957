# License AGPLv3 (https://www.gnu.org/licenses/agpl-3.0-standalone.html)
# Copyright (c) 2018 ACSONE SA/NV
# Copyright (c) 2018 GRAP (http://www.grap.coop)
"""`oca-gen-addon-readme` of OCA maintainer-tools, for a machine without it.

maintainer-tools is not published on PyPI and pre-commit cannot clone it here, so this is its
tools/gen_addon_readme.py (commit d4657f8c, with _hash.py and manifest.py folded in) reduced to
what the 18.0 template's hook uses: --addons-dir, --branch, --org-name, --repo-name,
--if-source-changed, --keep-source-digest, the markdown fragments (converted by pandoc, shipped
by pypandoc_binary) and static/description/index.html. The template next to it,
gen_addon_readme.rst.jinja, is maintainer-tools' own, unchanged, so README.rst is laid out as
in any OCA repository. Added: --check, which writes nothing and fails when a README.rst or
index.html is not what the fragments and the manifest give (`make lint`; `make format` writes).
"""

import argparse
import ast
import hashlib
import os
import re
import sys
import tempfile
from pathlib import Path
from urllib.parse import urljoin

import pypandoc
from docutils.core import publish_file, publish_string
from jinja2 import Template

TEMPLATE = Path(__file__).with_name("gen_addon_readme.rst.jinja")
MANIFEST_NAME = "__manifest__.py"
FRAGMENTS_DIR = "readme"
# fragment name: heading level (CONTRIBUTORS and CREDITS sit under Credits)
FRAGMENTS = {
    "DESCRIPTION": 2,
    "CONTEXT": 2,
    "INSTALL": 2,
    "CONFIGURE": 2,
    "USAGE": 2,
    "ROADMAP": 2,
    "DEVELOP": 2,
    "CONTRIBUTORS": 3,
    "CREDITS": 3,
    "HISTORY": 2,
}
LICENSE_BADGES = {
    "AGPL-3": (
        "https://img.shields.io/badge/license-AGPL--3-blue.png",
        "http://www.gnu.org/licenses/agpl-3.0-standalone.html",
        "License: AGPL-3",
    ),
    "LGPL-3": (
        "https://img.shields.io/badge/license-LGPL--3-blue.png",
        "http://www.gnu.org/licenses/lgpl-3.0-standalone.html",
        "License: LGPL-3",
    ),
    "GPL-3": (
        "https://img.shields.io/badge/license-GPL--3-blue.png",
        "http://www.gnu.org/licenses/gpl-3.0-standalone.html",
        "License: GPL-3",
    ),
}
DEVELOPMENT_STATUS_BADGES = {
    "mature": (
        "https://img.shields.io/badge/maturity-Mature-brightgreen.png",
        "https://odoo-community.org/page/development-status",
        "Mature",
    ),
    "production/stable": (
        "https://img.shields.io/badge/maturity-Production%2FStable-green.png",
        "https://odoo-community.org/page/development-status",
        "Production/Stable",
    ),
    "beta": (
        "https://img.shields.io/badge/maturity-Beta-yellow.png",
        "https://odoo-community.org/page/development-status",
        "Beta",
    ),
    "alpha": (
        "https://img.shields.io/badge/maturity-Alpha-red.png",
        "https://odoo-community.org/page/development-status",
        "Alpha",
    ),
}
# from pypa/readme_renderer, as maintainer-tools sets them
RST2HTML_SETTINGS = {
    "file_insertion_enabled": False,
    "halt_level": 2,
    "math_output": "MathJax",
    "raw_enabled": False,
    "smart_quotes": True,
    "syntax_highlight": "short",
    "xml_declaration": False,
    "output_encoding": "utf-8",
}
# GitHub Flavored Markdown, without raw HTML nor automatic identifiers (pylint-odoo complains
# about unreferenced hyperlink targets)
PANDOC_MARKDOWN_FORMAT = "gfm-raw_html-gfm_auto_identifiers"
IMAGE_PATH_RE = re.compile(r".*\s*\.\..* (figure|image)::\s+(?P<path>.*?)\s*$")
DIGEST_RE = re.compile(r"!! source digest: (?P<digest>sha256:\w+)")


def read_manifest(addon_dir):
    path = os.path.join(addon_dir, MANIFEST_NAME)
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf8") as f:
        return ast.literal_eval(f.read())


def find_addons(addons_dir):
    """(name, dir, manifest) of each installable addon of addons_dir."""
    for name in sorted(os.listdir(addons_dir)):
        addon_dir = os.path.join(addons_dir, name)
        manifest = read_manifest(addon_dir)
        if manifest is not None and manifest.get("installable", True):
            yield name, addon_dir, manifest


def source_digest(addon_dir):
    """maintainer-tools' _hash.hash(manifest, readme/): file names and contents, in order."""
    digest = hashlib.sha256()
    paths = [MANIFEST_NAME]
    for dirpath, dirnames, filenames in os.walk(os.path.join(addon_dir, FRAGMENTS_DIR)):
        dirnames.sort()
        reldir = os.path.relpath(dirpath, addon_dir)
        paths += [os.path.join(reldir, f) for f in sorted(filenames) if not f.startswith(".")]
    for path in paths:
        digest.update(path.encode("utf-8"))
        with open(os.path.join(addon_dir, path), "rb") as f:
            digest.update(f.read())
    return digest.name + ":" + digest.hexdigest()


def fragment_format(addon_dir):
    """.md or .rst, the one format of the addon's fragments (None without fragments)."""
    formats = set()
    for name in FRAGMENTS:
        for ext in (".rst", ".md"):
            if os.path.exists(os.path.join(addon_dir, FRAGMENTS_DIR, name + ext)):
                formats.add(ext)
    if len(formats) > 1:
        raise SystemExit(f"Both .md and .rst fragments found in {addon_dir}/readme: use one.")
    return formats.pop() if formats else None


def rst_fragment(addon_dir, name):
    """The fragment as reStructuredText (markdown converted by pandoc), or None."""
    base = os.path.join(addon_dir, FRAGMENTS_DIR, name)
    if os.path.exists(base + ".rst"):
        with open(base + ".rst", encoding="utf8") as f:
            return f.read()
    if not os.path.exists(base + ".md"):
        return None
    return pypandoc.convert_file(
        base + ".md",
        format=PANDOC_MARKDOWN_FORMAT,
        to="rst",
        extra_args=[f"--shift-heading-level-by={FRAGMENTS[name] - 2}"],
        sandbox=True,
    )


def absolute_images(text, org_name, repo_name, branch, addon_name):
    """Relative figure and image paths made absolute, as maintainer-tools does."""
    module_url = f"https://raw.githubusercontent.com/{org_name}/{repo_name}/{branch}/{addon_name}/"
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        match = IMAGE_PATH_RE.match(line)
        if match and not match.group("path").startswith("http"):
            path = match.group("path")
            lines[index] = line.replace(path, urljoin(module_url, path.replace("../", "")))
    text = "".join(lines)
    return text if text.endswith("\n") else text + "\n"


def make_repo_badge(org_name, repo_name, branch, addon_name):
    badge_repo, badge_org = repo_name.replace("-", "--"), org_name.replace("-", "--")
    return (
        f"https://img.shields.io/badge/github-{badge_org}%2F{badge_repo}-lightgray.png?logo=github",
        f"https://github.com/{org_name}/{repo_name}/tree/{branch}/{addon_name}",
        f"{org_name}/{repo_name}",
    )


def render_readme(args, addon_name, addon_dir, manifest, digest):
    fragments_format = fragment_format(addon_dir)
    fragments = {}
    for name in FRAGMENTS:
        text = rst_fragment(addon_dir, name)
        if text:
            fragments[name] = absolute_images(
                text, args.org_name, args.repo_name, args.branch, addon_name
            )
    development_status = manifest.get("development_status", "Beta").lower()
    badges = []
    if development_status in DEVELOPMENT_STATUS_BADGES:
        badges.append(DEVELOPMENT_STATUS_BADGES[development_status])
    if manifest.get("license") in LICENSE_BADGES:
        badges.append(LICENSE_BADGES[manifest["license"]])
    badges.append(make_repo_badge(args.org_name, args.repo_name, args.branch, addon_name))
    # the OCA's weblate and runboat badges are the OCA's only (org_name == "OCA")
    authors = [a.strip() for a in manifest.get("author", "").split(",") if "(OCA)" not in a]
    return Template(TEMPLATE.read_text(encoding="utf8")).render(
        addon_name=addon_name,
        authors=authors,
        badges=badges,
        branch=args.branch,
        fragments=fragments,
        manifest=manifest,
        org_name=args.org_name,
        repo_name=args.repo_name,
        development_status=development_status,
        source_digest=digest,
        level3_underline="~" if fragments_format == ".rst" else "-",
    )


def render_index(readme):
    """static/description/index.html from the README (raises on any reST warning)."""
    html = publish_string(
        source=readme,
        writer_name="html4css1",
        settings_overrides=RST2HTML_SETTINGS,
    )
    # no docutils version in the page, so that an upgrade changes nothing
    return re.sub(rb"(<meta.*generator.*Docutils)\s*[\d.]+", rb"\1", html, flags=re.MULTILINE)


def check_rst(readme_filename):
    with tempfile.NamedTemporaryFile() as f:
        publish_file(
            source_path=readme_filename,
            destination=f,
            writer_name="html4css1",
            settings_overrides=RST2HTML_SETTINGS,
        )


def outputs(args, addon_name, addon_dir, manifest):
    """{path: bytes} that the addon's README.rst and index.html must hold, or {} to skip."""
    if not os.path.exists(os.path.join(addon_dir, FRAGMENTS_DIR, "DESCRIPTION.md")) and not (
        os.path.exists(os.path.join(addon_dir, FRAGMENTS_DIR, "DESCRIPTION.rst"))
    ):
        return {}
    readme_path = os.path.join(addon_dir, "README.rst")
    current = Path(readme_path).read_text(encoding="utf8") if os.path.isfile(readme_path) else ""
    digest = source_digest(addon_dir)
    if args.if_source_changed and f"!! source digest: {digest}" in current:
        return {}
    if args.keep_source_digest:
        match = DIGEST_RE.search(current)
        digest = match.group("digest") if match else digest
    readme = render_readme(args, addon_name, addon_dir, manifest, digest)
    result = {readme_path: readme.encode("utf8")}
    index_path = os.path.join(addon_dir, "static", "description", "index.html")
    if os.path.exists(index_path) and b"oca-gen-addon-readme" not in Path(index_path).read_bytes():
        return result  # an index.html written by hand is left alone
    if manifest.get("preloadable", True):
        result[index_path] = render_index(readme)
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--org-name", default="OCA")
    parser.add_argument("--repo-name", required=True)
    parser.add_argument("--branch", required=True)
    parser.add_argument("--addons-dir", default=".")
    parser.add_argument("--if-source-changed", action="store_true")
    parser.add_argument("--keep-source-digest", action="store_true")
    parser.add_argument("--check", action="store_true", help="write nothing; fail when stale")
    args = parser.parse_args(argv)
    stale = []
    for addon_name, addon_dir, manifest in find_addons(args.addons_dir):
        for path, content in outputs(args, addon_name, addon_dir, manifest).items():
            if os.path.isfile(path) and Path(path).read_bytes() == content:
                continue
            stale.append(path)
            if not args.check:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                Path(path).write_bytes(content)
                if path.endswith(".rst"):
                    check_rst(path)
    for path in stale:
        print(f"{path}: {'not generated from readme/ (make format)' if args.check else 'updated'}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
