"""Citizens sign up on the portal: the privacy notice must be accepted and is recorded."""

from odoo_client import OdooClient

LOGIN = "nuova.cittadina@example.com"


def as_admin(server):
    admin = OdooClient(server["url"], server["db"])
    admin.login("admin", "admin")
    return admin


def signup_data(token, **extra):
    data = {
        "csrf_token": token,
        "login": LOGIN,
        "name": "Giulia Bianchi Rossi",
        "password": "Segreta-2026!",
        "confirm_password": "Segreta-2026!",
        "redirect": "",
        "token": "",
    }
    data.update(extra)
    return data


def test_signup_requires_the_privacy_notice_and_records_the_consent(odoo_server, client):
    page = client.get("/web/signup")
    assert page.status_code == 200
    assert 'name="social_privacy"' in page.text
    assert 'for="social_privacy"' in page.text
    assert 'href="/social/privacy"' in page.text  # the notice, one click away

    token = client.csrf_token("/web/signup")
    refused = client.post("/web/signup", data=signup_data(token))
    assert refused.status_code == 200
    assert "alert-danger" in refused.text
    assert "Giulia Bianchi Rossi" in refused.text  # what was typed comes back
    admin = as_admin(odoo_server)
    assert not admin.call("res.users", "search", [("login", "=", LOGIN)])

    token = client.csrf_token("/web/signup")
    accepted = client.post("/web/signup", data=signup_data(token, social_privacy="1"))
    assert accepted.status_code == 200
    assert "/web/signup" not in accepted.url
    assert client.session_info()["uid"]

    users = admin.call(
        "res.users", "search_read", [("login", "=", LOGIN)], fields=["partner_id", "share"]
    )
    assert len(users) == 1 and users[0]["share"]
    partner_id = users[0]["partner_id"][0]
    persons = admin.call(
        "social.person",
        "search_read",
        [("partner_id", "=", partner_id)],
        fields=["first_name", "last_name"],
    )
    assert len(persons) == 1
    assert persons[0]["first_name"] == "Giulia"
    assert persons[0]["last_name"] == "Bianchi Rossi"
    consents = admin.call(
        "social.consent",
        "search_read",
        [("person_id", "=", persons[0]["id"])],
        fields=["purpose", "legal_basis", "channel", "date_given", "state"],
    )
    assert len(consents) == 1
    consent = consents[0]
    assert (consent["purpose"], consent["legal_basis"], consent["channel"]) == (
        "services",
        "consent",
        "portal",
    )
    assert consent["date_given"] and consent["state"] == "valid"


def test_reset_password_form_has_no_privacy_box(client):
    page = client.get("/web/reset_password")
    if page.status_code == 200:
        assert 'name="social_privacy"' not in page.text
