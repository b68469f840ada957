"""Every demo login of the README works through the login form."""

import pytest

INTERNAL = [
    "admin",
    "operatore",
    "operatrice",
    "assistente",
    "educatrice",
    "coordinatrice",
    "osservatorio",
]
PORTAL = ["cittadino", "cittadina", "partner"]


@pytest.mark.parametrize("login", INTERNAL + PORTAL)
def test_demo_login(client, login):
    response = client.login(login, login)
    info = client.session_info()
    assert info["uid"], f"{login} could not log in"
    assert info["username"] == login
    if login in PORTAL:
        assert "/my" in response.url
    else:
        assert "/odoo" in response.url


def test_wrong_password_is_refused(client):
    response = client.login("operatore", "not-the-password")
    assert "Wrong login/password" in response.text or "password errati" in response.text
