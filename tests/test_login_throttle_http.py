"""Failed logins are limited per login on a real multi-worker server: the count is stored in
the database (the requests go to any worker, each from a new browser session), and an attacker
logging into their own account between guesses does not reset it."""

import uuid

from odoo_client import OdooClient, RPCError

WRONG = ("Wrong login/password", "password errati")


def new_client(server):
    return OdooClient(server["url"], server["db"])


def uid_of(client):
    try:
        return client.session_info()["uid"]
    except RPCError:  # no session: the route needs a user
        return None


def create_portal_user(admin, login):
    portal = admin.call(
        "ir.model.data",
        "search_read",
        [("module", "=", "base"), ("name", "=", "group_portal")],
        ["res_id"],
    )[0]["res_id"]
    admin.call(
        "res.users",
        "create",
        {"name": login, "login": login, "password": login, "groups_id": [(6, 0, [portal])]},
    )


def test_failed_logins_are_limited_per_login_across_workers(odoo_server):
    admin = new_client(odoo_server)
    admin.login("admin", "admin")
    tag = uuid.uuid4().hex[:8]
    victim, attacker = f"vittima_{tag}", f"attaccante_{tag}"
    create_portal_user(admin, victim)
    create_portal_user(admin, attacker)

    for guess in range(5):
        guesser = new_client(odoo_server)  # a new session each time: nothing kept in it
        page = guesser.login(victim, f"wrong-{guess}")
        assert any(text in page.text for text in WRONG)
        assert not uid_of(guesser)
        if guess == 2:
            # the attacker's own account, from the same address, between the guesses
            own = new_client(odoo_server)
            own.login(attacker, attacker)
            assert uid_of(own)

    # the right password is refused now, with a message that is not "wrong password"
    late = new_client(odoo_server)
    page = late.login(victim, victim)
    assert not uid_of(late)
    assert "alert-danger" in page.text
    assert not any(text in page.text for text in WRONG)
    # over JSON-RPC too
    rpc = new_client(odoo_server)
    response = rpc.post(
        "/web/session/authenticate",
        json={
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"db": odoo_server["db"], "login": victim, "password": victim},
        },
    )
    error = response.json()["error"]["data"]
    assert error["name"] == "odoo.exceptions.AccessDenied"
    assert error["message"] != "Access Denied"
    # another account from the same address still logs in (under the address limit)
    other = new_client(odoo_server)
    other.login(attacker, attacker)
    assert uid_of(other)
