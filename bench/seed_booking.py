#!/usr/bin/env python3
"""Seed the booking benchmark's database, after `seed_core.py --phase small` (20 desks, 60
front-office operators, 3 a desk) on a database with social_secretariat and OCA
resource_booking installed.

With the ORM: the desks' opening hours (one calendar, Europe/Rome: Monday to Friday 9-12:30,
Tuesday and Thursday also 14-17:30), a resource for each operator on that calendar, the topic
(30 minutes on a 30-minute grid, one operator, 1 hour of notice, 60 days of horizon, offered at
the 20 desks), a portal citizen with a person file, and one appointment made by the ORM: the
template of the bulk rows. On the OCA side: a combination for each operator's resource, the
booking type of the measured desk (its 3 operators' combinations, the desk's calendar, same
duration, step and notice), a type with all 60 combinations, and a pending booking of the
citizen on each (what the OCA portal schedules).

With SQL: 10k persons (ss_seed/volume.py, as seed_core.py's), then 50k appointments on the
30-minute grid of the opening hours, the most recent ones up to 28 days ahead, each grid time of each operator
taken with a probability of 60 % (about 7k in the next 28 days, the rest over the past ~6
months): done, no-show or cancelled in the past, booked or cancelled ahead; with what the ORM
would have made: their operator rows, busy rows ('user:<id>' and 'person:<id>', for the states
that hold the time; the exclusion constraint checks them), their calendar event (the operator
and the person attending, archived when cancelled) and its reminders. Each event that is not
cancelled is also the meeting of a `resource.booking` of the operator's combination: what the
OCA module would hold for the same appointments.

Usage: seed_booking.py -c odoo.conf -d DB
"""

import argparse
import json
import sys
import time
from datetime import date, datetime, timedelta

import pytz

from odoo import SUPERUSER_ID, api
from odoo.fields import Command
from odoo.tools import SQL

from ss_seed.odoo_env import open_registry
from ss_seed.sql import Timer, bump_sequences, insert_like, log, reserve_ids, vacuum_analyze
from ss_seed.volume import seed_persons, setup_of

BOOKING_KEY = "ss_bench.booking"
APPOINTMENTS = 50_000
PERSONS = 10_000
AHEAD_DAYS = 28  # appointments are booked up to this many days ahead
PAST_DAYS = 400  # the grid is drawn from this far back; the most recent APPOINTMENTS are kept
OCCUPANCY = 0.6  # the chance that a grid time of an operator is taken
TZ = "Europe/Rome"
# (weekday, from, to): Monday to Friday mornings, Tuesday and Thursday afternoons
OPENING = [
    (0, 9.0, 12.5),
    (1, 9.0, 12.5),
    (1, 14.0, 17.5),
    (2, 9.0, 12.5),
    (3, 9.0, 12.5),
    (3, 14.0, 17.5),
    (4, 9.0, 12.5),
]
DURATION = 0.5  # hours, and the grid step
MIN_LEAD_HOURS = 1
HORIZON_DAYS = 60
PORTAL_LOGIN = "cittadino.bench"
PORTAL_EVERY = 2003  # one appointment in 2003 is the portal citizen's: a few in the window
BULK_TABLES = (
    "res_partner",
    "social_person",
    "social_appointment",
    "social_appointment_operator_rel",
    "social_appointment_busy",
    "calendar_event",
    "calendar_event_res_partner_rel",
    "calendar_attendee",
    "calendar_alarm_calendar_event_rel",
    "resource_booking",
    "res_partner_resource_booking_rel",
)
# the columns of every bulk row: when the appointment is, who made it and when
CREATED = {
    "create_uid": SQL("s.op"),
    "write_uid": SQL("s.op"),
    "create_date": SQL("s.created"),
    "write_date": SQL("s.created"),
}
STAMPS = {
    "start": SQL("s.start"),
    "stop": SQL("s.start + %s * interval '1 hour'", DURATION),
    **CREATED,
}
QUIET = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_notrack": True,
    "no_mail_to_attendees": True,
    "no_reset_password": True,
}


# ----------------------------------------------------------------
# ORM: calendar, resources, topic, citizen, template rows, OCA setup
# ----------------------------------------------------------------


def opening_calendar(env, setup):
    calendar = env["resource.calendar"].create(
        {
            "name": "Orari sportello (bench)",
            "tz": TZ,
            "company_id": setup["company"],
            "attendance_ids": [Command.clear()]
            + [
                Command.create(
                    {
                        "name": f"{day} {hour_from}-{hour_to}",
                        "dayofweek": str(day),
                        "hour_from": hour_from,
                        "hour_to": hour_to,
                        "day_period": "morning" if hour_from < 12 else "afternoon",
                    }
                )
                for day, hour_from, hour_to in OPENING
            ],
        }
    )
    env["social.desk"].browse(setup["desks"]).write({"resource_calendar_id": calendar.id})
    return calendar


def portal_citizen(env, company_id):
    user = env["res.users"].create(
        {
            "name": "Cittadino Bench",
            "login": PORTAL_LOGIN,
            "password": PORTAL_LOGIN,
            "email": f"{PORTAL_LOGIN}@example.org",
            "company_id": company_id,
            "company_ids": [Command.set([company_id])],
            "groups_id": [Command.set(env.ref("base.group_portal").ids)],
            "tz": TZ,
        }
    )
    person = env["social.person"].create(
        {
            "first_name": "Cittadino",
            "last_name": "Bench",
            "partner_id": user.partner_id.id,
            "company_id": company_id,
        }
    )
    return user, person


def template_appointment(env, setup, topic):
    """One appointment made by the ORM, two years ago at 10:00 on a Monday (before the bulk
    ones), done: the bulk rows copy the columns of its row, its event and its attendees."""
    tz = pytz.timezone(TZ)
    day = date.today() - timedelta(days=730)
    day -= timedelta(days=day.weekday())
    start = tz.localize(datetime.combine(day, datetime.min.time()) + timedelta(hours=10))
    appointment = env["social.appointment"].create(
        {
            "person_id": setup["reference_persons"][0],
            "topic_id": topic.id,
            "desk_id": setup["desks"][0],
            "start": start.astimezone(pytz.utc).replace(tzinfo=None),
            "operator_ids": [Command.set(setup["desk_operators"][0][:1])],
            "booking_channel": "phone",
        }
    )
    appointment.action_done()
    return appointment


def oca_setup(env, setup, calendar, resources, citizen):
    """A combination per operator; the type of the measured desk (its 3 operators) and the
    type of all 60; a pending booking of the citizen on each."""
    combinations = env["resource.booking.combination"].create(
        [{"resource_ids": [Command.set(resource.ids)]} for resource in resources]
    )
    common = {
        "duration": DURATION,
        "slot_duration": DURATION,
        "modifications_deadline": MIN_LEAD_HOURS,
        "resource_calendar_id": calendar.id,
        "combination_assignment": "sorted",
        "company_id": setup["company"],
    }
    desk_type, all_type = env["resource.booking.type"].create(
        [
            {
                **common,
                "name": "Colloquio (bench), sportello misurato",
                "combination_rel_ids": [
                    Command.create({"combination_id": combination.id, "sequence": index})
                    for index, combination in enumerate(combinations[:3])
                ],
            },
            {
                **common,
                "name": "Colloquio (bench), tutti gli sportelli",
                "combination_rel_ids": [
                    Command.create({"combination_id": combination.id, "sequence": index})
                    for index, combination in enumerate(combinations)
                ],
            },
        ]
    )
    pending = env["resource.booking"].create(
        [
            {"type_id": booking_type.id, "partner_ids": [Command.set(citizen.partner_id.ids)]}
            for booking_type in (desk_type, all_type)
        ]
    )
    for record in pending:
        record._portal_ensure_token()
    return combinations, desk_type, all_type, pending


def phase_orm(env, setup):
    with Timer("opening hours, 60 operator resources, topic, portal citizen"):
        calendar = opening_calendar(env, setup)
        operators = [uid for trio in setup["desk_operators"] for uid in trio]
        users = env["res.users"].browse(operators)
        resources = env["resource.resource"].create(
            [
                {
                    "name": user.name,
                    "resource_type": "user",
                    "user_id": user.id,
                    "calendar_id": calendar.id,
                    "tz": TZ,
                    "company_id": setup["company"],
                }
                for user in users
            ]
        )
        topic = env["social.appointment.topic"].create(
            {
                "name": "Colloquio (bench)",
                "duration": DURATION,
                "slot_step": round(DURATION * 60),
                "min_lead_hours": MIN_LEAD_HOURS,
                "horizon_days": HORIZON_DAYS,
                "staffing": "one",
                "is_online_bookable": True,
                "desk_ids": [Command.set(setup["desks"])],
                "company_id": setup["company"],
            }
        )
        citizen, person = portal_citizen(env, setup["company"])
    with Timer("the template appointment (ORM: busy rows, event, attendees)"):
        template = template_appointment(env, setup, topic)
        env.flush_all()
    with Timer("OCA: 60 combinations, 2 booking types, 2 pending bookings"):
        combinations, desk_type, all_type, pending = oca_setup(
            env, setup, calendar, resources, citizen
        )
        env.flush_all()
    return {
        "calendar": calendar.id,
        "topic": topic.id,
        "desk": setup["desks"][0],
        "desk_operators": setup["desk_operators"][0],
        "portal_user": citizen.id,
        "portal_login": PORTAL_LOGIN,
        "portal_password": PORTAL_LOGIN,
        "portal_person": person.id,
        "template_appointment": template.id,
        "template_event": template.calendar_event_id.id,
        "operators": operators,
        "operator_partners": [user.partner_id.id for user in users],
        "combinations": combinations.ids,
        "oca_type": desk_type.id,
        "oca_type_all": all_type.id,
        "oca_booking": pending[0].id,
        "oca_booking_token": pending[0].access_token,
        "oca_booking_all": pending[1].id,
    }


# ----------------------------------------------------------------
# SQL: the appointments and everything they come with
# ----------------------------------------------------------------


def draw_appointments(env, setup, booking, person_base, now):
    """The temp table bench_app: one row an appointment, ids reserved, persons assigned so
    that no person has two appointments at once (a time has at most 60 of them, consecutive in
    k, and there are 10k persons)."""
    cr = env.cr
    today = datetime.now(pytz.timezone(TZ)).date()
    desk_of = {
        uid: desk for desk, trio in zip(setup["desks"], setup["desk_operators"]) for uid in trio
    }
    cr.execute("SELECT setseed(0.24)")
    cr.execute(
        SQL(
            """
            CREATE TEMP TABLE bench_grid ON COMMIT DROP AS
            WITH opening AS (
                SELECT * FROM unnest(%(days)s::int[], %(froms)s::float[], %(tos)s::float[])
                    AS o(dow, h_from, h_to)
            ), grid AS (
                SELECT ((d::date + make_interval(mins => m)) AT TIME ZONE %(tz)s)
                    AT TIME ZONE 'UTC' AS start
                FROM generate_series(%(first)s::date, %(last)s::date, interval '1 day') d
                JOIN opening o ON o.dow = extract(isodow FROM d)::int - 1
                CROSS JOIN LATERAL generate_series((o.h_from * 60)::int,
                    (o.h_to * 60)::int - %(minutes)s, %(minutes)s) m
            ), drawn AS (
                SELECT g.start, x.*
                FROM grid g
                CROSS JOIN unnest(%(ops)s::int[], %(partners)s::int[], %(desks)s::int[],
                    %(combinations)s::int[]) WITH ORDINALITY AS x(op, op_partner, desk_id,
                    combination_id, ord)
                WHERE random() < %(occupancy)s
                ORDER BY g.start DESC, x.ord
                LIMIT %(count)s
            )
            SELECT row_number() OVER (ORDER BY start, ord) AS k, drawn.*,
                random() AS r_state, random() AS r_channel
            FROM drawn
            """,
            days=[day for day, _from, _to in OPENING],
            froms=[hour_from for _day, hour_from, _to in OPENING],
            tos=[hour_to for _day, _from, hour_to in OPENING],
            tz=TZ,
            first=today - timedelta(days=PAST_DAYS),
            last=today + timedelta(days=AHEAD_DAYS),
            minutes=round(DURATION * 60),
            ops=booking["operators"],
            partners=booking["operator_partners"],
            desks=[desk_of[uid] for uid in booking["operators"]],
            combinations=booking["combinations"],
            occupancy=OCCUPANCY,
            count=APPOINTMENTS - 1,  # the template makes the 50 000th
        )
    )
    cr.execute("SELECT count(*), min(start), max(start) FROM bench_grid")
    count, first, last = cr.fetchone()
    appointment_base = reserve_ids(cr, "social_appointment", count)
    event_base = reserve_ids(cr, "calendar_event", count)
    cr.execute(
        SQL(
            """
            CREATE TEMP TABLE bench_app ON COMMIT DROP AS
            SELECT g.*, %(app)s + k - 1 AS id, %(event)s + k - 1 AS event_id,
                p.id AS person_id, p.partner_id AS person_partner, p.name AS person_name,
                d.name AS desk_name, coalesce(d.city, d.name) AS location,
                state, created, row_number() OVER (
                    PARTITION BY extract(year FROM created) ORDER BY k) AS rn,
                CASE WHEN g.desk_id = %(desk)s THEN %(desk_type)s ELSE %(all_type)s END
                    AS type_id
            FROM bench_grid g
            CROSS JOIN LATERAL (SELECT
                CASE WHEN g.start < %(now)s::timestamp THEN
                    CASE WHEN r_state < 0.05 THEN 'cancelled' WHEN r_state < 0.10 THEN 'no_show'
                        ELSE 'done' END
                ELSE CASE WHEN r_state < 0.05 THEN 'cancelled' ELSE 'booked' END
                END AS state,
                least(g.start - interval '7 days' * (1 + r_channel),
                    %(now)s::timestamp - interval '1 hour') AS created) s
            JOIN social_desk d ON d.id = g.desk_id
            JOIN social_person p ON p.id = CASE WHEN mod(k, %(every)s) = 0 THEN %(portal)s
                ELSE %(person_base)s + mod(k, %(persons)s) END
            """,
            app=appointment_base,
            event=event_base,
            now=now,
            desk=booking["desk"],
            desk_type=booking["oca_type"],
            all_type=booking["oca_type_all"],
            every=PORTAL_EVERY,
            portal=booking["portal_person"],
            person_base=person_base,
            persons=PERSONS,
        )
    )
    log(f"  {count} appointments from {first:%Y-%m-%d} to {last:%Y-%m-%d} (UTC)")
    return count


def insert_events(env, booking, count):
    """The appointments' calendar events: the operator and the person attend, reminders as
    the template's; archived when the appointment is cancelled."""
    cr = env.cr
    topic_name = env["social.appointment.topic"].browse(booking["topic"]).name
    with Timer(f"{count} calendar_event rows, partners, attendees, reminders"):
        insert_like(
            cr,
            "calendar_event",
            booking["template_event"],
            {
                "id": SQL("s.event_id"),
                "name": SQL("%s || ' – ' || s.person_name", topic_name),
                "user_id": SQL("s.op"),
                "res_id": SQL("s.id"),
                "location": SQL("s.location"),
                "access_token": SQL("md5(s.event_id::text || random()::text)"),
                "active": SQL("s.state <> 'cancelled'"),
            }
            | STAMPS,
            SQL("bench_app s"),
        )
        cr.execute(
            """
            INSERT INTO calendar_event_res_partner_rel (calendar_event_id, res_partner_id)
            SELECT event_id, op_partner FROM bench_app
            UNION ALL SELECT event_id, person_partner FROM bench_app
            """
        )
        cr.execute(
            "INSERT INTO calendar_alarm_calendar_event_rel (calendar_event_id, calendar_alarm_id) "
            "SELECT s.event_id, r.calendar_alarm_id FROM bench_app s "
            "JOIN calendar_alarm_calendar_event_rel r ON r.calendar_event_id = %s",
            [booking["template_event"]],
        )
        # the attendees: the operator's and the person's rows copied from the template's
        template_appointment = env["social.appointment"].browse(booking["template_appointment"])
        for attendee in template_appointment.calendar_event_id.attendee_ids:
            is_operator = attendee.partner_id in template_appointment.operator_ids.partner_id
            partner = "op_partner" if is_operator else "person_partner"
            attendee_base = reserve_ids(cr, "calendar_attendee", count)
            insert_like(
                cr,
                "calendar_attendee",
                attendee.id,
                {
                    "id": SQL("%s + s.k - 1", attendee_base),
                    "event_id": SQL("s.event_id"),
                    "partner_id": SQL("s.%s", SQL.identifier(partner)),
                    "common_name": SQL("p.name"),
                    "access_token": SQL("md5(s.k::text || random()::text)"),
                }
                | CREATED,
                SQL("bench_app s JOIN res_partner p ON p.id = s.%s", SQL.identifier(partner)),
            )


def insert_appointments(env, booking, count):
    cr = env.cr
    with Timer(f"{count} social_appointment rows + operator rows"):
        insert_like(
            cr,
            "social_appointment",
            booking["template_appointment"],
            {
                "id": SQL("s.id"),
                "name": SQL(
                    "'APP/' || extract(year FROM s.created)::int || '/' "
                    "|| lpad(s.rn::text, greatest(5, length(s.rn::text)), '0')"
                ),
                "person_id": SQL("s.person_id"),
                "partner_id": SQL("s.person_partner"),
                "desk_id": SQL("s.desk_id"),
                "calendar_event_id": SQL("s.event_id"),
                "state": SQL("s.state"),
                "booking_channel": SQL(
                    "CASE WHEN s.r_channel < 0.4 THEN 'portal' WHEN s.r_channel < 0.8 "
                    "THEN 'phone' ELSE 'desk' END"
                ),
                "cancel_reason": SQL("CASE WHEN s.state = 'cancelled' THEN 'Disdetto' END"),
                "access_token": SQL("NULL"),
            }
            | STAMPS,
            SQL("bench_app s"),
        )
        cr.execute(
            "INSERT INTO social_appointment_operator_rel (appointment_id, user_id) "
            "SELECT id, op FROM bench_app"
        )
    with Timer("social_appointment_busy rows (exclusion constraint checked)"):
        cr.execute(
            """
            INSERT INTO social_appointment_busy (appointment_id, resource_key, start, stop)
            SELECT s.id, k.key, s.start, s.start + %s * interval '1 hour'
            FROM bench_app s
            CROSS JOIN LATERAL (VALUES ('user:' || s.op), ('person:' || s.person_id)) k(key)
            WHERE s.state IN ('booked', 'done', 'no_show')
            """,
            [DURATION],
        )


def insert_oca_bookings(env, booking):
    """The OCA side of the same appointments: a scheduled resource.booking of the operator's
    combination for each event that is not cancelled (a cancelled OCA booking has no meeting)."""
    cr = env.cr
    cr.execute("SELECT count(*) FROM bench_app WHERE state <> 'cancelled'")
    count = cr.fetchone()[0]
    base = reserve_ids(cr, "resource_booking", count)
    with Timer(f"{count} resource_booking rows (OCA) on the same events"):
        cr.execute(
            "CREATE TEMP TABLE bench_rb ON COMMIT DROP AS SELECT s.*, "
            "%s + row_number() OVER (ORDER BY k) - 1 AS booking_id "
            "FROM bench_app s WHERE state <> 'cancelled'",
            [base],
        )
        insert_like(
            cr,
            "resource_booking",
            booking["oca_booking"],
            {
                "id": SQL("s.booking_id"),
                "meeting_id": SQL("s.event_id"),
                "combination_id": SQL("s.combination_id"),
                "user_id": SQL("s.op"),
                "type_id": SQL("s.type_id"),
                "access_token": SQL("NULL"),
                "location": SQL("s.location"),
                "state": SQL("'scheduled'"),
                "active": SQL("TRUE"),
                "duration": SQL("%s", DURATION),
            }
            | STAMPS,
            SQL("bench_rb s"),
        )
        cr.execute(
            "INSERT INTO res_partner_resource_booking_rel (resource_booking_id, res_partner_id) "
            "SELECT booking_id, person_partner FROM bench_rb"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    args = parser.parse_args()
    registry = open_registry(args.config, args.database)
    started = time.perf_counter()
    with registry.cursor() as cr:  # commits on success
        env = api.Environment(cr, SUPERUSER_ID, {"lang": "en_US", **QUIET})
        if env["ir.config_parameter"].get_param(BOOKING_KEY):
            sys.exit(f"{cr.dbname} already has its booking data")
        setup = setup_of(env)
        booking = phase_orm(env, setup)
        cr.execute("SET LOCAL work_mem = '256MB'")
        cr.execute("SELECT (now() AT TIME ZONE 'UTC')::timestamp(0)")
        now = cr.fetchone()[0]
        person_base = seed_persons(env, setup, PERSONS, now)
        with Timer("the appointments drawn on the grid (temp tables)"):
            count = draw_appointments(env, setup, booking, person_base, now)
        insert_events(env, booking, count)
        insert_appointments(env, booking, count)
        insert_oca_bookings(env, booking)
        bump_sequences(env, [("social.appointment", "social_appointment")])
        env["ir.config_parameter"].set_param(BOOKING_KEY, json.dumps(booking))
        with Timer("commit"):
            cr.commit()
    with Timer("VACUUM ANALYZE"):
        vacuum_analyze(args.database, BULK_TABLES)
    log(f"  {'booking data done':<58} {time.perf_counter() - started:7.1f} s")


if __name__ == "__main__":
    main()
