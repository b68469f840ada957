"""The observatory's dashboard over JSON-RPC as the real users (issue 11), as the web client
opens it: the coordinator and an observatory user get its spreadsheet, an operator neither
sees it nor can read its file by id."""

import pytest
from odoo_client import OdooClient, RPCError
from pages import xmlid


def as_user(server, login, password=None):
    client = OdooClient(server["url"], server["db"])
    client.login(login, password or login)
    assert client.session_info()["uid"], f"{login} could not log in"
    return client


@pytest.fixture(scope="module")
def dashboard(odoo_server):
    admin = as_user(odoo_server, "admin")
    observatory_group = xmlid(admin, "social_secretariat_reports", "group_social_observatory")
    coordinator = admin.call(
        "res.users", "search_read", [("login", "=", "coordinatrice")], ["company_id", "company_ids"]
    )[0]
    # once per database (the end-to-end copy is shared by the session's tests)
    if not admin.call("res.users", "search", [("login", "=", "osservatorio_dashboard")]):
        admin.call(
            "res.users",
            "create",
            {
                "name": "Osservatorio (dashboard test)",
                "login": "osservatorio_dashboard",
                "password": "osservatorio_dashboard",
                "groups_id": [(6, 0, [observatory_group])],
                "company_id": coordinator["company_id"][0],
                "company_ids": [(6, 0, coordinator["company_ids"])],
            },
        )
    return {
        "id": xmlid(admin, "social_secretariat_reports", "spreadsheet_dashboard_observatory"),
        "group": xmlid(admin, "social_secretariat_reports", "spreadsheet_dashboard_group_social"),
    }


@pytest.mark.parametrize("login", ["coordinatrice", "osservatorio_dashboard"])
def test_readers_open_the_dashboard(odoo_server, dashboard, login):
    user = as_user(odoo_server, login)
    # what the dashboards app lists: the groups with the published dashboards the user reads
    groups = user.call(
        "spreadsheet.dashboard.group",
        "web_search_read",
        [("published_dashboard_ids", "!=", False)],
        specification={"published_dashboard_ids": {"fields": {"name": {}}}},
    )["records"]
    ours = [group for group in groups if group["id"] == dashboard["group"]]
    assert [d["id"] for d in ours[0]["published_dashboard_ids"]] == [dashboard["id"]]
    opened = user.call("spreadsheet.dashboard", "get_readonly_dashboard", [dashboard["id"]])
    pivots = opened["snapshot"]["pivots"].values()
    assert {pivot["model"] for pivot in pivots} >= {
        "social.report.session.need",
        "social.report.referral",
        "social.report.desk",
    }
    # and the figures behind it, as its pivots ask for them
    for pivot in pivots:
        measures = [f"{m['fieldName']}:{m.get('aggregator', 'sum')}" for m in pivot["measures"]]
        user.call(pivot["model"], "read_group", pivot["domain"], measures, [], lazy=False)


def test_operator_does_not_see_the_dashboard(odoo_server, dashboard):
    operator = as_user(odoo_server, "operatore")
    assert operator.call("spreadsheet.dashboard", "search", [("id", "=", dashboard["id"])]) == []
    # nor its file, by the record or by its attachment
    with pytest.raises(RPCError) as error:
        operator.call(
            "spreadsheet.dashboard", "read", [dashboard["id"]], ["spreadsheet_binary_data"]
        )
    assert error.value.name == "odoo.exceptions.AccessError", error.value
    attachment = [
        ("res_model", "=", "spreadsheet.dashboard"),
        ("res_field", "=", "spreadsheet_binary_data"),
        ("res_id", "=", dashboard["id"]),
    ]
    assert operator.call("ir.attachment", "search", attachment) == []
