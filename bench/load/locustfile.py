"""The load of `make loadtest` (bench/run_load.sh): an Ambito's busy morning.

Four kinds of users, by weight (of the concurrent users):
  - PublicVisitor  50 %  the public catalogue, a service's page, the privacy notice, the
                         sign-in page; think time 3-10 s between pages;
  - Citizen        30 %  a visit: signs in with SPID (when not signed in; see below), looks at
                         their appointments, books one by
                         walking the booking pages (topic, desk, day, time, confirm), moves it
                         one time in two, cancels it, writes to the online desk one time in
                         three; one visit in four (SIGN_OUT_SHARE) ends by signing out and the
                         next signs in again; think time 3-10 s
                         between pages (reading, choosing);
  - Staff          15 %  the back office over JSON-RPC as the web client calls it: the
                         sessions, persons and referrals lists, a person's and a session's
                         form, a contact recorded with its needs; think time 5-20 s between
                         screens (an operator talks to the person while the form is open);
  - PartnerOperator 5 %  a network organisation's operator on the portal: logs a contact,
                         sends a referral, looks at their referrals and contacts; think time
                         5-20 s (filling a form).

Each simulated user comes from its own address (X-Forwarded-For with X-Forwarded-Host and
-Proto, as the Ambito's reverse proxy sends them; the server runs with --proxy-mode), so the per-address limits apply to one
person, as in production, and has its own session (cookies).

Sign-in: citizens sign in with SPID as in production (social_secretariat_identity), through a
real OpenID Connect provider playing the national gateway (tests/oidc/provider.mjs, started
and registered by run_load.sh: LOAD_SPID_FILE); its pages are named "SPID: provider", Odoo's
callback "sign in". With SIGN_IN=password (no LOAD_SPID_FILE) they sign in with a password
instead (pbkdf2 on the server, over half a second of a core). Staff and partner operators
sign in with their password, once.

Expected answers: 409 (the time was just taken by someone else) and 429 (a rate limit) are
marked failed with the error "expected 409" / "expected 429": report.py counts them apart
from the real failures (anything else not 2xx/3xx, a JSON-RPC error, a page without what it
must show).

The logins: the seeded ones (bench/seed_load.py, in the JSON file LOAD_USERS_FILE) and the
network demo's partner operators (password = login)."""

import html
import itertools
import json
import os
import random
import re
from datetime import datetime, timedelta
from urllib.parse import urlencode, urljoin, urlsplit

import gevent
from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

with open(os.environ["LOAD_USERS_FILE"]) as _users:
    USERS = json.load(_users)
PASSWORD = USERS["password"]
# The SPID sign-in (bench/load/spid.py): the provider's configuration, with the identity of
# each citizen's login; without it the citizens sign in with the password
SPID = None
if os.environ.get("LOAD_SPID_FILE"):
    with open(os.environ["LOAD_SPID_FILE"]) as _spid:
        SPID = json.load(_spid)
PARTNERS = [
    "partner",
    "caritas.segrate2",
    "caritas.pioltello1",
    "caritas.pioltello2",
    "caritas.pioltello3",
    "caritas.vimodrone1",
    "caritas.vimodrone2",
    "cisl.milano1",
    "cisl.milano2",
    "cisl.fnp1",
    "cisl.fnp2",
    "garibaldini1",
    "garibaldini2",
    "appha1",
    "appha2",
]
EXPECTED = (409, 429)
_ADDRESSES = itertools.count(1)


# (name, ms) of every request of the step once all its users are spawned, written to
# LOAD_TIMES_FILE at the end: report.py computes from them the p95 without the password
# sign-in (a stand-in for SPID/CIE, see above), which Locust's own table cannot give
_TIMES = []


# Seconds after the last user is spawned before the figures count: every user signs in as it
# starts, and those sign-ins (over half a second of a core each) queue for some seconds after
# the spawn; a real morning's users arrive spread out, so the queue left by the spawn is not
# measured. The sign-ins of the citizens' later visits are.
SETTLE = float(os.environ.get("LOAD_SETTLE", "30"))
# The share of a citizen's visits that end with signing out (the next visit signs in again):
# 1 is a sign-in a visit, the worst case; by default one visit in four
SIGN_OUT_SHARE = float(os.environ.get("LOAD_SIGN_OUT_SHARE", "0.25"))
_ENV = {}


@events.init.add_listener
def _init(environment, **_kwargs):
    _ENV["environment"] = environment


def _reset():
    # Locust's figures and ours start again from here (as --reset-stats does at the spawn)
    _ENV["environment"].stats.reset_all()
    _TIMES.clear()


@events.spawning_complete.add_listener
def _spawned(**_kwargs):
    gevent.spawn_later(SETTLE, _reset)


@events.request.add_listener
def _timed(name, response_time, request_type="", **_kwargs):
    if request_type != "CHECK":  # fire_failure's checks are not requests
        _TIMES.append((name, round(response_time)))


@events.test_stop.add_listener
def _write_times(**_kwargs):
    path = os.environ.get("LOAD_TIMES_FILE")
    if path:
        with open(path, "w") as handle:
            json.dump(_TIMES, handle)


def first_words(response):
    """The start of an error's answer, on one line (no answer: the connection failed)."""
    try:
        text = response.text or ""
    except Exception:  # a broken answer (the connection failed) has no text to show
        return "no answer"
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())[:100] or "no answer"


class Unexpected(Exception):
    pass


class Page:
    def __init__(self, status_code, text, headers):
        self.status_code = status_code
        self.text = text
        self.headers = headers


def hrefs(text, prefix):
    found = re.findall(r'href="(%s[^"]*)"' % re.escape(prefix), text)
    return [html.unescape(link) for link in found]


def hidden(text, name):
    match = re.search(r'name="%s"\s+value="([^"]*)"' % re.escape(name), text)
    return match and html.unescape(match.group(1))


class OdooUser(FastHttpUser):
    abstract = True
    insecure = True
    # redirects are not followed (the answers are checked as they come: a sign-in or a booking
    # answers 303); max_redirects, as allow_redirects=False breaks on Locust 2.43.4 with
    # geventhttpclient 2.6 (an attribute renamed)
    max_redirects = 0

    def on_start(self):
        n = next(_ADDRESSES)
        # one address a simulated person (a private range, as the proxy would pass on)
        # Odoo applies X-Forwarded-For only with X-Forwarded-Host (odoo/http.py, proxy_mode)
        self.headers = {
            "X-Forwarded-For": f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}",
            "X-Forwarded-Host": urlsplit(self.host).netloc,
            "X-Forwarded-Proto": "http",
            "Accept-Language": "it-IT,it;q=0.9",
        }
        self.number = n

    # ------------------------------------------------------------
    # Requests: every answer checked; 409/429 expected, the rest a failure
    # ------------------------------------------------------------

    def request(self, method, path, name, expect=None, **kw):
        """The response (redirects are not followed), or None when it was refused as expected
        (409/429) or failed; `expect`: a text the page must contain."""
        headers = {**self.headers, **kw.pop("headers", {})}
        if isinstance(kw.get("data"), dict):
            # a browser's form: repeated fields (checkboxes) as repeated keys
            kw["data"] = urlencode(kw["data"], doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        with self.client.request(
            method, path, name=name, headers=headers, catch_response=True, **kw
        ) as response:
            status = response.status_code
            if status in EXPECTED:
                response.failure(f"expected {status}")
                return None
            if not 200 <= status < 400:
                response.failure(f"HTTP {status}: {first_words(response)}")
                return None
            if expect and expect not in (response.text or ""):
                response.failure(f"no {expect!r} in the page")
                return None
            response.success()
            # what the flows read of it (a response object's truth is its length: never None)
            return Page(status, response.text or "", response.headers)

    def get(self, path, name, **kw):
        return self.request("GET", path, name, **kw)

    def post(self, path, name, **kw):
        return self.request("POST", path, name, **kw)

    def login(self, login, password):
        page = self.get("/web/login", "sign-in page", expect="csrf_token")
        token = page and hidden(page.text, "csrf_token")
        if not token:
            return False
        answer = self.post(
            "/web/login",
            "sign in",
            data={"login": login, "password": password, "csrf_token": token, "redirect": ""},
        )
        if answer is None:
            return False
        if answer.status_code not in (302, 303):
            # the form again: a wrong password or a throttled address
            self.fire_failure("sign in (refused)", "the sign-in form came back")
            return False
        return True

    def fire_failure(self, name, message):
        self.environment.events.request.fire(
            request_type="CHECK",
            name=name,
            response_time=0,
            response_length=0,
            exception=Unexpected(message),
            context={},
        )

    def pause(self):
        """A person's pause between two pages (the user's think time)."""
        self.wait()


class PublicVisitor(OdooUser):
    weight = 50
    wait_time = between(3, 10)

    @task(5)
    def catalogue(self):
        page = self.get("/social/services", "catalogue", expect="/social/services/")
        if not page:
            return
        links = hrefs(page.text, "/social/services/")
        self.pause()
        if links:
            self.get(random.choice(links), "service page", expect="<h1")

    @task(2)
    def search(self):
        word = random.choice(("casa", "bonus", "lavoro", "anziani", "isee", "affitto"))
        self.get(f"/social/services?q={word}", "catalogue search")

    @task(1)
    def privacy(self):
        self.get("/social/privacy", "privacy notice")

    @task(1)
    def sign_in_page(self):
        self.get("/web/login", "sign-in page", expect="csrf_token")


class SignedIn(OdooUser):
    abstract = True
    logins = ()
    password = None
    _counter = None

    def on_start(self):
        super().on_start()
        cls = type(self)
        if cls._counter is None:
            cls._counter = itertools.count()
        self.login_name = self.logins[next(cls._counter) % len(self.logins)]
        self.signed_in = self.login(self.login_name, self.password or self.login_name)

    def tasks_ready(self):
        if not self.signed_in:
            self.signed_in = self.login(self.login_name, self.password or self.login_name)
        return self.signed_in


class Citizen(SignedIn):
    weight = 30
    wait_time = between(3, 10)
    logins = sorted(SPID["logins"]) if SPID else USERS["citizens"]
    password = PASSWORD

    def login(self, login, password):
        if not SPID:
            return super().login(login, password)
        return self.spid_login(SPID["logins"][login])

    def spid_login(self, identity):
        """As a citizen's browser: "Entra con SPID" on the sign-in page, the identity chosen at
        the provider (the national gateway), back to Odoo with the code, which Odoo exchanges
        for the id_token at the provider. The provider's pages are named "SPID: provider"."""
        page = self.get("/web/login", "sign-in page", expect="data-social-kind")
        if page is None:
            return False  # counted as the sign-in page's failure
        link = re.search(r'data-social-kind="spid"[^>]*href="([^"]+)"', page.text) or re.search(
            r'href="([^"]+)"[^>]*data-social-kind="spid"', page.text
        )
        if not link:
            self.fire_failure("sign in (SPID)", "no SPID button on the sign-in page")
            return False
        url = html.unescape(link.group(1))
        # the provider's redirects, followed by hand up to Odoo's callback: its login page
        # (an interaction) on the way, where the citizen chooses the identity
        for _hop in range(8):
            if "/auth_oauth/signin" in url:
                break
            answer = self.get(url, "SPID: provider")
            if answer is None:
                return False
            if answer.status_code == 200 and "/interaction/" in url:
                answer = self.post(url, "SPID: provider", data={"identity": identity})
                if answer is None:
                    return False
            location = answer.headers.get("Location")
            if answer.status_code not in (302, 303) or not location:
                self.fire_failure("sign in (SPID)", f"the provider answered {answer.status_code}")
                return False
            url = urljoin(url, location)
        else:
            self.fire_failure("sign in (SPID)", "no way back from the provider")
            return False
        back = self.get(url, "sign in")
        if back is None:
            return False
        location = back.headers.get("Location") or ""
        if (
            back.status_code not in (302, 303)
            or "oauth_error" in location
            or "identity" in location
        ):
            self.fire_failure("sign in (refused)", f"SPID sign-in refused: {location[:80]}")
            return False
        return True

    def on_start(self):
        super().on_start()
        if self.signed_in:
            self.cancel_left_over()

    def upcoming(self):
        page = self.get("/my/social/appointments", "my appointments")
        if not page:
            return []
        # the first section is "Coming up", then "Past and cancelled"
        sections = page.text.split('class="h4 mt-4"')
        coming = sections[1] if len(sections) > 1 else ""
        return sorted(set(re.findall(r'href="/my/social/appointments/(\d+)"', coming)))

    def cancel_left_over(self):
        # a previous step stopped this person in the middle of a booking: cancel it, as the
        # person would (the limit of open appointments stays far)
        for appointment in self.upcoming():
            self.cancel(int(appointment))

    @task
    def journey(self):
        if not self.tasks_ready():
            return
        self.upcoming()
        self.pause()
        appointment = self.book()
        if appointment:
            self.pause()
            if random.random() < 0.5:
                self.reschedule(appointment)
                self.pause()
            self.cancel(appointment)
        if random.random() < 1 / 3:
            self.pause()
            self.online_request()
        self.pause()
        self.get("/my/social/requests", "my requests")
        self.pause()
        # some visits end with signing out, and the next one signs in again (a shared
        # computer, a session expired); the others keep the session, as a citizen's browser
        # does for days (Odoo's session lifetime): SIGN_OUT_SHARE of the visits
        if random.random() < SIGN_OUT_SHARE:
            if self.get("/web/session/logout", "sign out") is not None:
                self.signed_in = False

    def book(self):
        topics = self.get("/social/book", "book: topics")
        links = topics and hrefs(topics.text, "/social/book/desk?")
        if not links:
            return None
        self.pause()
        desks = self.get(random.choice(links), "book: desks")
        links = desks and hrefs(desks.text, "/social/book/day?")
        if not links:
            return None
        self.pause()
        days = self.get(random.choice(links), "book: days (free slots)")
        links = days and hrefs(days.text, "/social/book/time?")
        if not links:
            return None
        self.pause()
        times = self.get(random.choice(links[:5]), "book: times (free slots)")
        links = times and hrefs(times.text, "/social/book/confirm?")
        if not links:
            return None
        self.pause()
        confirm = self.get(random.choice(links), "book: confirm page")
        if not confirm or hidden(confirm.text, "start") is None:
            return None  # taken since the times were shown: the page says so
        self.pause()
        data = {
            name: hidden(confirm.text, name) for name in ("csrf_token", "topic", "desk", "start")
        }
        booked = self.post("/social/book/confirm", "book: confirm", data=dict(data, privacy="1"))
        if booked is None:
            return None
        match = re.search(
            r"/my/social/appointments/(\d+)\?booked=1", booked.headers.get("Location") or ""
        )
        if not match:
            self.fire_failure("book: confirm (refused)", f"no booking: {booked.status_code}")
            return None
        self.get(match.group(0), "appointment page")
        return int(match.group(1))

    def reschedule(self, appointment):
        path = f"/my/social/appointments/{appointment}/reschedule"
        page = self.get(path, "reschedule: days")
        links = page and hrefs(page.text, f"{path}?day=")
        if not links:
            return
        self.pause()
        times = self.get(random.choice(links[:5]), "reschedule: times")
        starts = times and re.findall(r'data-start="([^"]+)"', times.text)
        if not starts:
            return
        start = random.choice(starts)
        review = self.post(
            path,
            "reschedule: review",
            data={"csrf_token": hidden(times.text, "csrf_token"), "start": start},
        )
        if not review:
            return
        self.pause()
        self.post(
            path,
            "reschedule: confirm",
            data={"csrf_token": hidden(review.text, "csrf_token"), "start": start, "confirm": "1"},
        )

    def cancel(self, appointment):
        path = f"/my/social/appointments/{appointment}"
        detail = self.get(path, "appointment page")
        token = detail and hidden(detail.text, "csrf_token")
        if not token:
            return
        reason = "Non posso venire."
        review = self.post(
            f"{path}/cancel", "cancel: review", data={"csrf_token": token, "reason": reason}
        )
        token = review and hidden(review.text, "csrf_token")
        if not token:
            return
        self.pause()
        self.post(
            f"{path}/cancel",
            "cancel: confirm",
            data={"csrf_token": token, "reason": reason, "confirm": "1"},
        )

    def online_request(self):
        form = self.get("/my/social/requests/new", "online desk: form", expect="csrf_token")
        if not form:
            return
        self.pause()
        answer = self.post(
            "/my/social/requests/new",
            "online desk: send",
            data={
                "csrf_token": hidden(form.text, "csrf_token"),
                "subject": "Aiuto per l'affitto",
                "message": "Ho perso il lavoro e non riesco a pagare l'affitto di questo mese.",
                "preferred_channel": "portal",
                "preferred_time": "any",
            },
        )
        if answer is None or answer.status_code in (302, 303):
            return
        if 'aria-invalid="true"' not in answer.text:
            # no field refused: the model refused the request, the citizen's daily limit of
            # online requests (5 a day), answered in the form rather than with a 429
            self.fire_failure("online desk: send (daily limit)", "expected 429 (in the form)")
        else:
            self.fire_failure("online desk: send (refused)", "the form came back")


class Staff(SignedIn):
    """The back office as the web client calls it (call_kw, the list and form views' reads)."""

    weight = 15
    wait_time = between(5, 20)
    logins = USERS["staff"] + USERS["workers"]
    password = PASSWORD

    def on_start(self):
        super().on_start()
        self.rpc_id = 0
        self.needs = []
        self.desks = []
        self.persons_seen = []  # the persons of the last list: the contact is with one of them
        if self.signed_in:
            self.uid = self.rpc("/web/session/get_session_info", {}, "session info")
            self.uid = self.uid and self.uid.get("uid")
            me = self.call("res.users", "read", [[self.uid], ["social_desk_ids"]], {}, "my desks")
            self.desks = me[0]["social_desk_ids"] if me else []
            needs = self.call(
                "social.need",
                "search",
                [[("child_ids", "=", False), ("is_special_category", "=", False)]],
                {"limit": 30},
                "needs",
            )
            self.needs = needs or []

    def rpc(self, path, params, name):
        self.rpc_id += 1
        payload = {"jsonrpc": "2.0", "method": "call", "params": params, "id": self.rpc_id}
        # a copy: Locust adds its own headers to the dict it is given (Content-Type, Accept,
        # Accept-Encoding), which would then go with this user's pages and forms too
        headers = {**self.headers, "Content-Type": "application/json", "Accept": "application/json"}
        with self.client.post(
            path, json=payload, name=name, headers=headers, catch_response=True
        ) as response:
            if response.status_code in EXPECTED:
                response.failure(f"expected {response.status_code}")
                return None
            if response.status_code != 200:
                # the answer's first words: what Odoo refused (a 400 says why)
                response.failure(f"HTTP {response.status_code}: {first_words(response)}")
                return None
            try:
                body = response.json()
            except ValueError:
                response.failure("not JSON")
                return None
            if "error" in body:
                data = body["error"].get("data") or {}
                response.failure(f"{data.get('name')}: {data.get('message')}"[:300])
                return None
            response.success()
            return body["result"]

    def call(self, model, method, args, kwargs, name):
        return self.rpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
            name,
        )

    def search_read(self, model, spec, name, domain=None, order=""):
        return self.call(
            model,
            "web_search_read",
            [],
            {
                "specification": spec,
                "domain": domain or [],
                "offset": 0,
                "limit": 80,
                "order": order,
                "count_limit": 10001,
                "context": {"lang": "it_IT", "tz": "Europe/Rome"},
            },
            name,
        )

    def web_read(self, model, record_id, spec, name):
        return self.call(
            model,
            "web_read",
            [[record_id]],
            {"specification": spec, "context": {"lang": "it_IT", "tz": "Europe/Rome"}},
            name,
        )

    @task(3)
    def sessions(self):
        if not self.tasks_ready():
            return
        many = {"fields": {"display_name": {}}}
        result = self.search_read(
            "social.listening.session",
            {
                "name": {},
                "date": {},
                "person_id": many,
                "desk_id": many,
                "channel": {},
                "need_ids": many,
                "outcome": {},
                "state": {},
            },
            "staff: sessions list",
        )
        records = (result or {}).get("records") or []
        if records:
            self.pause()
            self.web_read(
                "social.listening.session",
                random.choice(records)["id"],
                {
                    "name": {},
                    "date": {},
                    "person_id": many,
                    "desk_id": many,
                    "channel": {},
                    "need_ids": many,
                    "operator_ids": many,
                    "request": {},
                    "outcome": {},
                    "state": {},
                },
                "staff: session form",
            )

    @task(3)
    def persons(self):
        if not self.tasks_ready():
            return
        many = {"fields": {"display_name": {}}}
        word = random.choice(("rossi", "bianchi", "ferrari", "russo", "esposito", "romano"))
        domain = [("name", "ilike", word)] if random.random() < 0.5 else []
        result = self.search_read(
            "social.person",
            {
                "name": {},
                "fiscal_code": {},
                "birth_date": {},
                "age": {},
                "legal_status": {},
                "mobile": {},
                "phone": {},
                "residence_municipality_id": many,
                "session_count": {},
            },
            "staff: persons list",
            domain,
        )
        records = (result or {}).get("records") or []
        self.persons_seen = [r["id"] for r in records] or self.persons_seen
        if records:
            self.pause()
            self.web_read(
                "social.person",
                random.choice(records)["id"],
                {
                    "name": {},
                    "first_name": {},
                    "last_name": {},
                    "fiscal_code": {},
                    "birth_date": {},
                    "gender": {},
                    "residence_municipality_id": many,
                    "mobile": {},
                    "session_count": {},
                },
                "staff: person form",
            )

    @task(2)
    def referrals(self):
        if not self.tasks_ready():
            return
        many = {"fields": {"display_name": {}}}
        self.search_read(
            "social.referral",
            {
                "name": {},
                "person_id": many,
                "origin_type": {},
                "origin_desk_id": many,
                "target_service_id": many,
                "target_desk_id": many,
                "is_overdue": {},
                "state": {},
            },
            "staff: referrals list",
        )

    @task(2)
    def record_contact(self):
        if not self.tasks_ready() or not self.desks or not self.needs or not self.persons_seen:
            return
        now = datetime.utcnow() - timedelta(minutes=random.randrange(5, 60))
        self.call(
            "social.listening.session",
            "web_save",
            [
                [],
                {
                    "date": now.strftime("%Y-%m-%d %H:%M:%S"),
                    "desk_id": random.choice(self.desks),
                    "channel": random.choice(("in_person", "phone")),
                    "person_id": random.choice(self.persons_seen),
                    "request": "Chiede informazioni su un sostegno all'affitto.",
                    "need_ids": [(6, 0, random.sample(self.needs, min(2, len(self.needs))))],
                },
            ],
            {"specification": {"name": {}, "state": {}}},
            "staff: record a contact",
        )


class PartnerOperator(SignedIn):
    weight = 5
    wait_time = between(5, 20)
    logins = PARTNERS

    @task(2)
    def log_contact(self):
        if not self.tasks_ready():
            return
        form = self.get("/my/network/contacts/new", "partner: contact form", expect="csrf_token")
        if not form:
            return
        needs = re.findall(r'name="need_ids"[^>]*value="(\d+)"', form.text)
        self.pause()
        answer = self.post(
            "/my/network/contacts/new",
            "partner: log a contact",
            data={
                "csrf_token": hidden(form.text, "csrf_token"),
                "date": datetime.now().strftime("%Y-%m-%dT%H:%M"),
                "channel": "in_person",
                "mode": "named",
                "person_name": f"Persona Carico {self.number}",
                "fiscal_code": "",
                "phone": "02 1234 5678",
                "consent_given": "on",
                "need_ids": random.sample(needs, min(2, len(needs))),
                "information_given": "Informata sul bonus bollette.",
            },
        )
        if answer is not None and answer.status_code not in (302, 303):
            self.fire_failure("partner: log a contact (refused)", "the form came back")

    @task(1)
    def refer(self):
        if not self.tasks_ready():
            return
        form = self.get("/my/network/referrals/new", "partner: referral form", expect="csrf_token")
        if not form:
            return
        select = form.text.split('name="target_service_id"', 1)[-1].split("</select>", 1)[0]
        services = re.findall(r'value="(\d+)"', select)
        if not services:
            return
        self.pause()
        answer = self.post(
            "/my/network/referrals/new",
            "partner: send a referral",
            data={
                "csrf_token": hidden(form.text, "csrf_token"),
                "submitted_consent": "1",
                "submitted_name": f"Persona Inviata {self.number}",
                "submitted_phone": "3331112233",
                "target_service_id": random.choice(services),
                "urgency": "normal",
                "reason": "Ha bisogno di aiuto per l'affitto.",
            },
        )
        if answer is not None and answer.status_code not in (302, 303):
            self.fire_failure("partner: send a referral (refused)", "the form came back")

    @task(3)
    def look(self):
        if not self.tasks_ready():
            return
        self.get("/my/network/referrals?state=all", "partner: my referrals")
        self.pause()
        self.get("/my/network/contacts", "partner: my contacts")
