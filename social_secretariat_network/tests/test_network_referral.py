import base64
from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.social_secretariat.tests.common import CF_ANNA, CF_MARIO

from .common import NetworkCase


@tagged("post_install", "-at_install")
class TestNetworkReferral(NetworkCase):
    """Referrals from partner organisations: the create path, duplicates, matching the
    person, the answers back to the organisation, and what a partner reads."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the service is received by the social workers of desk A
        cls.service_rent.desk_ids = [Command.set(cls.desk_a.ids)]
        # a second operator of organisation A: hears the answers too
        cls.user_a2 = cls._grant(cls.member_a, "Carla Operatrice", "carla@test-a.example")

    def refer(self, user=None, **values):
        vals = {
            "target_service_id": self.service_rent.id,
            "urgency": "normal",
            "reason": "Sfratto imminente, chiede aiuto per l'affitto",
            "submitted_name": "Mario Rossi",
            "submitted_fiscal_code": CF_MARIO,
            "submitted_phone": "347 123 4567",
            "submitted_municipality_id": self.pioltello.id,
            "submitted_consent": True,
            **values,
        }
        return self.env["social.referral"].with_user(user or self.user_a).create(vals)

    # ------------------------------------------------------------
    # Create path
    # ------------------------------------------------------------

    def test_partner_refers_a_case(self):
        referral = self.refer(submitted_fiscal_code="rssmra80c15g686k")
        self.assertEqual(referral.state, "sent")
        self.assertEqual(referral.origin_type, "partner")
        self.assertEqual(referral.network_member_id, self.member_a)
        self.assertEqual(referral.origin_partner_id, self.org_a)
        self.assertEqual(referral.create_uid, self.user_a)
        self.assertEqual(referral.submitted_fiscal_code, CF_MARIO)
        self.assertFalse(referral.person_id)
        self.assertFalse(referral.is_anonymous_report)
        self.assertFalse(referral.is_duplicate)
        self.assertEqual(referral.target_desk_id, self.desk_a)
        self.assertEqual(referral.receiving_user_ids, self.worker)
        self.assertTrue(referral.ack_deadline > referral.sent_date)
        self.assertTrue(referral.name.startswith("INV/"))
        # the receivers are told and have something to do
        told = referral.message_ids.filtered(lambda m: self.worker.partner_id in m.partner_ids)
        self.assertIn("New referral for Mario Rossi", told.body)
        self.assertEqual(referral.activity_ids.user_id, self.worker)
        # and it lands in their queue
        queue = self.env["social.referral"].with_user(self.worker).search([])
        self.assertIn(referral, queue)

    def test_partner_cannot_set_what_the_server_decides(self):
        for extra in (
            {"state": "accepted"},
            {"network_member_id": self.member_b.id},
            {"origin_type": "desk"},
            {"receiving_user_ids": [Command.set(self.operator_b.ids)]},
            {"person_id": self.person.id},
            {"is_duplicate": True},
            {"ack_deadline": "2030-01-01 00:00:00"},
        ):
            with self.subTest(extra=extra), self.assertRaises(AccessError):
                self.refer(**extra)
        # a default of the client's context is not a value
        referral = (
            self.env["social.referral"]
            .with_user(self.user_a)
            .with_context(default_state="closed", default_network_member_id=self.member_b.id)
            .create({"target_service_id": self.service_rent.id, "reason": "x"})
        )
        self.assertEqual(referral.state, "sent")
        self.assertEqual(referral.network_member_id, self.member_a)
        # nor can a partner change a referral afterwards
        with self.assertRaises(AccessError):
            referral.with_user(self.user_a).write({"reason": "changed"})
        with self.assertRaises(AccessError):
            referral.with_user(self.user_a).unlink()
        with self.assertRaises(AccessError):
            referral.with_user(self.user_a).action_accept()

    def test_organisation_not_in_force_cannot_refer(self):
        self.member_a.with_user(self.coordinator).write(
            {"protocol_expiry_date": self.today - timedelta(days=2)}
        )
        with self.assertRaisesRegex(UserError, "protocol is not in force"):
            self.refer()
        with self.assertRaises(AccessError):
            self.refer(user=self.citizen)

    def test_bad_fiscal_code_refused(self):
        with self.assertRaisesRegex(ValidationError, "check character"):
            self.refer(submitted_fiscal_code="RSSMRA80C15G686X")
        with self.assertRaisesRegex(ValidationError, "16 characters"):
            self.refer(submitted_fiscal_code="RSSMRA80")
        with self.assertRaisesRegex(ValidationError, "not a valid phone number"):
            self.refer(submitted_phone="333 1")

    def test_service_without_receiver_refused(self):
        with self.assertRaisesRegex(UserError, "cannot receive referrals"):
            self.refer(target_service_id=self.service_sad.id)

    def test_without_consent_only_an_anonymous_report(self):
        referral = self.refer(submitted_consent=False)
        self.assertTrue(referral.is_anonymous_report)
        self.assertFalse(referral.submitted_name)
        self.assertFalse(referral.submitted_fiscal_code)
        self.assertFalse(referral.submitted_phone)
        self.assertEqual(referral.submitted_municipality_id, self.pioltello)
        self.assertEqual(referral.state, "sent")
        told = referral.message_ids.filtered(lambda m: self.worker.partner_id in m.partner_ids)
        self.assertIn("anonymous report of need", told.body)
        with self.assertRaisesRegex(UserError, "no one to match"):
            referral.with_user(self.worker).action_match_person()

    # ------------------------------------------------------------
    # Duplicates
    # ------------------------------------------------------------

    def test_duplicate_flag(self):
        first = self.refer()
        second = self.refer(submitted_fiscal_code=CF_MARIO)
        self.assertFalse(first.is_duplicate)
        self.assertTrue(second.is_duplicate)
        # another organisation's referral of the same person is theirs
        self.assertFalse(self.refer(user=self.user_b).is_duplicate)
        # without a code: same name and phone
        by_name = self.refer(submitted_fiscal_code=False, submitted_name="Lucia Verdi")
        again = self.refer(submitted_fiscal_code=False, submitted_name="lucia verdi")
        self.assertFalse(by_name.is_duplicate)
        self.assertTrue(again.is_duplicate)
        # once the earlier ones are answered, a new referral is not a duplicate
        (first | second).with_user(self.worker).action_reject("", "already_followed")
        self.assertFalse(self.refer().is_duplicate)
        # both sides see the flag
        self.assertTrue(second.with_user(self.user_a).is_duplicate)
        self.assertTrue(second.with_user(self.worker).is_duplicate)

    # ------------------------------------------------------------
    # Matching the person
    # ------------------------------------------------------------

    def test_match_by_fiscal_code(self):
        form = base64.b64encode(b"%PDF-1.4 consenso firmato")
        referral = self.refer(
            submitted_consent_document=form, submitted_consent_filename="consenso.pdf"
        )
        with self.assertRaises(AccessError):
            referral.with_user(self.user_a).action_match_person()
        referral.with_user(self.worker).action_match_person()
        self.assertEqual(referral.person_id, self.person)
        consent = referral.consent_id
        self.assertEqual(consent.person_id, self.person)
        self.assertEqual(consent.purpose, "sharing")
        self.assertEqual(consent.channel, "paper")
        self.assertEqual(consent.evidence_ids.name, "consenso.pdf")
        self.assertEqual(consent.evidence_ids.raw, b"%PDF-1.4 consenso firmato")
        with self.assertRaisesRegex(UserError, "already matched"):
            referral.with_user(self.worker).action_match_person()

    def test_match_creates_the_file(self):
        referral = self.refer(
            submitted_fiscal_code=CF_ANNA,
            submitted_name="Anna Bianchi",
            submitted_phone="333 123 4567",
        )
        Person = self.env["social.person"]
        self.assertFalse(Person.search([("fiscal_code", "=", CF_ANNA)]))
        referral.with_user(self.worker).action_match_person()
        person = referral.person_id
        self.assertEqual((person.first_name, person.last_name), ("Anna", "Bianchi"))
        self.assertEqual(person.fiscal_code, CF_ANNA)
        self.assertEqual(person.residence_municipality_id, self.pioltello)
        self.assertEqual(referral.consent_id.channel, "oral")
        # the partner does not read the file, nor who it is
        with self.assertRaises(AccessError):
            referral.with_user(self.user_a).read(["person_id"])

    def test_anonymising_the_person_clears_what_was_submitted(self):
        referral = self.refer()
        referral.with_user(self.worker).action_match_person()
        wizard = (
            self.env["social.person.anonymise"]
            .with_user(self.coordinator)
            .create({"person_ids": [Command.set(self.person.ids)], "reason": "Richiesta scritta"})
        )
        wizard.action_confirm()
        self.assertFalse(referral.submitted_name)
        self.assertFalse(referral.submitted_fiscal_code)
        self.assertFalse(referral.submitted_phone)

    # ------------------------------------------------------------
    # Answers back to the organisation
    # ------------------------------------------------------------

    def _told_partner(self, referral, text):
        return referral.message_ids.filtered(
            lambda m: text in (m.body or "")
            and {self.user_a.partner_id, self.user_a2.partner_id} <= set(m.partner_ids)
        )

    def test_answers_reach_the_organisation(self):
        referral = self.refer()
        as_worker = referral.with_user(self.worker)
        as_worker.action_accept()
        self.assertTrue(self._told_partner(referral, "is accepted"))
        as_worker.action_start()
        as_worker.message_post(body="Nota interna del servizio", subtype_xmlid="mail.mt_note")
        as_worker.action_close("service_activated", "Contributo concesso")
        told = self._told_partner(referral, "Contributo concesso")
        self.assertIn("Service activated", told.body)
        self.assertEqual(told.subtype_id, self.env.ref("mail.mt_comment"))
        # the operators read the answers, never the internal notes
        Message = self.env["mail.message"].with_user(self.user_a2)
        seen = Message.search([("model", "=", "social.referral"), ("res_id", "=", referral.id)])
        bodies = " ".join(seen.mapped("body"))
        self.assertIn("Contributo concesso", bodies)
        self.assertNotIn("Nota interna", bodies)
        # a rejection with its reason
        rejected = self.refer(submitted_fiscal_code=CF_ANNA, submitted_name="Anna Bianchi")
        rejected.with_user(self.worker).action_reject("Manca l'ISEE", "missing_documents")
        self.assertTrue(self._told_partner(rejected, "Missing documents – Manca l'ISEE"))

    # ------------------------------------------------------------
    # What a partner reads
    # ------------------------------------------------------------

    def test_partner_reads_own_organisation_only(self):
        mine = self.refer()
        theirs = self.refer(user=self.user_b)
        Referral = self.env["social.referral"]
        self.assertEqual(Referral.with_user(self.user_a).search([]), mine)
        self.assertEqual(Referral.with_user(self.user_a2).search([]), mine)
        self.assertEqual(Referral.with_user(self.user_b).search([]), theirs)
        with self.assertRaises(AccessError):
            theirs.with_user(self.user_a).read(["reason"])
        with self.assertRaises(AccessError):
            theirs.with_user(self.user_a).write({"reason": "x"})
        self.assertFalse(Referral.with_user(self.user_a).search([("id", "=", theirs.id)]))
        with self.assertRaises(AccessError):
            Referral.with_user(self.citizen).search([])
        # staff referrals of the desks are not the partner's either
        self.assertFalse(
            Referral.with_user(self.user_a).search_count([("network_member_id", "=", False)])
        )

    def test_partner_reads_no_internal_field(self):
        referral = self.refer()
        as_partner = referral.with_user(self.user_a)
        values = as_partner.read()[0]  # every field the partner may read, as call_kw does
        for name in (
            "person_id",
            "session_id",
            "consent_id",
            "legal_basis_note",
            "receiving_user_ids",
            "is_special_category",
            "reporter_name",
            "sent_uid",
            "accepted_uid",
            "closed_uid",
            "activity_ids",
        ):
            self.assertNotIn(name, values)
            with self.subTest(name=name), self.assertRaises(AccessError):
                as_partner.read([name])
        for name in (
            "name",
            "state",
            "is_overdue",
            "ack_deadline",
            "reject_reason",
            "state_reason",
            "outcome",
            "outcome_note",
            "submitted_name",
            "is_duplicate",
        ):
            self.assertIn(name, values)
        with self.assertRaises(AccessError):
            as_partner.search([("person_id", "=", self.person.id)])
