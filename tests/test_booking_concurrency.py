"""Ten citizens confirm the same time at the same instant, against a real multi-worker server:
exactly one gets the appointment, the nine others are told that the time has just been taken,
and the database holds one appointment for that time and operator."""

import re
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlsplit

import pytest
from odoo_client import OdooClient
from pages import hidden, hrefs, xmlid

from conftest import running_odoo

USERS = 10
WORKERS = 4


@pytest.fixture(scope="module")
def server4(odoo_server, tmp_path_factory):
    """A second server on the same database with more workers, so that the requests are really
    handled at the same time (the shared fixture has two)."""
    log = tmp_path_factory.mktemp("odoo4") / "server.log"
    with running_odoo(odoo_server["db"], log, workers=WORKERS) as server:
        yield server


def as_user(server, login):
    client = OdooClient(server["url"], server["db"])
    client.login(login, login)
    return client


def test_ten_citizens_one_slot(server4):
    admin = as_user(server4, "admin")
    portal = xmlid(admin, "base", "group_portal")
    topic = xmlid(admin, "social_secretariat", "appointment_topic_bonus_demo")
    # Rodano: one office (appointment_seats = 1), so one slot is one seat
    desk = xmlid(admin, "social_secretariat", "desk_rodano_demo")
    run = uuid.uuid4().hex[:6]
    logins = [f"concorrente_{run}_{i}" for i in range(USERS)]
    for i, login in enumerate(logins):
        admin.call(
            "res.users",
            "create",
            {
                "name": f"Cittadino Concorrente {i}",
                "login": login,
                "password": login,
                "lang": "en_US",
                "groups_id": [(6, 0, [portal])],
            },
        )
    clients = [as_user(server4, login) for login in logins]

    # the first free time at the desk, as the pages offer it
    days = clients[0].get(f"/social/book/day?topic={topic}&desk={desk}")
    day_links = hrefs(days, "/social/book/time?")
    assert day_links, "no free day at the Rodano desk"
    times = clients[0].get(day_links[0])
    confirm_url = hrefs(times, "/social/book/confirm?")[0]
    start = parse_qs(urlsplit(confirm_url).query)["start"][0]
    forms = []
    for client in clients:
        page = client.get(confirm_url)
        assert page.status_code == 200 and 'id="booking_privacy"' in page.text
        forms.append(
            {
                "csrf_token": hidden(page, "csrf_token"),
                "topic": hidden(page, "topic"),
                "desk": hidden(page, "desk"),
                "start": hidden(page, "start"),
                "privacy": "1",
            }
        )

    barrier = threading.Barrier(USERS)

    def confirm(index):
        barrier.wait()
        return clients[index].post(
            "/social/book/confirm",
            data=forms[index],
            allow_redirects=False,
            timeout=120,
        )

    with ThreadPoolExecutor(max_workers=USERS) as pool:
        responses = list(pool.map(confirm, range(USERS)))

    won = [
        r
        for r in responses
        if r.status_code in (302, 303)
        and re.search(r"/my/social/appointments/\d+\?booked=1$", r.headers.get("Location", ""))
    ]
    lost = [r for r in responses if r not in won]
    assert len(won) == 1, [r.status_code for r in responses]
    # the pages' language follows the frontend_lang cookie (the Ambito's language, set at the
    # login page), not the user's: the error is recognised by its data attribute
    messages = set()
    for response in lost:
        assert response.status_code == 409, (response.status_code, response.text[:300])
        assert 'data-booking-error="taken"' in response.text
        messages.add(re.search(r'<p class="mb-0 fs-5">([^<]+)</p>', response.text).group(1))
    assert len(messages) == 1 and messages.pop().strip()  # the same plain message for all

    booked = admin.call(
        "social.appointment",
        "search_read",
        [("desk_id", "=", desk), ("start", "=", start), ("state", "=", "booked")],
        ["operator_ids", "person_id"],
    )
    assert len(booked) == 1
    # one of the desk's operators, and its one seat, each taken once
    (operator,) = booked[0]["operator_ids"]
    desk_operators = admin.call("social.desk", "read", [desk], ["operator_ids"])[0]["operator_ids"]
    assert operator in desk_operators
    for key in (f"user:{operator}", f"desk:{desk}:1"):
        assert (
            admin.call(
                "social.appointment.busy",
                "search_count",
                [("resource_key", "=", key), ("start", "=", start)],
            )
            == 1
        ), key
    # the winner sees it, the others have none
    winner = clients[responses.index(won[0])]
    appointment_path = urlsplit(won[0].headers["Location"]).path
    assert winner.get(appointment_path).status_code == 200
    for client in clients:
        if client is not winner:
            assert "data-appointment-id" not in client.get("/my/social/appointments").text
    # no error in the server's log: a lost race is an expected outcome
    errors = [line for line in server4["log"].read_text().splitlines() if " ERROR " in line]
    assert not errors, "\n".join(errors[:10])
