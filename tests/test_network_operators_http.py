"""The referente's operator requests over HTTP and JSON-RPC as the real users (issue 10): the
referente asks through the portal form, the coordinator approves; the new operator signs in;
removed on the referente's request, their open session ends on its next request. Nobody but
the referente asks, and another organisation neither sees nor asks about them."""

import pytest
from odoo_client import OdooClient, RPCError

SESSION_EXPIRED = "odoo.http.SessionExpiredException"
REQUEST = "social.network.operator.request"


def as_user(server, login, password=None):
    client = OdooClient(server["url"], server["db"])
    client.login(login, password or login)
    assert client.session_info()["uid"], f"{login} could not log in"
    return client


def refused(call, names=("odoo.exceptions.AccessError",)):
    with pytest.raises(RPCError) as error:
        call()
    assert error.value.name in names, error.value
    return error.value


def post_form(client, path, data):
    # any form of the portal gives the session's token (a colleague's page has none)
    token = client.csrf_token("/my/account")
    return client.post(path, data={**data, "csrf_token": token}, allow_redirects=False)


@pytest.fixture(scope="module")
def users(odoo_server):
    return {
        "admin": as_user(odoo_server, "admin"),
        "coordinator": as_user(odoo_server, "coordinatrice"),
        # the referente of Caritas Segrate, a colleague, the referente of CISL Milano
        "referent": as_user(odoo_server, "partner"),
        "colleague": as_user(odoo_server, "caritas.segrate2"),
        "other": as_user(odoo_server, "cisl.milano1"),
    }


def test_referent_page_and_others(users):
    page = users["referent"].get("/my/network/operators")
    assert page.status_code == 200
    assert 'action="/my/network/operators/add"' in page.text
    # a colleague reads the list, without the forms and without the requests
    page = users["colleague"].get("/my/network/operators")
    assert page.status_code == 200
    assert "/my/network/operators/add" not in page.text
    # posting anyway: refused, nothing created
    before = users["admin"].call(REQUEST, "search_count", [])
    response = post_form(
        users["colleague"],
        "/my/network/operators/add",
        {"person_name": "Intruso", "email": "intruso@example.com"},
    )
    assert response.status_code == 200 and 'role="alert"' in response.text
    assert users["admin"].call(REQUEST, "search_count", []) == before
    # nor through JSON-RPC
    refused(
        lambda: users["colleague"].call(
            REQUEST, "create", {"kind": "add", "person_name": "X", "email": "x@example.com"}
        )
    )


def test_add_then_remove_through_the_portal(odoo_server, users):
    referent, coordinator, admin = users["referent"], users["coordinator"], users["admin"]
    email = "operatrice.e2e@caritas-segrate.example"
    response = post_form(
        referent,
        "/my/network/operators/add",
        {
            "person_name": "Operatrice Ee Due",
            "email": email,
            "course": "Corso SSD",
            "training_date": "2026-01-15",
        },
    )
    assert response.status_code in (302, 303), response.text[:500]
    added = referent.call(
        REQUEST, "search_read", [("email", "=", email)], ["state", "member_id", "kind"]
    )
    assert len(added) == 1 and added[0]["state"] == "pending"
    own_member = added[0]["member_id"][0]
    # another organisation's referente sees nothing of it
    assert users["other"].call(REQUEST, "search", [("id", "=", added[0]["id"])]) == []
    refused(lambda: users["other"].call(REQUEST, "read", [added[0]["id"]], ["email"]))
    # the partner cannot decide
    refused(lambda: referent.call(REQUEST, "action_approve", [added[0]["id"]]))

    coordinator.call(REQUEST, "action_approve", [added[0]["id"]])
    user = admin.call("res.users", "search_read", [("login", "=", email)], ["share", "active"])
    assert user and user[0]["share"] and user[0]["active"]
    admin.call("res.users", "write", [user[0]["id"]], {"password": "operatrice-e2e-pw"})
    newcomer = as_user(odoo_server, email, "operatrice-e2e-pw")
    assert newcomer.call("social.network.member", "search", []) == [own_member]
    assert newcomer.get("/my/network").status_code == 200
    # the referente reads the decision
    page = referent.get("/my/network/operators")
    assert "Operatrice Ee Due" in page.text

    # the other referente cannot ask to remove her
    line = coordinator.call("social.network.operator", "search", [("user_id", "=", user[0]["id"])])
    assert line
    response = post_form(
        users["other"], "/my/network/operators/remove", {"operator_id": line[0], "reason": "x"}
    )
    assert response.status_code == 200 and 'role="alert"' in response.text
    refused(
        lambda: users["other"].call(
            REQUEST, "create", {"kind": "remove", "operator_id": line[0], "reason": "x"}
        ),
        ("odoo.exceptions.AccessError", "odoo.exceptions.UserError"),
    )
    # her own referente can
    response = post_form(
        referent, "/my/network/operators/remove", {"operator_id": line[0], "reason": "Trasferita"}
    )
    assert response.status_code in (302, 303), response.text[:500]
    removal = referent.call(REQUEST, "search", [("kind", "=", "remove"), ("state", "=", "pending")])
    assert len(removal) == 1
    coordinator.call(REQUEST, "action_approve", removal)
    # her open session ends on its next request
    refused(lambda: newcomer.call("social.network.member", "search", []), (SESSION_EXPIRED,))
    page = newcomer.get("/my/network", allow_redirects=False)
    assert page.status_code in (302, 303) and "/web/login" in page.headers["Location"]
