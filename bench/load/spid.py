"""The SPID sign-in of `make loadtest`: the identity provider of the identity tests
(tests/oidc/provider.mjs, the npm oidc-provider, a real OpenID Connect provider) plays the
national gateway, and the load's citizens sign in through it as they do in production.

  spid.py -c ODOO.conf -d DB --issuer URL --redirect-uri URL --config OUT.json

Registers (or updates) that provider as the Ambito's SPID provider in DB, and writes the
provider's configuration (its client, and one identity a citizen: the codice fiscale of the
citizen's person file) to OUT.json for provider.mjs. Prints the number of identities.

The citizens' logins and identities go into the provider's configuration as
{"login": identity}: the locustfile reads them from there (the "logins" key)."""

import argparse
import json
import secrets
import sys

from odoo import SUPERUSER_ID, api

from ss_seed.odoo_env import open_registry

SPID_L2 = "https://www.spid.gov.it/SpidL2"
CLIENT_ID = "segretariato-sociale-load"
NAME = "SPID (make loadtest)"


def identities(env):
    """{identity id: {"acr", "claims"}} and {login: identity id} of the load's citizens whose
    person file has a valid codice fiscale (the key SPID signs them in by)."""
    from odoo.addons.social_secretariat.tools import fiscal_code

    env.cr.execute(
        """SELECT u.login, p.fiscal_code, p.first_name, p.last_name
             FROM res_users u
             JOIN social_person p ON p.partner_id = u.partner_id
            WHERE u.login LIKE 'load.cit%%' AND u.active AND p.fiscal_code IS NOT NULL
            ORDER BY u.login"""
    )
    found, logins = {}, {}
    for login, code, first, last in env.cr.fetchall():
        if fiscal_code.problem(code):
            continue
        key = login.replace(".", "-")
        found[key] = {
            "acr": SPID_L2,
            "claims": {
                "fiscalNumber": f"TINIT-{code}",
                "given_name": first or "",
                "family_name": last or "",
            },
        }
        logins[login] = key
    return found, logins


def register(env, issuer, secret):
    """The provider as the main company's SPID provider (created, or pointed at `issuer`)."""
    Provider = env["auth.oauth.provider"]
    values = {
        "name": NAME,
        "body": "SPID",
        "flow": "id_token_code",
        "client_id": CLIENT_ID,
        "client_secret": secret,
        "auth_endpoint": f"{issuer}/auth",
        "token_endpoint": f"{issuer}/token",
        "jwks_uri": f"{issuer}/jwks",
        "scope": "openid profile email phone",
        "enabled": True,
        "social_kind": "spid",
        "social_company_id": env.ref("base.main_company").id,
        "social_min_acr": "2",
    }
    provider = Provider.search([("name", "=", NAME)], limit=1)
    if provider:
        provider.write(values)
    else:
        provider = Provider.create(values)
    return provider


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--issuer", required=True)
    parser.add_argument("--redirect-uri", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    registry = open_registry(args.config, args.database)
    secret = secrets.token_urlsafe(24)
    with registry.cursor() as cr:  # commits on success
        env = api.Environment(cr, SUPERUSER_ID, {})
        found, logins = identities(env)
        if not found:
            sys.exit("no load citizen has a valid codice fiscale: was the database enlarged?")
        register(env, args.issuer, secret)
    with open(args.out, "w") as handle:
        json.dump(
            {
                "port": args.port,
                "client_id": CLIENT_ID,
                "client_secret": secret,
                "redirect_uri": args.redirect_uri,
                "identities": found,
                "logins": logins,
            },
            handle,
        )
    print(f"{len(found)} citizens with a SPID identity")


if __name__ == "__main__":
    main()
