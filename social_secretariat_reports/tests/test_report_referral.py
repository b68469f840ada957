from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.social_secretariat.tests.common import SocialCase


@tagged("post_install", "-at_install")
class TestReportReferral(SocialCase):
    """Referrals from desk A to desk B in every state, each step at a known instant (UTC)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.observatory = new_test_user(
            cls.env, "obs_ref", groups="social_secretariat_reports.group_social_observatory"
        )
        cls.consent = cls.make_consent(date_given="2026-01-01")
        cls.make_session(person=cls.person, user=cls.operator_a)
        cls.caritas = cls.env["res.partner"].create({"name": "Caritas (t)", "is_company": True})
        worker = cls.worker
        with freeze_time("2026-03-02 09:00:00"):
            cls.closed = cls.make_referral(urgency="urgent")
            cls.closed.action_send()
        with freeze_time("2026-03-02 14:00:00"):  # 5 h later
            cls.closed.with_user(worker).action_accept()
        with freeze_time("2026-03-04 11:00:00"):  # 50 h after sending
            cls.closed.with_user(worker).action_close("service_activated")
        with freeze_time("2026-03-02 10:00:00"):
            cls.rejected = cls.make_referral()
            cls.rejected.action_send()
        with freeze_time("2026-03-02 11:30:00"):  # 1.5 h later
            cls.rejected.with_user(worker).action_reject("", reject_reason="no_capacity")
        with freeze_time("2026-04-01 08:00:00"):
            cls.late = cls.make_referral()
            cls.late.action_send()
            cls.unanswered = cls.make_referral(
                origin_type="partner", origin_partner_id=cls.caritas.id, origin_desk_id=False
            )
            cls.unanswered.action_send()
        with freeze_time("2026-04-21 08:00:00"):  # 480 h later, well past the deadline
            cls.env["social.referral"]._cron_mark_overdue()
            cls.late.with_user(worker).action_accept()
        cls.draft = cls.make_referral(urgency="emergency")
        cls.referrals = cls.closed | cls.rejected | cls.late | cls.unanswered | cls.draft

    @classmethod
    def make_referral(cls, **values):
        vals = {
            "person_id": cls.person.id,
            "origin_type": "desk",
            "origin_desk_id": cls.desk_a.id,
            "target_service_id": cls.service_rent.id,
            "target_desk_id": cls.desk_b.id,
            "reason": "Sfratto imminente",
            "consent_id": cls.consent.id,
            "receiving_user_ids": [Command.set(cls.worker.ids)],
        }
        vals.update(values)
        return cls.env(user=cls.operator_a)["social.referral"].create(vals)

    def report(self, user=None):
        return (
            self.env["social.report.referral"]
            .with_user(user or self.env.user)
            .search([("id", "in", self.referrals.ids)])
        )

    def test_one_row_per_referral(self):
        rows = {row.id: row for row in self.report(self.observatory)}
        self.assertEqual(set(rows), set(self.referrals.ids))
        for referral in self.referrals:
            row = rows[referral.id]
            for name in (
                "company_id", "sent_date", "origin_type", "origin_desk_id", "target_service_id",
                "target_desk_id", "urgency", "state", "reject_reason", "outcome",
            ):  # fmt: skip
                self.assertEqual(row[name], referral[name], f"{name} of {referral.name}")
            self.assertEqual(row.referral_count, 1)
        self.assertEqual(rows[self.unanswered.id].origin_partner_id, self.caritas)
        self.assertFalse(rows[self.closed.id].origin_partner_id)

    def test_hours(self):
        rows = {row.id: row for row in self.report(self.observatory)}
        hours = {
            referral: (rows[referral.id].hours_to_acknowledge, rows[referral.id].hours_to_close)
            for referral in self.referrals
        }
        self.assertEqual(hours[self.closed], (5.0, 50.0))
        self.assertEqual(hours[self.rejected], (1.5, 0.0))
        self.assertEqual(hours[self.late], (480.0, 0.0))
        self.assertEqual(hours[self.unanswered], (0.0, 0.0))
        self.assertEqual(hours[self.draft], (0.0, 0.0))
        # averaged over the referrals answered (closed), not over all of them
        [(acknowledge, close, count)] = (
            self.env["social.report.referral"]
            .with_user(self.observatory)
            ._read_group(
                [("id", "in", self.referrals.ids)],
                aggregates=["hours_to_acknowledge:avg", "hours_to_close:avg", "referral_count:sum"],
            )
        )
        self.assertAlmostEqual(acknowledge, (5 + 1.5 + 480) / 3)
        self.assertEqual((close, count), (50.0, 5))

    def test_overdue(self):
        """Overdue: answered after the deadline, or unanswered and past it (the cron's flag,
        which acceptance clears on the referral but not in the analysis)."""
        self.assertFalse(self.late.is_overdue)
        overdue = self.report(self.observatory).filtered("is_overdue")
        self.assertEqual(set(overdue.ids), {self.late.id, self.unanswered.id})
        [(count,)] = (
            self.env["social.report.referral"]
            .with_user(self.observatory)
            ._read_group([("id", "in", self.referrals.ids)], aggregates=["overdue_count:sum"])
        )
        self.assertEqual(count, 2)

    def test_by_state_as_a_plain_query(self):
        groups = (
            self.env["social.report.referral"]
            .with_user(self.observatory)
            ._read_group(
                [("id", "in", self.referrals.ids)], ["state"], aggregates=["referral_count:sum"]
            )
        )
        expected = self.env["social.referral"]._read_group(
            [("id", "in", self.referrals.ids)], ["state"], aggregates=["__count"]
        )
        self.assertEqual(dict(groups), dict(expected))
        self.assertEqual(
            dict(groups),
            {"closed": 1, "rejected": 1, "accepted": 1, "sent": 1, "draft": 1},
        )

    def test_labels_in_the_readers_language(self):
        """The origin, urgency and state read the referral's labels, translated: a pivot in
        Italian shows "Inviato", not the source's "Sent"."""
        self.env["res.lang"]._activate_lang("it_IT")
        report = self.env["social.report.referral"].with_context(lang="it_IT")
        referral = self.env["social.referral"].with_context(lang="it_IT")
        for name in ("origin_type", "urgency", "state"):
            self.assertEqual(
                report._fields[name]._description_selection(report.env),
                referral._fields[name]._description_selection(referral.env),
            )
        states = dict(report._fields["state"]._description_selection(report.env))
        self.assertEqual(states["sent"], "Inviato")

    def test_access(self):
        """The observatory reads the analysis, never the referrals or the persons; an
        operator reads no analysis."""
        self.assertEqual(len(self.report(self.observatory)), 5)
        for model in ("social.referral", "social.person", "social.listening.session"):
            with self.assertRaises(AccessError, msg=model):
                self.env[model].with_user(self.observatory).search([])
        for model in ("social.report.referral", "social.report.desk"):
            with self.assertRaises(AccessError, msg=model):
                self.env[model].with_user(self.operator_a).search([])
        self.assertEqual(len(self.report(self.coordinator)), 5)
        # another Ambito's observatory sees none of this one's referrals
        other = self.env["res.company"].create({"name": "Ambito altro (t)"})
        outsider = new_test_user(
            self.env,
            "obs_ref_other",
            groups="social_secretariat_reports.group_social_observatory",
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
        )
        self.assertFalse(self.report(outsider))

    def test_no_person_and_no_text(self):
        """Only codes, links to reference data, dates and figures."""
        Report = self.env["social.report.referral"]
        for name, field in Report._fields.items():
            if name == "display_name":
                continue
            self.assertNotIn(field.type, ("char", "text", "html"), name)
            if field.type == "many2one":
                self.assertIn(
                    field.comodel_name,
                    ("res.company", "social.desk", "social.service", "res.partner"),
                    name,
                )
