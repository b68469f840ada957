"""Referrals from network partners over HTTP and JSON-RPC as the real users (issue 10): an
operator of one organisation refers a case through the portal form; an operator of another
organisation can reach it by no route (portal page, call_kw, /mail/, attachments, reports);
the sender reads the answers meant for them, never the social workers' notes, sessions or
persons; a suspended organisation's operator is locked out on the next request."""

import re

import pytest
from odoo_client import OdooClient, RPCError

ACCESS_ERROR = "odoo.exceptions.AccessError"
COMMENT = "Risposta tracciata per la Caritas e2e"
NOTE = "Nota interna riservata e2e"
ATTACHMENT_TEXT = b"%PDF-1.4\n% documento riservato e2e\n"


def as_user(server, login, password=None):
    client = OdooClient(server["url"], server["db"])
    client.login(login, password or login)
    assert client.session_info()["uid"], f"{login} could not log in"
    return client


def assert_refused(call, names=(ACCESS_ERROR,)):
    with pytest.raises(RPCError) as error:
        call()
    assert error.value.name in names, error.value


def refer_a_case(client, service_id, name, **extra):
    """The portal form, posted as the partner's browser does: the id of the new referral."""
    token = client.csrf_token("/my/network/referrals/new")
    data = {
        "csrf_token": token,
        "submitted_consent": "1",
        "submitted_name": name,
        "submitted_phone": "3331112233",
        "target_service_id": str(service_id),
        "urgency": "normal",
        "reason": "Ha bisogno di aiuto per l'affitto.",
        **extra,
    }
    response = client.post("/my/network/referrals/new", data=data, allow_redirects=False)
    assert response.status_code in (302, 303), response.text[-2000:]
    match = re.search(r"/my/network/referrals/(\d+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


@pytest.fixture(scope="module")
def referral(odoo_server):
    """A referral of Caritas Segrate (login `partner`), answered with a comment and a note
    by the staff, with a document on the comment."""
    admin = as_user(odoo_server, "admin")
    services = admin.call(
        "social.service",
        "search",
        [("is_published", "=", True), ("desk_ids.operator_ids.login", "=", "assistente")],
        limit=1,
    )
    assert services, "no published service of a desk with the demo social worker"
    caritas = as_user(odoo_server, "partner")
    referral_id = refer_a_case(caritas, services[0], "Lucia Riservata E2e")
    attachment = admin.call(
        "ir.attachment",
        "create",
        {
            "name": "relazione.pdf",
            "datas": "JVBERi0xLjQKJSBkb2N1bWVudG8gcmlzZXJ2YXRvIGUyZQo=",
            "res_model": "social.referral",
            "res_id": referral_id,
        },
    )
    admin.call(
        "social.referral",
        "message_post",
        [referral_id],
        body=COMMENT,
        message_type="comment",
        subtype_xmlid="mail.mt_comment",
        attachment_ids=[attachment],
    )
    admin.call(
        "social.referral",
        "message_post",
        [referral_id],
        body=NOTE,
        message_type="comment",
        subtype_xmlid="mail.mt_note",
    )
    number = admin.call("social.referral", "read", [referral_id], ["name"])[0]["name"]
    return {
        "id": referral_id,
        "number": number,
        "attachment": attachment,
        "admin": admin,
        "service": services[0],
    }


def test_sender_sees_own_referral_and_its_answer_only(odoo_server, referral):
    caritas = as_user(odoo_server, "partner")
    listing = caritas.get("/my/network/referrals?state=all")
    assert listing.status_code == 200
    assert referral["number"] in listing.text
    page = caritas.get(f"/my/network/referrals/{referral['id']}")
    assert page.status_code == 200
    assert "Lucia Riservata E2e" in page.text
    assert COMMENT in page.text
    assert NOTE not in page.text
    # over JSON-RPC too: the note is not among the messages they can read
    messages = caritas.call(
        "mail.message",
        "search_read",
        [("model", "=", "social.referral"), ("res_id", "=", referral["id"])],
        ["body"],
    )
    bodies = " ".join(m["body"] for m in messages)
    assert COMMENT in bodies and NOTE not in bodies
    # nor through the chatter's route
    thread = caritas.rpc(
        "/mail/thread/messages",
        {"thread_model": "social.referral", "thread_id": referral["id"], "fetch_params": {}},
    )
    assert NOTE not in str(thread)
    # they referred the case: nothing more of the back office
    assert caritas.call("social.referral", "search", []) and referral["id"] in caritas.call(
        "social.referral", "search", []
    )
    assert_refused(
        lambda: caritas.call("social.referral", "write", [referral["id"]], {"reason": "cambiato"})
    )
    assert_refused(lambda: caritas.call("social.referral", "unlink", [referral["id"]]))


def test_partner_sees_no_session_no_person(odoo_server, referral):
    caritas = as_user(odoo_server, "partner")
    for model in ("social.listening.session", "social.person", "social.consent"):
        try:
            found = caritas.call(model, "search", [])
        except RPCError as refused:
            assert refused.name == ACCESS_ERROR, refused
        else:
            assert found == [], (model, found)
    # a person's file the staff know (the demo's), by its id
    admin = referral["admin"]
    person = admin.call("social.person", "search", [], limit=1)
    session = admin.call("social.listening.session", "search", [], limit=1)
    assert person and session
    assert_refused(lambda: caritas.call("social.person", "read", person, ["name"]))
    assert_refused(lambda: caritas.call("social.listening.session", "read", session, ["name"]))


def test_other_organisation_cannot_reach_the_referral(odoo_server, referral):
    cisl = as_user(odoo_server, "cisl.milano1")  # CISL Milano: another organisation
    referral_id = referral["id"]
    # the portal pages: not in the list, not by its id
    assert referral["number"] not in cisl.get("/my/network/referrals?state=all").text
    page = cisl.get(f"/my/network/referrals/{referral_id}", allow_redirects=False)
    assert page.status_code == 404
    assert "Lucia Riservata E2e" not in page.text
    # call_kw with their own session
    assert referral_id not in cisl.call("social.referral", "search", [])
    assert cisl.call("social.referral", "search_read", [("id", "=", referral_id)], ["name"]) == []
    assert_refused(lambda: cisl.call("social.referral", "read", [referral_id], ["name"]))
    assert_refused(lambda: cisl.call("social.referral", "write", [referral_id], {"reason": "x"}))
    assert_refused(lambda: cisl.call("social.referral", "unlink", [referral_id]))
    assert_refused(
        lambda: cisl.call("social.referral", "message_post", [referral_id], body="intrusione e2e")
    )
    messages = cisl.call(
        "mail.message",
        "search_read",
        [("model", "=", "social.referral"), ("res_id", "=", referral_id)],
        ["body"],
    )
    assert messages == []
    # the chatter's routes
    try:
        thread = cisl.rpc(
            "/mail/thread/messages",
            {"thread_model": "social.referral", "thread_id": referral_id, "fetch_params": {}},
        )
    except RPCError:
        pass  # refused outright
    else:
        assert COMMENT not in str(thread) and NOTE not in str(thread)
    with pytest.raises(RPCError):
        cisl.rpc(
            "/mail/message/post",
            {
                "thread_model": "social.referral",
                "thread_id": referral_id,
                "post_data": {"body": "intrusione e2e", "message_type": "comment"},
            },
        )
    admin = referral["admin"]
    posted = admin.call(
        "mail.message",
        "search",
        [
            ("model", "=", "social.referral"),
            ("res_id", "=", referral_id),
            ("body", "ilike", "intrusione e2e"),
        ],
    )
    assert posted == []
    # its document, by id, through the file routes
    attachment = referral["attachment"]
    for path in (
        f"/web/content/{attachment}",
        f"/web/content/{attachment}?download=true",
        f"/web/image/{attachment}",
    ):
        response = cisl.get(path, allow_redirects=False)
        if path.startswith("/web/image/"):
            # Odoo answers a refused image with its placeholder picture
            assert response.status_code in (200, 403, 404), (path, response.status_code)
            assert response.headers.get("Content-Type", "").startswith(("image/", "text/"))
        else:
            assert response.status_code in (403, 404), (path, response.status_code)
        assert ATTACHMENT_TEXT not in response.content
        assert b"Lucia Riservata E2e" not in response.content
    assert_refused(lambda: cisl.call("ir.attachment", "read", [attachment], ["datas"]))
    # the referral's printed form
    response = cisl.get(
        f"/report/pdf/social_secretariat.report_social_referral/{referral_id}",
        allow_redirects=False,
    )
    assert response.status_code != 200 or not response.content.startswith(b"%PDF")
    # and the blank consent form is theirs to print (no data of anyone)
    blank = cisl.get("/my/network/referrals/consent-form")
    assert blank.status_code == 200 and blank.content.startswith(b"%PDF")


def test_suspended_organisation_is_locked_out(odoo_server, referral):
    admin = referral["admin"]
    member = admin.call(
        "ir.model.data",
        "search_read",
        [("module", "=", "social_secretariat_network"), ("name", "=", "member_cisl_fnp_demo")],
        ["res_id"],
    )[0]["res_id"]
    operator = as_user(odoo_server, "cisl.fnp1")
    assert operator.get("/my/network/referrals").status_code == 200
    coordinator = as_user(odoo_server, "coordinatrice")
    coordinator.call("social.network.member", "action_suspend", [member], "Verifica e2e")
    try:
        page = operator.get("/my/network/referrals/new", allow_redirects=False)
        assert page.status_code in (302, 303), page.status_code
        assert "/web/login" in page.headers["Location"]
        assert_refused(
            lambda: operator.call("social.referral", "search", []),
            ("odoo.http.SessionExpiredException",),
        )
    finally:
        coordinator.call("social.network.member", "action_reactivate", [member])
