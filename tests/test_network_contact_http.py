"""Contacts logged at network desks (issue 10), over HTTP and JSON-RPC as the real partner
operators: Caritas Segrate (`partner`) logs a contact through the portal form; Caritas
Pioltello (`caritas.pioltello1`) cannot read, search, write or guess it — not through the
portal pages, `call_kw`, the `/mail/` routes or attachments — and no partner reads the
person's file a contact was matched to."""

import base64
import re

import pytest
from odoo_client import OdooClient, RPCError

ACCESS_ERROR = "odoo.exceptions.AccessError"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def as_user(server, login):
    client = OdooClient(server["url"], server["db"])
    client.login(login, login)
    info = client.session_info()
    assert info["uid"], f"{login} could not log in"
    client.uid = info["uid"]
    return client


def xmlid(admin, name):
    return admin.call(
        "ir.model.data",
        "search_read",
        [("module", "=", "social_secretariat_network"), ("name", "=", name)],
        ["res_id"],
    )[0]["res_id"]


def refused(call):
    """The call is refused (an RPC error); returns its exception name."""
    with pytest.raises(RPCError) as error:
        call()
    return error.value.name


@pytest.fixture(scope="module")
def net(odoo_server):
    admin = as_user(odoo_server, "admin")
    return {
        "admin": admin,
        "a": as_user(odoo_server, "partner"),  # Caritas Segrate
        "b": as_user(odoo_server, "caritas.pioltello1"),  # Caritas Pioltello
        "member_a": xmlid(admin, "member_caritas_segrate_demo"),
        "member_b": xmlid(admin, "member_caritas_pioltello_demo"),
        # named, not yet matched; named and matched to Giovanna Russo's file
        "contact_a": xmlid(admin, "contact_caritas_segrate_3_demo"),
        "matched_a": xmlid(admin, "contact_caritas_segrate_2_demo"),
        "contact_b": xmlid(admin, "contact_caritas_pioltello_1_demo"),
        "need": admin.call("social.need", "search", [("parent_id", "!=", False)], limit=1)[0],
    }


def test_partner_logs_a_contact_with_the_form(net):
    a, admin = net["a"], net["admin"]
    token = a.csrf_token("/my/network/contacts/new")
    form = {
        "csrf_token": token,
        "date": "2026-01-15T10:30",
        "channel": "in_person",
        "mode": "named",
        "person_name": "Teresa Provahttp",
        "fiscal_code": "",
        "phone": "02 1234 5678",
        "consent_given": "on",
        "need_ids": [str(net["need"])],
        "information_given": "Informata sul bonus bollette.",
        # what the page never sends: the organisation is the operator's whatever is posted
        "member_id": str(net["member_b"]),
        "state": "matched",
    }
    # without the consent: the form comes back, nothing saved
    answer = a.post("/my/network/contacts/new", data=dict(form, consent_given=""))
    assert answer.status_code == 200
    assert 'id="nc_consent_error"' in answer.text and "Teresa Provahttp" in answer.text
    assert not admin.call(
        "social.network.contact", "search", [("person_name", "=", "Teresa Provahttp")]
    )

    answer = a.post("/my/network/contacts/new", data=form, allow_redirects=False)
    assert answer.status_code in (302, 303), answer.status_code
    match = re.search(r"/my/network/contacts/(\d+)\?created=1$", answer.headers["Location"])
    assert match, answer.headers["Location"]
    contact = admin.call(
        "social.network.contact",
        "read",
        [int(match.group(1))],
        ["member_id", "state", "create_uid", "person_name", "phone", "is_anonymous"],
    )[0]
    assert contact["member_id"][0] == net["member_a"]
    assert contact["state"] == "submitted"
    assert contact["create_uid"][0] == a.uid
    assert (contact["person_name"], contact["phone"]) == ("Teresa Provahttp", "+39 02 1234 5678")
    assert not contact["is_anonymous"]
    page = a.get(f"/my/network/contacts/{contact['id']}")
    assert page.status_code == 200 and "Teresa Provahttp" in page.text
    # and it cannot be changed afterwards
    assert (
        refused(
            lambda: a.call(
                "social.network.contact", "write", [contact["id"]], {"phone": "3331112222"}
            )
        )
        == ACCESS_ERROR
    )
    assert refused(lambda: a.call("social.network.contact", "unlink", [contact["id"]]))


def test_another_partner_cannot_read_search_write_or_guess(net):
    b = net["b"]
    own, theirs = net["contact_b"], net["contact_a"]
    # the pages: another organisation's contact answers as one that does not exist
    page = b.get(f"/my/network/contacts/{theirs}", allow_redirects=False)
    missing = b.get("/my/network/contacts/99999999", allow_redirects=False)
    assert page.status_code == missing.status_code == 303
    assert page.headers["Location"] == missing.headers["Location"]
    assert page.headers["Location"].endswith("/my/network/contacts")
    listing = b.get("/my/network/contacts").text
    assert "Lucia Ferrari" not in listing
    assert b.get(f"/my/network/contacts/{own}").status_code == 200

    # call_kw with their session
    Contact = "social.network.contact"
    visible = b.call(Contact, "search", [])
    assert own in visible and theirs not in visible
    members = {c["member_id"][0] for c in b.call(Contact, "search_read", [], ["member_id"])}
    assert members == {net["member_b"]}
    assert b.call(Contact, "search", [("id", "=", theirs)]) == []
    assert b.call(Contact, "search", [("person_name", "ilike", "Ferrari")]) == []
    assert b.call(Contact, "name_search", "Ferrari") == []
    assert b.call(Contact, "search_count", [("member_id", "=", net["member_a"])]) == 0
    assert refused(lambda: b.call(Contact, "read", [theirs], ["person_name"])) == ACCESS_ERROR
    assert (
        refused(lambda: b.call(Contact, "web_read", [theirs], {"person_name": {}})) == ACCESS_ERROR
    )
    assert refused(lambda: b.call(Contact, "write", [theirs], {"information_given": "x"}))
    assert refused(lambda: b.call(Contact, "unlink", [theirs]))
    assert (
        refused(
            lambda: b.call(
                Contact,
                "create",
                {"member_id": net["member_a"], "need_ids": [(6, 0, [net["need"]])]},
            )
        )
        == ACCESS_ERROR
    )
    # copy() reads the original first
    assert refused(lambda: b.call(Contact, "copy", [theirs]))


def test_mail_routes_and_attachments_of_another_partner(net):
    admin, a, b = net["admin"], net["a"], net["b"]
    theirs = net["contact_a"]
    attachment = admin.call(
        "ir.attachment",
        "create",
        {
            "name": "consenso-ferrari.pdf",
            "datas": base64.b64encode(PDF).decode(),
            "res_model": "social.network.contact",
            "res_id": theirs,
        },
    )
    admin.call(
        "social.network.contact",
        "message_post",
        [theirs],
        body="Nota sul contatto di Lucia Ferrari",
        message_type="comment",
        subtype_xmlid="mail.mt_comment",
    )
    try:
        for route, params in (
            (
                "/mail/thread/messages",
                {"thread_model": "social.network.contact", "thread_id": theirs},
            ),
            (
                "/mail/thread/data",
                {
                    "thread_model": "social.network.contact",
                    "thread_id": theirs,
                    "request_list": ["followers", "attachments", "activities"],
                },
            ),
        ):
            try:
                answer = str(b.rpc(route, params))
            except RPCError:
                continue
            assert "Ferrari" not in answer and "consenso" not in answer, route
        assert refused(
            lambda: b.rpc(
                "/mail/message/post",
                {
                    "thread_model": "social.network.contact",
                    "thread_id": theirs,
                    "post_data": {"body": "intrusione", "message_type": "comment"},
                },
            )
        )
        # the attachment: not read, not found, not downloaded
        assert (
            refused(lambda: b.call("ir.attachment", "read", [attachment], ["name"])) == ACCESS_ERROR
        )
        try:
            found = b.call(
                "ir.attachment", "search", [("res_model", "=", "social.network.contact")]
            )
        except RPCError:
            found = []  # portal users search no attachment at all
        assert found == []
        download = b.get(f"/web/content/{attachment}?download=true", allow_redirects=False)
        assert download.status_code in (403, 404), download.status_code
        assert PDF not in download.content
        # nor attached to their contact, nor to one's own (a submitted contact is not edited)
        for res_id in (theirs, net["contact_b"]):
            assert refused(
                lambda res_id=res_id: b.call(
                    "ir.attachment",
                    "create",
                    {
                        "name": "x.pdf",
                        "datas": base64.b64encode(PDF).decode(),
                        "res_model": "social.network.contact",
                        "res_id": res_id,
                    },
                )
            )
        # the organisation's own operator does not read the back office's notes either
        messages = str(
            a.rpc(
                "/mail/thread/messages",
                {"thread_model": "social.network.contact", "thread_id": theirs},
            )
        )
        assert "Nota sul contatto" in messages  # a public comment on their own contact
    finally:
        admin.call("ir.attachment", "unlink", [attachment])


def test_partner_never_reads_the_person_file(net):
    a, admin = net["a"], net["admin"]
    matched = net["matched_a"]
    person = admin.call("social.network.contact", "read", [matched], ["person_id", "state"])[0]
    assert person["state"] == "matched" and person["person_id"], "the demo contact is matched"
    Contact = "social.network.contact"
    # what they submitted they read, the file it was matched to they do not
    assert a.call(Contact, "read", [matched], ["person_name", "state"])[0]["state"] == "matched"
    assert refused(lambda: a.call(Contact, "read", [matched], ["person_id"])) == ACCESS_ERROR
    assert refused(lambda: a.call(Contact, "search_read", [("id", "=", matched)], ["person_id"]))
    assert refused(lambda: a.call(Contact, "web_read", [matched], {"person_id": {}}))
    # nor through a domain: the field is closed to searches too
    assert refused(lambda: a.call(Contact, "search", [("person_id", "!=", False)]))
    assert refused(lambda: a.call(Contact, "search", [("person_id.name", "ilike", "Russo")]))
    assert refused(lambda: a.call("social.person", "read", [person["person_id"][0]], ["name"]))
    # and no context key opens it
    assert refused(
        lambda: a.call(
            Contact,
            "read",
            [matched],
            ["person_id"],
            context={"social_workflow": True, "active_test": False},
        )
    )
