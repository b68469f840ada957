from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import SocialCase


@tagged("post_install", "-at_install")
class TestReferralAnswers(SocialCase):
    """Rejection reasons, late referrals (reminder, then escalation), emergencies on call."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.consent = cls.make_consent(date_given="2026-01-01")
        cls.make_session(person=cls.person, user=cls.operator_a)
        cls.on_call = cls.env["res.users"].create(
            {
                "name": "Reperibile PIS",
                "login": "on_call_t",
                "email": "pis@example.com",
                "groups_id": [Command.set(cls.env.ref("base.group_user").ids)],
            }
        )

    def make_sent(self, **values):
        vals = {
            "person_id": self.person.id,
            "origin_type": "desk",
            "origin_desk_id": self.desk_a.id,
            "target_service_id": self.service_rent.id,
            "target_desk_id": self.desk_b.id,
            "reason": "Sfratto imminente",
            "consent_id": self.consent.id,
            "receiving_user_ids": [Command.set(self.worker.ids)],
            **values,
        }
        referral = self.env["social.referral"].with_user(self.operator_a).create(vals)
        referral.action_send()
        return referral

    def reject_wizard(self, referral, **values):
        return (
            self.env["social.referral.transition"]
            .with_user(self.worker)
            .create({"referral_ids": [Command.set(referral.ids)], "transition": "reject", **values})
        )

    def test_person_required_except_from_partners(self):
        Referral = self.env["social.referral"].with_user(self.operator_a)
        with self.assertRaisesRegex(ValidationError, "say who is referred"):
            Referral.create({"origin_desk_id": self.desk_a.id, "reason": "x", "person_id": False})

    def test_reject_reasons(self):
        referral = self.make_sent()
        with self.assertRaisesRegex(UserError, "say why"):
            self.reject_wizard(referral, reject_reason="other").action_confirm()
        with self.assertRaisesRegex(UserError, "from the list"):
            referral.with_user(self.worker).action_reject("x", "bad")
        self.reject_wizard(referral, reject_reason="no_capacity").action_confirm()
        self.assertEqual(referral.state, "rejected")
        self.assertEqual(referral.reject_reason, "no_capacity")
        self.assertFalse(referral.state_reason)
        told = referral.message_ids.filtered(lambda m: self.operator_a.partner_id in m.partner_ids)
        self.assertIn("No capacity", told[0].body)
        # "other" with its text; the callers of before the list still reject with a text
        other = self.make_sent()
        other.with_user(self.worker).action_reject("Non di nostra competenza")
        self.assertEqual(other.reject_reason, "other")
        self.assertEqual(other.state_reason, "Non di nostra competenza")
        told = other.message_ids.filtered(lambda m: self.operator_a.partner_id in m.partner_ids)
        self.assertIn("Other – Non di nostra competenza", told[0].body)
        with self.assertRaisesRegex(UserError, "change only through the buttons"):
            other.with_user(self.coordinator).write({"reject_reason": "no_capacity"})

    def test_late_referral_reminds_then_escalates_once(self):
        company = self.env.company
        company.write({"social_coordinator_id": self.coordinator.id, "social_escalation_hours": 24})
        with freeze_time("2026-03-02 08:00:00"):
            late = self.make_sent(urgency="urgent")  # acknowledge by 2026-03-03 08:00
        Referral = self.env["social.referral"]

        def coordinator_activities():
            return late.activity_ids.filtered(lambda a: a.user_id == self.coordinator)

        def reminders():
            return late.message_ids.filtered(lambda m: "Reminder" in (m.body or ""))

        with freeze_time("2026-03-03 07:00:00"):
            Referral._cron_mark_overdue()
        self.assertFalse(late.is_overdue)
        with freeze_time("2026-03-03 09:00:00"):
            Referral._cron_mark_overdue()
            Referral._cron_mark_overdue()
        self.assertTrue(late.is_overdue)
        self.assertEqual(len(reminders()), 1)
        self.assertIn(self.worker.partner_id, reminders().partner_ids)
        self.assertIn(
            "Reminder",
            " ".join(
                late.activity_ids.filtered(lambda a: a.user_id == self.worker).mapped("summary")
            ),
        )
        self.assertFalse(coordinator_activities(), "the coordinator waits for the grace period")
        with freeze_time("2026-03-04 09:00:00"):
            Referral._cron_mark_overdue()
            Referral._cron_mark_overdue()
        self.assertEqual(len(coordinator_activities()), 1)
        self.assertIn("Overdue", coordinator_activities().summary)
        self.assertEqual(len(reminders()), 1)
        self.assertTrue(late.is_escalated)

    def test_emergency_alerts_on_call_staff(self):
        self.env.company.social_on_call_user_ids = [Command.set(self.on_call.ids)]
        emergency = self.make_sent(
            urgency="emergency",
            consent_id=False,
            legal_basis_note="Rischio per l'incolumità: art. 9.2.c GDPR",
        )
        alert = emergency.message_ids.filtered(lambda m: self.on_call.partner_id in m.partner_ids)
        self.assertEqual(len(alert), 1)
        self.assertIn("Emergency referral (PIS)", alert.body)
        self.assertEqual(alert.subtype_id, self.env.ref("mail.mt_comment"))
        self.assertTrue(emergency.activity_ids.filtered(lambda a: a.user_id == self.on_call))
        # the receivers are told as for any referral
        self.assertTrue(emergency.activity_ids.filtered(lambda a: a.user_id == self.worker))
        # not an emergency: no one on call is bothered
        normal = self.make_sent()
        self.assertFalse(normal.activity_ids.filtered(lambda a: a.user_id == self.on_call))
        self.assertNotIn(self.on_call.partner_id, normal.message_ids.partner_ids)
