#!/usr/bin/env python3
"""Benchmark of the booking slot engine against OCA resource_booking, on a database seeded by
seed_core.py (--phase small) and seed_booking.py.

Prints figures (times, query counts, the queries of our computation, the plan of its busy-time
query); asserts nothing, and exits non-zero only on an error. Every in-process measurement runs
in a savepoint that is rolled back, with the ORM caches emptied before each run (as in a new
request; the registry's caches stay warm, as in a running server). The HTTP figures are taken
on the running server given by --url, whose log (werkzeug at INFO) gives each request's query
count and server time.

Usage: bench_booking.py -c odoo.conf -d DB --url http://127.0.0.1:PORT --server-log FILE
                        [--runs 15] [--budget 20] [--verbose]
"""

import argparse
import json
import logging
import re
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import bench_core
import pytz
import requests
from bench_core import Db, database_size, machine_line, measure, ms, out, repeat, row, row_counts

from odoo.tools import SQL, config

sys.path.append(str(Path(__file__).resolve().parent.parent / "tests"))
from odoo_client import OdooClient

BOOKING_KEY = "ss_bench.booking"
DAYS = 28
RUNS = 15
HTTP_WARMUP = 4  # the first requests compile the templates and fill the caches
TARGET_QUERIES = 10
TARGET_MS = 100


# ----------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------


@dataclass
class Figure:
    """One line of the final table: times in seconds, `found` says what was computed."""

    label: str
    runs: int
    queries: int | None
    seconds: float | None
    low: float | None
    found: str


FIGURES = []


def cold(env, fn):
    """fn, run as in a new request: the ORM caches emptied first."""

    def run():
        env.invalidate_all()
        return fn()

    return run


def timed(env, label, fn, runs, found):
    """fn() after a warm-up run, `runs` times (fewer when over the budget), the ORM caches
    emptied before each: a Figure (median and min time, query count of the last run)."""
    results = repeat(env, cold(env, fn), runs)
    if results is None:
        raise SystemExit(f"{label}: a statement was cancelled by the statement timeout")
    times = [counted.seconds for counted in results]
    figure = Figure(
        label,
        len(results),
        results[-1].queries,
        statistics.median(times),
        min(times),
        found(results[-1].value),
    )
    FIGURES.append(figure)
    row(
        label,
        ms(figure.seconds),
        f"{figure.queries} queries; min {ms(figure.low)}, median of {figure.runs}; {figure.found}",
    )
    return figure, results[-1].value


def one_line(query, width=150):
    text = query.code if isinstance(query, SQL) else query
    text = text.decode() if isinstance(text, bytes) else str(text)
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def show_queries(env, fn, verbose):
    """The SQL statements of one cold run of fn(), one line each; the plan of the busy-time
    query."""
    queries = []
    measure(env, cold(env, fn), queries=queries)
    out(f"    the {len(queries)} statements of one run:")
    for index, (query, _params) in enumerate(queries, 1):
        out(f"      {index:2d}. {one_line(query, 200 if verbose else 150)}")
    for query, params in queries:
        if "social_appointment_busy" in one_line(query, 10_000):
            text = query.code if isinstance(query, SQL) else query
            plan = explain_plain(env, text, params)
            out("    plan of the busy-time query (EXPLAIN ANALYZE):")
            for line in plan if verbose else [p for p in plan if _plan_keeps(p)]:
                out(f"      {line}")
    out()


def explain_plain(env, query, params):
    with env.cr.savepoint(flush=False):
        env.cr.execute(f"EXPLAIN (ANALYZE, COSTS false) {query}", params)
        return [line for (line,) in env.cr.fetchall()]


def _plan_keeps(line):
    return any(word in line for word in ("Scan", "Join", "Append", "Filter", "Execution", "Index"))


def http_figure(client, log_path, label, path, runs, count_pattern, count_label):
    """GET `path` `runs` times after the warm-up: client time, and from the server's log the
    query count and server time of each request."""
    response = None
    for _ in range(HTTP_WARMUP):
        response = client.get(path)
        response.raise_for_status()
    wall = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path)
        wall.append(time.perf_counter() - start)
        response.raise_for_status()
        if "/web/login" in response.url:
            raise SystemExit(f"{path}: redirected to the login page (the session was lost)")
    found = len(re.findall(count_pattern, response.text))
    server = server_lines(log_path, path, HTTP_WARMUP + runs)[-runs:]
    queries = [q for q, _s in server]
    seconds = [s for _q, s in server]
    figure = Figure(
        label,
        runs,
        int(statistics.median(queries)) if queries else None,
        statistics.median(seconds) if seconds else None,
        min(seconds) if seconds else None,
        f"{found} {count_label}",
    )
    FIGURES.append(figure)
    row(
        label,
        ms(figure.seconds),
        f"{figure.queries} queries; server time, min {ms(figure.low)}, median of {runs}; "
        f"client {ms(statistics.median(wall))}; {figure.found}",
    )
    return figure


LOG_LINE = re.compile(r'"GET (\S+) HTTP/[\d.]+" (\d+) \S+ (\d+) ([\d.]+) ([\d.]+)\s*$')


def server_lines(log_path, path, expected, wait=5.0):
    """[(queries, server seconds)] of the requests of `path` in the server's log (werkzeug's
    line ends with: query count, time in SQL, time outside SQL)."""
    deadline = time.monotonic() + wait
    while True:
        found = []
        for line in Path(log_path).read_text(errors="replace").splitlines():
            match = LOG_LINE.search(line)
            if match and match.group(1) == path and match.group(2) == "200":
                found.append((int(match.group(3)), float(match.group(4)) + float(match.group(5))))
        if len(found) >= expected or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def wait_for_server(url, log_path, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/web/login", timeout=5).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    tail = Path(log_path).read_text(errors="replace")[-3000:] if Path(log_path).exists() else ""
    raise SystemExit(f"the Odoo server at {url} did not answer in {timeout} s:\n{tail}")


# ----------------------------------------------------------------
# The data
# ----------------------------------------------------------------


def header(db, booking, today):
    cr = db.cr
    counts = row_counts(
        cr,
        (
            "social_appointment",
            "social_appointment_busy",
            "calendar_event",
            "calendar_attendee",
            "resource_booking",
            "social_person",
        ),
    )
    start, stop = day_window(booking, today, DAYS)
    cr.execute(
        """
        SELECT count(*) FILTER (WHERE state = 'booked'), count(*)
        FROM social_appointment
        WHERE desk_id = %s AND start >= %s AND start < %s
        """,
        [booking["desk"], start, stop],
    )
    desk_booked, desk_all = cr.fetchone()
    out(
        f"Booking benchmark on {db.name} ({database_size(cr)}): "
        f"{counts['social_appointment']:,} appointments "
        f"({counts['social_appointment_busy']:,} busy rows, {counts['calendar_event']:,} events, "
        f"{counts['calendar_attendee']:,} attendees), {counts['resource_booking']:,} OCA bookings "
        f"on the same events, {counts['social_person']:,} persons"
    )
    out(
        f"  20 desks, 60 operators (3 a desk); measured: {booking['desk_name']} and its 3 "
        f"operators, {desk_booked} booked appointments ({desk_all} with the cancelled) in the "
        f"{DAYS} days from {today}"
    )
    out(machine_line(cr))
    out(
        "  OCA: the booking type is restricted to the combinations of the measured desk's 3 "
        "operators (what our engine considers); the type with all 60 is measured too"
    )
    out()


def day_window(booking, today, days):
    """[start, stop) in naive UTC of `days` local days of the desk from `today`."""
    tz = pytz.timezone(booking["tz"])
    start = tz.localize(datetime.combine(today, datetime.min.time()))
    stop = tz.localize(datetime.combine(today + timedelta(days=days), datetime.min.time()))
    return (
        start.astimezone(pytz.utc).replace(tzinfo=None),
        stop.astimezone(pytz.utc).replace(tzinfo=None),
    )


# ----------------------------------------------------------------
# Figures
# ----------------------------------------------------------------


def bench_ours(db, booking, today, runs, verbose):
    env = db.env
    topic = env["social.appointment.topic"].browse(booking["topic"])
    desk = env["social.desk"].browse(booking["desk"])
    last = today + timedelta(days=DAYS - 1)
    # what the controller does for a citizen: sudo, in the citizen's environment, with the
    # citizen's person (their own appointments are left out)
    portal_env = env(user=booking["portal_user"], su=True)
    portal_topic = topic.with_env(portal_env)
    portal_desk = desk.with_env(portal_env)
    person = portal_env["social.person"].browse(booking["portal_person"])

    def slots_text(slots):
        days = len({slot["start_local"].date() for slot in slots})
        return f"{len(slots)} slots on {days} days"

    out(f"Ours: topic._get_free_slots(desk, today, today + {DAYS - 1}): {DAYS} local days")
    portal, _slots = timed(
        env,
        f"ours {DAYS} d, portal citizen (the controller's call)",
        lambda: portal_topic._get_free_slots(portal_desk, today, last, person=person),
        runs,
        slots_text,
    )
    superuser, slots = timed(
        env,
        f"ours {DAYS} d, superuser",
        lambda: topic._get_free_slots(desk, today, last),
        runs,
        slots_text,
    )
    # the same window further ahead, where nothing is booked yet (the seed books up to 28 days)
    empty_from = today + timedelta(days=DAYS + 1)
    empty, _slots = timed(
        env,
        f"ours {DAYS} d from today + {DAYS + 1}: nothing booked, superuser",
        lambda: topic._get_free_slots(desk, empty_from, empty_from + timedelta(days=DAYS - 1)),
        runs,
        slots_text,
    )
    horizon = today + timedelta(days=topic.horizon_days)
    timed(
        env,
        f"ours {topic.horizon_days + 1} d (the day page's window), portal",
        lambda: portal_topic._get_free_slots(portal_desk, today, horizon, person=person),
        runs,
        slots_text,
    )
    out(
        f"    targets: at most {TARGET_QUERIES} queries ({portal.queries} and "
        f"{superuser.queries}), median at most {TARGET_MS} ms "
        f"({portal.seconds * 1000:.1f} and {superuser.seconds * 1000:.1f} ms); queries with "
        f"the desk's appointments in the window / with none: {superuser.queries} / "
        f"{empty.queries}"
    )
    show_queries(
        env, lambda: portal_topic._get_free_slots(portal_desk, today, last, person=person), verbose
    )
    return superuser, {slot["start"] for slot in slots}


def bench_oca(db, booking, today, runs):
    env = db.env
    tz = pytz.timezone(booking["tz"])
    start = tz.localize(datetime.combine(today, datetime.min.time()))
    stop = tz.localize(datetime.combine(today + timedelta(days=DAYS), datetime.min.time()))
    # the portal's context: the type's time zone
    pending = env["resource.booking"].with_context(tz=booking["tz"]).browse(booking["oca_booking"])
    pending_all = pending.browse(booking["oca_booking_all"])

    def slots_text(slots):
        return f"{sum(len(day) for day in slots.values())} slots on {len(slots)} days"

    out(
        f"OCA resource_booking: pending_booking._get_available_slots(start, start + {DAYS} days),"
        " superuser"
    )
    figure, slots = timed(
        env,
        f"OCA {DAYS} d, type of the desk (3 combinations)",
        lambda: pending._get_available_slots(start, stop),
        runs,
        slots_text,
    )
    timed(
        env,
        f"OCA {DAYS} d, type of all desks (60 combinations)",
        lambda: pending_all._get_available_slots(start, stop),
        runs,
        slots_text,
    )
    out()
    starts = {
        slot.astimezone(pytz.utc).replace(tzinfo=None) for day in slots.values() for slot in day
    }
    return figure, starts


def bench_http(args, booking, today, runs):
    out(f"HTTP, a threaded server (workers=0): {args.url}")
    wait_for_server(args.url, args.server_log)
    client = OdooClient(args.url, args.database)
    response = client.login(booking["portal_login"], booking["portal_password"])
    if "/web/login" in response.url:
        raise SystemExit(f"the portal citizen {booking['portal_login']} could not log in")
    topic, desk = booking["topic"], booking["desk"]
    day = today + timedelta(days=(7 - today.weekday()) % 7 or 7)  # next Monday
    ours = http_figure(
        client,
        args.server_log,
        "HTTP /social/book/day (the whole horizon)",
        f"/social/book/day?topic={topic}&desk={desk}",
        runs,
        r'href="/social/book/time\?',
        "days listed",
    )
    http_figure(
        client,
        args.server_log,
        f"HTTP /social/book/time (one day, {day:%a %d})",
        f"/social/book/time?topic={topic}&desk={desk}&day={day}",
        runs,
        r'href="/social/book/confirm\?',
        "times listed",
    )
    base = f"/my/bookings/{booking['oca_booking']}/schedule"
    token = f"access_token={booking['oca_booking_token']}"
    next_month = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    http_figure(
        client,
        args.server_log,
        f"HTTP OCA /my/bookings/<id>/schedule (rest of {today:%b})",
        f"{base}?{token}",
        runs,
        r'name="when"',
        "slots listed",
    )
    oca = http_figure(
        client,
        args.server_log,
        f"HTTP OCA .../schedule/{next_month:%Y/%m} (a whole month)",
        f"{base}/{next_month:%Y/%m}?{token}",
        runs,
        r'name="when"',
        "slots listed",
    )
    out()
    return ours, oca


def summary(booking, ours, oca, ours_slots, oca_slots, ours_page, oca_page):
    out("Summary")
    out(f"  {'figure':<56} {'queries':>7} {'median':>10} {'min':>10}  found")
    for figure in FIGURES:
        out(
            f"  {figure.label:<56} {figure.queries if figure.queries is not None else '-':>7} "
            f"{ms(figure.seconds) if figure.seconds is not None else '-':>10} "
            f"{ms(figure.low) if figure.low is not None else '-':>10}  {figure.found}"
        )
    out()
    same = (
        "the same slots"
        if ours_slots == oca_slots
        else (
            f"DIFFERENT slots: {len(ours_slots - oca_slots)} only ours, "
            f"{len(oca_slots - ours_slots)} only OCA's"
        )
    )
    out(f"  {DAYS} days, superuser, both engines: {same}")
    row(
        f"ratio OCA / ours, {DAYS} days: time",
        f"{oca.seconds / ours.seconds:.1f} x",
        f"{ms(oca.seconds)} / {ms(ours.seconds)}",
    )
    row(
        f"ratio OCA / ours, {DAYS} days: queries",
        f"{oca.queries / ours.queries:.1f} x",
        f"{oca.queries} / {ours.queries}",
    )
    if ours_page.seconds and oca_page.seconds:
        row(
            "ratio OCA month page / our day page: server time",
            f"{oca_page.seconds / ours_page.seconds:.1f} x",
            f"{ms(oca_page.seconds)} / {ms(ours_page.seconds)} (a month / {booking['horizon']} days)",
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--url", required=True, help="a running Odoo server on the database")
    parser.add_argument("--server-log", required=True, help="its log file (werkzeug at INFO)")
    parser.add_argument("--runs", type=int, default=RUNS, help="measured runs of a figure")
    parser.add_argument("--budget", type=float, default=bench_core.BUDGET, help="s a figure")
    parser.add_argument("--timeout", type=float, default=bench_core.TIMEOUT, help="statement (s)")
    parser.add_argument("--verbose", action="store_true", help="whole queries and plans")
    args = parser.parse_args()
    bench_core.BUDGET, bench_core.TIMEOUT = args.budget, args.timeout
    config.parse_config(
        ["-c", args.config, "-d", args.database, "--log-level=warn"], setup_logging=True
    )
    logging.getLogger("odoo.sql_db").setLevel(logging.CRITICAL)
    db = Db(args.database, args.timeout)
    try:
        raw = db.env["ir.config_parameter"].sudo().get_param(BOOKING_KEY)
        if not raw:
            raise SystemExit(f"{args.database}: no {BOOKING_KEY}: seed it with seed_booking.py")
        booking = json.loads(raw)
        desk = db.env["social.desk"].browse(booking["desk"])
        topic = db.env["social.appointment.topic"].browse(booking["topic"])
        tz = pytz.timezone(desk._tz())
        booking.update(tz=tz.zone, desk_name=desk.name, horizon=topic.horizon_days)
        today = datetime.now(tz).date()
        header(db, booking, today)
        ours, ours_slots = bench_ours(db, booking, today, args.runs, args.verbose)
        oca, oca_slots = bench_oca(db, booking, today, args.runs)
        ours_page, oca_page = bench_http(args, booking, today, args.runs)
        summary(booking, ours, oca, ours_slots, oca_slots, ours_page, oca_page)
    finally:
        db.close()


if __name__ == "__main__":
    main()
