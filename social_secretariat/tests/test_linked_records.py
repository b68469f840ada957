"""Validated links: every relational field staff set on sessions, referrals, appointments,
online requests and the wizards points to a record the user may read, of the same person,
Ambito and desks; display names of linked records carry no more than the reader may see."""

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common_appointment import AppointmentCase, utc

HIDDEN = "cannot see"


@tagged("post_install", "-at_install")
@freeze_time("2026-03-23 08:10:00")  # Monday, 09:10 in Rome
class TestLinkedRecords(AppointmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.social_max_open_appointments = 0
        # Mario Rossi is known at both desks; Lucia Verdi (person_2) at desk A only; Ahmed
        # Sayed (person_3) nowhere
        cls.session_a = cls.make_session(person=cls.person, user=cls.operator_a).with_env(cls.env)
        cls.session_b = cls.make_session(
            desk=cls.desk_b, person=cls.person, user=cls.operator_b
        ).with_env(cls.env)
        cls.session_lucia = cls.make_session(person=cls.person_2, user=cls.operator_a).with_env(
            cls.env
        )
        cls.citizen = new_test_user(cls.env, "citizen_lr", groups="base.group_portal")
        cls.online_desk = cls.env["social.desk"].create(
            {
                "name": "Sportello online (test)",
                "kind": "online",
                "operator_ids": [Command.set(cls.operator_a.ids)],
            }
        )

    def referral_values(self, **values):
        return {
            "person_id": self.person.id,
            "origin_type": "desk",
            "origin_desk_id": self.desk_a.id,
            "target_desk_id": self.desk_b.id,
            "reason": "Sfratto imminente",
            **values,
        }

    # ------------------------------------------------------------
    # Sessions behind referrals and appointments
    # ------------------------------------------------------------

    def test_referral_session_must_be_readable(self):
        Referral = self.env["social.referral"].with_user(self.operator_a)
        self.assertFalse(self.session_b.with_user(self.operator_a).has_access("read"))
        with self.assertRaisesRegex(AccessError, HIDDEN) as caught:
            Referral.create(self.referral_values(session_id=self.session_b.id))
        self.assertNotIn("Rossi", str(caught.exception))
        referral = Referral.create(self.referral_values(session_id=self.session_a.id))
        with self.assertRaisesRegex(AccessError, HIDDEN):
            referral.write({"session_id": self.session_b.id})
        # looping over ids names nothing: a missing id is refused the same way
        missing = self.env["social.listening.session"].search([], order="id desc", limit=1).id + 99
        with self.assertRaisesRegex(AccessError, HIDDEN):
            referral.write({"session_id": missing})
        self.assertEqual(referral.session_id, self.session_a)

    def test_referral_session_of_the_same_person(self):
        Referral = self.env["social.referral"].with_user(self.operator_a)
        with self.assertRaisesRegex(ValidationError, "session of the referred person"):
            Referral.create(self.referral_values(session_id=self.session_lucia.id))
        referral = Referral.create(self.referral_values(session_id=self.session_a.id))
        with self.assertRaisesRegex(ValidationError, "session of the referred person"):
            referral.write({"session_id": self.session_lucia.id})

    def test_appointment_session_set_by_the_workflow_only(self):
        appointment = self.book("2026-03-25 10:00").with_user(self.operator_b)
        with self.assertRaisesRegex(UserError, "only through the buttons"):
            appointment.write({"session_id": self.session_lucia.id})
        with freeze_time("2026-03-25 09:00:00"):
            appointment.action_start_session()
        self.assertEqual(appointment.session_id.person_id, self.person)
        self.assertEqual(appointment.session_id.desk_id, self.desk_b)

    def test_display_name_of_a_linked_session_hides_the_person(self):
        """A receiver of a referral reads its session's name, not the name of a person whose
        file they cannot open (Odoo reads the names of linked records as superuser)."""
        referral = (
            self.env["social.referral"]
            .with_user(self.operator_a)
            .create(
                self.referral_values(
                    person_id=self.person_2.id,
                    session_id=self.session_lucia.id,
                    receiving_user_ids=[Command.set(self.operator_b.ids)],
                )
            )
        )
        self.assertFalse(self.person_2.with_user(self.operator_b).has_access("read"))
        as_receiver = referral.with_user(self.operator_b)
        name = as_receiver.read(["session_id"])[0]["session_id"][1]
        self.assertIn(self.session_lucia.name, name)
        self.assertNotIn("Verdi", name)
        web = as_receiver.web_read({"session_id": {"fields": {"display_name": {}}}})
        self.assertNotIn("Verdi", web[0]["session_id"]["display_name"])
        # who may read the file reads the name
        name = referral.with_user(self.operator_a).read(["session_id"])[0]["session_id"][1]
        self.assertIn("Verdi", name)

    def test_display_name_of_an_appointment_hides_the_person(self):
        appointment = self.book("2026-03-25 10:00", person=self.person_3)
        self.assertFalse(self.person_3.with_user(self.operator_a).has_access("read"))
        # as Odoo computes the name of a linked record: superuser, on the reader's behalf
        self.assertNotIn("Sayed", appointment.with_user(self.operator_a).sudo().display_name)
        self.assertIn("Sayed", appointment.with_user(self.worker).sudo().display_name)
        # the staff of the desk read the appointment, whose person field names the person:
        # the appointment at their desk makes the person met there (the file is theirs too)
        self.assertTrue(self.person_3.with_user(self.operator_b).has_access("read"))
        self.assertIn("Sayed", appointment.with_user(self.operator_b).sudo().display_name)

    # ------------------------------------------------------------
    # Every relational field a user sets
    # ------------------------------------------------------------

    def test_session_links(self):
        Session = self.env["social.listening.session"].with_user(self.operator_a)
        values = {"desk_id": self.desk_a.id, "request": "x"}
        with self.assertRaisesRegex(AccessError, HIDDEN):
            Session.create({**values, "person_id": self.person_3.id})
        # a context default is a value like any other
        with self.assertRaisesRegex(AccessError, HIDDEN):
            Session.with_context(default_person_id=self.person_3.id).create(values)
        # a missing need: a clear refusal, not a database error
        missing = self.env["social.need"].search([], order="id desc", limit=1).id + 99
        with self.assertRaisesRegex(AccessError, HIDDEN):
            Session.create({**values, "need_ids": [Command.set([missing])]})
        with self.assertRaisesRegex(UserError, "not a member of the staff"):
            Session.create({**values, "operator_ids": [Command.set(self.citizen.ids)]})
        # a service of another Ambito: hidden; and even once the user may read it there
        company2 = self.env["res.company"].create({"name": "Ambito 2 (test)"})
        service2 = self.env["social.service"].create(
            {"name": "Servizio altrove (t)", "company_id": company2.id}
        )
        with self.assertRaisesRegex(AccessError, HIDDEN):
            Session.create({**values, "service_ids": [Command.set(service2.ids)]})
        self.operator_a.company_ids = [Command.link(company2.id)]
        both = Session.with_context(allowed_company_ids=[self.company.id, company2.id])
        with self.assertRaisesRegex(UserError, "another Ambito"):
            both.create({**values, "service_ids": [Command.set(service2.ids)]})
        session = Session.create(values)
        with self.assertRaisesRegex(AccessError, HIDDEN):
            session.write({"person_id": self.person_3.id})
        with self.assertRaisesRegex(UserError, "not a member of the staff"):
            session.write({"operator_ids": [Command.link(self.citizen.id)]})

    def test_referral_links(self):
        Referral = self.env["social.referral"].with_user(self.operator_a)
        with self.assertRaisesRegex(UserError, "not a member of the staff"):
            Referral.create(
                self.referral_values(receiving_user_ids=[Command.set(self.citizen.ids)])
            )
        consent = self.make_consent(person=self.person_2)
        with self.assertRaisesRegex(ValidationError, "consent of the referred person"):
            Referral.create(self.referral_values(consent_id=consent.id))
        hidden_consent = self.make_consent(person=self.person_3)
        with self.assertRaisesRegex(AccessError, HIDDEN):
            Referral.create(self.referral_values(consent_id=hidden_consent.id))

    def test_appointment_links(self):
        Appointment = self.env["social.appointment"].with_user(self.operator_b)
        values = {
            "person_id": self.person.id,
            "topic_id": self.topic.id,
            "desk_id": self.desk_b.id,
            "start": utc("2026-03-25 10:00"),
        }
        with self.assertRaisesRegex(AccessError, HIDDEN):
            Appointment.create({**values, "person_id": self.person_3.id})
        with self.assertRaises(UserError):
            Appointment.create({**values, "operator_ids": [Command.set(self.citizen.ids)]})
        with self.assertRaisesRegex(UserError, "only through the buttons"):
            Appointment.create({**values, "session_id": self.session_b.id})
        appointment = Appointment.create(values)
        with self.assertRaisesRegex(AccessError, HIDDEN):
            appointment.write({"person_id": self.person_3.id})

    def test_online_request_links(self):
        request = (
            self.env["social.online.request"]
            .sudo()
            .create(
                {
                    "subject": "Affitto",
                    "message": "Non riesco a pagare.",
                    "partner_id": self.citizen.partner_id.id,
                    "desk_id": self.online_desk.id,
                    "company_id": self.company.id,
                }
            )
            .with_user(self.operator_a)
        )
        # a file the operator may read, but not the requester's
        # (the savepoint: as the transaction of an RPC call, nothing of the refused write stays)
        with self.assertRaisesRegex(UserError, "requester's"), self.env.cr.savepoint():
            request.write({"person_id": self.person.id})
        with self.assertRaisesRegex(AccessError, HIDDEN):
            request.write({"person_id": self.person_3.id})
        with self.assertRaisesRegex(UserError, "not a member of the staff"):
            request.write({"user_id": self.citizen.id})
        with self.assertRaisesRegex(UserError, "only through the buttons"):
            request.write({"session_id": self.session_a.id})
        # taken on at its desk: a session there, so an online desk only
        with self.assertRaisesRegex(UserError, "not an online desk"), self.env.cr.savepoint():
            request.write({"desk_id": self.desk_b.id})
        self.assertFalse(request.sudo().person_id)
        request.write({"user_id": self.operator_a.id, "need_id": self.need_economic.id})

    def test_wizard_links(self):
        Wizard = self.env["social.appointment.booking.wizard"].with_user(self.operator_b)
        with self.assertRaisesRegex(AccessError, HIDDEN):
            Wizard.create({"person_id": self.person_3.id, "topic_id": self.topic.id})
        appointment = self.book("2026-03-25 10:00", person=self.person_3)
        with self.assertRaisesRegex(UserError, "only through the buttons"):
            Wizard.create({"appointment_id": appointment.id, "confirmation": "Spam"})
        wizard = Wizard.create({"person_id": self.person.id, "topic_id": self.topic.id})
        with self.assertRaisesRegex(UserError, "only through the buttons"):
            wizard.write({"appointment_id": appointment.id})
        with self.assertRaisesRegex(AccessError, HIDDEN):
            self.env["social.phone.log"].with_user(self.operator_a).create(
                {
                    "desk_id": self.phone_desk.id,
                    "person_id": self.person_3.id,
                    "request": "x",
                    "need_ids": [Command.set(self.need_rent.ids)],
                }
            )
        referral = (
            self.env["social.referral"]
            .with_user(self.operator_b)
            .create(self.referral_values(origin_desk_id=self.desk_b.id))
        )
        with self.assertRaisesRegex(AccessError, HIDDEN):
            self.env["social.referral.transition"].with_user(self.operator_a).create(
                {"referral_ids": [Command.set(referral.ids)], "transition": "cancel"}
            )
