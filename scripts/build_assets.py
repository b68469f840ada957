"""Build the asset bundles of the first pages (backend, portal, login) before the server
answers: otherwise the first visitors wait while they are built, 7-20 s each, and requests in
parallel build them twice. `python scripts/build_assets.py -c odoo.conf -d DB` (make run)."""

import argparse
import sys
import time

import odoo
from odoo import SUPERUSER_ID, api
from odoo.tools import config

# the backend, the portal and website pages, the login page, and what they load later
BUNDLES = (
    "web.assets_web",
    "web.assets_frontend",
    "web.assets_frontend_minimal",
    "web.assets_frontend_lazy",
)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    args = parser.parse_args()
    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    started = time.monotonic()
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        for name in BUNDLES:
            bundle = env["ir.qweb"]._get_asset_bundle(name, css=True, js=True)
            bundle.js()
            bundle.css()
    print(f"asset bundles built in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
