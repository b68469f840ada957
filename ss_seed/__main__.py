"""`python -m ss_seed history -c odoo.conf -d DB`: the demo history, once (see history.py)."""

import argparse
import sys

from odoo import SUPERUSER_ID, api

from .history import generate
from .odoo_env import open_registry


def main():
    parser = argparse.ArgumentParser(prog="python -m ss_seed", description=__doc__)
    parser.add_argument("what", choices=["history"])
    parser.add_argument("-c", "--config", required=True, help="the Odoo configuration file")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--logfile", help="Odoo's log file (default: the console)")
    parser.add_argument("--persons", type=int, default=60)
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--referrals", type=int, default=40)
    args = parser.parse_args()

    registry = open_registry(args.config, args.database, logfile=args.logfile)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if env["res.lang"]._get_data(code="it_IT").code:
            # the history's messages (sent, accepted, outcomes...) in the Ambito's language
            env = env(context={"lang": "it_IT"})
        done = generate(env, args.persons, args.sessions, args.referrals)
    print(
        f"{args.database}: demo history generated"
        if done
        else f"{args.database}: demo history already there (or no demo data): nothing done"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
