"""Digital facilitation acts over HTTP and JSON-RPC as the real partner users (issue 10): a
hub's operator records and reads their organisation's acts only. Partner B cannot read,
search, write or export partner A's acts, through the pages, `call_kw` or the CSV route with
guessed parameters; an organisation that is not a hub has no facilitation at all."""

import re
from datetime import date

import pytest
from odoo_client import OdooClient, RPCError
from pages import xmlid

MODEL = "social.digital.assistance"


def as_user(server, login, password=None):
    client = OdooClient(server["url"], server["db"])
    client.login(login, password or login)
    assert client.session_info()["uid"], f"{login} could not log in"
    return client


def assert_refused(call, name="odoo.exceptions.AccessError"):
    with pytest.raises(RPCError) as error:
        call()
    assert error.value.name == name, error.value


def act_vals(admin, **vals):
    return {
        "document_type": "passport",
        "document_number": "YA0000001",
        "gender": "female",
        "age_band": "55_74",
        "education_level": "upper_secondary",
        "employment_status": "retired",
        "citizenship": "non_eu",
        "province_id": xmlid(admin, "base", "state_it_mi"),
        "date": date.today().isoformat(),
        "duration": 30,
        "assistance_type": "individual",
        "service_area": "inps",
        "outcome": "completed",
        **vals,
    }


@pytest.fixture(scope="module")
def hubs(odoo_server):
    admin = as_user(odoo_server, "admin")
    net = "social_secretariat_network"
    a = as_user(odoo_server, "partner")  # Caritas Segrate, a hub
    b = as_user(odoo_server, "cisl.milano1")  # CISL Milano, a hub
    # each records an act of their own, through JSON-RPC as the portal's users could
    act_a = a.call(MODEL, "create", act_vals(admin, description="Atto di A (e2e)"))
    act_b = b.call(MODEL, "create", act_vals(admin, description="Atto riservato di B (e2e)"))
    return {
        "admin": admin,
        "a": a,
        "b": b,
        "act_a": act_a,
        "act_b": act_b,
        "member_a": xmlid(admin, net, "member_caritas_segrate_demo"),
        "member_b": xmlid(admin, net, "member_cisl_milano_demo"),
    }


def test_recorded_for_own_organisation(hubs):
    a, b = hubs["a"], hubs["b"]
    assert (
        a.call(MODEL, "read", [hubs["act_a"]], ["member_id"])[0]["member_id"][0]
        == (hubs["member_a"])
    )
    # the organisation sent by the client is not taken
    forged = b.call(MODEL, "create", act_vals(hubs["admin"], member_id=hubs["member_a"]))
    assert b.call(MODEL, "read", [forged], ["member_id"])[0]["member_id"][0] == hubs["member_b"]
    assert_refused(lambda: b.call(MODEL, "write", [forged], {"member_id": hubs["member_a"]}))
    # and never deleted by a partner
    assert_refused(lambda: b.call(MODEL, "unlink", [forged]))


def test_partner_cannot_read_search_or_write_another_hubs_acts(hubs):
    a, act_b = hubs["a"], hubs["act_b"]
    ids = a.call(MODEL, "search", [])
    assert hubs["act_a"] in ids and act_b not in ids
    assert a.call(MODEL, "search", [("id", "=", act_b)]) == []
    assert a.call(MODEL, "search", [("member_id", "=", hubs["member_b"])]) == []
    assert a.call(MODEL, "search_count", [("description", "ilike", "riservato di B")]) == 0
    groups = a.call(MODEL, "read_group", [], ["duration:sum"], ["member_id"])
    assert {g["member_id"][0] for g in groups} == {hubs["member_a"]}
    assert_refused(lambda: a.call(MODEL, "read", [act_b], ["fiscal_code", "description"]))
    assert_refused(lambda: a.call(MODEL, "web_read", [act_b], specification={"duration": {}}))
    assert_refused(lambda: a.call(MODEL, "write", [act_b], {"duration": 5}))
    # the export method is not reachable over RPC at all
    assert_refused(
        lambda: a.call(MODEL, "_monitoring_csv", "2000-01-01", "2100-01-01"),
        "odoo.exceptions.AccessError",
    )
    admin = hubs["admin"]
    assert admin.call(MODEL, "read", [act_b], ["duration"])[0]["duration"] == 30


def test_partner_pages_show_only_own_acts(hubs):
    a, act_b = hubs["a"], hubs["act_b"]
    # the month of the acts (today's in the server's time zone may be the next one already)
    page = a.get(f"/my/network/assistance?month={date.today():%Y-%m}")
    assert page.status_code == 200
    assert f"/my/network/assistance/{hubs['act_a']}" in page.text
    assert f"/my/network/assistance/{act_b}" not in page.text
    assert a.get(f"/my/network/assistance/{hubs['act_a']}").status_code == 200
    # B's act, guessed: not found, by GET or by POST
    assert a.get(f"/my/network/assistance/{act_b}").status_code == 404
    token = a.csrf_token("/my/network/assistance/new")
    response = a.post(
        f"/my/network/assistance/{act_b}",
        data={"csrf_token": token, "duration": "5", "description": "sovrascritto"},
        allow_redirects=False,
    )
    assert response.status_code == 404
    admin = hubs["admin"]
    read = admin.call(MODEL, "read", [act_b], ["duration", "description"])[0]
    assert (read["duration"], read["description"]) == (30, "Atto riservato di B (e2e)")


def test_export_has_only_own_acts_whatever_the_parameters(hubs):
    a = hubs["a"]
    for query in (
        "from=2000-01-01&to=2100-12-31",
        f"from=2000-01-01&to=2100-12-31&member_id={hubs['member_b']}",
        f"from=2000-01-01&to=2100-12-31&member={hubs['member_b']}&id={hubs['act_b']}",
        "from=x&to=y",
    ):
        response = a.get(f"/my/network/assistance/export.csv?{query}")
        assert response.status_code == 200, query
        assert response.headers["Content-Type"].startswith("text/csv")
        text = response.content.decode("utf-8-sig")
        assert "riservato di B" not in text
        rows = text.split("\r\n")[1:-1]
        assert {row.split(";")[0] for row in rows} <= {"Centro di ascolto Caritas Segrate"}
    text = a.get("/my/network/assistance/export.csv?from=2000-01-01&to=2100-12-31").text
    assert "Atto di A (e2e)" in text


def test_not_a_hub_has_no_facilitation(odoo_server, hubs):
    other = as_user(odoo_server, "caritas.vimodrone1")  # a listening desk, not a hub
    page = other.get("/my/network/assistance", allow_redirects=False)
    assert page.status_code in (302, 303)
    assert other.get("/my/network/assistance/export.csv").status_code == 404
    assert other.get(
        f"/my/network/assistance/{hubs['act_a']}", allow_redirects=False
    ).status_code in (
        302,
        303,
    )
    assert other.call(MODEL, "search", []) == []
    assert_refused(
        lambda: other.call(MODEL, "create", act_vals(hubs["admin"])),
        "odoo.exceptions.UserError",
    )
    home = other.get("/my/network")
    assert "/my/network/assistance" not in home.text
    assert re.search(r"/my/network/assistance", hubs["a"].get("/my/network").text)


def test_citizen_sees_nothing(odoo_server, hubs):
    citizen = as_user(odoo_server, "cittadino")
    assert_refused(lambda: citizen.call(MODEL, "search", []))
    assert citizen.get("/my/network/assistance/export.csv").status_code == 404
