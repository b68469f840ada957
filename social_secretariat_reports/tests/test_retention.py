from datetime import datetime

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import models
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from odoo.addons.social_secretariat.tests.common_appointment import AppointmentCase, utc

# the cron's "now": with the default period of 60 months, the cut is 20 March 2021
NOW = datetime(2026, 3, 20, 12, 0)
# the observatory's analyses whose figures the retention must not move (those not installed
# yet are skipped)
ANALYSES = (
    "social.report.session.need",
    "social.report.contact",
    "social.report.person",
    "social.report.unmet.need",
    "social.report.desk",
    "social.report.referral",
)


@tagged("post_install", "-at_install")
class TestRetention(AppointmentCase):
    """Files created in 2015. Past the period: Giulia (sessions in 2019 and January 2021,
    across an age band), Paolo (a session in 2020) and Sara (no contact at all). Kept: Luca
    (a session in 2024), Marco (an appointment after the cron's "now") and Anna (a referral
    still open, created in 2019)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.social_coordinator_id = cls.coordinator
        Person = cls.env["social.person"]

        def person(first, last, **values):
            return Person.create({"first_name": first, "last_name": last, **values})

        cls.giulia = person(
            "Giulia",
            "Neri",
            birth_date="1955-06-15",
            gender="female",
            citizenship_id=cls.env.ref("base.sn").id,
            residence_municipality_id=cls.segrate.id,
        )
        cls.paolo = person("Paolo", "Bruni", birth_date="1990-02-01", gender="male")
        cls.sara = person("Sara", "Gialli")
        cls.luca = person("Luca", "Blu", birth_date="1970-01-01")
        cls.marco = person("Marco", "Viola")
        cls.anna = person("Anna", "Rosa")
        session = cls.make_session
        # 63 years old, then 65 (00:30 in Rome: 9 January in UTC, 10 January at the desk)
        session(person=cls.giulia, date=utc("2019-03-01 10:00"))
        session(
            person=cls.giulia,
            date=utc("2021-01-10 00:30"),
            needs=cls.need_rent | cls.need_elderly,
        )
        session(person=cls.paolo, desk=cls.desk_b, date=utc("2020-05-05 10:00"))
        session(person=cls.luca, date=utc("2024-05-10 10:00"))
        for old in (cls.marco, cls.anna):
            session(person=old, date=utc("2019-03-01 11:00"))
        with freeze_time("2026-03-23 08:10:00"):
            cls.appointment = cls.topic._book(
                cls.marco, cls.desk_b, utc("2026-03-25 10:00"), "phone"
            )
        consent = cls.make_consent(person=cls.anna, date_given="2019-03-01")
        cls.referral = cls.env["social.referral"].create(
            {
                "person_id": cls.anna.id,
                "origin_type": "desk",
                "origin_desk_id": cls.desk_a.id,
                "target_service_id": cls.service_rent.id,
                "target_desk_id": cls.desk_b.id,
                "reason": "Sfratto",
                "consent_id": consent.id,
            }
        )
        cls.env.flush_all()
        persons = cls.giulia | cls.paolo | cls.sara | cls.luca | cls.marco | cls.anna
        cls.env.cr.execute(
            SQL(
                "UPDATE social_person SET create_date = '2015-01-01' WHERE id IN %s",
                tuple(persons.ids),
            )
        )
        cls.env.cr.execute(
            SQL(
                "UPDATE social_referral SET create_date = '2019-03-01' WHERE id = %s",
                cls.referral.id,
            )
        )
        cls.env.invalidate_all()
        cls.expired = cls.giulia | cls.paolo | cls.sara
        cls.kept = cls.luca | cls.marco | cls.anna | cls.person

    def run_retention(self, batch_size=200):
        """The cron's calls until nothing is left (the runner calls again while some are)."""
        Person = self.env["social.person"]
        calls = [Person._cron_retention(batch_size=batch_size, now=NOW)]
        while calls[-1]:
            calls.append(Person._cron_retention(batch_size=batch_size, now=NOW))
        return calls

    def figures(self):
        """Every analysis grouped by all its dimensions, with all its measures."""
        result = {}
        for name in ANALYSES:
            if name not in self.env:
                continue
            Model = self.env[name]
            groupby, aggregates = [], ["__count"]
            for fname, field in Model._fields.items():
                if fname == "id" or not field.store:
                    continue
                if field.type in ("integer", "float", "monetary"):
                    if field.aggregator:
                        aggregates.append(f"{fname}:{field.aggregator}")
                elif field.type in ("date", "datetime"):
                    groupby.append(f"{fname}:day")
                elif field.type in ("many2one", "selection", "char", "boolean"):
                    groupby.append(fname)
            rows = Model._read_group([], groupby, aggregates)
            result[name] = sorted(
                repr(
                    tuple(
                        value.id if isinstance(value, models.BaseModel) else value for value in row
                    )
                )
                for row in rows
            )
        return result

    def test_who_is_past_the_period(self):
        due = self.env["social.person"]._retention_due(NOW)
        self.assertEqual(set(due) & set((self.expired | self.kept).ids), set(self.expired.ids))
        self.assertEqual(due, sorted(due), "oldest file first")

    def test_anonymised_in_batches(self):
        self.assertEqual(self.run_retention(batch_size=2), [1, 0])
        self.assertEqual(set(self.expired.mapped("is_anonymised")), {True})
        self.assertEqual(set(self.kept.mapped("is_anonymised")), {False})
        self.assertEqual(self.giulia.last_name, f"#{self.giulia.id}")
        self.assertFalse(self.giulia.session_ids.mapped("request")[0])
        log = self.env["social.person.access.log"].search(
            [("person_id", "=", self.giulia.id), ("event", "=", "anonymise")]
        )
        self.assertEqual(log.details, self.env["social.person"]._retention_reason(self.company))
        self.assertEqual(self.run_retention(), [0], "nothing left for the next night")

    def test_figures_unchanged(self):
        """The observatory counts the same before and after: the profile at each session's
        date is kept on the sessions."""
        before = self.figures()
        for name, rows in before.items():
            self.assertTrue(rows, f"{name} has figures to compare")
        self.run_retention()
        self.assertTrue(self.giulia.is_anonymised)
        self.assertEqual(
            sorted(self.giulia.session_ids.mapped("anon_age_band")), ["45_64", "65_74"]
        )
        self.assertEqual(self.figures(), before)

    def test_batch_stops_at_its_time(self):
        """A batch ends when its time is up (here at once: one file per call)."""
        Person = self.env["social.person"]
        calls = [Person._cron_retention(now=NOW, seconds=0) for __ in range(3)]
        self.assertEqual(calls, [1, 1, 0])
        self.assertEqual(set(self.expired.mapped("is_anonymised")), {True})

    def test_summary_to_the_coordinator(self):
        # the summary is written in the coordinator's language: read it in the source's
        self.coordinator.lang = "en_US"
        self.run_retention(batch_size=2)
        messages = self.env["mail.message"].search(
            [("partner_ids", "in", self.coordinator.partner_id.ids), ("model", "=", False)]
        )
        summary = messages.filtered(lambda m: "retention" in (m.subject or "").lower())
        self.assertEqual(len(summary), 1, "one summary when the run ends, not one per batch")
        body = str(summary.body)
        self.assertIn("3 files", body)
        self.assertIn(self.company.name, body)
        for name in ("Giulia", "Neri", "Paolo", "Sara"):
            self.assertNotIn(name, body)

    def test_period_zero_keeps_everything(self):
        self.company.social_retention_months = 0
        self.assertFalse(set(self.env["social.person"]._retention_due(NOW)) & set(self.expired.ids))

    def test_period_not_negative(self):
        self.assertEqual(
            self.env["res.company"].create({"name": "New (t)"}).social_retention_months, 60
        )
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            self.company.social_retention_months = -1
            self.company.flush_recordset()

    def test_the_cron(self):
        """The scheduled action as the scheduler runs it: progress reported, today's date
        (the files of 2019-2021 are past the period)."""
        cron = self.env.ref("social_secretariat_reports.ir_cron_social_retention")
        self.assertTrue(cron.active)
        cron.method_direct_trigger()
        self.assertEqual(set(self.expired.mapped("is_anonymised")), {True})
        self.assertEqual(set(self.kept.mapped("is_anonymised")), {False})
        progress = self.env["ir.cron.progress"].search(
            [("cron_id", "=", cron.id)], order="id desc", limit=1
        )
        self.assertEqual((progress.done, progress.remaining), (3, 0))
