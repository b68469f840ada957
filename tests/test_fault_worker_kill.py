"""A worker killed (kill -9) in the middle of a transaction, against a real multi-worker server on
a copy of the test cluster (issue 14).

Each test holds a PostgreSQL lock from a connection of its own on a table that the request writes
late, so that the request's transaction waits there after it has written part of its work (the
test checks which: the statement it waits on, and the tables it has already written). The test
then kills the worker that serves it, releases the lock, and checks that the client got a clean
failure, that the database holds nothing of the transaction, that the server still answers (the
master spawned another worker), and that the same request sent again does its work once.
"""

import html
import re
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import psutil
import pytest
import requests
from faults import APP_NAME, NO_PRELOAD, backends, cluster_copy, kill_worker  # noqa: F401
from odoo_client import OdooClient
from pages import hidden, hrefs, xmlid

from conftest import running_odoo

WORKERS = 2
# how long a request may take to fail once its worker is killed (it fails at once: the socket
# closes with the process)
FAIL_WITHIN = 30
TAKEN_MESSAGE = "This time has just been taken, please choose another."


@pytest.fixture(scope="module")
def db_copy(cluster_copy):  # noqa: F811 (the fixture imported from faults)
    return cluster_copy


@pytest.fixture(scope="module")
def server(db_copy, tmp_path_factory):
    """A two-worker server on the copy, whose workers name their connections with their pid
    (faults.tagged_connections, at module scope: the master passes it on to the workers it
    spawns after a kill)."""
    log = tmp_path_factory.mktemp("odoo-kill") / "server.log"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ODOO_PGAPPNAME", f"{APP_NAME}-{{pid}}")
        with running_odoo(
            db_copy.db, log, workers=WORKERS, conf=db_copy.conf, options=NO_PRELOAD
        ) as srv:
            yield srv
    # a killed worker is not an error of the server's: nothing may be logged as one
    errors = [line for line in log.read_text().splitlines() if " ERROR " in line]
    assert not errors, "\n".join(errors[:10])


def as_user(server, login, lang="en-US,en;q=0.9"):
    client = OdooClient(server["url"], server["db"])
    client.session.headers["Accept-Language"] = lang
    client.login(login, login)
    assert client.session_info()["uid"], f"{login} could not log in"
    return client


def http_workers(server):
    """The pids of the server's HTTP workers (the master's children but the gevent one)."""
    master = psutil.Process(server["process"].pid)
    # the live-notification process is odoo-bin run again with `gevent` (service/server.py)
    return {child.pid for child in master.children() if "gevent" not in child.cmdline()}


def wait_until(predicate, what, timeout=60):
    deadline = time.monotonic() + timeout
    while not (result := predicate()):
        assert time.monotonic() < deadline, f"still not {what} after {timeout} s"
        time.sleep(0.1)
    return result


def high_water(copy, tables):
    """{table: the highest id now}: rows above it were written since."""
    return {
        table: copy.query(f'SELECT coalesce(max(id), 0) FROM "{table}"')[0][0] for table in tables
    }


def written_since(copy, marks):
    """{table: rows above its mark} for the tables that have any."""
    found = {}
    for table, mark in marks.items():
        (count,) = copy.query(f'SELECT count(*) FROM "{table}" WHERE id > %s', (mark,))[0]
        if count:
            found[table] = count
    return found


def written_tables(copy, backend_pid):
    """The tables the backend has written in its open transaction (INSERT, UPDATE and DELETE
    take a ROW EXCLUSIVE lock on the table, held until the transaction ends)."""
    rows = copy.query(
        "SELECT c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
        "WHERE l.pid = %s AND l.granted AND l.mode = 'RowExclusiveLock' AND c.relkind = 'r'",
        (backend_pid,),
    )
    return {name for (name,) in rows}


def report_tables(copy):
    """The observatory's aggregate tables (written by triggers, see
    social_secretariat_reports/data/*.sql)."""
    rows = copy.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
        "AND table_type = 'BASE TABLE' AND table_name LIKE 'social\\_report\\_%%' "
        "ORDER BY table_name"
    )
    return [name for (name,) in rows]


def table_digest(copy, tables, conn=None):
    """{table: md5 of its rows without their ids}: equal digests, equal contents."""
    digests = {}
    own = conn is None
    conn = conn or copy.connect()
    try:
        with conn.cursor() as cr:
            for table in tables:
                cr.execute(
                    f"SELECT md5(coalesce(string_agg(r::text, ',' ORDER BY r::text), '')) "
                    f"FROM (SELECT to_jsonb(t) - 'id' AS r FROM \"{table}\" t) s"
                )
                digests[table] = cr.fetchone()[0]
    finally:
        if own:
            conn.close()
    return digests


def killed_in_flight(server, copy, lock_sql, send, waits_on):
    """Send the request (`send()`, in a thread) while the test holds `lock_sql`; once the
    request's transaction waits on that lock in a statement matching `waits_on` (ILIKE), kill
    its worker, then release the lock. Returns (the statement it waited in, the tables its
    transaction had written, the request's exception)."""
    conn = copy.connect(autocommit=False)
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        with conn.cursor() as cr:
            cr.execute(lock_sql)
        future = pool.submit(send)
        # the condition goes through the driver's parameters: % doubled
        where = "wait_event_type = 'Lock' AND query ILIKE '%s'" % waits_on.replace("%", "%%")

        def blocked():
            # a request that ends without waiting there is a failure of the test, said at once
            assert not future.done(), f"the request did not wait on the lock: {future.result()}"
            return backends(copy, where)

        ((worker, backend, _state, _wait, query), *_others) = wait_until(
            blocked, f"waiting: a request where {where}"
        )
        assert worker in http_workers(server), "the statement does not come from an HTTP worker"
        written = written_tables(copy, backend)
        kill_worker(worker)
        # a clean failure, at once: the connection closes with the worker
        with pytest.raises(requests.ConnectionError) as failure:
            future.result(timeout=FAIL_WITHIN)
    finally:
        conn.rollback()  # the lock goes: the orphaned backend runs on and finds no client
        conn.close()
        pool.shutdown(wait=False)
    # its transaction ends (rolled back: nobody is left to commit it) and its locks go with it
    wait_until(
        lambda: not backends(copy, f"pid = {backend}"),
        "gone: the killed worker's database connection",
    )
    # the master spawned another worker, and the server answers
    workers = wait_until(
        lambda: (found := http_workers(server)) and len(found) == WORKERS and found,
        f"{WORKERS} workers again",
    )
    assert worker not in workers
    assert requests.get(f"{server['url']}/web/login", timeout=30).status_code == 200
    return query, written, failure.value


# ------------------------------------------------------------
# Booking from the portal
# ------------------------------------------------------------


@pytest.fixture(scope="module")
def booking(server):
    admin = as_user(server, "admin")
    portal = xmlid(admin, "base", "group_portal")
    run = uuid.uuid4().hex[:6]

    def citizen(name):
        login = f"kill_{name}_{run}"
        user = admin.call(
            "res.users",
            "create",
            {
                "name": f"Cittadino {name.title()} Kill",
                "login": login,
                "password": login,
                "lang": "en_US",
                "groups_id": [(6, 0, [portal])],
            },
        )
        partner = admin.call("res.users", "read", [user], ["partner_id"])[0]["partner_id"][0]
        return as_user(server, login), partner

    return {
        "admin": admin,
        "citizen": citizen,
        "topic": xmlid(admin, "social_secretariat", "appointment_topic_bonus_demo"),
        # Rodano: one office (appointment_seats = 1), so one slot is one seat
        "desk": xmlid(admin, "social_secretariat", "desk_rodano_demo"),
    }


def confirm_form(client, topic, desk, start=None):
    """The confirmation form of the first free time (or of `start`), as the pages offer it."""
    days = client.get(f"/social/book/day?topic={topic}&desk={desk}")
    day_links = hrefs(days, "/social/book/time?")
    assert day_links, "no free day at the desk"
    if start:
        url = f"/social/book/confirm?topic={topic}&desk={desk}&start={start}"
    else:
        url = hrefs(client.get(day_links[0]), "/social/book/confirm?")[0]
    page = client.get(url)
    assert page.status_code == 200 and 'id="booking_privacy"' in page.text, page.text[-1000:]
    return {
        "csrf_token": hidden(page, "csrf_token"),
        "topic": hidden(page, "topic"),
        "desk": hidden(page, "desk"),
        "start": hidden(page, "start"),
        "privacy": "1",
    }


def confirm(client, form):
    return client.post("/social/book/confirm", data=form, allow_redirects=False, timeout=60)


BOOKING_TABLES = (
    "social_person",
    "social_appointment",
    "social_appointment_busy",
    "calendar_event",
    "calendar_attendee",
    "mail_message",
    "mail_mail",
)


def assert_appointments_whole(copy):
    """Every appointment that holds its time has its calendar event and busy rows, and no busy
    row or appointment's event is left without its appointment."""
    assert not copy.query(
        "SELECT a.id FROM social_appointment a WHERE a.state IN ('booked', 'done', 'no_show') "
        "AND (a.calendar_event_id IS NULL OR NOT EXISTS "
        "(SELECT 1 FROM social_appointment_busy b WHERE b.appointment_id = a.id))"
    )
    assert not copy.query(
        "SELECT b.id FROM social_appointment_busy b LEFT JOIN social_appointment a "
        "ON a.id = b.appointment_id WHERE a.id IS NULL"
    )
    assert not copy.query(
        "SELECT e.id FROM calendar_event e JOIN ir_model m ON m.id = e.res_model_id "
        "WHERE m.model = 'social.appointment' AND NOT EXISTS "
        "(SELECT 1 FROM social_appointment a WHERE a.id = e.res_id)"
    )


def booked_at(copy, partner, start):
    return copy.query(
        "SELECT a.id, a.calendar_event_id, "
        "(SELECT count(*) FROM social_appointment_busy b WHERE b.appointment_id = a.id) "
        "FROM social_appointment a JOIN social_person p ON p.id = a.person_id "
        "WHERE p.partner_id = %s AND a.start = %s",
        (partner, start),
    )


def kill_booking(server, copy, client, form):
    """The confirmation, killed once the appointment and its busy rows are written, when it
    creates the calendar event (the last of the three, see social.appointment.create)."""
    query, written, _error = killed_in_flight(
        server,
        copy,
        "LOCK TABLE calendar_event IN SHARE ROW EXCLUSIVE MODE",
        lambda: confirm(client, form),
        'INSERT INTO "calendar_event"%',
    )
    # in the middle: the person file, the appointment and its busy rows written, not yet saved
    assert {"social_person", "social_appointment", "social_appointment_busy"} <= written, (
        written,
        query,
    )


def test_booking_killed_then_retried(server, db_copy, booking):
    copy = db_copy
    client, partner = booking["citizen"]("primo")
    form = confirm_form(client, booking["topic"], booking["desk"])
    marks = high_water(copy, BOOKING_TABLES)

    kill_booking(server, copy, client, form)

    # nothing of it: no person file, appointment, busy row, event, message or e-mail
    assert written_since(copy, marks) == {}
    assert not booked_at(copy, partner, form["start"])
    assert not copy.query("SELECT id FROM social_person WHERE partner_id = %s", (partner,))
    assert_appointments_whole(copy)

    # the citizen sends the same confirmation again: booked, once, whole
    response = confirm(client, form)
    assert response.status_code in (302, 303), response.text[-1000:]
    assert re.search(r"/my/social/appointments/\d+\?booked=1$", response.headers["Location"])
    ((_appointment, event, busy),) = booked_at(copy, partner, form["start"])
    assert event and busy
    assert_appointments_whole(copy)


def test_booking_killed_then_taken_by_another(server, db_copy, booking):
    copy = db_copy
    first, first_partner = booking["citizen"]("secondo")
    other, other_partner = booking["citizen"]("terzo")
    form = confirm_form(first, booking["topic"], booking["desk"])
    marks = high_water(copy, BOOKING_TABLES)

    kill_booking(server, copy, first, form)
    assert written_since(copy, marks) == {}

    # meanwhile another citizen books that time
    taken = confirm(other, confirm_form(other, booking["topic"], booking["desk"], form["start"]))
    assert taken.status_code in (302, 303), taken.text[-1000:]
    assert len(booked_at(copy, other_partner, form["start"])) == 1

    # the first citizen's retry is told plainly that the time is taken
    response = confirm(first, form)
    assert response.status_code == 409, response.text[-1000:]
    assert 'data-booking-error="taken"' in response.text
    message = re.search(r'<p class="mb-0 fs-5">([^<]+)</p>', response.text).group(1)
    assert html.unescape(message).strip() == TAKEN_MESSAGE
    assert not booked_at(copy, first_partner, form["start"])
    assert_appointments_whole(copy)


# ------------------------------------------------------------
# A listening session saved by the staff
# ------------------------------------------------------------

SESSION_TABLES = ("social_listening_session", "mail_message", "mail_followers", "mail_activity")


def save_session(client, desk, need, text):
    """A new session saved from its form, as the web client does (web_save)."""
    info = client.session_info()
    return client.call(
        "social.listening.session",
        "web_save",
        [],
        {
            "desk_id": desk,
            "channel": "in_person",
            "anon_age_band": "30_44",
            "anon_gender": "female",
            "request": text,
            "need_ids": [[4, need]],
        },
        specification={"display_name": {}, "name": {}},
        context={"lang": "en_US", "tz": "Europe/Rome", "uid": info["uid"]},
    )


def test_session_save_killed_then_retried(server, db_copy):
    copy = db_copy
    operator = as_user(server, "operatore")
    uid = operator.session_info()["uid"]
    desks = operator.call("res.users", "read", [uid], ["social_desk_ids"])[0]["social_desk_ids"]
    assert desks, "the demo operator has no desk"
    desk = desks[0]
    (need,) = copy.query(
        "SELECT id FROM social_need WHERE is_special_category IS NOT TRUE AND active "
        "ORDER BY id LIMIT 1"
    )[0]
    text = f"Cerca lavoro (kill {uuid.uuid4().hex[:6]})"
    tables = report_tables(copy)
    assert "social_report_session_need_daily" in tables
    before = table_digest(copy, tables)
    marks = high_water(copy, SESSION_TABLES)
    (rel_rows,) = copy.query("SELECT count(*) FROM social_session_need_rel")[0]

    # the needs' figures are written by the relation's trigger, after the session row and its
    # own figures (contacts, persons)
    query, written, _error = killed_in_flight(
        server,
        copy,
        "LOCK TABLE social_report_session_need_daily IN SHARE ROW EXCLUSIVE MODE",
        lambda: save_session(operator, desk, need, text),
        "%social_session_need_rel%",
    )
    assert "social_listening_session" in written, (written, query)

    # nothing of it: no session, need, figure, message, follower or activity
    assert written_since(copy, marks) == {}
    assert copy.query("SELECT count(*) FROM social_session_need_rel")[0][0] == rel_rows
    assert not copy.query("SELECT id FROM social_listening_session WHERE request = %s", (text,))
    assert table_digest(copy, tables) == before

    # saved again: once, and the figures are those of a count from scratch
    saved = save_session(operator, desk, need, text)
    ids = copy.query("SELECT id FROM social_listening_session WHERE request = %s", (text,))
    assert [saved[0]["id"]] == [i for (i,) in ids]
    assert copy.query(
        "SELECT need_id FROM social_session_need_rel WHERE session_id = %s", (saved[0]["id"],)
    ) == [(need,)]
    assert table_digest(copy, tables) != before
    assert_figures_recount(copy, tables)


def assert_figures_recount(copy, tables):
    """The aggregate tables hold what their rebuild functions count from the sessions."""
    conn = copy.connect(autocommit=False)
    try:
        current = table_digest(copy, tables, conn)
        with conn.cursor() as cr:
            for function in (
                "social_report_session_need_rebuild",
                "social_report_session_rebuild",
                "social_report_persons_rebuild",
            ):
                cr.execute(f"SELECT {function}()")
        rebuilt = table_digest(copy, tables, conn)
    finally:
        conn.rollback()
        conn.close()
    assert {t: d for t, d in current.items() if rebuilt[t] != d} == {}


# ------------------------------------------------------------
# A referral moved on by the staff
# ------------------------------------------------------------


def refer_a_case(client, service_id, name):
    """The portal form of a partner organisation: a new referral, sent at once."""
    token = client.csrf_token("/my/network/referrals/new")
    response = client.post(
        "/my/network/referrals/new",
        data={
            "csrf_token": token,
            "submitted_consent": "1",
            "submitted_name": name,
            "submitted_phone": "3331112233",
            "target_service_id": str(service_id),
            "urgency": "normal",
            "reason": "Ha bisogno di aiuto per l'affitto.",
        },
        allow_redirects=False,
    )
    assert response.status_code in (302, 303), response.text[-2000:]
    return int(re.search(r"/my/network/referrals/(\d+)", response.headers["Location"]).group(1))


def accept(client, referral_id):
    """The Accept button of the referral's form (/web/dataset/call_button)."""
    info = client.session_info()
    return client.rpc(
        "/web/dataset/call_button/social.referral/action_accept",
        {
            "model": "social.referral",
            "method": "action_accept",
            "args": [[referral_id]],
            "kwargs": {"context": {"lang": "en_US", "tz": "Europe/Rome", "uid": info["uid"]}},
        },
    )


REFERRAL_TABLES = ("mail_message", "mail_tracking_value", "mail_activity", "mail_mail")


def referral_row(copy, referral_id):
    return copy.query("SELECT to_jsonb(r) FROM social_referral r WHERE id = %s", (referral_id,))[0][
        0
    ]


def state_trackings(copy, referral_id):
    return copy.query(
        "SELECT v.old_value_char, v.new_value_char FROM mail_tracking_value v "
        "JOIN mail_message m ON m.id = v.mail_message_id "
        "JOIN ir_model_fields f ON f.id = v.field_id "
        "WHERE m.model = 'social.referral' AND m.res_id = %s AND f.name = 'state' ORDER BY v.id",
        (referral_id,),
    )


def test_referral_accept_killed_then_retried(server, db_copy):
    copy = db_copy
    admin = as_user(server, "admin")
    services = admin.call(
        "social.service",
        "search",
        [("is_published", "=", True), ("desk_ids.operator_ids.login", "=", "assistente")],
        limit=1,
    )
    assert services, "no published service of a desk with the demo social worker"
    referral_id = refer_a_case(
        as_user(server, "partner"), services[0], f"Lucia Kill {uuid.uuid4().hex[:6]}"
    )
    before = referral_row(copy, referral_id)
    assert before["state"] == "sent" and not before["accepted_date"]
    trackings = state_trackings(copy, referral_id)
    worker = as_user(server, "assistente")
    marks = high_water(copy, REFERRAL_TABLES)

    # the tracking of the state change is written at commit time, after the state (see
    # mail.thread._track_finalize, a precommit hook run after the flush)
    query, written, _error = killed_in_flight(
        server,
        copy,
        "LOCK TABLE mail_tracking_value IN SHARE ROW EXCLUSIVE MODE",
        lambda: accept(worker, referral_id),
        "%mail_tracking_value%",
    )
    assert {"social_referral", "mail_message"} <= written, (written, query)

    # exactly as it was: its state, dates and every other column; no message or tracking
    assert referral_row(copy, referral_id) == before
    assert written_since(copy, marks) == {}
    assert state_trackings(copy, referral_id) == trackings

    # accepted again: once
    accept(worker, referral_id)
    after = referral_row(copy, referral_id)
    assert after["state"] == "accepted" and after["accepted_date"]
    assert len(state_trackings(copy, referral_id)) == len(trackings) + 1
