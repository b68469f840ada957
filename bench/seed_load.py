#!/usr/bin/env python3
"""Enlarge the demo database to a realistic Ambito of ~100k inhabitants, for the load test
(bench/run_load.sh). On a database with the four addons, their demo data and the demo
history (ss_seed history); once: the marker `ss_load.seed` says it ran.

  - 30 staff users (20 operators, 10 social workers) on the demo's desks (ORM);
  - ~25,000 persons and ~25,000 listening sessions over the past year with their needs and
    operators, ~2,000 referrals: the batched SQL of ss_seed/volume.py, mapped onto the demo's
    municipalities, desks, operators, social workers, services and needs;
  - 300 citizens with a portal login, each the user of one of those persons (ORM), and one
    password for them and the staff above (PASSWORD, one precomputed hash set with SQL: 330
    pbkdf2 runs would take minutes for nothing);
  - ~2,300 appointments, made by social.appointment.create as the booking does (calendar
    event, busy rows): 2,000 over the past year (done, missed, cancelled) and about half the
    free times of the coming weeks (~300: the demo's desks open a few hours a week), the
    other half left free for the load's bookings;
  - the observatory's aggregates counted again (its triggers are off during the bulk SQL),
    then VACUUM ANALYZE.

The logins made here are written to the ir.config_parameter `ss_load.users` (JSON) for the
load script: {"password", "citizens": [...], "staff": [...], "workers": [...]}.

Usage (the repository root on PYTHONPATH, as bench_lib.sh sets it):
  seed_load.py -c odoo.conf -d DB
"""

import argparse
import json
import random
import sys
import time
from datetime import timedelta

import psycopg2

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools import SQL

from ss_seed import volume
from ss_seed.names import ITALIAN_FEMALE, ITALIAN_LAST, ITALIAN_MALE
from ss_seed.odoo_env import open_registry
from ss_seed.sql import Timer, log, vacuum_analyze

MARKER = "ss_load.seed"
USERS_KEY = "ss_load.users"
PASSWORD = "loadtest"  # the seeded users' password (a load-test database only)
PERSONS = 25_000
SESSIONS = 25_000
CITIZENS = 300
OPERATORS = 20
WORKERS = 10
PAST_APPOINTMENTS = 2_000
FUTURE_APPOINTMENTS = 1_000

# the tables the observatory's triggers watch that the bulk SQL fills
TRIGGERED = ("social_person", "social_listening_session", "social_session_need_rel")
CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_notrack": True,
    "no_reset_password": True,
    "no_mail_to_attendees": True,  # no invitation e-mails for the seeded appointments
}


def staff_users(env, company, desks, rnd):
    groups = {
        name: env.ref(f"social_secretariat.group_social_{name}") for name in ("operator", "worker")
    }

    def vals(login, group, desk):
        first = rnd.choice(ITALIAN_FEMALE + ITALIAN_MALE)
        return {
            "name": f"{first} {rnd.choice(ITALIAN_LAST)} ({login})",
            "login": login,
            "email": f"{login}@load.example.org",
            "company_id": company.id,
            "company_ids": [Command.set(company.ids)],
            "groups_id": [Command.set(groups[group].ids)],
            "social_desk_ids": [Command.set([desk.id])],
            "tz": "Europe/Rome",
        }

    vals_list = [
        vals(f"load.op{k + 1:02d}", "operator", desks[k % len(desks)]) for k in range(OPERATORS)
    ]
    vals_list += [
        vals(f"load.aw{k + 1:02d}", "worker", desks[k % len(desks)]) for k in range(WORKERS)
    ]
    with Timer(f"{len(vals_list)} staff users (ORM)"):
        users = env["res.users"].create(vals_list)
    return users[:OPERATORS], users[OPERATORS:]


def volume_setup(env, company, workers):
    """The setup volume.py expects (see bench/seed_core.py --phase small), from the demo:
    four desk slots a municipality (its desks, cycled), three operators a desk slot (the
    desk's, then others), two social workers a municipality."""
    desks_all = env["social.desk"].search([("company_id", "=", company.id)])
    municipalities = desks_all.municipality_id
    desks, operators, worker_pairs = [], [], []
    ndesk = len(volume.DESKS)
    all_operators = desks_all.operator_ids
    for m, municipality in enumerate(municipalities):
        own = desks_all.filtered(lambda d, mu=municipality: d.municipality_id == mu)
        for k in range(ndesk):
            desk = own[k % len(own)]
            desks.append(desk.id)
            # three different operators (a session's two must differ): the desk's first
            staff = desk.operator_ids | (all_operators - desk.operator_ids)
            operators.append(staff[:3].ids)
        worker_pairs.append([workers[(2 * m + j) % len(workers)].id for j in range(2)])
    needs = env["social.need"].search([("child_ids", "=", False)])
    special = needs.filtered("is_special_category")
    services = env["social.service"].search(
        [("company_id", "=", company.id), ("is_published", "=", True)]
    )
    template = env["social.person"].search([("partner_id.user_ids", "=", False)], limit=1)
    return {
        "company": company.id,
        "municipalities": municipalities.ids,
        "desks": desks,
        "desk_operators": operators,
        "workers": worker_pairs,
        "needs_normal": (needs - special).ids,
        "needs_special": special.ids,
        "services": services.ids,
        "reference_persons": template.ids,
    }


def renumber(cr, table, base):
    """The seeded rows' numbers (volume.py numbers from 1 each year) after the demo's."""
    cr.execute(
        SQL(
            """
            WITH demo AS (
                SELECT split_part(name, '/', 2) AS year,
                    max(split_part(name, '/', 3)::int) AS last
                FROM %(t)s WHERE id < %(base)s AND name ~ '^[A-Z]+/[0-9]{4}/[0-9]+$'
                GROUP BY 1
            ), seeded AS (
                SELECT id, split_part(name, '/', 1) AS prefix, split_part(name, '/', 2) AS year,
                    split_part(name, '/', 3)::int AS n
                FROM %(t)s WHERE id >= %(base)s AND name ~ '^[A-Z]+/[0-9]{4}/[0-9]+$'
            )
            UPDATE %(t)s t SET name = s.prefix || '/' || s.year || '/'
                || lpad((s.n + coalesce(d.last, 0))::text, 5, '0')
            FROM seeded s LEFT JOIN demo d ON d.year = s.year
            WHERE t.id = s.id
            """,
            t=SQL.identifier(table),
            base=base,
        )
    )


def bump_after_max(env, code, table):
    """The sequence goes on after the highest number of each year."""
    sequence = env["ir.sequence"].search([("code", "=", code)], limit=1)
    if not sequence:
        return
    env.cr.execute(
        SQL(
            "SELECT split_part(name, '/', 2)::int, max(split_part(name, '/', 3)::int) FROM %s "
            "WHERE name ~ '^[A-Z]+/[0-9]{4}/[0-9]+$' GROUP BY 1",
            SQL.identifier(table),
        )
    )
    for year, last in env.cr.fetchall():
        counter = sequence._get_current_sequence(fields.Date.to_date(f"{year}-06-30"))
        if counter.number_next_actual <= last:
            counter.number_next_actual = last + 1


def bulk(env, setup):
    cr = env.cr
    volume.YEARS = 1  # a year of history, as the demo's
    volume.REFERRAL_EVERY = 10  # ~2,000 referrals from 25,000 sessions
    cr.execute("SET LOCAL work_mem = '256MB'")
    cr.execute("SELECT (now() AT TIME ZONE 'UTC')::timestamp(0)")
    now = cr.fetchone()[0]
    cr.execute("SELECT last_value FROM social_listening_session_id_seq")
    session_base = cr.fetchone()[0] + 1
    cr.execute("SELECT last_value FROM social_referral_id_seq")
    referral_base = cr.fetchone()[0] + 1
    # the observatory's triggers off during the bulk rows (one row at a time, they would take
    # minutes); the aggregates are rebuilt from the tables afterwards (rebuild_reports)
    for table in TRIGGERED:
        cr.execute(SQL("ALTER TABLE %s DISABLE TRIGGER USER", SQL.identifier(table)))
    person_base = volume.seed_persons(env, setup, PERSONS, now)
    volume.seed_sessions(env, setup, SESSIONS, PERSONS, person_base, now)
    referrals = volume.seed_referrals(env, setup, now)
    for table in TRIGGERED:
        cr.execute(SQL("ALTER TABLE %s ENABLE TRIGGER USER", SQL.identifier(table)))
    with Timer("numbers after the demo's, sequences"):
        renumber(cr, "social_listening_session", session_base)
        renumber(cr, "social_referral", referral_base)
        bump_after_max(env, "social.listening.session", "social_listening_session")
        bump_after_max(env, "social.referral", "social_referral")
    env.invalidate_all()
    log(f"  {PERSONS} persons, {SESSIONS} sessions, {referrals} referrals")
    return person_base


def citizens(env, person_base):
    """Portal users for the persons with an e-mail address (the first CITIZENS of them)."""
    persons = env["social.person"].search(
        [("id", ">=", person_base), ("partner_id.email", "!=", False)],
        limit=CITIZENS,
        order="id",
    )
    portal = env.ref("base.group_portal")
    with Timer(f"{len(persons)} citizens with a portal login (ORM)"):
        users = env["res.users"].create(
            [
                {
                    "login": f"load.cit{k + 1:03d}",
                    "partner_id": person.partner_id.id,
                    "groups_id": [Command.set(portal.ids)],
                    "tz": "Europe/Rome",
                }
                for k, person in enumerate(persons)
            ]
        )
    return users, persons


def set_passwords(env, users):
    # one pbkdf2 run for them all: the same hash for every seeded login
    hashed = env["res.users"]._crypt_context().hash(PASSWORD)
    env.flush_all()
    env.cr.execute(
        SQL("UPDATE res_users SET password = %s WHERE id IN %s", hashed, tuple(users.ids))
    )
    env.invalidate_all()


def appointment_times(env, topic, desk, now):
    """Free starts of the coming weeks at the desk for the topic, with their operators."""
    return topic._get_free_slots(desk, now, now + timedelta(days=topic.horizon_days))


def slot_patterns(env, now, rnd):
    """The coming weeks' free slots of every topic at every desk, and the same weekdays and
    times shifted back by whole weeks over the past year: [(pair, slot, weeks back)]."""
    pairs = [
        (topic, desk)
        for topic in env["social.appointment.topic"].search([])
        for desk in topic.desk_ids
        if desk.active and desk.operator_ids
    ]
    slots = {pair: appointment_times(env, pair[0], pair[1], now) for pair in pairs}
    future_slots = [(pair, slot, 0) for pair in pairs for slot in slots[pair]]
    rnd.shuffle(future_slots)
    past_slots = []
    for pair in pairs:
        week_pattern = [s for s in slots[pair] if s["start"] < now + timedelta(days=7)]
        for weeks in range(1, 53):
            past_slots += [(pair, s, weeks) for s in week_pattern]
    rnd.shuffle(past_slots)
    return future_slots, past_slots


def appointments(env, person_ids, citizen_ids, rnd):
    """Past ones on the same weekdays and times as the coming weeks' free slots (the desks'
    weekly hours), shifted back by whole weeks; coming ones on about one free time in two."""
    Appointment = env["social.appointment"]
    now = fields.Datetime.now()
    future_slots, past_slots = slot_patterns(env, now, rnd)
    made = {"past": 0, "future": 0, "refused": 0}
    # the operators' times already given, {user id: [(start, stop)]}: the slots of the
    # different topics of a desk overlap; an overlap would only be refused by the busy rows
    given = {}

    def free_operator(operator_ids, start, stop):
        for operator in operator_ids:
            if all(stop <= a or b <= start for a, b in given.get(operator, ())):
                return operator
        return None

    def create(pair, slot, weeks, person_id, state=None, channel="desk"):
        topic, desk = pair
        start = slot["start"] - timedelta(weeks=weeks)
        stop = start + timedelta(hours=topic.duration)
        operator = free_operator(slot["operator_ids"], start, stop)
        if not operator:
            return False
        try:
            with env.cr.savepoint():
                appointment = Appointment.create(
                    {
                        "person_id": person_id,
                        "topic_id": topic.id,
                        "desk_id": desk.id,
                        "start": start,
                        "operator_ids": [Command.set([operator])],
                        "booking_channel": channel,
                    }
                )
                if state:
                    appointment.write({"state": state})
        except (UserError, psycopg2.Error):  # refused all the same (a room, the person): skip
            made["refused"] += 1
            return False
        given.setdefault(operator, []).append((start, stop))
        return True

    with Timer(f"up to {PAST_APPOINTMENTS} past appointments (ORM)"):
        for pair, slot, weeks in past_slots:
            if made["past"] >= PAST_APPOINTMENTS:
                break
            state = rnd.choices(("done", "no_show", "cancelled"), (85, 10, 5))[0]
            if create(pair, slot, weeks, rnd.choice(person_ids), state):
                made["past"] += 1
    with Timer(f"up to {FUTURE_APPOINTMENTS} coming appointments (ORM)"):
        # one person an appointment: the open-appointments limit is per person; the load's
        # citizens keep theirs free
        taken = set(citizen_ids)
        free_persons = iter(p for p in person_ids if p not in taken)
        for pair, slot, weeks in future_slots:
            if made["future"] >= FUTURE_APPOINTMENTS:
                break
            if rnd.random() < 0.5:
                continue  # left free for the load's bookings
            channel = rnd.choice(("portal", "phone", "desk"))
            if create(pair, slot, weeks, next(free_persons), channel=channel):
                made["future"] += 1
    log(
        f"  appointments: {made['past']} past, {made['future']} coming "
        f"({made['refused']} refused all the same, skipped)"
    )
    return made


def rebuild_reports(env):
    if "social.report.session.need" not in env:
        return
    with Timer("observatory aggregates rebuilt"):
        env["social.report.session.need"]._rebuild_all()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    args = parser.parse_args()
    registry = open_registry(args.config, args.database)
    started = time.perf_counter()
    rnd = random.Random(14)
    with registry.cursor() as cr:  # commits on success
        env = api.Environment(cr, SUPERUSER_ID, {"lang": "en_US", **CONTEXT})
        Param = env["ir.config_parameter"]
        if Param.get_param(MARKER):
            sys.exit(f"{cr.dbname} already enlarged ({Param.get_param(MARKER)})")
        company = env.ref("base.main_company")
        desks = env["social.desk"].search([("company_id", "=", company.id)])
        operators, workers = staff_users(env, company, desks, rnd)
        setup = volume_setup(env, company, workers)
        person_base = bulk(env, setup)
        users, persons = citizens(env, person_base)
        set_passwords(env, users | operators | workers)
        made = appointments(env, list(range(person_base, person_base + PERSONS)), persons.ids, rnd)
        Param.set_param(
            USERS_KEY,
            json.dumps(
                {
                    "password": PASSWORD,
                    "citizens": users.mapped("login"),
                    "staff": operators.mapped("login"),
                    "workers": workers.mapped("login"),
                }
            ),
        )
        Param.set_param(
            MARKER,
            f"persons={PERSONS} sessions={SESSIONS} appointments={made['past'] + made['future']}",
        )
    with registry.cursor() as cr:
        rebuild_reports(api.Environment(cr, SUPERUSER_ID, {}))
    with Timer("VACUUM ANALYZE"):
        vacuum_analyze(
            args.database,
            volume.BULK_TABLES
            + ("social_appointment", "social_appointment_busy", "calendar_event", "res_users"),
        )
    log(f"  {'enlarged':<58} {time.perf_counter() - started:7.1f} s")


if __name__ == "__main__":
    main()
