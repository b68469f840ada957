from datetime import date, datetime

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from odoo.addons.social_secretariat.tests.common import SocialCase

# The fresh count, written out on the live tables (the specification of readme/INDICATORS.md,
# independent of the view the triggers use): active sessions not cancelled, once under each
# need, on the local day of the desk, with the person's profile at that day while the person
# has a file, else the session's own.
FRESH_DAILY = """
    SELECT day, s.desk_id, r.need_id, s.state, s.channel, coalesce(s.outcome, ''),
           CASE WHEN known THEN CASE
                    WHEN p.birth_date IS NULL THEN 'unknown'
                    WHEN extract(year FROM age(day, p.birth_date)) < 18 THEN '0_17'
                    WHEN extract(year FROM age(day, p.birth_date)) < 30 THEN '18_29'
                    WHEN extract(year FROM age(day, p.birth_date)) < 45 THEN '30_44'
                    WHEN extract(year FROM age(day, p.birth_date)) < 65 THEN '45_64'
                    WHEN extract(year FROM age(day, p.birth_date)) < 75 THEN '65_74'
                    ELSE '75_plus' END
                ELSE coalesce(s.anon_age_band, 'unknown') END,
           coalesce(CASE WHEN known THEN p.gender ELSE s.anon_gender END, 'unknown'),
           coalesce(CASE WHEN known THEN p.citizenship_group ELSE s.anon_citizenship_group END,
                    'unknown'),
           count(*)
    FROM social_listening_session s
    JOIN social_session_need_rel r ON r.session_id = s.id
    JOIN social_desk d ON d.id = s.desk_id
    JOIN res_company c ON c.id = d.company_id
    LEFT JOIN resource_calendar dc ON dc.id = d.resource_calendar_id
    LEFT JOIN resource_calendar cc ON cc.id = c.resource_calendar_id
    LEFT JOIN social_person p ON p.id = s.person_id,
    LATERAL (SELECT (timezone(coalesce(dc.tz, cc.tz, 'Europe/Rome'), s.date AT TIME ZONE 'UTC'))::date
             AS day, p.id IS NOT NULL AND p.is_anonymised IS NOT TRUE AS known) AS x
    WHERE s.active AND s.state != 'cancelled'
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
    ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9
"""
AGGREGATE_DAILY = """
    SELECT day, desk_id, need_id, state, channel, outcome, age_band, gender, citizenship_group,
           contacts
    FROM social_report_session_need_daily
    ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9
"""
FRESH_MONTHLY = f"""
    SELECT date_trunc('month', day)::date, desk_id, need_id, sum(count)::integer, count(*)::integer
    FROM ({FRESH_DAILY}) AS fresh (day, desk_id, need_id, a, b, c, d, e, f, count)
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
"""
AGGREGATE_MONTHLY = """
    SELECT month, desk_id, need_id, contacts, daily_rows
    FROM social_report_session_need_monthly ORDER BY 1, 2, 3
"""


@tagged("post_install", "-at_install")
class TestSessionNeedAggregate(SocialCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Report = cls.env["social.report.session.need"]
        cls.observatory = new_test_user(
            cls.env, "obs_agg", groups="social_secretariat_reports.group_social_observatory"
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

    def contacts_on(self, day, session, need):
        return sum(
            row[-1]
            for row in self.query(AGGREGATE_DAILY)
            if row[0] == day and row[1] == session.desk_id.id and row[2] == need.id
        )

    def test_every_change_keeps_the_aggregate_exact(self):
        self.assertExact("install and the demo history")
        # 23:30 in Rome on 10 March 2025 (CET, UTC+1)
        late = datetime(2025, 3, 10, 22, 30)
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
        moving = self.make_session(person=self.person, needs=self.need_rent, date=late)
        self.assertExact("create")
        self.assertEqual(self.contacts_on(date(2025, 3, 10), moving, self.need_rent), 2)

        anonymous.with_user(self.operator_a).action_cancel()
        self.assertExact("cancel")
        anonymous.with_user(self.operator_a).action_reset_draft()
        self.assertExact("back to draft")

        known.with_user(self.operator_a).write(
            {"need_ids": [Command.unlink(self.need_rent.id), Command.link(self.need_violence.id)]}
        )
        self.assertExact("edit the needs")

        known.write({"desk_id": self.desk_b.id})  # a coordinator's move (superuser here)
        self.assertExact("move to another desk")

        # 00:30 in Rome: the next day
        moving.with_user(self.operator_a).write({"date": datetime(2025, 3, 10, 23, 30)})
        self.assertExact("change the date across midnight")
        self.assertEqual(self.contacts_on(date(2025, 3, 10), moving, self.need_rent), 0)
        self.assertEqual(self.contacts_on(date(2025, 3, 11), moving, self.need_rent), 1)

        known.with_user(self.coordinator).write({"outcome": "information"})
        known.with_user(self.coordinator).action_done()
        self.assertExact("close")

        self.person.write({"gender": "other"})
        self.assertExact("change the person's profile")

        # 18 on 1 March, not on 28 February: the band changes there, in Python as in SQL
        leap = self.env["social.person"].create(
            {"first_name": "Luca", "last_name": "Bisestile", "birth_date": "2008-02-29"}
        )
        self.make_session(person=leap, date=datetime(2026, 2, 28, 12))
        before = self.assertExact("before the anonymisation")
        self.env["social.person.anonymise"].with_user(self.coordinator).create(
            {"person_ids": [Command.set((self.person | leap).ids)], "reason": "Richiesta scritta"}
        ).action_confirm()
        self.assertTrue(self.person.is_anonymised)
        self.assertEqual(leap.session_ids.anon_age_band, "0_17")
        # the sessions keep the age band at their date: the figures do not move
        self.assertEqual(self.assertExact("anonymise the person"), before)

        moving.unlink()
        self.assertExact("delete")

        known.write({"active": False})
        self.assertExact("archive")
        known.write({"active": True})
        self.assertExact("restore")

        self.calendar.write({"tz": "Europe/London"})
        self.assertExact("change the desks' time zone")

        figures = self.query(AGGREGATE_DAILY)
        self.Report._rebuild()
        self.assertEqual(self.query(AGGREGATE_DAILY), figures)
        self.assertExact("rebuild")

    def test_the_monthly_table_answers_the_same(self):
        self.make_session(person=self.person, needs=self.need_rent | self.need_elderly)
        self.make_session(needs=self.need_economic, desk=self.desk_b)
        today = date.today()
        year = [("date", ">=", date(today.year, 1, 1)), ("date", "<=", date(today.year, 12, 31))]
        groupby = ["need_id", "municipality_id", "date:month"]
        aggregates = ["contacts:sum", "__count"]
        self.assertTrue(self.Report._month_grain_fits(year, groupby, aggregates, [], None))
        by_month = self.Report._read_group(year, groupby, aggregates)
        # the same groups from the daily table: a condition on the profile that all rows meet
        daily_domain = year + [("age_band", "!=", "no such band")]
        self.assertFalse(self.Report._month_grain_fits(daily_domain, groupby, aggregates, [], None))
        self.assertEqual(self.Report._read_group(daily_domain, groupby, aggregates), by_month)
        self.assertTrue(by_month)
        # what the monthly table cannot answer goes to the daily one
        for domain, group in (
            ([("date", ">=", date(today.year, 1, 15))], groupby),
            (year, ["need_id", "date:day"]),
            (year, ["gender"]),
        ):
            self.assertFalse(self.Report._month_grain_fits(domain, group, aggregates, [], None))
        # the pivot's call, through the public API, as the observatory
        pivot = self.Report.with_user(self.observatory).read_group(
            year, ["contacts"], groupby, lazy=False
        )
        self.assertEqual(sum(group["contacts"] for group in pivot), sum(row[3] for row in by_month))

    def test_observatory_reads_aggregates_only(self):
        Report = self.Report.with_user(self.observatory)
        self.make_session(person=self.person)
        groups = Report.read_group([], ["contacts"], ["need_id"], lazy=False)
        self.assertTrue(groups)
        # labels come from the needs, readable by the observatory
        self.assertTrue(all(group["need_id"][1] for group in groups))
        for model in ("social.listening.session", "social.person", "social.referral"):
            with self.assertRaises(AccessError):
                self.env[model].with_user(self.observatory).search([])
        with self.assertRaises(AccessError):
            Report.action_rebuild()
        # operators do not see the observatory; the coordinator does
        with self.assertRaises(AccessError):
            self.Report.with_user(self.operator_a).read_group([], ["contacts"], ["need_id"])
        self.assertTrue(
            self.Report.with_user(self.coordinator).read_group([], ["contacts"], ["need_id"])
        )
