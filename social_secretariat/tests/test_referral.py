from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SocialCase


@tagged("post_install", "-at_install")
class TestReferral(SocialCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.consent = cls.make_consent(date_given="2026-01-01")
        cls.make_session(person=cls.person, user=cls.operator_a)  # the person is known at desk A
        cls.caritas = cls.env["res.partner"].create({"name": "Caritas (t)", "is_company": True})

    def make_referral(self, user=None, **values):
        vals = {
            "person_id": self.person.id,
            "origin_type": "desk",
            "origin_desk_id": self.desk_a.id,
            "target_service_id": self.service_rent.id,
            "target_desk_id": self.desk_b.id,
            "reason": "Sfratto imminente",
            "consent_id": self.consent.id,
        }
        vals.update(values)
        env = self.env(user=user or self.operator_a)
        return env["social.referral"].create(vals)

    def test_closed_loop(self):
        referral = self.make_referral(receiving_user_ids=[Command.set(self.worker.ids)])
        self.assertTrue(referral.name.startswith("INV/"))
        referral.action_send()
        self.assertEqual(referral.state, "sent")
        self.assertEqual(referral.sent_uid, self.operator_a)
        self.assertTrue(referral.ack_deadline > referral.sent_date)
        # the receiver is notified and has something to do
        self.assertIn(self.worker.partner_id, referral.message_partner_ids)
        self.assertEqual(referral.activity_ids.user_id, self.worker)
        notified = referral.message_ids.filtered(lambda m: self.worker.partner_id in m.partner_ids)
        self.assertIn("New referral", notified[0].body)

        as_worker = referral.with_user(self.worker)
        with self.assertRaisesRegex(UserError, "handled by its receiving staff"):
            referral.with_user(self.operator_a).action_accept()
        as_worker.action_accept()
        self.assertEqual(referral.accepted_uid, self.worker)
        self.assertFalse(referral.activity_ids, "acknowledging closes the activity")
        as_worker.action_start()
        wizard = (
            self.env["social.referral.transition"]
            .with_user(self.worker)
            .create(
                {
                    "referral_ids": [Command.set(referral.ids)],
                    "transition": "close",
                    "outcome": "service_activated",
                    "note": "Contributo concesso",
                }
            )
        )
        wizard.action_confirm()
        self.assertEqual(referral.state, "closed")
        self.assertEqual(referral.closed_uid, self.worker)
        self.assertTrue(referral.accepted_date <= referral.started_date <= referral.closed_date)
        # the origin is told the outcome
        told = referral.message_ids.filtered(lambda m: self.operator_a.partner_id in m.partner_ids)
        self.assertIn("Contributo concesso", told[0].body)
        self.assertIn("Service activated", told[0].body)

    def test_reject_and_cancel_need_a_reason(self):
        referral = self.make_referral(receiving_user_ids=[Command.set(self.worker.ids)])
        referral.action_send()
        with self.assertRaisesRegex(UserError, "say why"):
            referral.with_user(self.worker).action_reject("  ")
        referral.with_user(self.worker).action_reject("Non di nostra competenza: inviare al PIS")
        self.assertEqual(referral.state, "rejected")
        self.assertEqual(referral.state_reason, "Non di nostra competenza: inviare al PIS")
        with self.assertRaisesRegex(UserError, "cannot be cancelled"):
            referral.action_cancel("x")
        draft = self.make_referral()
        with self.assertRaisesRegex(UserError, "say why"):
            draft.action_cancel("")
        draft.action_cancel("Inserita per errore")
        self.assertEqual(draft.state, "cancelled")
        self.assertTrue(draft.cancelled_date)

    def test_transitions_in_wrong_state(self):
        referral = self.make_referral()
        with self.assertRaisesRegex(UserError, "cannot be accepted: only a sent referral"):
            referral.action_accept()
        with self.assertRaises(UserError):
            referral.action_close("taken_into_care")

    def test_send_requires_target_and_consent(self):
        no_target = self.make_referral(target_service_id=False, target_desk_id=False)
        with self.assertRaisesRegex(UserError, "no target"):
            no_target.action_send()
        self.assertEqual(no_target.state, "draft")
        no_consent = self.make_referral(consent_id=False)
        with self.assertRaisesRegex(UserError, "consent"):
            no_consent.action_send()
        # an emergency may go without consent, with the legal basis written down
        emergency = self.make_referral(consent_id=False, urgency="emergency")
        with self.assertRaisesRegex(UserError, "legal basis"):
            emergency.action_send()
        emergency.legal_basis_note = "Rischio per l'incolumità: art. 9.2.c GDPR"
        emergency.action_send()
        self.assertEqual(emergency.state, "sent")

    def test_partner_referral_needs_sharing_consent_and_withdrawal_blocks(self):
        referral = self.make_referral(target_partner_id=self.caritas.id, target_desk_id=False)
        with self.assertRaisesRegex(UserError, "sharing with network partners"):
            referral.action_send()
        sharing = self.make_consent(purpose="sharing")
        sharing.action_withdraw()
        self.assertEqual(sharing.state, "withdrawn")
        self.assertIn("withdrawn", sharing.message_ids[0].body)
        with self.assertRaisesRegex(UserError, "sharing with network partners"):
            referral.action_send()
        with self.assertRaisesRegex(UserError, "already withdrawn"):
            sharing.action_withdraw()
        valid = self.make_consent(purpose="sharing")
        referral.action_send()
        self.assertEqual(referral.consent_id, valid)
        with self.assertRaises(UserError):
            valid.unlink()

    def test_acknowledgement_deadlines(self):
        company = self.env.company
        company.write(
            {
                "social_ack_hours_emergency": 2,
                "social_ack_hours_urgent": 24,
                "social_ack_days_normal": 5,
            }
        )
        with freeze_time("2026-03-02 08:00:00"):  # a Monday, 09:00 in Rome
            emergency = self.make_referral(urgency="emergency")
            urgent = self.make_referral(urgency="urgent")
            normal = self.make_referral()
            (emergency | urgent | normal).action_send()
        self.assertEqual(emergency.ack_deadline, fields.Datetime.to_datetime("2026-03-02 10:00:00"))
        self.assertEqual(urgent.ack_deadline, fields.Datetime.to_datetime("2026-03-03 08:00:00"))
        # five working days on the receiving desk's calendar (Mon–Fri): the next Monday
        self.assertEqual(normal.ack_deadline.date().isoformat(), "2026-03-09")

    def test_overdue_cron_asks_the_coordinator(self):
        self.env.company.social_coordinator_id = self.coordinator
        with freeze_time(fields.Datetime.now() - timedelta(days=3)):
            late = self.make_referral(
                urgency="urgent", receiving_user_ids=[Command.set(self.worker.ids)]
            )
            late.action_send()
            on_time = self.make_referral(receiving_user_ids=[Command.set(self.worker.ids)])
            on_time.action_send()
        self.env["social.referral"]._cron_mark_overdue()
        self.assertTrue(late.is_overdue)
        self.assertFalse(on_time.is_overdue)
        coordinator_activity = late.activity_ids.filtered(lambda a: a.user_id == self.coordinator)
        self.assertIn("Overdue", coordinator_activity.summary)
        # running again does not pile up activities
        self.env["social.referral"]._cron_mark_overdue()
        self.assertEqual(
            len(late.activity_ids.filtered(lambda a: a.user_id == self.coordinator)), 1
        )
        late.with_user(self.worker).action_accept()
        self.assertFalse(late.is_overdue)

    def test_archived_desk_cannot_receive(self):
        desk = self.env["social.desk"].create({"name": "Chiuso"})
        desk.action_archive()
        with self.assertRaisesRegex(Exception, "archived"):
            self.make_referral(target_desk_id=desk.id)

    def test_receivers_come_from_the_service(self):
        """Choosing the target service fills the receiving desk (one with social workers
        first) and its social workers (else its staff): on create, on write and in the form."""
        self.service_rent.desk_ids = self.desk_b | self.desk_a
        referral = self.make_referral(target_desk_id=False)
        self.assertEqual(referral.target_desk_id, self.desk_a)
        self.assertEqual(referral.receiving_user_ids, self.worker)
        # a desk chosen by the user stays: its staff receive the referral
        chosen = self.make_referral()
        self.assertEqual(chosen.target_desk_id, self.desk_b)
        self.assertEqual(chosen.receiving_user_ids, self.operator_b)
        # receivers chosen by the user stay
        named = self.make_referral(receiving_user_ids=[Command.set(self.operator_a.ids)])
        self.assertEqual(named.receiving_user_ids, self.operator_a)
        # a draft moved to the service later
        later = self.make_referral(target_service_id=False, target_desk_id=False)
        self.assertFalse(later.receiving_user_ids)
        later.target_service_id = self.service_rent
        self.assertEqual(later.target_desk_id, self.desk_a)
        self.assertEqual(later.receiving_user_ids, self.worker)
        # the form proposes them as soon as the service is chosen
        draft = (
            self.env["social.referral"]
            .with_user(self.operator_a)
            .new({"person_id": self.person.id, "reason": "Sfratto"})
        )
        draft.target_service_id = self.service_rent
        draft._onchange_target_service_id()
        self.assertEqual(draft.target_desk_id, self.desk_a)
        self.assertEqual(draft.receiving_user_ids._origin, self.worker)
        # a partner organisation receives the referral itself
        to_partner = self.make_referral(target_partner_id=self.caritas.id, target_desk_id=False)
        self.assertFalse(to_partner.target_desk_id or to_partner.receiving_user_ids)

    def test_send_refused_without_receiver(self):
        referral = self.make_referral(target_service_id=self.service_sad.id, target_desk_id=False)
        self.assertFalse(referral.receiving_user_ids)
        with self.assertRaisesRegex(UserError, "has no receiver"):
            referral.action_send()
        self.assertEqual(referral.state, "draft")
        referral.receiving_user_ids = self.worker
        referral.action_send()
        self.assertEqual(referral.state, "sent")
