#!/usr/bin/env python3
"""Benchmark of the core addon on a database seeded by seed_core.py.

Prints figures (times, query counts, plans); asserts nothing. Every measurement runs in
a savepoint that is rolled back, and the transaction is never committed: the seeded data
stay as they are. A statement that runs longer than --timeout seconds is cancelled and
reported as such, so that a pathological plan cannot hang the benchmark.

Usage: bench_core.py -c odoo.conf -d DB [--empty-db DB_EMPTY] [--verbose] [--timeout 30]
"""

import argparse
import json
import logging
import os
import platform
import statistics
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

import psycopg2.errors

import odoo
from odoo import SUPERUSER_ID, api, fields
from odoo.tools import SQL, config

SETUP_KEY = "ss_bench.setup"
CF_SAMPLES = 200
LIST_RUNS = 20
PAGE = 80
COUNT_LIMIT = 10001  # what the web client asks for (DEFAULT_COUNT_LIMIT + 1)
BUDGET = 20.0  # seconds of repetitions per figure at most: slow figures get fewer runs
SLOW = 0.2  # an interactive figure above 200 ms is marked
TIMEOUT = 30.0  # seconds: statement_timeout of the benchmark's connections

# The figures of the previous version (bench/README.md, and issue 8 for those it measured
# first), printed next to the new ones: SCALE=1, the same machine.
PREVIOUS = {
    "sessions, operator (1 desk)": "100 ms",
    "sessions, coordinator": "34 ms",
    "persons, operator (1 desk)": "1.4-1.8 s",
    "persons, coordinator": "27 ms",
    "referrals, operator (1 desk)": "about 2 s",
    "referrals, coordinator": "-",
    "person search, operator": "about 1.9 s",
}


def out(line=""):
    print(line, flush=True)


def row(label, value, note=""):
    out(f"  {label:<56} {value:>12}  {note}".rstrip())


def ms(seconds):
    if seconds is None:
        return f"> {TIMEOUT:.0f} s"
    return f"{seconds * 1000:.2f} ms"


def slow(seconds):
    return " SLOW" if seconds is not None and seconds > SLOW else ""


# ----------------------------------------------------------------
# Databases, rollback, counting, repetitions
# ----------------------------------------------------------------


class Db:
    """One database: a cursor that is never committed, and its setup."""

    def __init__(self, name, timeout):
        self.name = name
        self.registry = odoo.modules.registry.Registry(name)
        self.cr = self.registry.cursor()
        self.cr.execute(SQL("SET statement_timeout = %s", f"{int(timeout * 1000)}"))
        self.env = api.Environment(self.cr, SUPERUSER_ID, {"lang": "en_US"})
        raw = self.env["ir.config_parameter"].sudo().get_param(SETUP_KEY)
        if not raw:
            raise SystemExit(f"{name}: no {SETUP_KEY}: seed it with seed_core.py first")
        self.setup = json.loads(raw)

    def user_env(self, uid):
        """The environment of a request of the web client for that user."""
        return self.env(
            user=uid,
            su=False,
            context={
                "lang": "en_US",
                "tz": "Europe/Rome",
                "uid": uid,
                "allowed_company_ids": [self.setup["company"]],
                "bin_size": True,
            },
        )

    def close(self):
        self.cr.rollback()
        self.cr.close()


@contextmanager
def rolled_back(env):
    """A savepoint that is always rolled back, ORM caches and precommit hooks included."""
    env.cr.flush()
    savepoint = env.cr.savepoint(flush=False)
    try:
        yield
    finally:
        env.cr.clear()
        env.invalidate_all(flush=False)
        savepoint.close(rollback=True)


class Counted:
    seconds = queries = None
    value = None


@contextmanager
def counting(cr, queries=None):
    """Time and query count of the block. `queries`: a list that receives the queries."""
    result = Counted()
    thread = threading.current_thread()
    hooks = getattr(thread, "query_hooks", None)
    if queries is not None:
        thread.query_hooks = [lambda _cr, query, params, *_a: queries.append((query, params))]
    before = cr.sql_log_count
    start = time.perf_counter()
    try:
        yield result
    finally:
        result.seconds = time.perf_counter() - start
        result.queries = cr.sql_log_count - before
        if queries is not None:
            if hooks is None:
                del thread.query_hooks
            else:
                thread.query_hooks = hooks


def measure(env, fn, flush=False, queries=None):
    """fn() once, rolled back: a Counted, or None when a statement timed out."""
    try:
        with rolled_back(env), counting(env.cr, queries) as counted:
            counted.value = fn()
            if flush:
                env.cr.flush()  # the writes and the precommit hooks, as a commit would
    except psycopg2.errors.QueryCanceled:
        return None
    return counted


def repeat(env, fn, runs, flush=False, warmup=1):
    """`runs` measured runs after `warmup` ones, within BUDGET seconds: the list of
    Counted (a single cold run when even the warm-up took longer), or None on timeout."""
    started = time.perf_counter()
    results = []
    for index in range(warmup + runs):
        counted = measure(env, fn, flush)
        if counted is None:
            return None
        if index >= warmup:
            results.append(counted)
        if time.perf_counter() - started > BUDGET:
            return results or [counted]
    return results


def median(results, key=lambda counted: counted.seconds):
    return statistics.median(key(counted) for counted in results) if results else None


def explain(db, query):
    """The plan of an SQL object: EXPLAIN ANALYZE, or EXPLAIN alone when it times out."""
    for analyze in (True, False):
        try:
            with db.cr.savepoint(flush=False):
                db.cr.execute(SQL("EXPLAIN (ANALYZE %s, COSTS false) %s", SQL(str(analyze)), query))
                return [line for (line,) in db.cr.fetchall()]
        except psycopg2.errors.QueryCanceled:
            continue
    return ["(no plan)"]


def scan_of(plan):
    """The first line of a plan that reads a table: how the rows are found."""
    for line in plan:
        text = line.strip().lstrip("-> ").strip()
        if " Scan " in f" {text} ":
            return shorten(text)
    return shorten(plan[0].strip())


def shorten(line):
    """A plan line without its timings: 'Index Scan using x on t (rows=1 loops=1)'."""
    if "(actual" in line:
        head, tail = line.split("(actual", 1)
        rows = tail.split("rows=", 1)[-1].rstrip(")")
        return f"{head.strip()} (rows={rows})"
    return line


def exec_time(plan):
    for line in plan:
        if line.startswith("Execution Time"):
            return line.split(":")[1].strip()
    return ms(None)


def show_plan(title, plan):
    out(f"      {title}:")
    for line in plan:
        out(f"        {line}")


# ----------------------------------------------------------------
# Figures
# ----------------------------------------------------------------


def row_counts(cr, tables):
    """{table: number of rows}"""
    counts = {}
    for table in tables:
        cr.execute(SQL("SELECT count(*) FROM %s", SQL.identifier(table)))
        counts[table] = cr.fetchone()[0]
    return counts


def database_size(cr):
    cr.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
    return cr.fetchone()[0]


def machine_line(cr):
    """When and on what: time, CPUs, memory, Python, Odoo, PostgreSQL."""
    cr.execute("SELECT version()")
    version = cr.fetchone()[0]
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"  {fields.Datetime.now():%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, {memory:.0f} GiB, "
        f"Python {platform.python_version()}, Odoo {odoo.release.version}, "
        f"{version.split(' on ')[0]}"
    )


def header(db):
    counts = row_counts(
        db.cr,
        (
            "social_person",
            "social_listening_session",
            "social_session_need_rel",
            "social_session_operator_rel",
            "social_referral",
        ),
    )
    out(
        f"Core benchmark on {db.name} ({database_size(db.cr)}): "
        f"{counts['social_person']:,} persons, {counts['social_listening_session']:,} sessions, "
        f"{counts['social_referral']:,} referrals"
    )
    out(
        f"  ({counts['social_session_need_rel']:,} session-need and "
        f"{counts['social_session_operator_rel']:,} session-operator rows)"
    )
    out(machine_line(db.cr))
    out()


def fiscal_code_indexes(db):
    """The indexes whose first column is fiscal_code: the lookup needs one."""
    db.cr.execute(
        """
        SELECT i.relname, pg_get_indexdef(x.indexrelid)
        FROM pg_index x
        JOIN pg_class t ON t.oid = x.indrelid
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = x.indkey[0]
        WHERE t.relname = 'social_person' AND a.attname = 'fiscal_code'
        """
    )
    return db.cr.fetchall()


def bench_cf_lookup(db, operator, verbose):
    cr = db.cr
    cr.execute(
        "SELECT fiscal_code FROM social_person WHERE fiscal_code IS NOT NULL "
        "ORDER BY random() LIMIT %s",
        [CF_SAMPLES],
    )
    codes = [code for (code,) in cr.fetchall()]
    out("Lookup by codice fiscale: env['social.person'].search([('fiscal_code', '=', cf)])")
    indexes = fiscal_code_indexes(db)
    for name, definition in indexes:
        row("index on fiscal_code", "yes", f"{name}: {definition.split(' USING ')[1]}")
    if not indexes:
        row("index on fiscal_code", "NONE", "every lookup reads the whole table")
    for label, env in (
        ("as superuser", db.env),
        ("as an operator (record rules)", db.user_env(operator)),
    ):
        Person = env["social.person"]
        codes_left = iter(codes * 2)  # one per run, warm-up included

        def lookup(model=Person, codes_left=codes_left):
            return model.search([("fiscal_code", "=", next(codes_left))])

        results = repeat(env, lookup, len(codes))
        query = Person._search([("fiscal_code", "=", codes[0])], order=Person._order)
        plan = explain(db, query.select())
        if results is None:
            row(label, ms(None), "cancelled by the statement timeout SLOW")
        else:
            found = sum(len(counted.value) for counted in results)
            seconds = median(results)
            row(
                f"{label} (median of {len(results)})",
                ms(seconds),
                f"{results[-1].queries} query; {found} of {len(results)} codes visible{slow(seconds)}",
            )
        row("  plan", exec_time(plan), scan_of(plan))
        if verbose:
            show_plan("plan", plan)
    out()


def list_specification(model):
    """What the list view asks for: its fields, relational ones with their display name."""
    arch, _view = model._get_view(view_type="list")
    spec = {}
    for node in arch.iter("field"):
        name = node.get("name")
        field = model._fields.get(name)
        if field and name not in spec:
            spec[name] = {"fields": {"display_name": {}}} if field.relational else {}
    return spec


def bench_list(db, model_name, label, uid, verbose, domain=(), previous=None):
    """web_search_read of the first page, as the web client opens a list view (or searches
    it with `domain`); done in its three steps (the code of web_search_read in Odoo 18) to
    time each one. `previous`: the figure of the previous version, printed alongside."""
    env = db.user_env(uid)
    Model = env[model_name]
    spec = list_specification(Model)
    steps = {}
    domain = list(domain)

    def first_page():
        env.invalidate_all()
        start = time.perf_counter()
        records = Model.search_fetch(domain, spec.keys(), limit=PAGE)
        searched = time.perf_counter()
        values = records.web_read(spec)
        read = time.perf_counter()
        length = len(values)
        if length == PAGE:
            length = Model.search_count(domain, limit=COUNT_LIMIT)
        steps.setdefault("search", []).append(searched - start)
        steps.setdefault("read", []).append(read - searched)
        steps.setdefault("count", []).append(time.perf_counter() - read)
        return len(values), length

    results = repeat(env, first_page, LIST_RUNS, warmup=2)
    if results is None:
        row(label, ms(None), "a statement was cancelled by the statement timeout SLOW")
    else:
        rows, length = results[-1].value
        length_text = f"{length:,}" + ("+" if length >= COUNT_LIMIT else "")
        seconds = median(results)
        runs = len(results)
        was = f"; was {previous}" if previous else ""
        row(
            f"{label} (median of {runs})",
            ms(seconds),
            f"{results[-1].queries} queries; {rows} rows of {length_text}{was}{slow(seconds)}",
        )
        parts = {name: statistics.median(values[-runs:]) for name, values in steps.items()}
        row(
            "  search / read / count",
            "",
            " / ".join(f"{parts[name] * 1000:.1f}" for name in ("search", "read", "count")) + " ms",
        )
    query = Model._search(domain, limit=PAGE, order=Model._order)
    plan = explain(db, query.select())
    row("  plan of the search", exec_time(plan), scan_of(plan))
    count_plan = explain(
        db, SQL("SELECT count(*) FROM (%s) t", Model._search(domain, limit=COUNT_LIMIT).select())
    )
    row(f"  plan of the count (limit {COUNT_LIMIT})", exec_time(count_plan), scan_of(count_plan))
    if verbose:
        show_plan("search plan", plan)
        show_plan("count plan", count_plan)


def person_search_samples(db):
    """What an operator of the first desk types in the person search box, for a person whose
    file they can read: whole and partial names, codici fiscali and phone numbers."""
    cr = db.cr
    cr.execute(
        """
        SELECT p.first_name, p.last_name, p.fiscal_code, p.phone_search
        FROM social_person p
        JOIN social_person_met_desk_rel r ON r.person_id = p.id AND r.desk_id = %s
        WHERE p.fiscal_code IS NOT NULL AND p.phone_search LIKE '+39%%'
        ORDER BY p.id
        LIMIT 201
        """,
        [db.setup["desks"][0]],
    )
    found = cr.fetchall()
    first, last, code, phone = found[len(found) // 2]
    national = phone.split()[0][3:]  # +393331234567 -> 3331234567
    return [
        ("name and surname", f"{first} {last}"),
        ("surname", last),
        ("part of a surname", last[:4].lower()),
        ("codice fiscale", code),
        ("part of a codice fiscale", code[:6].lower()),
        ("codice fiscale, birth part", code[6:11]),
        ("mobile", f"{national[:3]} {national[3:6]} {national[6:]}"),
        ("part of a phone", national[-7:]),
    ]


def bench_person_search(db, operator, verbose):
    out(
        "Person search box as an operator (1 desk): web_search_read of "
        "[('quick_search', 'ilike', value)], 80 rows + count"
    )
    Person = db.user_env(operator)["social.person"]
    for kind, value in person_search_samples(db):
        out(f"  {kind}: {value!r} -> {Person._quick_search_domain(value)}")
        bench_list(
            db,
            "social.person",
            f"  {kind}",
            operator,
            verbose,
            domain=[("quick_search", "ilike", value)],
            previous=PREVIOUS["person search, operator"],
        )
    out()


def bench_rule_plans(db, operator):
    """The queries the operators' referral rule runs in: the referral counter of the persons'
    list, and the referral list. Full EXPLAIN ANALYZE."""
    out("Plans of the operators' referral rule (EXPLAIN ANALYZE), operator with 1 desk")
    env = db.user_env(operator)
    Referral = env["social.referral"]
    page = env["social.person"].search([], limit=PAGE)
    query = Referral._search([("person_id", "in", page.ids)])
    query.groupby = SQL.identifier("social_referral", "person_id")
    show_plan(
        f"referral counter of the persons' first page ({len(page)} persons, _read_group)",
        explain(db, query.select(SQL.identifier("social_referral", "person_id"), SQL("count(*)"))),
    )
    query = Referral._search([], limit=PAGE, order=Referral._order)
    show_plan("referral list, first page", explain(db, query.select()))
    out()


def bench_without_jit(db, operator, verbose):
    """The operator's lists again with PostgreSQL's JIT compilation off for the session. A
    record rule whose subquery the planner estimates costly (a scan of a large table, even one
    never executed) makes PostgreSQL compile the query (jit_above_cost 100 000; inlining and
    optimisation above 500 000): seconds of compilation for a query that runs in milliseconds."""
    out("The operator's lists with PostgreSQL JIT off (SET jit = off; the cluster default is on)")
    db.cr.execute("SET jit = off")
    try:
        for model, label in (
            ("social.listening.session", "sessions, operator (1 desk), JIT off"),
            ("social.person", "persons, operator (1 desk), JIT off"),
            ("social.referral", "referrals, operator (1 desk), JIT off"),
        ):
            bench_list(db, model, label, operator, verbose)
    finally:
        db.cr.execute("RESET jit")
    out()


def bench_cron(db, verbose):
    env = db.env
    cron = env.ref("social_secretariat.ir_cron_social_referral_overdue")
    cron_env = env(user=cron.user_id.id or SUPERUSER_ID, context={"lang": "en_US"})
    Referral = cron_env["social.referral"]
    domain = [
        ("state", "=", "sent"),
        ("ack_deadline", "<", fields.Datetime.now()),
        ("is_overdue", "=", False),
    ]
    pending = Referral.sudo().search_count(domain)
    out("Overdue-referral cron, as its user (flush + precommit included, rolled back)")
    results = repeat(cron_env, Referral._cron_mark_overdue, 3, flush=True, warmup=0)
    if results is None:
        row("_cron_mark_overdue()", ms(None), "cancelled by the statement timeout")
    else:
        queries = results[-1].queries
        per = f"; {queries / pending:.1f} per referral" if pending else ""
        row(
            f"{pending} referrals to flag (median of {len(results)})",
            ms(median(results)),
            f"{queries} queries{per}",
        )
    plan = explain(db, Referral.sudo()._search(domain, order="id desc").select())
    row("  plan of its search", exec_time(plan), scan_of(plan))
    if verbose:
        show_plan("plan", plan)
    out()


def create_session(db):
    """An operator creates a session with three needs and two operators (create, flush
    and precommit hooks): the query counts of 3 runs after a warm-up, the median time, and
    the queries of the last run."""
    setup = db.setup
    operator, colleague = setup["desk_operators"][0][:2]
    env = db.user_env(operator)
    vals = {
        "date": fields.Datetime.now() - timedelta(hours=1),
        "desk_id": setup["desks"][0],
        "channel": "in_person",
        "person_id": setup["reference_persons"][0],
        "need_ids": [(6, 0, setup["needs_normal"][:3])],
        "operator_ids": [(6, 0, [operator, colleague])],
        "request": "Chiede informazioni sull'assegno di inclusione.",
    }

    # "search first": the operator finds the person by codice fiscale, which lets them link a
    # file they cannot see yet (social.person._check_linkable); once, outside the measured runs
    # (the lookup's log row stays in the transaction, which is never committed)
    code = db.env["social.person"].browse(setup["reference_persons"][0]).fiscal_code
    env["social.person"].name_search(code)

    def create():
        session = env["social.listening.session"].create(dict(vals))
        assert len(session.need_ids) == 3 and len(session.operator_ids) == 2
        return session.id

    runs = [measure(env, create, flush=True) for _run in range(4)][1:]
    queries = []
    measure(env, create, flush=True, queries=queries)
    return [counted.queries for counted in runs], median(runs), queries


def bench_create(full, empty, verbose):
    out("Creating a session as an operator: 3 needs, 2 operators (create + flush + precommit)")
    counts, seconds, queries = create_session(full)
    row(f"queries on {full.name}", str(counts[-1]), f"{ms(seconds)}; runs {counts}")
    if empty is None:
        out()
        return
    empty_counts, empty_seconds, empty_queries = create_session(empty)
    row(
        f"queries on {empty.name}",
        str(empty_counts[-1]),
        f"{ms(empty_seconds)}; runs {empty_counts}",
    )
    ratio = counts[-1] / empty_counts[-1]
    verdict = "constant: OK" if counts[-1] == empty_counts[-1] else "GROWS WITH THE DATA"
    row("ratio full / empty", f"{ratio:.2f}", verdict)
    if verbose or counts[-1] != empty_counts[-1]:
        for name, log in ((full.name, queries), (empty.name, empty_queries)):
            out(f"    queries on {name}:")
            for query, _params in log:
                text = query.decode() if isinstance(query, bytes) else str(query)
                out("      " + " ".join(text.split())[:200])
    out()


def main():
    global BUDGET, TIMEOUT
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--empty-db", help="the same setup without the bulk data")
    parser.add_argument("--verbose", action="store_true", help="plans and queries in full")
    parser.add_argument("--timeout", type=float, default=TIMEOUT, help="statement timeout (s)")
    parser.add_argument("--budget", type=float, default=BUDGET, help="seconds of runs a figure")
    args = parser.parse_args()
    BUDGET, TIMEOUT = args.budget, args.timeout
    config.parse_config(
        ["-c", args.config, "-d", args.database, "--log-level=warn"], setup_logging=True
    )
    # a cancelled statement is an expected outcome here, not an error to log in full
    logging.getLogger("odoo.sql_db").setLevel(logging.CRITICAL)
    full = Db(args.database, args.timeout)
    empty = Db(args.empty_db, args.timeout) if args.empty_db else None
    try:
        header(full)
        operator = full.setup["desk_operators"][0][0]
        coordinator = full.setup["coordinators"][0]
        bench_cf_lookup(full, operator, args.verbose)
        out(f"First page of a list: web_search_read, {PAGE} rows + count (limit {COUNT_LIMIT})")
        for model, label, uid in (
            ("social.listening.session", "sessions, operator (1 desk)", operator),
            ("social.listening.session", "sessions, coordinator", coordinator),
            ("social.person", "persons, operator (1 desk)", operator),
            ("social.person", "persons, coordinator", coordinator),
            ("social.referral", "referrals, operator (1 desk)", operator),
            ("social.referral", "referrals, coordinator", coordinator),
        ):
            bench_list(full, model, label, uid, args.verbose, previous=PREVIOUS.get(label))
        out()
        bench_person_search(full, operator, args.verbose)
        bench_rule_plans(full, operator)
        bench_without_jit(full, operator, args.verbose)
        bench_cron(full, args.verbose)
        bench_create(full, empty, args.verbose)
    finally:
        full.close()
        if empty is not None:
            empty.close()


if __name__ == "__main__":
    main()
