"""PostgreSQL restarted while the load runs (issue 14): a real two-worker server on a copy of the
test cluster, six users at work over HTTP (an anonymous visitor on the catalogue, a citizen on
her portal, two staff lists over JSON-RPC, two operators saving listening sessions), and the
copy's PostgreSQL restarted under them (`pg_ctl restart -m fast`), then stopped for a few
seconds and started again.

What must hold: the requests caught by the restart fail cleanly (an HTTP 5xx or an Odoo JSON
error, never a hang past the server's time limit, never a dead server); the server reconnects
by itself, every kind of request succeeds again within RECOVERY seconds and goes on succeeding;
the users stay signed in (Odoo keeps the HTTP sessions on disk); every session whose save the
client saw succeed is in the database, and a save that failed is either absent or whole.

Observed (2 cores, other tests running; the test prints these figures as OBSERVED, over three
runs): the fast restart kept PostgreSQL away 0.4 s and failed 15 to 45 requests (the two saves
held by the test's lock with an Odoo JSON error, psycopg2's "connection already closed" after
"server closed the connection unexpectedly"; the others 503, now and then a page 500); the 5 s
stop failed 440 to 1270 requests (the clients retry at once), all 503 within 2 s each. Every
kind succeeded again from the first request after PostgreSQL answered, without restarting Odoo
(its pool drops dead connections), and went on succeeding; the gevent process too. No confirmed
save was lost; no failed save was found in the database. The file takes 100 to 135 s, the copy
of the cluster included.

The finding (fixed in social_secretariat/tools/db_outage.py): Odoo 18 took PostgreSQL out of
reach for a database gone. It answered 404 Not Found to every page and call meanwhile, and a
member of staff who reloaded the backend (/odoo) then was signed out for good (the signed-out
session saved, and a redirect to the database selector). Now it answers 503, the session kept.
"""

import re
import threading
import time
import uuid
from collections import defaultdict

import requests
from faults import backends, cluster_copy, pg_outage, tagged_connections  # noqa: F401 (fixtures)
from odoo_client import OdooClient

from conftest import running_odoo

LIMIT = 30  # --limit-time-real: a worker still busy after this many seconds is killed
CLIENT_TIMEOUT = LIMIT + 15  # longer than the limit: a hang shows as a hang
RECOVERY = 30  # seconds after PostgreSQL answers again within which every kind succeeds
STABLE = 4  # seconds of load that must then pass without a single failure
WRITE_TABLE = "social_listening_session"
# what the server logs, and only that, of the statements the restart cut off
LOST_CONNECTION = (
    "server closed the connection unexpectedly",
    "connection already closed",
    "terminating connection due to administrator command",
    "the database system is shutting down",
    "the database system is starting up",
)


def signed_in(server, login):
    client = OdooClient(server["url"], server["db"])
    client.login(login, login)
    uid = client.session_info()["uid"]
    assert uid, f"{login} is not signed in"
    return client, uid


# ------------------------------------------------------------
# One request of each kind: (outcome, detail, written id). Outcomes: "ok"; "clean" (an HTTP
# 5xx or an Odoo JSON error: the user is told it failed); anything else is "unclean".
# ------------------------------------------------------------


def _page(client, path, marker):
    response = client.get(path, timeout=CLIENT_TIMEOUT)
    if response.status_code >= 500:
        return "clean", f"HTTP {response.status_code}"
    if response.status_code != 200:
        return "unclean", f"HTTP {response.status_code} {path}"
    if "/web/login" in response.url or marker not in response.text:
        # a signed-in page that shows the login form: the user was signed out
        return "unclean", f"not the expected page: {response.url}"
    return "ok", None


def _rpc(client, model, method, args, kwargs):
    client._rpc_id += 1
    response = client.post(
        f"/web/dataset/call_kw/{model}/{method}",
        json={
            "jsonrpc": "2.0",
            "method": "call",
            "id": client._rpc_id,
            "params": {"model": model, "method": method, "args": args, "kwargs": kwargs},
        },
        timeout=CLIENT_TIMEOUT,
    )
    if response.status_code >= 500:
        return "clean", f"HTTP {response.status_code}", None
    if response.status_code != 200:
        return "unclean", f"HTTP {response.status_code}", None
    body = response.json()
    if "error" in body:
        name = (body["error"].get("data") or {}).get("name", "")
        if name == "odoo.http.SessionExpiredException":
            return "unclean", "signed out", None  # the user lost his session
        return "clean", name or body["error"].get("message"), None
    return "ok", None, body["result"]


def public_catalogue(client, _marker):
    return _page(client, "/social/services", "/social/services")


def citizen_portal(client, _marker):
    return _page(client, "/my/social/appointments", "/my/social/appointments")


def staff_sessions(client, _marker):
    outcome, detail, result = _rpc(
        client,
        "social.listening.session",
        "web_search_read",
        [],
        {"domain": [], "specification": {"name": {}, "date": {}}, "limit": 40},
    )
    if outcome == "ok" and not result["records"]:
        return "unclean", "no sessions listed"
    return outcome, detail


def staff_persons(client, _marker):
    outcome, detail, result = _rpc(
        client,
        "social.person",
        "web_search_read",
        [],
        {"domain": [], "specification": {"display_name": {}}, "limit": 40},
    )
    if outcome == "ok" and not result["records"]:
        return "unclean", "no persons listed"
    return outcome, detail


class Load:
    """Threads looping on their kind of request until stopped, each with its user's own HTTP
    session; every request recorded with its start, end, outcome and (writes) marker and id."""

    def __init__(self):
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.records = []
        self.prefix = f"fault-restart {uuid.uuid4().hex[:8]}"
        self.threads = []
        self.kinds = []
        self.writers = set()

    def add(self, kind, client, step):
        self.kinds.append(kind)
        self.threads.append(threading.Thread(target=self._loop, args=(kind, client, step)))

    def writer(self, kind, client, need_id):
        def step(client, marker):
            values = {"request": marker, "need_ids": [(6, 0, [need_id])], "channel": "phone"}
            outcome, detail, new_id = _rpc(
                client, "social.listening.session", "create", [values], {}
            )
            return outcome, detail, new_id

        self.writers.add(kind)
        self.add(kind, client, step)

    def _loop(self, kind, client, step):
        n = 0
        while not self.stop.is_set():
            n += 1
            start = time.monotonic()
            # a write's marker is known before it is sent: one that failed in any way is
            # looked for in the database too
            marker = f"{self.prefix} {kind} {n}" if kind in self.writers else None
            new_id = None
            try:
                if marker:
                    outcome, detail, new_id = step(client, marker)
                else:
                    outcome, detail = step(client, marker)
            except requests.Timeout:
                outcome, detail = "unclean", "client timeout: the server hung"
            except requests.ConnectionError as error:
                outcome, detail = "unclean", f"connection error: {error}"
            except Exception as error:  # anything else is recorded, not lost in a thread
                outcome, detail = "unclean", f"{type(error).__name__}: {error}"
            with self.lock:
                self.records.append(
                    {
                        "kind": kind,
                        "start": start,
                        "end": time.monotonic(),
                        "outcome": outcome,
                        "detail": detail,
                        "marker": marker,
                        "id": new_id,
                    }
                )

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(CLIENT_TIMEOUT + 5)

    def since(self, moment):
        with self.lock:
            return [record for record in self.records if record["start"] >= moment]

    def wait_recovered(self, since, timeout):
        """The moment from which every kind's requests started after `since` all succeed,
        once each kind has STABLE seconds of successes after it; fails after `timeout`."""
        deadline = since + timeout + STABLE
        kinds = set(self.kinds)
        while True:
            records = self.since(since)
            last_failure = max((r["end"] for r in records if r["outcome"] != "ok"), default=since)
            ok_after = defaultdict(int)
            for record in records:
                if record["outcome"] == "ok" and record["start"] > last_failure:
                    ok_after[record["kind"]] += 1
            done = time.monotonic() - last_failure >= STABLE
            if done and all(ok_after[kind] for kind in kinds):
                return last_failure
            assert time.monotonic() < deadline, (
                f"not every kind of request succeeds again {timeout} s after PostgreSQL came "
                f"back: {summary(records)}"
            )
            time.sleep(0.2)


def summary(records):
    counts = defaultdict(lambda: defaultdict(int))
    details = defaultdict(set)
    for record in records:
        counts[record["kind"]][record["outcome"]] += 1
        if record["detail"]:
            details[record["kind"]].add(record["detail"][:120])
    return {kind: (dict(counts[kind]), sorted(details[kind])[:4]) for kind in counts}


def session_rows(copy, markers):
    """{marker: (id, name, company, desk, needs, operators, creation messages)} of the sessions
    saved with those markers, read in SQL (no Odoo in between)."""
    if not markers:
        return {}
    rows = copy.query(
        """SELECT s.request, s.id, s.name, s.company_id, s.desk_id,
                  (SELECT count(*) FROM social_session_need_rel r WHERE r.session_id = s.id),
                  (SELECT count(*) FROM social_session_operator_rel o WHERE o.session_id = s.id),
                  (SELECT count(*) FROM mail_message m
                    WHERE m.model = 'social.listening.session' AND m.res_id = s.id)
             FROM social_listening_session s WHERE s.request = ANY(%s)""",
        (list(markers),),
    )
    found = defaultdict(list)
    for marker, *rest in rows:
        found[marker].append(tuple(rest))
    return found


def assert_whole(marker, rows):
    assert len(rows) == 1, f"{marker} saved {len(rows)} times"
    session_id, name, company, desk, needs, operators, messages = rows[0]
    # a session is whole when it has its number, Ambito, desk, need, operator and the
    # chatter's creation note: all written in the one transaction of the create
    assert name and name != "/", f"session {session_id} has no number"
    assert company and desk, f"session {session_id} has no Ambito or desk"
    assert needs == 1 and operators == 1, f"session {session_id}: {needs} needs, {operators} ops"
    assert messages >= 1, f"session {session_id} has no creation note"


def gevent_answers(server, timeout):
    """The evented (gevent) process serves its login page, once it does (it starts after the
    workers, seconds later on a busy machine)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            response = requests.get(f"{server['gevent_url']}/web/login", timeout=10)
            if response.status_code == 200:
                return
        except requests.ConnectionError:
            pass
        assert time.monotonic() < deadline, "the evented (gevent) process does not answer"
        time.sleep(0.5)


def unexpected_errors(log):
    """The server's ERROR and CRITICAL entries (with their tracebacks) that are not a statement
    cut off by the restart."""
    entries = re.split(r"\n(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ )", log.read_text())
    return [
        entry[:2000]
        for entry in entries
        if re.match(r"\S+ \S+ \d+ (ERROR|CRITICAL) ", entry)
        and not any(cause in entry for cause in LOST_CONNECTION)
    ]


def reload_backend(client, delay, out):
    """The backend (/odoo) reloaded `delay` seconds later, as a browser does: its answer."""
    time.sleep(delay)
    response = client.get("/odoo", timeout=CLIENT_TIMEOUT, allow_redirects=False)
    out.update(status=response.status_code, location=response.headers.get("Location"))


def test_db_restart_under_load(cluster_copy, tagged_connections, tmp_path):  # noqa: F811
    copy = cluster_copy
    log = tmp_path / "server.log"
    options = [f"--limit-time-real={LIMIT}"]
    with running_odoo(copy.db, log, workers=2, conf=copy.conf, options=options) as server:
        process = server["process"]
        operator, _ = signed_in(server, "operatore")
        operator_b, _ = signed_in(server, "operatrice")
        coordinator, _ = signed_in(server, "coordinatrice")
        worker, _ = signed_in(server, "assistente")
        citizen, _ = signed_in(server, "cittadina")
        educator, _ = signed_in(server, "educatrice")
        reloaded = {}
        need_id = operator.call(
            "social.need", "search", [("is_special_category", "=", False)], limit=1
        )[0]
        load = Load()
        load.add("public catalogue", OdooClient(server["url"], server["db"]), public_catalogue)
        load.add("citizen portal", citizen, citizen_portal)
        load.add("staff sessions list", coordinator, staff_sessions)
        load.add("staff persons list", worker, staff_persons)
        load.writer("session save A", operator, need_id)
        load.writer("session save B", operator_b, need_id)

        timeline = {}
        with load:
            # a warm-up without faults: every kind answers, none fails
            started = time.monotonic()
            load.wait_recovered(started, 60)
            warm = load.since(started)
            assert all(r["outcome"] == "ok" for r in warm), summary(warm)
            gevent_answers(server, 60)

            # 1. a fast restart with writes held in the middle of their transaction: the
            # test's lock makes every session INSERT wait, so two saves are surely in flight
            locker = copy.connect(autocommit=False)
            with locker.cursor() as cr:
                cr.execute(f"LOCK TABLE {WRITE_TABLE} IN SHARE ROW EXCLUSIVE MODE")
            deadline = time.monotonic() + 30
            while len(backends(copy, "wait_event_type = 'Lock'")) < 2:
                assert time.monotonic() < deadline, "the saves never waited on the lock"
                time.sleep(0.1)
            timeline["restart"] = time.monotonic()
            copy.restart()
            timeline["restarted"] = time.monotonic()
            locker.close()
            assert process.poll() is None, "the Odoo server died with its database"
            timeline["recovered 1"] = load.wait_recovered(timeline["restarted"], RECOVERY)

            # 2. a longer outage: stopped for a few seconds, then started
            timeline["stop"] = time.monotonic()
            # ... while a member of staff reloads the backend in the middle of it
            reload = threading.Thread(target=reload_backend, args=(educator, 2, reloaded))
            reload.start()
            pg_outage(copy, 5)
            reload.join()
            timeline["started"] = time.monotonic()
            assert process.poll() is None, "the Odoo server died with its database"
            timeline["recovered 2"] = load.wait_recovered(timeline["started"], RECOVERY)
        assert process.poll() is None

        records = load.records
        for fault, back, recovered in (
            ("restart", "restarted", "recovered 1"),
            ("stop", "started", "recovered 2"),
        ):
            failed = [
                r
                for r in records
                if r["outcome"] != "ok" and timeline[fault] <= r["end"] <= timeline[recovered]
            ]
            print(
                f"OBSERVED {fault}: PostgreSQL away {timeline[back] - timeline[fault]:.1f} s, "
                f"{len(failed)} requests failed, the last one ended "
                f"{timeline[recovered] - timeline[back]:+.1f} s after it was back, the longest "
                f"took {max((r['end'] - r['start'] for r in failed), default=0):.1f} s"
            )
        report = summary(records)
        print("OBSERVED", {k: round(v - started, 1) for k, v in timeline.items()}, report)

        # nothing hung, everything that failed failed cleanly
        slow = [r for r in records if r["end"] - r["start"] > LIMIT]
        assert not slow, f"requests past the {LIMIT} s limit: {slow[:5]}"
        unclean = [r for r in records if r["outcome"] not in ("ok", "clean")]
        assert not unclean, f"requests that failed uncleanly: {unclean[:10]}"
        # the restart did catch requests: the two held saves at least
        hit = [r for r in records if r["outcome"] == "clean" and r["start"] < timeline["restarted"]]
        assert len([r for r in hit if r["marker"]]) >= 2, report

        # the evented (gevent) process, which answered before, answers again too (its login
        # page reads the database)
        gevent_answers(server, RECOVERY)

        # the server logged the statements the restart cut off, and nothing else went wrong
        unexpected = unexpected_errors(log)
        assert not unexpected, "\n".join(unexpected[:3])
        # the backend reloaded while PostgreSQL was down: "try again later", not Odoo's
        # no-database answer (which signed the user out and sent her to the database selector)
        assert reloaded["status"] == 503, reloaded
        # the same clients, never signed in again, are still their users
        for client, login in (
            (operator, "operatore"),
            (citizen, "cittadina"),
            (educator, "educatrice"),
        ):
            info = client.session_info()
            assert info["uid"] and info.get("username") == login, info

        # every save the client saw succeed is in the database, whole; a failed save is absent
        # or whole, never half
        writes = [r for r in records if r["marker"]]
        saved = session_rows(copy, [r["marker"] for r in writes])
        for record in writes:
            rows = saved.get(record["marker"], [])
            if record["outcome"] == "ok":
                assert rows, f"{record['marker']} was confirmed (id {record['id']}) but is lost"
                assert rows[0][0] == record["id"]
            if rows:
                assert_whole(record["marker"], rows)
        failed_saved = sum(1 for r in writes if r["outcome"] != "ok" and saved.get(r["marker"]))
        print("OBSERVED failed saves found whole in the DB:", failed_saved)
