from datetime import datetime

from odoo import Command
from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.social_secretariat.tests.common import SocialCase

# The fresh count, written out on the live tables (the specification of readme/INDICATORS.md,
# "Persons", independent of the view and the function the triggers use): per person with a
# file x local month at the desk x desk, the counted sessions; new in the person's first month
# in the desk's Ambito; the profile of the person's first session of the month in the Ambito
# (the file's while not anonymised, else the one copied onto the session).
FRESH = """
    WITH s AS (
        SELECT s.id, s.date, s.person_id, s.desk_id, d.company_id, d.municipality_id,
               date_trunc('month', x.day)::date AS month,
               CASE WHEN x.known THEN CASE
                        WHEN p.birth_date IS NULL THEN 'unknown'
                        WHEN extract(year FROM age(x.day, p.birth_date)) < 18 THEN '0_17'
                        WHEN extract(year FROM age(x.day, p.birth_date)) < 30 THEN '18_29'
                        WHEN extract(year FROM age(x.day, p.birth_date)) < 45 THEN '30_44'
                        WHEN extract(year FROM age(x.day, p.birth_date)) < 65 THEN '45_64'
                        WHEN extract(year FROM age(x.day, p.birth_date)) < 75 THEN '65_74'
                        ELSE '75_plus' END
                    ELSE coalesce(s.anon_age_band, 'unknown') END AS age_band,
               coalesce(CASE WHEN x.known THEN p.gender ELSE s.anon_gender END, 'unknown')
                   AS gender,
               coalesce(CASE WHEN x.known THEN p.citizenship_group
                             ELSE s.anon_citizenship_group END, 'unknown') AS citizenship,
               CASE WHEN x.known THEN p.residence_municipality_id
                    ELSE s.anon_municipality_id END AS residence
        FROM social_listening_session s
        JOIN social_person p ON p.id = s.person_id
        JOIN social_desk d ON d.id = s.desk_id
        JOIN res_company c ON c.id = d.company_id
        LEFT JOIN resource_calendar dc ON dc.id = d.resource_calendar_id
        LEFT JOIN resource_calendar cc ON cc.id = c.resource_calendar_id,
        LATERAL (SELECT (timezone(coalesce(dc.tz, cc.tz, 'Europe/Rome'),
                                  s.date AT TIME ZONE 'UTC'))::date AS day,
                        p.is_anonymised IS NOT TRUE AS known) AS x
        WHERE s.active AND s.state != 'cancelled'
    )
    SELECT r.month, r.desk_id, r.person_id, r.company_id,
           r.month = (SELECT min(o.month) FROM s o
                      WHERE o.person_id = r.person_id AND o.company_id = r.company_id),
           (SELECT array[f.age_band, f.gender, f.citizenship, f.residence::varchar] FROM s f
            WHERE f.person_id = r.person_id AND f.company_id = r.company_id
              AND f.month = r.month
            ORDER BY f.date, f.id LIMIT 1),
           count(*)::integer,
           r.municipality_id,
           r.desk_id = (SELECT min(o.desk_id) FROM s o
                        WHERE o.person_id = r.person_id AND o.company_id = r.company_id
                          AND o.month = r.month
                          AND o.municipality_id IS NOT DISTINCT FROM r.municipality_id),
           r.desk_id = (SELECT min(o.desk_id) FROM s o
                        WHERE o.person_id = r.person_id AND o.company_id = r.company_id
                          AND o.month = r.month)
    FROM s r
    GROUP BY r.month, r.desk_id, r.person_id, r.company_id, r.municipality_id
    ORDER BY 1, 2, 3
"""
AGGREGATE = """
    SELECT month, desk_id, person_id, company_id, is_new,
           array[age_band, gender, citizenship_group, residence_municipality_id::varchar],
           sessions, municipality_id, first_in_municipality, first_in_month
    FROM social_report_person_monthly
    ORDER BY 1, 2, 3
"""
FRESH_SUMMARY = f"""
    SELECT month, coalesce(municipality_id, 0), company_id, is_new,
           (count(*) FILTER (WHERE first_in_municipality))::integer, count(*)::integer
    FROM ({FRESH}) AS fresh
        (month, desk_id, person_id, company_id, is_new, profile, sessions, municipality_id,
         first_in_municipality, first_in_month)
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
"""
SUMMARY = """
    SELECT month, municipality_id, company_id, is_new, persons, rows
    FROM social_report_person_municipality ORDER BY 1, 2, 3, 4
"""
FIRSTS = """
    SELECT person_id, company_id, month FROM social_report_person_first ORDER BY 1, 2
"""
FRESH_FIRSTS = f"""
    SELECT person_id, company_id, min(month) FROM ({FRESH}) AS fresh
        (month, desk_id, person_id, company_id, is_new, profile, sessions, municipality_id,
         first_in_municipality, first_in_month)
    GROUP BY 1, 2 ORDER BY 1, 2
"""


@tagged("post_install", "-at_install")
class TestPersonAggregate(SocialCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Report = cls.env["social.report.person"]
        cls.anna = cls.env["social.person"].create(
            {
                "first_name": "Anna",
                "last_name": "Verdi",
                "birth_date": "1960-04-02",
                "gender": "female",
                "residence_municipality_id": cls.segrate.id,
            }
        )

    def query(self, sql):
        self.env.flush_all()
        return self.env.execute_query(SQL(sql))

    def assertExact(self, step):
        """The aggregate equals a fresh count, row by row, and so do the first months."""
        fresh = self.query(FRESH)
        self.assertEqual(self.query(AGGREGATE), fresh, f"person rows after: {step}")
        self.assertEqual(self.query(FIRSTS), self.query(FRESH_FIRSTS), f"firsts after: {step}")
        self.assertEqual(
            self.query(SUMMARY), self.query(FRESH_SUMMARY), f"municipality table after: {step}"
        )
        return fresh

    def rows_of(self, person):
        return [row for row in self.query(AGGREGATE) if row[2] == person.id]

    def test_every_change_keeps_the_aggregate_exact(self):
        self.assertExact("install and the demo history")
        march = self.make_session(
            person=self.person, needs=self.need_rent, date=datetime(2025, 3, 10, 9)
        )
        # 00:30 on 1 April in Rome (CEST): April at the desk, March in UTC
        april = self.make_session(
            person=self.person, desk=self.desk_b, date=datetime(2025, 3, 31, 22, 30)
        )
        anonymous = self.make_session(
            date=datetime(2025, 3, 10, 9), anon_age_band="65_74", anon_gender="female"
        )
        anna = self.make_session(person=self.anna, date=datetime(2025, 3, 12, 9))
        self.assertExact("create")
        self.assertFalse([row for row in self.query(AGGREGATE) if row[2] is None])

        anna.with_user(self.operator_a).action_cancel()
        self.assertExact("cancel")
        anna.with_user(self.operator_a).action_reset_draft()
        self.assertExact("back to draft")

        april.write({"desk_id": self.desk_a.id})  # a coordinator's move (superuser here)
        self.assertExact("move to another desk")

        april.with_user(self.operator_a).write(
            {"date": datetime(2025, 3, 31, 21, 30)}  # 23:30 on 31 March in Rome
        )
        self.assertExact("change the date across the month's end")
        april.write({"desk_id": self.desk_b.id})
        # two desks of one municipality: one row of the month flagged first in it
        self.desk_b.write({"municipality_id": self.pioltello.id})
        self.assertExact("a desk moved to another municipality")
        self.desk_b.write({"municipality_id": self.segrate.id})
        self.assertExact("the desk moved back")

        # an earlier session moves "new" to its month
        self.make_session(person=self.person, date=datetime(2025, 2, 20, 9))
        self.assertExact("an earlier session")
        march.unlink()
        self.assertExact("delete a session")

        anonymous.write({"person_id": self.anna.id})
        self.assertExact("a session given to a person")
        anna.write({"person_id": self.person.id})
        self.assertExact("a session moved to another person")

        self.person.write({"citizenship_group": "eu", "residence_municipality_id": False})
        # 65 on 2 March 2025: another age band from March
        self.anna.write(
            {"birth_date": "1960-03-02", "gender": "other", "residence_municipality_id": False}
        )
        self.assertExact("change the persons' profile")

        before = self.assertExact("before the anonymisation")
        self.env["social.person.anonymise"].with_user(self.coordinator).create(
            {"person_ids": [Command.set(self.person.ids)], "reason": "Richiesta scritta"}
        ).action_confirm()
        self.assertTrue(self.person.is_anonymised)
        # the profile copied onto the sessions: the figures do not move
        self.assertEqual(self.assertExact("anonymise the person"), before)

        anna.write({"active": False})
        self.assertExact("archive")
        anna.write({"active": True})
        self.assertExact("restore")

        gone = self.env["social.person"].create({"first_name": "Ugo", "last_name": "Neri"})
        self.make_session(person=gone, date=datetime(2025, 5, 5, 9))
        self.assertTrue(self.rows_of(gone))
        # the form refuses to delete a file with sessions; SQL and cascades do not ask
        self.env.flush_all()
        self.env.cr.execute(SQL("DELETE FROM social_person WHERE id = %s", gone.id))
        self.env.invalidate_all()
        self.assertExact("delete a person")
        self.assertFalse(self.rows_of(gone))

        self.calendar.write({"tz": "Europe/London"})
        self.assertExact("change the desks' time zone")

        self.make_session(person=self.anna, desk=self.desk_b, date=datetime(2025, 6, 5, 9))
        other = self.env["res.company"].create({"name": "Ambito 2 (test)"})
        self.env.flush_all()
        # straight in SQL: the ORM's company checks are not what is tested here
        self.env.cr.execute(
            SQL("UPDATE social_desk SET company_id = %s WHERE id = %s", other.id, self.desk_b.id)
        )
        self.env.invalidate_all()
        fresh = self.assertExact("a desk moved to another Ambito")
        # new in June in the other Ambito
        self.assertIn(
            True, [row[4] for row in fresh if row[2] == self.anna.id and row[3] == other.id]
        )

        figures = self.query(AGGREGATE)
        self.Report._rebuild()
        self.assertEqual(self.query(AGGREGATE), figures)
        self.assertExact("rebuild")
