"""The citizen's booking portal over HTTP, as Mario Esposito (`cittadino`) uses it: the steps
are walked by following the links of the pages, every crafted request is refused by the server,
and another portal user sees nothing of his appointments. Dates come from the pages, never
from the calendar of the day the test was written."""

import re
import uuid
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from odoo_client import OdooClient, RPCError
from pages import hidden, hrefs

DT = "%Y-%m-%d %H:%M:%S"


def as_user(server, login, password=None):
    client = OdooClient(server["url"], server["db"])
    client.login(login, password or login)
    return client


def param(link, name):
    return parse_qs(urlsplit(link).query)[name][0]


def xmlid(admin, name):
    return admin.call(
        "ir.model.data",
        "search_read",
        [("module", "=", "social_secretariat"), ("name", "=", name)],
        ["res_id"],
    )[0]["res_id"]


def error_code(response):
    match = re.search(r'data-booking-error="([^"]+)"', response.text)
    return match and match.group(1)


@pytest.fixture(scope="module")
def admin(odoo_server):
    return as_user(odoo_server, "admin")


@pytest.fixture(scope="module")
def ids(admin):
    return {
        "bonus": xmlid(admin, "appointment_topic_bonus_demo"),
        "first": xmlid(admin, "appointment_topic_first_interview_demo"),
        "adi": xmlid(admin, "appointment_topic_adi_demo"),
        "segrate": xmlid(admin, "desk_segrate_demo"),
        "phone": xmlid(admin, "desk_phone_demo"),
        "person": admin.call(
            "social.person",
            "search",
            [("partner_id.user_ids.login", "=", "cittadino")],
        )[0],
    }


@pytest.fixture(scope="module")
def booked(odoo_server, admin, ids):
    """Mario books "bonus and contributions" at the Segrate desk, step by step."""
    citizen = as_user(odoo_server, "cittadino")
    topics = citizen.get("/social/book")
    assert topics.status_code == 200
    topic_links = hrefs(topics, "/social/book/desk?")
    assert f"/social/book/desk?topic={ids['bonus']}" in topic_links
    assert f"/social/book/desk?topic={ids['adi']}" not in topic_links  # not bookable online
    desks = citizen.get(f"/social/book/desk?topic={ids['bonus']}")
    assert "Via Primo Maggio" in desks.text  # the desks come with their address
    desk_link = next(
        link for link in hrefs(desks, "/social/book/day?") if f"desk={ids['segrate']}" in link
    )
    days = citizen.get(desk_link)
    day_links = hrefs(days, "/social/book/time?")
    assert day_links, "no free day at the Segrate desk"
    times = citizen.get(day_links[0])
    confirm_links = hrefs(times, "/social/book/confirm?")
    assert confirm_links
    confirm = citizen.get(confirm_links[0])
    assert confirm.status_code == 200
    assert 'id="booking_privacy"' in confirm.text
    # the full notice is one click away, and it opens for the citizen
    assert 'href="/social/privacy"' in confirm.text
    assert citizen.get("/social/privacy").status_code == 200
    data = {
        "csrf_token": hidden(confirm, "csrf_token"),
        "topic": hidden(confirm, "topic"),
        "desk": hidden(confirm, "desk"),
        "start": hidden(confirm, "start"),
        "note": "Vengo con mia moglie.",
    }
    # without the privacy box: the page comes back, marked, and nothing is booked
    refused = citizen.post("/social/book/confirm", data=data)
    assert refused.status_code == 200
    assert 'aria-invalid="true"' in refused.text
    assert "Vengo con mia moglie." in refused.text
    domain = [("person_id", "=", ids["person"]), ("start", "=", data["start"])]
    assert admin.call("social.appointment", "search_count", domain) == 0
    response = citizen.post("/social/book/confirm", data=dict(data, privacy="1"))
    assert response.status_code == 200
    match = re.search(r"/my/social/appointments/(\d+)\?booked=1$", response.url)
    assert match, response.url
    assert "o_social_booking_done" in response.text
    return {
        "id": int(match.group(1)),
        "start": data["start"],
        "day": param(day_links[0], "day"),
        "times_url": day_links[0],
        "data": data,
    }


def test_booked_through_the_steps(admin, ids, booked):
    record = admin.call(
        "social.appointment",
        "read",
        [booked["id"]],
        ["person_id", "topic_id", "desk_id", "start", "state", "booking_channel", "note"],
    )[0]
    assert record["person_id"][0] == ids["person"]
    assert record["topic_id"][0] == ids["bonus"]
    assert record["desk_id"][0] == ids["segrate"]
    assert record["start"] == booked["start"]
    assert record["state"] == "booked"
    assert record["booking_channel"] == "portal"
    assert record["note"] == "Vengo con mia moglie."


def test_list_detail_and_ics(odoo_server, booked):
    citizen = as_user(odoo_server, "cittadino")
    listing = citizen.get("/my/social/appointments")
    assert listing.status_code == 200
    assert f'data-appointment-id="{booked["id"]}"' in listing.text
    assert '<html lang="' in listing.text
    detail = citizen.get(f"/my/social/appointments/{booked['id']}")
    assert detail.status_code == 200
    assert 'data-state="booked"' in detail.text
    assert "Via Primo Maggio" in detail.text
    assert f"/my/social/appointments/{booked['id']}/cancel" in detail.text
    ics = citizen.get(f"/my/social/appointments/{booked['id']}/ics")
    assert ics.status_code == 200
    assert ics.headers["Content-Type"].startswith("text/calendar")
    assert "BEGIN:VCALENDAR" in ics.text
    start = datetime.strptime(booked["start"], DT)
    assert "DTSTART:" + start.strftime("%Y%m%dT%H%M%SZ") in ics.text
    # the portal home shows the card with its counter
    counters = citizen.rpc("/my/counters", {"counters": ["social_appointment_count"]})
    assert counters["social_appointment_count"] >= 1
    assert "/my/social/appointments" in citizen.get("/my").text


@pytest.mark.parametrize("case", ["off_grid", "past", "closed", "beyond", "lead", "not_offered"])
def test_crafted_confirmation_is_refused(odoo_server, admin, ids, booked, case):
    citizen = as_user(odoo_server, "cittadino")
    start = datetime.strptime(booked["start"], DT)
    # "now" as the server sees it: the Date header of its answer (UTC)
    now = parsedate_to_datetime(citizen.get("/my").headers["Date"]).replace(tzinfo=None)
    topic, desk = ids["bonus"], ids["segrate"]
    crafted = {
        "off_grid": start + timedelta(minutes=10),
        "past": start - timedelta(days=((start - now).days + 7)),
        "closed": start + timedelta(hours=10),  # 19:00 or later: every desk is closed
        "beyond": start + timedelta(days=45),
        "lead": (now + timedelta(hours=1)).replace(minute=0, second=0),
        "not_offered": start,
    }[case]
    if case == "not_offered":
        # the first interview is held at the municipalities' desks, not on the phone line
        topic, desk = ids["first"], ids["phone"]
    token = citizen.csrf_token("/my/social/requests/new")
    response = citizen.post(
        "/social/book/confirm",
        data={
            "csrf_token": token,
            "topic": topic,
            "desk": desk,
            "start": crafted.strftime(DT),
            "privacy": "1",
        },
        allow_redirects=False,
    )
    assert response.status_code in (200, 409), response.status_code
    assert error_code(response), response.text[:500]
    assert "o_social_booking_back" in response.text  # a way back to choose another time
    domain = [("topic_id", "=", topic), ("start", "=", crafted.strftime(DT))]
    assert admin.call("social.appointment", "search_count", domain) == 0


def test_confirmation_without_csrf_token_is_refused(odoo_server, admin, ids, booked):
    citizen = as_user(odoo_server, "cittadino")
    data = {k: v for k, v in booked["data"].items() if k != "csrf_token"}
    response = citizen.post("/social/book/confirm", data=dict(data, privacy="1"))
    assert response.status_code in (400, 403)
    domain = [("person_id", "=", ids["person"]), ("start", "=", booked["start"])]
    assert admin.call("social.appointment", "search_count", domain) == 1


def test_the_same_time_twice_is_refused(odoo_server, admin, ids, booked):
    citizen = as_user(odoo_server, "cittadino")
    token = citizen.csrf_token("/my/social/requests/new")
    response = citizen.post(
        "/social/book/confirm",
        data=dict(booked["data"], csrf_token=token, privacy="1"),
        allow_redirects=False,
    )
    assert error_code(response)
    domain = [("person_id", "=", ids["person"]), ("start", "=", booked["start"])]
    assert admin.call("social.appointment", "search_count", domain) == 1


def test_another_portal_user_sees_nothing(odoo_server, admin, booked):
    other = as_user(odoo_server, "partner")
    aid = booked["id"]
    name = admin.call("social.appointment", "read", [aid], ["name"])[0]["name"]
    for path in (
        f"/my/social/appointments/{aid}",
        f"/my/social/appointments/{aid}?access_token=wrong",
        f"/my/social/appointments/{aid}/ics",
        f"/my/social/appointments/{aid}/ics?access_token=wrong",
        f"/my/social/appointments/{aid}/reschedule",
    ):
        response = other.get(path)
        assert name not in response.text, path
        assert "BEGIN:VCALENDAR" not in response.text, path
        assert response.url.endswith("/my") or response.status_code in (403, 404), path
    assert f"/my/social/appointments/{aid}" not in other.get("/my/social/appointments").text
    token = other.csrf_token("/my/social/requests/new")
    for confirm in ("", "1"):  # neither the review page nor the change itself
        review = other.post(
            f"/my/social/appointments/{aid}/cancel",
            data={"csrf_token": token, "reason": "x", "confirm": confirm},
        )
        assert name not in review.text
        review = other.post(
            f"/my/social/appointments/{aid}/reschedule",
            data={"csrf_token": token, "start": booked["start"], "confirm": confirm},
        )
        assert name not in review.text
    record = admin.call("social.appointment", "read", [aid], ["state", "start"])[0]
    assert record == {"id": aid, "state": "booked", "start": booked["start"]}
    # over RPC, the record rules give a portal user their own appointments only
    with pytest.raises(RPCError):
        other.call("social.appointment", "read", [aid], ["name"])
    assert aid not in {
        r["id"] for r in other.call("social.appointment", "search_read", [], ["name"])
    }
    # the anonymous visitor is sent to the login page
    visitor = OdooClient(odoo_server["url"], odoo_server["db"])
    assert name not in visitor.get(f"/my/social/appointments/{aid}").text


def test_reschedule_then_cancel(odoo_server, admin, booked):
    citizen = as_user(odoo_server, "cittadino")
    aid = booked["id"]
    page = citizen.get(f"/my/social/appointments/{aid}/reschedule")
    assert page.status_code == 200
    day_links = hrefs(page, f"/my/social/appointments/{aid}/reschedule?day=")
    assert day_links
    times = citizen.get(day_links[0])
    starts = re.findall(r'data-start="([^"]+)"', times.text)
    new_start = next(s for s in starts if s != booked["start"])
    # first the review: both times shown, nothing moved yet
    review = citizen.post(
        f"/my/social/appointments/{aid}/reschedule",
        data={"csrf_token": hidden(times, "csrf_token"), "start": new_start},
    )
    assert review.status_code == 200
    assert "o_social_review_reschedule" in review.text
    assert hidden(review, "start") == new_start
    record = admin.call("social.appointment", "read", [aid], ["start"])[0]
    assert record["start"] == booked["start"]
    moved = citizen.post(
        f"/my/social/appointments/{aid}/reschedule",
        data={"csrf_token": hidden(review, "csrf_token"), "start": new_start, "confirm": "1"},
    )
    assert moved.status_code == 200
    assert moved.url.endswith(f"/my/social/appointments/{aid}?moved=1")
    record = admin.call("social.appointment", "read", [aid], ["start", "state"])[0]
    assert record["start"] == new_start and record["state"] == "booked"
    # the new time is taken (the appointment's busy rows moved with it) ...
    busy = admin.call(
        "social.appointment.busy", "search_read", [("appointment_id", "=", aid)], ["start"]
    )
    assert busy and {row["start"] for row in busy} == {new_start}
    # ... and the old one is free again: offered again on its day
    old_day = citizen.get(booked["times_url"])
    old_links = [param(link, "start") for link in hrefs(old_day, "/social/book/confirm?")]
    assert booked["start"] in old_links

    detail = citizen.get(f"/my/social/appointments/{aid}")
    # asked once more, with the reason carried over; nothing cancelled yet
    review = citizen.post(
        f"/my/social/appointments/{aid}/cancel",
        data={"csrf_token": hidden(detail, "csrf_token"), "reason": "Ho trovato lavoro."},
    )
    assert "o_social_review_cancel" in review.text
    assert hidden(review, "reason") == "Ho trovato lavoro."
    assert admin.call("social.appointment", "read", [aid], ["state"])[0]["state"] == "booked"
    cancelled = citizen.post(
        f"/my/social/appointments/{aid}/cancel",
        data={
            "csrf_token": hidden(review, "csrf_token"),
            "reason": "Ho trovato lavoro.",
            "confirm": "1",
        },
    )
    assert cancelled.status_code == 200
    assert cancelled.url.endswith(f"/my/social/appointments/{aid}?cancelled=1")
    assert 'data-state="cancelled"' in cancelled.text
    record = admin.call("social.appointment", "read", [aid], ["state", "cancel_reason"])[0]
    assert record["state"] == "cancelled"
    assert record["cancel_reason"] == "Ho trovato lavoro."
    assert citizen.get(f"/my/social/appointments/{aid}/ics").status_code == 404
    assert not admin.call(
        "social.appointment.busy", "search", [("appointment_id", "=", aid)]
    )  # the time is free


def test_booking_attempts_are_limited(odoo_server, admin, ids):
    login = f"limite_{uuid.uuid4().hex[:8]}"
    portal = xmlid_base(admin, "group_portal")
    admin.call(
        "res.users",
        "create",
        {
            "name": "Lucia Limite",
            "login": login,
            "password": login,
            "lang": "en_US",
            "groups_id": [(6, 0, [portal])],
        },
    )
    user = as_user(odoo_server, login)
    token = user.csrf_token("/my/social/requests/new")
    data = {"csrf_token": token, "topic": ids["bonus"], "desk": ids["segrate"], "start": "x"}
    codes = [user.post("/social/book/confirm", data=data).status_code for _i in range(20)]
    assert 429 not in codes
    last = user.post("/social/book/confirm", data=data)
    assert last.status_code == 429
    assert error_code(last) == "too_many"  # the page's language is the Ambito's (cookie)


def xmlid_base(admin, name):
    return admin.call(
        "ir.model.data", "search_read", [("module", "=", "base"), ("name", "=", name)], ["res_id"]
    )[0]["res_id"]
