"""The network's back office over HTTP and JSON-RPC as the real users (issue 10): a partner
operator reads their own organisation and its operators, never another's; when the protocol
is suspended or the operator is removed, the operator's open session ends on its next
request."""

import pytest
from odoo_client import OdooClient, RPCError

SESSION_EXPIRED = "odoo.http.SessionExpiredException"


def as_user(server, login, password=None):
    client = OdooClient(server["url"], server["db"])
    client.login(login, password or login)
    assert client.session_info()["uid"], f"{login} could not log in"
    return client


def xmlid(admin, name):
    return admin.call(
        "ir.model.data",
        "search_read",
        [("module", "=", "social_secretariat_network"), ("name", "=", name)],
        ["res_id"],
    )[0]["res_id"]


def assert_refused(call, name="odoo.exceptions.AccessError"):
    with pytest.raises(RPCError) as error:
        call()
    assert error.value.name == name, error.value


def assert_logged_out(client):
    """The session no longer works: JSON-RPC says it expired, the portal asks to log in."""
    assert_refused(lambda: client.call("social.network.member", "search", []), SESSION_EXPIRED)
    page = client.get("/my", allow_redirects=False)
    assert page.status_code in (302, 303), page.status_code
    assert "/web/login" in page.headers["Location"]


@pytest.fixture(scope="module")
def network(odoo_server):
    admin = as_user(odoo_server, "admin")
    names = ("caritas_segrate", "caritas_pioltello", "garibaldini", "appha")
    return {
        "admin": admin,
        "coordinator": as_user(odoo_server, "coordinatrice"),
        **{name: xmlid(admin, f"member_{name}_demo") for name in names},
    }


def test_partner_reads_own_organisation_not_others(odoo_server, network):
    partner = as_user(odoo_server, "partner")  # Caritas Segrate
    own, other = network["caritas_segrate"], network["caritas_pioltello"]
    assert partner.call("social.network.member", "search", []) == [own]
    assert partner.call("social.network.member", "read", [own], ["name"])[0]["name"] == (
        "Centro di ascolto Caritas Segrate"
    )
    assert_refused(lambda: partner.call("social.network.member", "read", [other], ["name"]))
    assert partner.call("social.network.member", "search", [("id", "=", other)]) == []
    assert partner.call("social.network.member", "name_search", "Pioltello") == []

    operators = partner.call("social.network.operator", "search_read", [], ["member_id"])
    assert operators and {op["member_id"][0] for op in operators} == {own}
    admin = network["admin"]
    others = admin.call("social.network.operator", "search", [("member_id", "=", other)])
    assert others
    assert_refused(lambda: partner.call("social.network.operator", "read", others, ["name"]))
    # the portal users of the lines are for staff only, even the partner's own organisation's
    own_lines = [op["id"] for op in operators]
    assert_refused(lambda: partner.call("social.network.operator", "read", own_lines, ["user_id"]))
    # and nothing to change
    assert_refused(lambda: partner.call("social.network.member", "write", [own], {"notes": "x"}))


def test_suspension_logs_the_operators_out(odoo_server, network):
    member = network["garibaldini"]
    operator = as_user(odoo_server, "garibaldini2")
    assert operator.call("social.network.member", "search", []) == [member]
    coordinator = network["coordinator"]
    coordinator.call("social.network.member", "action_suspend", [member], "Verifica in corso")
    try:
        assert_logged_out(operator)
        # and no new session either
        again = OdooClient(odoo_server["url"], odoo_server["db"])
        again.login("garibaldini2", "garibaldini2")
        assert_refused(again.session_info, SESSION_EXPIRED)
    finally:
        coordinator.call("social.network.member", "action_reactivate", [member])
    back = as_user(odoo_server, "garibaldini2")
    assert back.call("social.network.member", "search", []) == [member]


def test_removed_operator_is_logged_out(odoo_server, network):
    """Granted through the wizard, as the coordinator; removed: logged out at once."""
    member = network["appha"]
    coordinator, admin = network["coordinator"], network["admin"]
    email = "nuova.operatrice@appha.example"
    wizard = coordinator.call(
        "social.network.grant.access",
        "create",
        {"member_id": member, "name": "Nuova Operatrice", "email": email},
    )
    coordinator.call("social.network.grant.access", "action_grant", [wizard])
    user = admin.call("res.users", "search_read", [("login", "=", email)], ["share", "active"])
    assert user and user[0]["share"] and user[0]["active"]
    # the invitation would let her choose a password; here the admin sets one
    admin.call("res.users", "write", [user[0]["id"]], {"password": "nuova-password-e2e"})
    operator = as_user(odoo_server, email, "nuova-password-e2e")
    assert operator.call("social.network.member", "search", []) == [member]
    line = coordinator.call(
        "social.network.operator",
        "search",
        [("member_id", "=", member), ("user_id", "=", user[0]["id"])],
    )
    coordinator.call("social.network.operator", "unlink", line)
    assert_logged_out(operator)
