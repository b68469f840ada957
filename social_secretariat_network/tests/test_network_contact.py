from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.social_secretariat.tests.common import CF_MARIO

from .common import NetworkCase


@tagged("post_install", "-at_install")
class TestNetworkContact(NetworkCase):
    """Contacts logged at a network desk: the organisation forced, the desk its own, named
    or anonymous, matched to a person's file by the back office."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Desk = cls.env["social.desk"].with_user(cls.coordinator)
        cls.desk_a = Desk.create(
            {"name": "Sportello Caritas A", "kind": "partner", "network_member_id": cls.member_a.id}
        )
        cls.desk_a2 = Desk.create(
            {
                "name": "Sportello Caritas A bis",
                "kind": "partner",
                "network_member_id": cls.member_a.id,
            }
        )
        cls.desk_b = Desk.create(
            {"name": "Sportello B", "kind": "partner", "network_member_id": cls.member_b.id}
        )
        cls.Contact = cls.env["social.network.contact"]

    def _log(self, user=None, **values):
        vals = {
            "date": fields.Datetime.now() - timedelta(hours=1),
            "channel": "in_person",
            "need_ids": [Command.set(self.need_rent.ids)],
            "age_band": "30_44",
            "municipality_id": self.pioltello.id,
            **values,
        }
        return self.Contact.with_user(user or self.user_a).create(vals)

    def _named(self, user=None, **values):
        return self._log(
            user,
            is_anonymous=False,
            person_name="Lucia  Ferrari",
            consent_given=True,
            **values,
        )

    # ------------------------------------------------------------
    # The organisation and its desk
    # ------------------------------------------------------------

    def test_partner_logs_for_own_organisation(self):
        contact = self._log(service_ids=[Command.set(self.service_rent.ids)])
        self.assertEqual(contact.member_id, self.member_a)
        self.assertEqual(contact.desk_id, self.desk_a, "the organisation's first desk by default")
        self.assertEqual(contact.state, "submitted")
        self.assertTrue(contact.is_anonymous)
        self.assertNotEqual(contact.name, "/")
        self.assertEqual(contact.company_id, self.member_a.company_id)
        # the other desk of the organisation may be chosen
        self.assertEqual(self._log(desk_id=self.desk_a2.id).desk_id, self.desk_a2)

    def test_organisation_is_forced(self):
        with self.assertRaises(AccessError):
            self._log(member_id=self.member_b.id)
        # a default sent in the context is a value like any other
        with self.assertRaises(AccessError):
            self.Contact.with_user(self.user_a).with_context(
                default_member_id=self.member_b.id
            ).create({"need_ids": [Command.set(self.need_rent.ids)]})
        # its own organisation, said explicitly, is fine
        self.assertEqual(self._log(member_id=self.member_a.id).member_id, self.member_a)

    def test_desk_of_another_organisation_refused(self):
        with self.assertRaises(ValidationError):
            self._log(desk_id=self.desk_b.id)
        # nor a public desk of the Ambito
        with self.assertRaises(ValidationError):
            self._log(desk_id=self.desk_a.browse(self.phone_desk.id).id)

    def test_inactive_organisation_refused(self):
        self.member_b.with_user(self.coordinator).action_suspend("Verifica")
        # its operator lost the partner group: no contact at all
        with self.assertRaises(AccessError):
            self._log(user=self.user_b)
        # not even logged by the back office on its behalf
        with self.assertRaisesRegex(UserError, "not in force"):
            self.Contact.with_user(self.coordinator).create(
                {"member_id": self.member_b.id, "need_ids": [Command.set(self.need_rent.ids)]}
            )
        # an expired protocol, before the daily job has run
        self.member_a.with_user(self.coordinator).write(
            {"protocol_expiry_date": self.today - timedelta(days=3)}
        )
        with self.assertRaises(UserError):
            self._log()

    def test_citizen_and_staff_operator_cannot_log(self):
        with self.assertRaises(AccessError):
            self._log(user=self.citizen)
        with self.assertRaises(AccessError):
            self._log(user=self.operator_a, member_id=self.member_a.id)

    def test_links_must_be_readable(self):
        # an unpublished service is not the partner's to see
        with self.assertRaises(AccessError):
            self._log(service_ids=[Command.set(self.service_cav.ids)])

    def test_future_date_refused(self):
        with self.assertRaises(ValidationError):
            self._log(date=fields.Datetime.now() + timedelta(hours=2))
        # a few minutes of clock difference are fine
        self._log(date=fields.Datetime.now() + timedelta(minutes=2))

    # ------------------------------------------------------------
    # Named or anonymous
    # ------------------------------------------------------------

    def test_anonymous_names_no_one(self):
        with self.assertRaises(ValidationError):
            self._log(person_name="Lucia Ferrari")
        with self.assertRaises(ValidationError):
            self._log(phone="3331234567")

    def test_named_needs_name_and_consent(self):
        with self.assertRaises(ValidationError):
            self._log(is_anonymous=False, person_name="Lucia Ferrari")
        with self.assertRaises(ValidationError):
            self._log(is_anonymous=False, consent_given=True)
        contact = self._named(fiscal_code=" rss mra 80c15 g686k ", phone="333 123 4567")
        self.assertFalse(contact.is_anonymous)
        self.assertEqual(contact.person_name, "Lucia Ferrari")
        self.assertEqual(contact.fiscal_code, CF_MARIO)
        self.assertEqual(contact.phone, "+39 333 123 4567")

    def test_fiscal_code_and_phone_validated(self):
        with self.assertRaisesRegex(ValidationError, "check character"):
            self._named(fiscal_code="RSSMRA80C15G686X")
        # too long: refused, not cut to 16 characters
        with self.assertRaises(ValidationError):
            self._named(fiscal_code=CF_MARIO + "Z")
        with self.assertRaises(ValidationError):
            self._named(phone="12")

    # ------------------------------------------------------------
    # After submission
    # ------------------------------------------------------------

    def test_partner_cannot_change_or_delete(self):
        contact = self._named()
        with self.assertRaises(AccessError):
            contact.with_user(self.user_a).write({"information_given": "x"})
        with self.assertRaises(AccessError):
            contact.with_user(self.user_a).unlink()

    def test_partner_reads_own_organisation_only(self):
        contact = self._named()
        other = self._log(user=self.user_b)
        Contact = self.Contact.with_user(self.user_a)
        self.assertIn(contact, Contact.search([]))
        self.assertNotIn(other, Contact.search([]))
        self.assertFalse(Contact.search([("id", "=", other.id)]))
        with self.assertRaises(AccessError):
            other.with_user(self.user_a).read(["person_name"])
        with self.assertRaises(AccessError):
            contact.with_user(self.user_b).read(["person_name"])

    def test_partner_cannot_read_person_file(self):
        contact = self._named(fiscal_code=CF_MARIO)
        contact.with_user(self.worker).action_match_person()
        with self.assertRaises(AccessError):
            contact.with_user(self.user_a).read(["person_id"])
        # what they submitted, and the state, they read
        values = contact.with_user(self.user_a).read(["person_name", "state"])[0]
        self.assertEqual(values["state"], "matched")
        # nor the back office's note saying whose file it is (the file is Mario Rossi's)
        messages = (
            self.env["mail.message"]
            .with_user(self.user_a)
            .search([("model", "=", contact._name), ("res_id", "=", contact.id)])
        )
        self.assertNotIn("Rossi", " ".join(messages.mapped("body")))
        notes = self.env["mail.message"].search(
            [("model", "=", contact._name), ("res_id", "=", contact.id)]
        )
        self.assertIn("Rossi", " ".join(notes.mapped("body")), "the note is there, for staff")

    def test_staff_scope(self):
        contact = self._named()
        # operators read, never change
        self.assertEqual(contact.with_user(self.operator_a).person_name, "Lucia Ferrari")
        with self.assertRaises(AccessError):
            contact.with_user(self.operator_a).write({"information_given": "x"})
        # workers match, but do not rewrite what the desk submitted
        with self.assertRaises(UserError):
            contact.with_user(self.worker).write({"information_given": "x"})
        # the coordinator corrects it; the state moves only through the match
        contact.with_user(self.coordinator).write({"fiscal_code": CF_MARIO})
        self.assertEqual(contact.fiscal_code, CF_MARIO)
        for user in (self.worker, self.coordinator):
            with self.assertRaises(UserError):
                contact.with_user(user).write({"state": "matched"})
            with self.assertRaises(UserError):
                contact.with_user(user).write({"person_id": self.person.id})
            with self.assertRaises(UserError):
                contact.with_user(user).write({"member_id": self.member_b.id})

    # ------------------------------------------------------------
    # The match
    # ------------------------------------------------------------

    def test_match_by_fiscal_code(self):
        contact = self._named(fiscal_code=CF_MARIO.lower())
        persons = self.env["social.person"].search_count([])
        contact.with_user(self.worker).action_match_person()
        self.assertEqual(contact.state, "matched")
        self.assertEqual(contact.person_id, self.person, "the file with the same codice fiscale")
        self.assertEqual(contact.matched_uid, self.worker)
        self.assertEqual(self.env["social.person"].search_count([]), persons, "no new file")
        with self.assertRaises(UserError):
            contact.with_user(self.worker).action_match_person()

    def test_match_creates_the_file(self):
        contact = self._named(phone="333 123 4567", gender="female")
        contact.with_user(self.worker).action_match_person()
        person = contact.person_id
        self.assertTrue(person)
        self.assertNotEqual(person, self.person)
        self.assertEqual((person.first_name, person.last_name), ("Lucia", "Ferrari"))
        self.assertEqual(person.phone, "+39 333 123 4567")
        self.assertEqual(person.gender, "female")
        self.assertEqual(person.residence_municipality_id, self.pioltello)
        self.assertEqual(person.company_id, contact.company_id)
        # the consent given at the desk, on the file
        consent = person.consent_ids
        self.assertEqual(len(consent), 1)
        self.assertEqual((consent.purpose, consent.channel), ("sharing", "oral"))
        self.assertIn(self.member_a.name, consent.note)

    def test_match_new_code_creates_the_file_with_it(self):
        code = "BNCGRG60A01F205Z"
        contact = self._named(fiscal_code=code)
        contact.with_user(self.coordinator).action_match_person()
        self.assertEqual(contact.person_id.fiscal_code, code)

    def test_match_refused(self):
        anonymous = self._log()
        with self.assertRaises(UserError):
            anonymous.with_user(self.worker).action_match_person()
        named = self._named()
        for user in (self.operator_a, self.user_a):
            with self.assertRaises(AccessError):
                named.with_user(user).action_match_person()
        self.assertEqual(named.state, "submitted")

    def test_matched_contact_is_kept(self):
        contact = self._named()
        contact.with_user(self.worker).action_match_person()
        with self.assertRaises(UserError):
            contact.with_user(self.coordinator).unlink()
        # not matched: the coordinator may delete it
        self._log().with_user(self.coordinator).unlink()
