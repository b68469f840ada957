"""The OpenID Connect provider of the identity tests (tests/oidc/provider.mjs, the npm
oidc-provider) as a real process on 127.0.0.1, and its registration in the test database as
the Ambito's SPID provider."""

import json
import re
import secrets
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from chromium import without_memory_limit
from odoo_client import OdooClient

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tests" / "oidc" / "provider.mjs"

SPID_L1 = "https://www.spid.gov.it/SpidL1"
SPID_L2 = "https://www.spid.gov.it/SpidL2"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def oidc_gateway(odoo_url, identities, tmp_path):
    """The provider with these test identities ({id: {"acr", "claims"}}) until the block
    ends; yields its issuer URL and client credentials."""
    if not (ROOT / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("node_modules/oidc-provider is missing: run make setup (npm ci)")
    port = _free_port()
    config = {
        "port": port,
        "client_id": "segretariato-sociale",
        "client_secret": secrets.token_urlsafe(24),
        "redirect_uri": f"{odoo_url}/auth_oauth/signin",
        "identities": identities,
    }
    config_file = tmp_path / "oidc.json"
    config_file.write_text(json.dumps(config))
    log = tmp_path / "oidc.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            ["node", str(SCRIPT), str(config_file)],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=without_memory_limit,  # V8, as Chromium's
        )
    issuer = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the OpenID Connect provider exited:\n{log.read_text()}")
            try:
                requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    pytest.fail(f"the OpenID Connect provider did not start:\n{log.read_text()}")
                time.sleep(0.2)
        yield {"issuer": issuer, **config}
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def register_provider(admin, gateway, kind="spid", min_acr="2"):
    """The gateway as the SPID (or CIE) provider of the admin's Ambito; returns its id."""
    company_id = admin.session_info()["user_companies"]["current_company"]
    issuer = gateway["issuer"]
    return admin.call(
        "auth.oauth.provider",
        "create",
        {
            "name": f"Test {kind}",
            "body": f"Test {kind}",
            "flow": "id_token_code",
            "client_id": gateway["client_id"],
            "client_secret": gateway["client_secret"],
            "auth_endpoint": f"{issuer}/auth",
            "token_endpoint": f"{issuer}/token",
            "jwks_uri": f"{issuer}/jwks",
            "scope": "openid profile email phone",
            "enabled": True,
            "social_kind": kind,
            "social_company_id": company_id,
            "social_min_acr": min_acr,
        },
    )


def provider_link(client, kind="spid"):
    """The href of the login page's SPID (or CIE) button."""
    page = client.get("/web/login")
    match = re.search(rf'data-social-kind="{kind}"[^>]*href="([^"]+)"', page.text) or re.search(
        rf'href="([^"]+)"[^>]*data-social-kind="{kind}"', page.text
    )
    assert match, f"no {kind} button on the login page"
    return match.group(1).replace("&amp;", "&")


def callback_url(client, identity, kind="spid"):
    """Signs in at the provider as `identity` with plain HTTP and returns the URL the
    provider sends the browser back to (/auth_oauth/signin?code=...&state=...), unvisited."""
    provider = requests.Session()
    response = provider.get(provider_link(client, kind), timeout=30)
    response.raise_for_status()
    response = provider.post(
        response.url, data={"identity": identity}, allow_redirects=False, timeout=30
    )
    while (
        response.status_code in (302, 303)
        and "/auth_oauth/signin" not in response.headers["Location"]
    ):
        location = requests.compat.urljoin(response.url, response.headers["Location"])
        response = provider.get(location, allow_redirects=False, timeout=30)
    assert "/auth_oauth/signin" in response.headers.get("Location", ""), response.text[:500]
    return response.headers["Location"]


def admin_client(odoo_server):
    admin = OdooClient(odoo_server["url"], odoo_server["db"])
    admin.login("admin", "admin")
    return admin
