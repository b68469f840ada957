from datetime import date, datetime

from odoo import Command
from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.social_secretariat.tests.common import SocialCase

# The fresh count, written out on the live tables (the specification of readme/INDICATORS.md,
# "Contacts", independent of the view and functions the triggers use): active sessions not
# cancelled, once each, on the local day of the desk, with the person's profile at that day
# while the person has a file, else the session's own; a contact for each anonymous session
# and for each person x desk x day, under the keys of its earliest session (then lowest id).
FRESH_DAILY = """
    WITH x AS (
        SELECT s.id, s.person_id, s.date, s.desk_id, day, s.state, s.channel,
               coalesce(s.outcome, '') AS outcome,
               coalesce(s.interlocutor_relation, 'person') AS relation,
               coalesce(s.sent_by, '') AS sent_by,
               CASE WHEN known THEN CASE
                        WHEN p.birth_date IS NULL THEN 'unknown'
                        WHEN extract(year FROM age(day, p.birth_date)) < 18 THEN '0_17'
                        WHEN extract(year FROM age(day, p.birth_date)) < 30 THEN '18_29'
                        WHEN extract(year FROM age(day, p.birth_date)) < 45 THEN '30_44'
                        WHEN extract(year FROM age(day, p.birth_date)) < 65 THEN '45_64'
                        WHEN extract(year FROM age(day, p.birth_date)) < 75 THEN '65_74'
                        ELSE '75_plus' END
                    ELSE coalesce(s.anon_age_band, 'unknown') END AS age_band,
               coalesce(CASE WHEN known THEN p.gender ELSE s.anon_gender END, 'unknown')
                   AS gender,
               coalesce(
                   CASE WHEN known THEN p.citizenship_group ELSE s.anon_citizenship_group END,
                   'unknown') AS citizenship_group
        FROM social_listening_session s
        JOIN social_desk d ON d.id = s.desk_id
        JOIN res_company c ON c.id = d.company_id
        LEFT JOIN resource_calendar dc ON dc.id = d.resource_calendar_id
        LEFT JOIN resource_calendar cc ON cc.id = c.resource_calendar_id
        LEFT JOIN social_person p ON p.id = s.person_id,
        LATERAL (SELECT (timezone(coalesce(dc.tz, cc.tz, 'Europe/Rome'), s.date AT TIME ZONE 'UTC'))::date
                 AS day, p.id IS NOT NULL AND p.is_anonymised IS NOT TRUE AS known) AS k
        WHERE s.active AND s.state != 'cancelled'
    )
    SELECT day, desk_id, state, channel, outcome, relation, sent_by, age_band, gender,
           citizenship_group, count(*),
           count(*) FILTER (WHERE person_id IS NULL OR NOT EXISTS (
               SELECT 1 FROM x AS earlier
               WHERE earlier.person_id = x.person_id AND earlier.desk_id = x.desk_id
                 AND earlier.day = x.day
                 AND (earlier.date < x.date OR earlier.date = x.date AND earlier.id < x.id)))
    FROM x
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
    ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
"""
AGGREGATE_DAILY = """
    SELECT day, desk_id, state, channel, outcome, relation, sent_by, age_band, gender,
           citizenship_group, sessions, contacts
    FROM social_report_session_daily
    ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
"""
FRESH_MONTHLY = f"""
    SELECT date_trunc('month', day)::date, desk_id, sum(sessions)::integer,
           sum(contacts)::integer, count(*)::integer
    FROM ({FRESH_DAILY}) AS fresh (day, desk_id, a, b, c, d, e, f, g, h, sessions, contacts)
    GROUP BY 1, 2 ORDER BY 1, 2
"""
AGGREGATE_MONTHLY = """
    SELECT month, desk_id, sessions, contacts, daily_rows
    FROM social_report_session_monthly ORDER BY 1, 2
"""


@tagged("post_install", "-at_install")
class TestSessionAggregate(SocialCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.person_2 = cls.env["social.person"].create(
            {"first_name": "Lucia", "last_name": "Verdi", "birth_date": "1990-04-01"}
        )

    def query(self, sql):
        self.env.flush_all()
        return self.env.execute_query(SQL(sql))

    def assertExact(self, step):
        """The aggregate equals a fresh count, row by row (both tables)."""
        fresh = self.query(FRESH_DAILY)
        self.assertEqual(self.query(AGGREGATE_DAILY), fresh, f"daily table after: {step}")
        self.assertEqual(
            self.query(AGGREGATE_MONTHLY), self.query(FRESH_MONTHLY), f"monthly table after: {step}"
        )
        return fresh

    def counts_on(self, day, desk):
        """(sessions, contacts) on a local day at a desk."""
        rows = [row for row in self.query(AGGREGATE_DAILY) if row[0] == day and row[1] == desk.id]
        return sum(row[-2] for row in rows), sum(row[-1] for row in rows)

    def test_every_change_keeps_the_aggregate_exact(self):
        self.assertExact("install and the demo history")
        # 23:30 in Rome on 10 March 2025 (CET, UTC+1)
        late = datetime(2025, 3, 10, 22, 30)
        day = date(2025, 3, 10)
        known = self.make_session(
            person=self.person, needs=self.need_rent | self.need_elderly, date=late, channel="phone"
        )
        anonymous = self.make_session(
            needs=self.need_economic,
            date=late,
            anon_age_band="65_74",
            anon_gender="female",
            anon_citizenship_group="eu",
        )
        # no need at all: counted too
        moving = self.make_session(
            person=self.person, date=datetime(2025, 3, 10, 9), need_ids=[Command.clear()]
        )
        self.assertFalse(moving.need_ids)
        self.assertExact("create")
        # the person twice on the day (one contact), the anonymous session once
        self.assertEqual(self.counts_on(day, self.desk_a), (3, 2))

        anonymous.with_user(self.operator_a).action_cancel()
        self.assertExact("cancel")
        anonymous.with_user(self.operator_a).action_reset_draft()
        self.assertExact("back to draft")

        known.with_user(self.operator_a).write(
            {"interlocutor_relation": "family", "sent_by": "health", "channel": "in_person"}
        )
        self.assertExact("edit who turned up, who sent them, the channel")
        known.with_user(self.operator_a).write(
            {"need_ids": [Command.unlink(self.need_rent.id), Command.link(self.need_violence.id)]}
        )
        self.assertExact("edit the needs")

        known.write({"desk_id": self.desk_b.id})  # a coordinator's move (superuser here)
        self.assertExact("move to another desk")
        self.assertEqual(self.counts_on(day, self.desk_a), (2, 2))
        self.assertEqual(self.counts_on(day, self.desk_b), (1, 1))

        # 00:30 in Rome: the next day
        moving.with_user(self.operator_a).write({"date": datetime(2025, 3, 10, 23, 30)})
        self.assertExact("change the date across midnight")
        self.assertEqual(self.counts_on(day, self.desk_a), (1, 1))
        self.assertEqual(self.counts_on(date(2025, 3, 11), self.desk_a), (1, 1))

        known.with_user(self.coordinator).write({"outcome": "information"})
        known.with_user(self.coordinator).action_done()
        self.assertExact("close")

        self.person.write({"gender": "other"})
        self.assertExact("change the person's profile")

        before = self.assertExact("before the anonymisation")
        self.env["social.person.anonymise"].with_user(self.coordinator).create(
            {"person_ids": [Command.set(self.person.ids)], "reason": "Richiesta scritta"}
        ).action_confirm()
        self.assertTrue(self.person.is_anonymised)
        # the sessions keep the profile at their date, the person stays one person
        self.assertEqual(self.assertExact("anonymise the person"), before)

        moving.unlink()
        self.assertExact("delete")

        known.write({"active": False})
        self.assertExact("archive")
        known.write({"active": True})
        self.assertExact("restore")

        other = self.env["social.person"].create({"first_name": "Anna", "last_name": "Cancellata"})
        self.make_session(person=other, date=late)
        # the ORM refuses it; an SQL clean-up does not (the trigger of the needs' aggregate
        # makes the sessions anonymous first)
        self.env.flush_all()
        self.env.cr.execute(SQL("DELETE FROM social_person WHERE id = %s", other.id))
        self.env.invalidate_all()
        self.assertExact("delete a person: their sessions become anonymous")

        self.calendar.write({"tz": "Europe/London"})
        self.assertExact("change the desks' time zone")

        figures = self.query(AGGREGATE_DAILY)
        self.env["social.report.contact"]._rebuild()
        self.assertEqual(self.query(AGGREGATE_DAILY), figures)
        self.assertExact("rebuild")

    def test_one_contact_a_day_whoever_carries_it(self):
        """Two sessions of a person on one day at one desk: two sessions, one contact, under
        the keys of the earlier; the earlier removed, the later carries it."""
        morning = self.make_session(
            person=self.person_2, date=datetime(2025, 5, 6, 7), channel="phone"
        )
        afternoon = self.make_session(
            person=self.person_2, date=datetime(2025, 5, 6, 14), sent_by="school"
        )
        # another desk, and the next day: contacts of their own
        self.make_session(person=self.person_2, date=datetime(2025, 5, 6, 15), desk=self.desk_b)
        self.make_session(person=self.person_2, date=datetime(2025, 5, 7, 8))
        self.assertExact("two sessions on a day")
        day = date(2025, 5, 6)
        self.assertEqual(self.counts_on(day, self.desk_a), (2, 1))
        self.assertEqual(self.counts_on(day, self.desk_b), (1, 1))
        rows = {
            (row[3], row[6]): row[-2:]
            for row in self.query(AGGREGATE_DAILY)
            if row[0] == day and row[1] == self.desk_a.id
        }
        self.assertEqual(rows, {("phone", ""): (1, 1), ("in_person", "school"): (1, 0)})

        # the later one moved before the earlier: it carries the contact now
        afternoon.write({"date": datetime(2025, 5, 6, 6)})
        self.assertExact("the later one moved first")
        morning.unlink()
        self.assertExact("the earlier one removed")
        self.assertEqual(self.counts_on(day, self.desk_a), (1, 1))
        afternoon.with_user(self.operator_a).action_cancel()
        self.assertExact("the other one cancelled")
        self.assertEqual(self.counts_on(day, self.desk_a), (0, 0))
        self.assertFalse(
            [
                row
                for row in self.query(AGGREGATE_DAILY)
                if row[0] == day and row[1] == self.desk_a.id
            ],
            "no row left behind",
        )

    def test_statements_of_several_rows(self):
        """SQL statements changing several sessions of one group at once (the AFTER triggers
        of their rows run at the end of the statement, the BEFORE ones row by row)."""
        day = datetime(2025, 6, 3)
        first, second, third = (
            self.make_session(person=self.person_2, date=day.replace(hour=hour), channel=channel)
            for hour, channel in ((8, "phone"), (9, "in_person"), (10, "email"))
        )
        self.assertExact("three sessions of a person on a day")
        ids = (first | second | third).ids

        def execute(query, *args):
            self.env.flush_all()
            self.env.cr.execute(SQL(query, *args))
            self.env.invalidate_all()

        execute(
            "UPDATE social_listening_session SET channel = 'email', sent_by = 'school' "
            "WHERE id = ANY(%s)",
            ids[:2],
        )
        self.assertExact("two of them changed by one statement")
        # the carrier changes within the statement: the first goes last, the third first
        execute(
            "UPDATE social_listening_session SET date = CASE id WHEN %s THEN %s ELSE %s END "
            "WHERE id = ANY(%s)",
            first.id,
            day.replace(hour=11),
            day.replace(hour=7),
            [first.id, third.id],
        )
        self.assertExact("the carrier swapped by one statement")
        execute(
            "INSERT INTO social_listening_session (name, desk_id, company_id, person_id, date, "
            "state, channel, active, is_anonymous, is_special_category) "
            "SELECT 'SQL ' || n, %s, %s, %s, %s - interval '1 hour' * n, 'draft', 'phone', "
            "true, false, false FROM generate_series(1, 3) AS n",
            self.desk_a.id,
            self.desk_a.company_id.id,
            self.person_2.id,
            day.replace(hour=6),
        )
        self.assertExact("three sessions of the group inserted by one statement")
        execute("DELETE FROM social_listening_session WHERE id = ANY(%s)", ids[1:])
        self.assertExact("two deleted by one statement")
        execute(
            "UPDATE social_listening_session SET state = 'cancelled' WHERE person_id = %s",
            self.person_2.id,
        )
        self.assertExact("all cancelled by one statement")
        self.assertEqual(self.counts_on(day.date(), self.desk_a), (0, 0))
