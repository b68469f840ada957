"""Citizens sign in with SPID/CIE (issue 13): a real OpenID Connect provider on 127.0.0.1
(the npm oidc-provider), the real Odoo server, and Chromium clicking "Entra con SPID"."""

import psycopg2
import pytest
from chromium import chromium
from odoo_client import OdooClient, RPCError
from oidc_gateway import (
    SPID_L1,
    SPID_L2,
    admin_client,
    callback_url,
    oidc_gateway,
    register_provider,
)

# the rules, and the parts of Odoo's own templates left out, of the core's portal pages
from odoo.addons.social_secretariat.tests.test_accessibility import (
    AXE_JS,
    ODOO_EXCLUDE,
    WCAG_TAGS,
)

# Mario Esposito, the demo's portal user `cittadino`: his person file has this code.
CF_MARIO = "SPSMRA68C21F839H"
CF_NEW = "VRDLCU85M41F205J"  # Lucia Verdi, new to the Ambito
CF_EMAIL = "BNCGNN70A01F205U"
CF_OTHER = "FRRNNA90A41F205Q"  # another code, held by nobody  # someone whose identity shares Mario's e-mail
CF_LAURA = "BNCLRA92D50F205S"  # Laura Bianchi, new too: reads the consent page, never accepts

IDENTITIES = {
    "mario": {
        "acr": SPID_L2,
        "claims": {
            "fiscalNumber": f"TINIT-{CF_MARIO}",
            "given_name": "Mario",
            "family_name": "Esposito",
        },
    },
    "lucia": {
        "acr": SPID_L2,
        "claims": {
            "fiscalNumber": f"TINIT-{CF_NEW}",
            "given_name": "Lucia",
            "family_name": "Verdi",
            "email": "lucia.verdi@example.com",
            "phone_number": "+39 333 123 4567",
        },
    },
    "laura": {
        "acr": SPID_L2,
        "claims": {
            "fiscalNumber": f"TINIT-{CF_LAURA}",
            "given_name": "Laura",
            "family_name": "Bianchi",
        },
    },
    "nocode": {"acr": SPID_L2, "claims": {"given_name": "Senza", "family_name": "Codice"}},
    "badcode": {
        "acr": SPID_L2,
        "claims": {"fiscalNumber": "TINIT-RSSMRA80C15G686X", "given_name": "Sbagliato"},
    },
    "level1": {
        "acr": SPID_L1,
        "claims": {"fiscalNumber": f"TINIT-{CF_MARIO}", "given_name": "Mario"},
    },
    "email": {
        "acr": SPID_L2,
        "claims": {
            "fiscalNumber": f"TINIT-{CF_EMAIL}",
            "given_name": "Gianni",
            "family_name": "Bianchi",
            "email": "mario.esposito@example.com",
        },
    },
}


@pytest.fixture(scope="module")
def gateway(odoo_server, tmp_path_factory):
    admin = admin_client(odoo_server)
    with oidc_gateway(odoo_server["url"], IDENTITIES, tmp_path_factory.mktemp("oidc")) as gw:
        provider_id = register_provider(admin, gw)
        try:
            yield {**gw, "provider_id": provider_id, "admin": admin}
        finally:
            # the other end-to-end tests expect the demo as it was: local sign-up open
            admin.call("auth.oauth.provider", "unlink", [provider_id])


@pytest.fixture(scope="module")
def browser():
    with chromium() as instance:
        yield instance


def sign_in(page, odoo_server, identity):
    """In the browser: the login page, "Entra con SPID", the identity at the provider."""
    page.goto(f"{odoo_server['url']}/web/login")
    page.wait_for("document.querySelector('a[data-social-kind=spid]')")
    assert page.text("a[data-social-kind=spid]").strip() == "Entra con SPID"
    page.click("a[data-social-kind=spid]")
    page.wait_for(f"document.querySelector('#identity-{identity}')")
    page.click(f"#identity-{identity}")


def assert_refused(page, reason):
    page.wait_for("document.querySelector('.o_social_identity_refused')")
    assert (
        page.evaluate("document.querySelector('.o_social_identity_refused').dataset.reason")
        == reason
    )
    assert "Non è stato possibile accedere" in page.text("h1")
    assert page.evaluate("document.documentElement.lang").startswith("it")


def test_login_page_offers_spid_and_closes_sign_up(gateway, client):
    page = client.get("/web/login")
    assert "Entra con SPID" in page.text
    # the Ambito signs citizens in with SPID: no local sign-up link, and no sign-up form
    assert "/web/signup" not in page.text
    assert client.get("/web/signup").status_code == 404


def test_existing_citizen_lands_on_own_appointments(gateway, odoo_server, browser):
    with browser.page() as page:
        sign_in(page, odoo_server, "mario")
        page.wait_for("location.pathname === '/my/social/appointments'")
        uid = page.evaluate(
            "fetch('/web/session/get_session_info', {method: 'POST', headers: "
            "{'Content-Type': 'application/json'}, body: JSON.stringify({jsonrpc: '2.0', "
            "params: {}})}).then(r => r.json()).then(r => r.result.username)"
        )
        assert uid == "cittadino"


def test_new_citizen_consents_and_gets_a_person_file(gateway, odoo_server, browser):
    admin = gateway["admin"]
    with browser.page() as page:
        sign_in(page, odoo_server, "lucia")
        page.wait_for("location.pathname === '/social/identity/consent'")
        assert CF_NEW in page.text()
        # without the box ticked nothing is created
        page.click(".o_social_identity_consent button[type=submit]")
        page.wait_for("document.querySelector('.alert-danger')")
        assert not admin.call("social.person", "search", [["fiscal_code", "=", CF_NEW]])
        page.click("#social_privacy")
        page.click(".o_social_identity_consent button[type=submit]")
        page.wait_for("location.pathname === '/my/social/appointments'")
    person = admin.call(
        "social.person",
        "search_read",
        [["fiscal_code", "=", CF_NEW]],
        ["first_name", "last_name", "partner_id", "consent_ids"],
    )
    assert len(person) == 1 and person[0]["first_name"] == "Lucia", person
    assert person[0]["consent_ids"], "the consent is recorded on the file"
    users = admin.call(
        "res.users",
        "search_read",
        [["partner_id", "=", person[0]["partner_id"][0]]],
        ["share", "email", "oauth_uid"],
    )
    assert len(users) == 1 and users[0]["share"] and users[0]["oauth_uid"] == "lucia", users
    assert users[0]["email"] == "lucia.verdi@example.com"


@pytest.mark.parametrize(
    ("identity", "reason"),
    [
        ("nocode", "no_code"),
        ("badcode", "bad_code"),
        ("level1", "low_acr"),
        ("email", "email_match"),
    ],
)
def test_refused_with_a_clear_page(gateway, odoo_server, browser, identity, reason):
    with browser.page() as page:
        sign_in(page, odoo_server, identity)
        assert_refused(page, reason)
        # not signed in
        page.goto(f"{odoo_server['url']}/my/social/appointments")
        page.wait_for("location.pathname === '/web/login'")
    if identity == "email":
        # the account with that e-mail was left alone
        admin = gateway["admin"]
        assert not admin.call("social.person", "search", [["fiscal_code", "=", CF_EMAIL]])
        mario = admin.call("res.users", "search_read", [["login", "=", "cittadino"]], ["oauth_uid"])
        assert mario[0]["oauth_uid"] != "email"


def test_replayed_code_is_refused(gateway, odoo_server, browser):
    first = OdooClient(odoo_server["url"], odoo_server["db"])
    url = callback_url(first, "mario")
    response = first.get(url.replace(odoo_server["url"], ""))
    assert response.url.endswith("/my/social/appointments"), response.url
    # the same answer of the provider, again (a copied link, a stolen history): refused
    with browser.page() as page:
        page.goto(url)
        assert_refused(page, "token")


def _cache_signals(db):
    """Odoo's signal to every worker that the caches must be cleared (a sequence)."""
    with psycopg2.connect(dbname=db) as conn, conn.cursor() as cr:
        cr.execute("SELECT last_value FROM base_cache_signaling_default")
        return cr.fetchone()[0]


def test_signing_in_again_leaves_the_caches(gateway, odoo_server):
    """A citizen signing in again with SPID opens a session, as the first time, without
    clearing every worker's caches (Odoo's auth_oauth writes the provider's access token,
    part of the session token, at each sign-in: each sign-in cleared them all)."""
    first = OdooClient(odoo_server["url"], odoo_server["db"])
    response = first.get(callback_url(first, "mario").replace(odoo_server["url"], ""))
    assert response.url.endswith("/my/social/appointments"), response.url
    before = _cache_signals(odoo_server["db"])
    again = OdooClient(odoo_server["url"], odoo_server["db"])
    response = again.get(callback_url(again, "mario").replace(odoo_server["url"], ""))
    assert response.url.endswith("/my/social/appointments"), response.url
    assert again.session_info()["username"] == "cittadino"
    assert _cache_signals(odoo_server["db"]) == before
    # the account's sign-in secret never reaches the citizen, not even on their own account
    uid = again.session_info()["uid"]
    try:
        rows = again.call("res.users", "read", [uid], ["oauth_access_token"])
    except RPCError:
        rows = None
    assert not rows or rows[0]["oauth_access_token"] in (False, "********"), rows
    # like a password, signing in again does not end the first session; signing out does
    assert first.session_info()["username"] == "cittadino"
    first.get("/web/session/logout")
    assert again.session_info()["username"] == "cittadino"


def test_tampered_code_is_refused(gateway, odoo_server, browser):
    url = callback_url(OdooClient(odoo_server["url"], odoo_server["db"]), "mario")
    with browser.page() as page:
        page.goto(url.replace("code=", "code=x"))
        assert_refused(page, "token")


def test_forged_id_token_is_refused(gateway, odoo_server, browser):
    """An id_token whose signature does not verify with the provider's key (the service
    checks it against a key of the same id and other material): refused."""
    admin = gateway["admin"]
    pid = gateway["provider_id"]
    admin.call(
        "auth.oauth.provider", "write", [pid], {"jwks_uri": f"{gateway['issuer']}/forged-jwks"}
    )
    try:
        with browser.page() as page:
            sign_in(page, odoo_server, "mario")
            assert_refused(page, "token")
    finally:
        admin.call("auth.oauth.provider", "write", [pid], {"jwks_uri": f"{gateway['issuer']}/jwks"})


def test_account_linked_to_another_code_is_refused(gateway, odoo_server, browser):
    """An account that holds the identity `mario` but is linked to another codice fiscale:
    the sign-in is refused and logged, and nothing is changed."""
    admin = gateway["admin"]
    anna = admin.call("res.users", "search", [["login", "=", "cittadina"]])
    mario = admin.call("res.users", "search", [["login", "=", "cittadino"]])
    # the identity is free (Mario may have signed in with it in a test above)
    admin.call("res.users", "write", mario, {"oauth_uid": False})
    admin.call(
        "res.users",
        "write",
        anna,
        {
            "oauth_provider_id": gateway["provider_id"],
            "oauth_uid": "mario",
            "social_fiscal_code": CF_OTHER,
        },
    )
    try:
        with browser.page() as page:
            sign_in(page, odoo_server, "mario")
            assert_refused(page, "conflict")
    finally:
        admin.call(
            "res.users",
            "write",
            anna,
            {"oauth_provider_id": False, "oauth_uid": False, "social_fiscal_code": False},
        )
    assert "linked to another codice fiscale" in odoo_server["log"].read_text()


def test_staff_without_second_factor_cannot_open_a_person_file(gateway, odoo_server):
    admin = gateway["admin"]
    before = OdooClient(odoo_server["url"], odoo_server["db"])
    before.login("operatore", "operatore")
    param = "social_secretariat_identity.second_factor_required"
    admin.call("ir.config_parameter", "set_param", param, "True")
    try:
        # a session opened before the policy: the file stays closed
        with pytest.raises(RPCError, match="two-factor"):
            before.call("social.person", "search_read", [], ["first_name"], limit=1)
        # a new login: held at the set-up of the authenticator app, not signed in
        after = OdooClient(odoo_server["url"], odoo_server["db"])
        response = after.login("operatore", "operatore")
        assert "/web/login/totp/setup" in response.url, response.url
        with pytest.raises(RPCError):
            after.call("social.person", "search_read", [], ["first_name"], limit=1)
    finally:
        admin.call("ir.config_parameter", "set_param", param, False)


# WCAG 2.1 AA (axe-core) on the pages of the sign-in, in Italian as the citizen reads them.


def assert_accessible(page, what):
    if not AXE_JS.is_file():
        pytest.fail(f"{AXE_JS} is missing: run make setup (it installs axe-core with npm ci)")
    # the page as it is used: its scripts loaded and run
    page.wait_for("!document.body.classList.contains('o_lazy_js_waiting')")
    violations = page.axe(AXE_JS.read_text(encoding="utf-8"), WCAG_TAGS, ODOO_EXCLUDE)
    # the page says it is Italian (screen readers read it with Italian pronunciation)
    assert page.evaluate("document.documentElement.lang").startswith("it")
    assert not violations, (
        f"axe: serious or critical WCAG 2.1 AA violation(s) on {what} ({page.url()}):\n"
        + "\n".join(violations)
    )


@pytest.fixture
def cie_provider(gateway):
    admin = gateway["admin"]
    provider_id = register_provider(admin, gateway, kind="cie")
    try:
        yield provider_id
    finally:
        admin.call("auth.oauth.provider", "unlink", [provider_id])


@pytest.mark.parametrize("width", [None, 390], ids=["desktop", "phone"])
def test_login_page_is_accessible(gateway, cie_provider, odoo_server, browser, width):
    with browser.page() as page:
        if width:
            page.set_width(width)
        page.goto(f"{odoo_server['url']}/web/login")
        # the form, buttons included, shows once the page's scripts ran (Odoo's user switch)
        page.wait_for("document.querySelector('a[data-social-kind=cie]')?.offsetParent")
        assert page.text("a[data-social-kind=cie]").strip() == "Entra con CIE"
        assert_accessible(page, "the login page with SPID and CIE")
        # the keyboard reaches both buttons, SPID first, as they read
        reached = []
        for _ in range(40):
            page.press_tab()
            kind = page.evaluate("document.activeElement.dataset.socialKind || ''")
            if kind and kind not in reached:
                reached.append(kind)
            if kind == "cie":
                break
        assert reached == ["spid", "cie"], reached
        assert not page.evaluate(
            'document.querySelector(\'[tabindex]:not([tabindex^="-"]):not([tabindex="0"])\')'
        ), "a positive tabindex changes the focus order"


@pytest.mark.parametrize("width", [None, 390], ids=["desktop", "phone"])
def test_consent_page_is_accessible(gateway, odoo_server, browser, width):
    with browser.page() as page:
        if width:
            page.set_width(width)
        sign_in(page, odoo_server, "laura")
        page.wait_for("location.pathname === '/social/identity/consent'")
        assert CF_LAURA in page.text()
        assert_accessible(page, "the consent page")
        # sent without the box ticked: the page again, with what to do
        page.click(".o_social_identity_consent button[type=submit]")
        page.wait_for("document.querySelector('.alert-danger')")
        assert_accessible(page, "the consent page with its error")
    assert not gateway["admin"].call("social.person", "search", [["fiscal_code", "=", CF_LAURA]])


@pytest.mark.parametrize(
    "reason",
    [
        "no_code",
        "bad_code",
        "low_acr",
        "email_match",
        "conflict",
        "token",
        "staff",
        "partner",
        "expired",
    ],
)
def test_refused_page_is_accessible(odoo_server, browser, reason):
    with browser.page() as page:
        page.goto(f"{odoo_server['url']}/social/identity/refused?reason={reason}")
        assert_refused(page, reason)
        assert_accessible(page, f"the refusal page ({reason})")
