"""The appointment slip downloaded from the portal, over HTTP as the citizens and a visitor:
Mario Esposito (`cittadino`) downloads the PDF of his own appointment from its page; Anna
Ferrario (`cittadina`) and an anonymous visitor get no PDF of his."""

import io
import re

import pytest
from odoo_client import OdooClient
from PyPDF2 import PdfReader


def as_user(server, login):
    client = OdooClient(server["url"], server["db"])
    client.login(login, login)
    return client


@pytest.fixture(scope="module")
def appointment_id(odoo_server):
    """One of Mario's appointments still to come (the demo books two)."""
    mario = as_user(odoo_server, "cittadino")
    page = mario.get("/my/social/appointments")
    assert page.status_code == 200
    ids = re.findall(r'href="/my/social/appointments/(\d+)"', page.text)
    assert ids, "the demo citizen has appointments"
    return int(ids[0])


def is_pdf(response):
    return response.headers.get("Content-Type", "").startswith(
        "application/pdf"
    ) and response.content.startswith(b"%PDF")


def test_own_slip_from_the_appointment_page(odoo_server, appointment_id):
    mario = as_user(odoo_server, "cittadino")
    page = mario.get(f"/my/social/appointments/{appointment_id}")
    assert page.status_code == 200
    links = re.findall(r'href="([^"]*/slip)"', page.text)
    assert links == [f"/my/social/appointments/{appointment_id}/slip"]
    slip = mario.get(links[0])
    assert slip.status_code == 200
    assert is_pdf(slip)
    # the slip of this appointment (its number names the file), one page; its words are
    # checked by the module tests (test_reports.py): with the report's web fonts loaded,
    # wkhtmltopdf draws the text as shapes, which no PDF reader extracts
    number = re.search(r"APP/\d{4}/\d+", page.text).group(0)
    assert number.replace("/", "-") + ".pdf" in slip.headers.get("Content-Disposition", "")
    assert len(PdfReader(io.BytesIO(slip.content)).pages) == 1


def test_another_citizens_slip_is_not_found(odoo_server, appointment_id):
    anna = as_user(odoo_server, "cittadina")
    slip = anna.get(f"/my/social/appointments/{appointment_id}/slip", allow_redirects=False)
    assert slip.status_code in (403, 404)
    assert not is_pdf(slip)
    # nor by guessing numbers
    missing = anna.get("/my/social/appointments/999999999/slip", allow_redirects=False)
    assert missing.status_code in (403, 404)


def test_anonymous_visitor_is_sent_to_log_in(odoo_server, appointment_id):
    visitor = OdooClient(odoo_server["url"], odoo_server["db"])
    slip = visitor.get(f"/my/social/appointments/{appointment_id}/slip", allow_redirects=False)
    assert not is_pdf(slip)
    assert slip.status_code in (302, 303, 403, 404)
    if slip.status_code in (302, 303):
        assert "/web/login" in slip.headers["Location"]
