from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.social_secretariat.tests.common_appointment import AppointmentCase, utc


@tagged("post_install", "-at_install")
class TestReportDesk(AppointmentCase):
    """Desk B in March and April 2026 (Rome time): sessions on both sides of the month's end
    at midnight, and appointments in every state."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.observatory = new_test_user(
            cls.env, "obs_desk", groups="social_secretariat_reports.group_social_observatory"
        )
        with freeze_time("2026-03-23 08:10:00"):
            cls.held = cls.book_at("2026-03-25 10:00", cls.person)
            cls.missed = cls.book_at("2026-03-25 10:30", cls.person_2)
            cls.cancelled = cls.book_at("2026-03-25 11:00", cls.person_3)
            cls.pending = cls.book_at("2026-03-26 10:00", cls.person)
            cls.missed_april = cls.book_at("2026-04-01 10:00", cls.person_2)
        with freeze_time("2026-04-02 12:00:00"):
            staff = cls.operator_b
            cls.held.with_user(staff).action_done()
            (cls.missed | cls.missed_april).with_user(staff).action_no_show()
            cls.cancelled.with_user(staff).action_cancel("Ha telefonato")
        with freeze_time("2026-04-10 12:00:00"):
            session = cls.make_session
            desk = cls.desk_b
            # 23:30 on 31 March in Rome is 21:30 UTC: March
            session(desk=desk, user=staff, date=utc("2026-03-31 23:30"))
            # 00:30 on 1 April in Rome is still 31 March in UTC: April
            session(desk=desk, user=staff, date=utc("2026-04-01 00:30"))
            # two needs: one contact
            session(
                desk=desk,
                user=staff,
                date=utc("2026-03-10 10:00"),
                needs=cls.need_rent | cls.need_elderly,
            )
            session(desk=desk, user=staff, date=utc("2026-03-11 10:00")).action_cancel()
            session(desk=desk, user=staff, date=utc("2026-03-12 10:00")).active = False

    @classmethod
    def book_at(cls, start_local, person):
        return cls.topic._book(person, cls.desk_b, utc(start_local), "phone")

    def rows(self, user=None):
        Report = self.env["social.report.desk"].with_user(user or self.env.user)
        return {row.month: row for row in Report.search([("desk_id", "=", self.desk_b.id)])}

    def test_counts(self):
        rows = self.rows(self.observatory)
        self.assertEqual(set(rows), {date(2026, 3, 1), date(2026, 4, 1)})
        march, april = rows[date(2026, 3, 1)], rows[date(2026, 4, 1)]
        self.assertEqual(march.municipality_id, self.segrate)
        self.assertEqual(
            (march.sessions, march.contacts, march.appointments, march.booked, march.done),
            (2, 2, 4, 1, 1),
        )
        self.assertEqual((march.cancelled, march.no_show, march.no_show_rate), (1, 1, 50.0))
        self.assertEqual(
            (april.contacts, april.appointments, april.no_show, april.no_show_rate),
            (1, 1, 1, 100.0),
        )

    def test_counts_as_a_plain_query(self):
        """Each figure is what a plain count on the live records gives, month by month."""
        Appointment = self.env["social.appointment"]
        Session = self.env["social.listening.session"]
        for month, (start, stop) in {
            date(2026, 3, 1): ("2026-03-01 00:00", "2026-04-01 00:00"),
            date(2026, 4, 1): ("2026-04-01 00:00", "2026-05-01 00:00"),
        }.items():
            row = self.rows()[month]
            within = [("desk_id", "=", self.desk_b.id)]
            appointments = within + [("start", ">=", utc(start)), ("start", "<", utc(stop))]
            sessions = within + [("date", ">=", utc(start)), ("date", "<", utc(stop))]
            self.assertEqual(
                row.contacts, Session.search_count(sessions + [("state", "!=", "cancelled")])
            )
            # anonymous sessions only: each one a contact
            self.assertEqual(row.sessions, row.contacts)
            self.assertEqual(row.appointments, Appointment.search_count(appointments))
            for state in ("booked", "done", "cancelled", "no_show"):
                self.assertEqual(
                    row[state],
                    Appointment.search_count(appointments + [("state", "=", state)]),
                    f"{state} in {month}",
                )

    def test_sessions_and_contacts(self):
        """A person twice on a day at the desk: two sessions, one contact; the next day a
        contact again. From the aggregate kept by the triggers (data/session_aggregate.sql)."""
        for start in ("2026-05-04 09:00", "2026-05-04 16:00", "2026-05-05 09:00"):
            self.make_session(
                desk=self.desk_b, user=self.operator_b, person=self.person_2, date=utc(start)
            )
        may = self.rows(self.observatory)[date(2026, 5, 1)]
        self.assertEqual((may.sessions, may.contacts, may.appointments), (3, 2, 0))

    def test_no_show_rate_of_a_group(self):
        """The rate of two months together is the rate of their appointments (2 no-shows out
        of 3 held or missed), not the average of the two months' rates."""
        [(no_show, done, rate)] = (
            self.env["social.report.desk"]
            .with_user(self.observatory)
            ._read_group(
                [("desk_id", "=", self.desk_b.id)],
                aggregates=["no_show:sum", "done:sum", "no_show_rate:avg"],
            )
        )
        self.assertEqual((no_show, done), (2, 1))
        self.assertAlmostEqual(rate, 200 / 3)
        groups = (
            self.env["social.report.desk"]
            .with_user(self.observatory)
            .read_group(
                [("desk_id", "=", self.desk_b.id)],
                ["no_show_rate:avg"],
                ["month:month"],
            )
        )
        self.assertEqual([g["no_show_rate"] for g in groups], [50.0, 100.0])

    def test_access(self):
        operator = self.operator_b
        with self.assertRaises(AccessError):
            self.env["social.report.desk"].with_user(operator).search([])
        with self.assertRaises(AccessError):
            self.env["social.appointment"].with_user(self.observatory).search([])
        # another Ambito's observatory sees none of this one's desks
        other = self.env["res.company"].create({"name": "Ambito altro (t)"})
        outsider = new_test_user(
            self.env,
            "obs_desk_other",
            groups="social_secretariat_reports.group_social_observatory",
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
        )
        self.assertFalse(self.rows(outsider))
