"""The online desk and the public catalogue, used over HTTP as citizens would."""

import re

import pytest
from odoo_client import OdooClient, RPCError

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def as_user(server, login):
    client = OdooClient(server["url"], server["db"])
    client.login(login, login)
    return client


def send_request(client, files=None, **fields):
    token = client.csrf_token("/my/social/requests/new")
    data = {
        "csrf_token": token,
        "subject": "Aiuto per l'affitto",
        "message": "Ho perso il lavoro e non riesco a pagare l'affitto di questo mese.",
        "preferred_channel": "phone",
        "preferred_time": "morning",
    }
    data.update(fields)
    return client.post("/my/social/requests/new", data=data, files=files or [])


@pytest.fixture(scope="module")
def citizen_request(odoo_server):
    citizen = as_user(odoo_server, "cittadino")
    response = send_request(citizen, files=[("attachments", ("isee.pdf", PDF, "application/pdf"))])
    assert response.status_code == 200
    match = re.search(r"/my/social/requests/(\d+)", response.url)
    assert match, response.url
    return {"id": int(match.group(1)), "page": response}


def test_citizen_sends_a_request_and_sees_it(odoo_server, citizen_request):
    page = citizen_request["page"].text
    assert "Aiuto per l&#39;affitto" in page or "Aiuto per l'affitto" in page
    citizen = as_user(odoo_server, "cittadino")
    # the portal chatter (loaded by the page's script) shows the attached document
    messages = citizen.rpc(
        "/mail/thread/messages",
        {"thread_model": "social.online.request", "thread_id": citizen_request["id"], "limit": 30},
    )
    names = [a["name"] for a in messages["data"].get("ir.attachment", [])]
    assert "isee.pdf" in names
    listing = citizen.get("/my/social/requests").text
    assert f"/my/social/requests/{citizen_request['id']}" in listing
    assert '<html lang="it-IT"' in listing


def test_bad_input_is_explained_and_nothing_is_lost(odoo_server):
    citizen = as_user(odoo_server, "cittadino")
    response = send_request(
        citizen,
        subject="Richiesta con file sbagliato",
        files=[("attachments", ("virus.exe", b"MZ\x90\x00binary", "application/octet-stream"))],
    )
    assert response.status_code == 200
    assert "/my/social/requests/new" in response.url
    assert "virus.exe" in response.text  # the error names the file
    assert "Richiesta con file sbagliato" in response.text  # what was typed comes back
    empty = send_request(citizen, subject="", message="")
    assert 'aria-invalid="true"' in empty.text
    admin = as_user(odoo_server, "admin")
    assert not admin.call(
        "social.online.request", "search", [("subject", "=", "Richiesta con file sbagliato")]
    )


def test_a_call_back_asks_for_the_number(odoo_server):
    """Anna has no phone on her contact: choosing "Telefono" without a number brings the form
    back asking for it (nothing saved); with one, the staff read it on the request."""
    citizen = as_user(odoo_server, "cittadina")
    subject = "Richiamatemi per il centro estivo"
    missing = send_request(citizen, subject=subject, preferred_channel="phone", callback_phone="")
    assert "/my/social/requests/new" in missing.url
    assert 'id="social_callback_phone_error"' in missing.text
    assert subject in missing.text  # what was typed comes back
    admin = as_user(odoo_server, "admin")
    assert not admin.call("social.online.request", "search", [("subject", "=", subject)])
    sent = send_request(
        citizen, subject=subject, preferred_channel="phone", callback_phone="+39 347 123 4567"
    )
    assert re.search(r"/my/social/requests/(\d+)", sent.url), sent.url
    [record] = admin.call(
        "social.online.request",
        "search_read",
        [("subject", "=", subject)],
        ["callback_phone", "preferred_channel"],
    )
    assert record["callback_phone"] == "+39 347 123 4567"
    assert record["preferred_channel"] == "phone"


def test_post_without_csrf_token_is_refused(odoo_server):
    citizen = as_user(odoo_server, "cittadino")
    response = citizen.post("/my/social/requests/new", data={"subject": "x", "message": "y"})
    assert response.status_code in (400, 403)


def test_another_portal_user_cannot_see_it(odoo_server, citizen_request):
    other = as_user(odoo_server, "partner")
    rid = citizen_request["id"]
    for path in (f"/my/social/requests/{rid}", f"/my/social/requests/{rid}?access_token=wrong"):
        response = other.get(path)
        assert "Aiuto per l" not in response.text
        assert response.url.endswith("/my") or response.status_code in (403, 404)
    assert f"/my/social/requests/{rid}" not in other.get("/my/social/requests").text
    with pytest.raises(RPCError):
        other.call("social.online.request", "read", [rid], ["message"])


def test_staff_answer_reaches_the_citizen(odoo_server, citizen_request):
    rid = citizen_request["id"]
    worker = as_user(odoo_server, "assistente")
    worker.call(
        "social.online.request",
        "message_post",
        [rid],
        body="Buongiorno, la richiamiamo domani mattina.",
        message_type="comment",
        subtype_xmlid="mail.mt_comment",
    )
    record = worker.call("social.online.request", "read", [rid], ["state", "first_answer_date"])[0]
    assert record["state"] == "answered"
    assert record["first_answer_date"]
    citizen = as_user(odoo_server, "cittadino")
    messages = citizen.rpc(
        "/mail/thread/messages",
        {"thread_model": "social.online.request", "thread_id": rid, "limit": 30},
    )
    bodies = " ".join(m["body"] for m in messages["data"]["mail.message"])
    assert "la richiamiamo domani" in bodies


def test_public_catalogue(odoo_server):
    visitor = OdooClient(odoo_server["url"], odoo_server["db"])
    page = visitor.get("/social/services")
    assert page.status_code == 200
    links = re.findall(r'href="(/social/services/[^"?]+)"', page.text)
    assert len(links) >= 30
    service = visitor.get(links[0])
    assert service.status_code == 200
    assert "<h1" in service.text
    admin = as_user(odoo_server, "admin")
    hidden = admin.call("social.service", "search", [("is_published", "=", False)], limit=1)[0]
    assert visitor.get(f"/social/services/servizio-{hidden}").status_code == 404
    filtered = visitor.get("/social/services", params={"q": "zzzz-nessun-servizio"})
    assert not re.findall(r'href="(/social/services/[^"?]+)"', filtered.text)
    by_need = visitor.get("/social/services", params={"need": "999999"})
    assert by_need.status_code == 200
