#!/usr/bin/env python3
"""Benchmark of the core addon on a database seeded by seed_core.py.

Prints figures (times, query counts, plans); asserts nothing. Every measurement runs in
a transaction that is rolled back: the seeded data stay as they are.

Usage: bench_core.py -c odoo.conf -d DB [--empty-db DB_EMPTY] [--verbose]
"""

import argparse
import json
import os
import platform
import statistics
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

import odoo
from odoo import SUPERUSER_ID, api, fields
from odoo.tools import SQL, config

SETUP_KEY = "ss_bench.setup"
CF_SAMPLES = 200
LIST_RUNS = 20
PAGE = 80
COUNT_LIMIT = 10001  # what the web client asks for (DEFAULT_COUNT_LIMIT + 1)


def out(line=""):
    print(line, flush=True)


def row(label, value, note=""):
    out(f"  {label:<58} {value:>18}  {note}".rstrip())


def ms(seconds):
    return f"{seconds * 1000:.2f} ms"


# ----------------------------------------------------------------
# Helpers: environments, rollback, counting
# ----------------------------------------------------------------


class Db:
    """One database: a cursor that is never committed, and its setup."""

    def __init__(self, name):
        self.name = name
        self.registry = odoo.modules.registry.Registry(name)
        self.cr = self.registry.cursor()
        self.env = api.Environment(self.cr, SUPERUSER_ID, {"lang": "en_US"})
        self.setup = eval_json(self.env["ir.config_parameter"].sudo().get_param(SETUP_KEY))

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


def eval_json(raw):
    if not raw:
        raise SystemExit(f"no {SETUP_KEY} in the database: seed it with seed_core.py first")
    return json.loads(raw)


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


@contextmanager
def counting(cr, queries=None):
    """Time and query count of the block: result.seconds, result.queries."""

    class Result:
        pass

    result = Result()
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


def explain(cr, query, analyze=True):
    """The plan lines of an SQL object (EXPLAIN ANALYZE by default)."""
    cr.execute(
        SQL("EXPLAIN (ANALYZE %s, COSTS false) %s", SQL("true" if analyze else "false"), query)
    )
    return [line for (line,) in cr.fetchall()]


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
    return "?"


# ----------------------------------------------------------------
# Figures
# ----------------------------------------------------------------


def header(db):
    cr = db.cr
    counts = {}
    for table in (
        "social_person",
        "social_listening_session",
        "social_session_need_rel",
        "social_session_operator_rel",
        "social_referral",
    ):
        cr.execute(SQL("SELECT count(*) FROM %s", SQL.identifier(table)))
        counts[table] = cr.fetchone()[0]
    cr.execute("SELECT pg_size_pretty(pg_database_size(current_database())), version()")
    size, version = cr.fetchone()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    out(
        f"Core benchmark on {db.name} ({size}): {counts['social_person']:,} persons, "
        f"{counts['social_listening_session']:,} sessions, {counts['social_referral']:,} referrals"
    )
    out(
        f"  ({counts['social_session_need_rel']:,} session-need and "
        f"{counts['social_session_operator_rel']:,} session-operator rows)"
    )
    out(
        f"  {fields.Datetime.now():%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, {memory:.0f} GiB, "
        f"Python {platform.python_version()}, Odoo {odoo.release.version}, "
        f"{version.split(' on ')[0]}"
    )
    out()


def fiscal_code_index(db):
    """An index whose first column is fiscal_code: the lookup needs one."""
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


def bench_cf_lookup(db, operator):
    cr = db.cr
    cr.execute(
        "SELECT fiscal_code FROM social_person WHERE fiscal_code IS NOT NULL "
        "ORDER BY random() LIMIT %s",
        [CF_SAMPLES],
    )
    codes = [code for (code,) in cr.fetchall()]
    indexes = fiscal_code_index(db)
    out("Lookup by codice fiscale")
    if indexes:
        for name, definition in indexes:
            row("index on fiscal_code", "yes", f"{name}: {definition.split(' USING ')[1]}")
    else:
        row("index on fiscal_code", "NONE", "every lookup reads the whole table")
    for label, env in (
        ("ORM search, superuser", db.env),
        ("ORM search, operator (record rules)", db.user_env(operator)),
    ):
        Person = env["social.person"]
        timings, found = [], 0
        for code in codes:
            with counting(cr) as result:
                records = Person.search([("fiscal_code", "=", code)])
            timings.append(result.seconds)
            found += len(records)
        query = Person._search([("fiscal_code", "=", codes[0])], order=Person._order)
        plan = explain(cr, query.select())
        row(
            f"{label} (median of {len(codes)})",
            ms(statistics.median(timings)),
            f"{result.queries} query; found {found}/{len(codes)}",
        )
        row("  plan", "", scan_of(plan))
    out()


def list_specification(model):
    """What the list view asks for: its fields, relational ones with their display name."""
    arch, _view = model._get_view(view_type="list")
    spec = {}
    for node in arch.iter("field"):
        name = node.get("name")
        field = model._fields.get(name)
        if not field or name in spec:
            continue
        spec[name] = {"fields": {"display_name": {}}} if field.relational else {}
    return spec


def bench_list(db, model_name, label, uid, verbose=False):
    env = db.user_env(uid)
    Model = env[model_name]
    spec = list_specification(Model)
    timings, result = [], None
    for run in range(LIST_RUNS + 2):  # two warm-up runs: caches of rules, views, access
        env.invalidate_all()
        with counting(db.cr) as counted:
            response = Model.web_search_read(
                domain=[], specification=spec, limit=PAGE, count_limit=COUNT_LIMIT
            )
        if run >= 2:
            timings.append(counted.seconds)
            result = (counted, response)
    counted, response = result
    length = response["length"]
    length_text = f"{length:,}" + ("+" if length >= COUNT_LIMIT else "")
    row(
        f"{label} (median of {LIST_RUNS})",
        ms(statistics.median(timings)),
        f"{counted.queries} queries; {len(response['records'])} rows of {length_text}",
    )
    # where the time goes: the search of the page and the count, with their plans
    query = Model._search([], limit=PAGE, order=Model._order)
    plan = explain(db.cr, query.select())
    row("  search of the page", exec_time(plan), scan_of(plan))
    count_query = Model._search([], limit=COUNT_LIMIT)
    count_plan = explain(db.cr, SQL("SELECT count(*) FROM (%s) t", count_query.select()))
    row("  count (limit %d)" % COUNT_LIMIT, exec_time(count_plan), scan_of(count_plan))
    if verbose:
        out("    search plan:")
        for line in plan:
            out(f"      {line}")
        out("    count plan:")
        for line in count_plan:
            out(f"      {line}")
    return statistics.median(timings)


def bench_cron(db):
    env = db.env
    cron = env.ref("social_secretariat.ir_cron_social_referral_overdue")
    cron_env = env(user=cron.user_id.id or SUPERUSER_ID, su=False, context={"lang": "en_US"})
    Referral = cron_env["social.referral"]
    pending = Referral.sudo().search_count(
        [
            ("state", "=", "sent"),
            ("ack_deadline", "<", fields.Datetime.now()),
            ("is_overdue", "=", False),
        ]
    )
    timings, counts = [], []
    for _run in range(3):
        with rolled_back(cron_env):
            with counting(db.cr) as counted:
                Referral._cron_mark_overdue()
                db.cr.flush()  # the writes and the precommit hooks, as a commit would
            timings.append(counted.seconds)
            counts.append(counted.queries)
    per = f"{counts[-1] / pending:.1f} per referral" if pending else ""
    out("Overdue-referral cron (run as its user, rolled back)")
    row(
        f"_cron_mark_overdue(): {pending} referrals to flag (median of 3)",
        ms(statistics.median(timings)),
        f"{counts[-1]} queries {per}".rstrip(),
    )
    query = (
        cron_env["social.referral"]
        .sudo()
        ._search(
            [
                ("state", "=", "sent"),
                ("ack_deadline", "<", fields.Datetime.now()),
                ("is_overdue", "=", False),
            ],
            order="id desc",
        )
    )
    plan = explain(db.cr, query.select())
    row("  search of the overdue ones", exec_time(plan), scan_of(plan))
    out()


def create_session(db, verbose=False, runs=4):
    """Query counts and times of an operator creating a session with three needs and two
    operators (create, flush and precommit hooks), after one warm-up run."""
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
    counts, timings, queries = [], [], []
    for run in range(runs):
        log = [] if verbose and run == runs - 1 else None
        with rolled_back(env):
            with counting(db.cr, log) as counted:
                session = env["social.listening.session"].create(dict(vals))
                db.cr.flush()
            assert len(session.need_ids) == 3 and len(session.operator_ids) == 2
        if run:
            counts.append(counted.queries)
            timings.append(counted.seconds)
        if log is not None:
            queries = log
    return counts, statistics.median(timings), queries


def bench_create(full, empty, verbose=False):
    out("Creating a session (operator; 3 needs, 2 operators; create + flush + precommit)")
    counts, seconds, queries = create_session(full, verbose)
    row(f"queries on {full.name}", str(counts[-1]), f"{ms(seconds)}; runs {counts}")
    if empty is None:
        out()
        return
    empty_counts, empty_seconds, empty_queries = create_session(empty, verbose)
    row(
        f"queries on {empty.name}",
        str(empty_counts[-1]),
        f"{ms(empty_seconds)}; runs {empty_counts}",
    )
    ratio = counts[-1] / empty_counts[-1]
    verdict = "constant: OK" if ratio == 1 else "GROWS WITH THE DATA"
    row("ratio full / empty", f"{ratio:.2f}", verdict)
    if verbose:
        for name, log in ((full.name, queries), (empty.name, empty_queries)):
            out(f"    queries on {name}:")
            for query, _params in log:
                text = query.decode() if isinstance(query, bytes) else str(query)
                out("      " + " ".join(text.split())[:160])
    out()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--empty-db", help="the same setup without the bulk data")
    parser.add_argument("--verbose", action="store_true", help="plans and queries in full")
    args = parser.parse_args()
    config.parse_config(
        ["-c", args.config, "-d", args.database, "--log-level=warn"], setup_logging=True
    )
    full = Db(args.database)
    empty = Db(args.empty_db) if args.empty_db else None
    try:
        header(full)
        setup = full.setup
        operator = setup["desk_operators"][0][0]
        coordinator = setup["coordinators"][0]
        bench_cf_lookup(full, operator)
        out(f"First page of a list ({PAGE} rows + count, web_search_read as the web client)")
        bench_list(
            full,
            "social.listening.session",
            "sessions, operator with 1 desk",
            operator,
            args.verbose,
        )
        bench_list(
            full, "social.listening.session", "sessions, coordinator", coordinator, args.verbose
        )
        bench_list(full, "social.person", "persons, operator with 1 desk", operator, args.verbose)
        out()
        bench_cron(full)
        bench_create(full, empty, args.verbose)
    finally:
        full.close()
        if empty is not None:
            empty.close()


if __name__ == "__main__":
    main()
