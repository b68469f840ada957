"""The answer to a data-subject access request over HTTP (art. 15 and 20 GDPR): Mario Esposito
(`cittadino`) downloads his own data from the portal, as a PDF to read and as a JSON file;
Anna Ferrario (`cittadina`) gets only hers, never his; the coordinator downloads both for
him from the back office; a visitor is sent to log in."""

import io
import json
import re

import pytest
from odoo_client import OdooClient
from PyPDF2 import PdfReader


def as_user(server, login):
    client = OdooClient(server["url"], server["db"])
    client.login(login, login)
    return client


@pytest.fixture(scope="module")
def mario_id(odoo_server):
    coordinator = as_user(odoo_server, "coordinatrice")
    ids = coordinator.call(
        "social.person", "search", [("first_name", "=", "Mario"), ("last_name", "=", "Esposito")]
    )
    assert len(ids) == 1
    return ids[0]


def is_pdf(response):
    return response.headers.get("Content-Type", "").startswith(
        "application/pdf"
    ) and response.content.startswith(b"%PDF")


def is_json(response):
    return response.headers.get("Content-Type", "").startswith("application/json")


def test_citizen_downloads_own_data_from_the_portal(odoo_server):
    mario = as_user(odoo_server, "cittadino")
    home = mario.get("/my")
    assert home.status_code == 200
    links = sorted(set(re.findall(r'href="(/my/social/personal-data/\w+)"', home.text)))
    assert links == ["/my/social/personal-data/json", "/my/social/personal-data/pdf"]
    pdf = mario.get("/my/social/personal-data/pdf")
    assert pdf.status_code == 200
    assert is_pdf(pdf)
    assert len(PdfReader(io.BytesIO(pdf.content)).pages) > 0
    assert "attachment" in pdf.headers.get("Content-Disposition", "")
    assert pdf.headers.get("Cache-Control") == "no-store"
    answer = mario.get("/my/social/personal-data/json")
    assert answer.status_code == 200
    assert is_json(answer)
    data = answer.json()
    assert "Esposito" in data["person"]["name"]
    # times with their zone's offset, selections with their labels
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", data["generated_at"])
    for session in data["sessions"]:
        assert "confidential_notes" not in session, "the staff's notes stay with the staff"
        assert set(session["channel"]) == {"code", "label"}
    for entry in data["access_log"]:
        assert "user_id" not in entry, "not which employee read the file"


def test_another_citizens_data_is_refused(odoo_server, mario_id):
    anna = as_user(odoo_server, "cittadina")
    own = anna.get("/my/social/personal-data/json")
    assert own.status_code == 200
    assert "Esposito" not in own.text and "Ferrario" in own.text
    for kind in ("pdf", "json"):
        for url in (
            f"/social/person/{mario_id}/subject-data/{kind}",
            f"/social/person/{mario_id}/subject-data",
        ):
            response = anna.get(url, allow_redirects=False)
            assert response.status_code in (403, 404), url
            assert not is_pdf(response) and "Esposito" not in response.text
    # nor his own file through the staff's route: that is the coordinator's
    mario = as_user(odoo_server, "cittadino")
    response = mario.get(f"/social/person/{mario_id}/subject-data/pdf", allow_redirects=False)
    assert response.status_code in (403, 404)


def test_staff_routes_for_the_coordinator_only(odoo_server, mario_id):
    coordinator = as_user(odoo_server, "coordinatrice")
    pdf = coordinator.get(f"/social/person/{mario_id}/subject-data/pdf")
    assert pdf.status_code == 200 and is_pdf(pdf)
    answer = coordinator.get(f"/social/person/{mario_id}/subject-data/json")
    assert answer.status_code == 200 and is_json(answer)
    assert "Esposito" in json.loads(answer.content)["person"]["name"]
    operator = as_user(odoo_server, "operatore")
    response = operator.get(f"/social/person/{mario_id}/subject-data/pdf", allow_redirects=False)
    assert response.status_code in (403, 404) and not is_pdf(response)


def test_visitor_is_sent_to_log_in(odoo_server):
    visitor = OdooClient(odoo_server["url"], odoo_server["db"])
    for kind in ("pdf", "json"):
        response = visitor.get(f"/my/social/personal-data/{kind}", allow_redirects=False)
        assert response.status_code in (302, 303, 403, 404)
        assert not is_pdf(response) and not is_json(response)
