"""Operators see the persons they serve: a person is "met" at a desk, or by an operator,
through a listening session, an appointment or a request to the online desk, and the file, the
contact, the person's messages and the calendar attendee follow. The links of a file and of a
consent refuse what the user cannot read; an operator edits the name and contacts of a file."""

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common_appointment import AppointmentCase


@tagged("post_install", "-at_install")
@freeze_time("2026-03-23 08:10:00")  # Monday, 09:10 in Rome
class TestPersonMet(AppointmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.social_max_open_appointments = 0
        cls.citizen = new_test_user(
            cls.env, "citizen_met", groups="base.group_portal", name="Carla Moretti"
        )
        cls.online_desk = cls.env["social.desk"].create(
            {
                "name": "Sportello online (met test)",
                "kind": "online",
                "operator_ids": [Command.set(cls.operator_a.ids)],
            }
        )
        # the citizen's file, created by a social worker: met by nobody yet
        cls.carla = (
            cls.env["social.person"]
            .with_user(cls.worker)
            .create(
                {
                    "first_name": "Carla",
                    "last_name": "Moretti",
                    "partner_id": cls.citizen.partner_id.id,
                }
            )
            .with_env(cls.env)
        )

    def readable(self, user, records):
        return records.with_user(user).search([("id", "in", records.ids)])

    # ------------------------------------------------------------
    # 1. Met through appointments and online requests
    # ------------------------------------------------------------

    def test_appointment_makes_the_person_met_at_its_desk(self):
        Person = self.env["social.person"]
        self.assertFalse(self.readable(self.operator_b, self.person_2))
        appointment = self.book("2026-03-25 09:00", person=self.person_2, desk=self.desk_b)
        self.assertIn(self.desk_b, self.person_2.met_desk_ids)
        self.assertEqual(self.person_2.met_operator_ids, appointment.operator_ids)
        # the file, its contact and the attendee of the calendar event
        self.assertEqual(self.readable(self.operator_b, self.person_2), self.person_2)
        partner = self.person_2.partner_id
        self.assertEqual(self.readable(self.operator_b, partner), partner)
        attendees = (
            self.env["calendar.attendee"]
            .with_user(self.operator_b)
            .search([("event_id", "=", appointment.calendar_event_id.id)])
        )
        self.assertIn(partner, attendees.partner_id)
        # the appointment's name with the person's is what the desk may read
        self.assertIn("Lucia Verdi", appointment.with_user(self.operator_b).display_name)
        # not at desk A, which has not met her
        self.assertFalse(self.readable(self.operator_a, self.person_2))
        # cancelled, it still was booked at the desk (its staff read it, with the name)
        appointment.with_user(self.operator_b).action_cancel()
        self.assertIn(self.desk_b, self.person_2.met_desk_ids)
        # a person with no appointment stays hidden
        self.assertFalse(Person.with_user(self.operator_b).search([("id", "=", self.person_3.id)]))

    def test_moved_appointment_moves_the_desk(self):
        appointment = self.book("2026-03-25 09:00", person=self.person_2, desk=self.desk_b)
        self.assertEqual(self.person_2.met_desk_ids, self.desk_b)
        appointment.write(
            {"desk_id": self.desk_a.id, "operator_ids": [Command.set(self.operator_a.ids)]}
        )
        self.assertEqual(self.person_2.met_desk_ids, self.desk_a)
        self.assertEqual(self.person_2.met_operator_ids, self.operator_a)
        self.assertFalse(self.readable(self.operator_b, self.person_2))
        self.assertTrue(self.readable(self.operator_a, self.person_2))

    def _citizen_request(self):
        # written by the citizen on the portal (which creates it with sudo, as the citizen)
        return (
            self.env["social.online.request"]
            .with_user(self.citizen)
            .sudo()  # as the portal controller does (staff fields set by the server)
            .create(
                {
                    "subject": "Affitto arretrato",
                    "message": "Non riesco a pagare le ultime due mensilità.",
                    "partner_id": self.citizen.partner_id.id,
                    "desk_id": self.online_desk.id,
                    "company_id": self.company.id,
                }
            )
        )

    def test_online_request_makes_the_requester_met_at_the_desk(self):
        self.assertFalse(self.readable(self.operator_a, self.carla))
        request = self._citizen_request()
        # the request does not name the file yet: found through the requester's contact
        self.assertFalse(request.person_id)
        self.assertIn(self.online_desk, self.carla.met_desk_ids)
        self.assertEqual(self.readable(self.operator_a, self.carla), self.carla)
        # the citizen's reply in the request's conversation, read by the desk
        message = request.sudo().message_post(
            body="Grazie, aspetto", author_id=self.citizen.partner_id.id, message_type="comment"
        )
        self.assertEqual(self.readable(self.operator_a, message), message)
        self.assertFalse(self.readable(self.operator_b, message))
        self.assertFalse(self.readable(self.operator_b, self.carla))
        # assigned to operator B: she serves the person
        request.with_user(self.coordinator).write({"user_id": self.operator_b.id})
        self.assertIn(self.operator_b, self.carla.met_operator_ids)
        self.assertEqual(self.readable(self.operator_b, self.carla), self.carla)
        self.assertEqual(self.readable(self.operator_b, message), message)

    def test_existing_rows_backfilled(self):
        self.book("2026-03-25 09:00", person=self.person_2, desk=self.desk_b)
        self._citizen_request()
        self.env.flush_all()
        # as a database from before appointments and requests counted
        self.env.cr.execute(
            "DELETE FROM social_person_met_desk_rel WHERE person_id IN %s",
            [(self.person_2.id, self.carla.id)],
        )
        self.env.cr.execute(
            "DELETE FROM social_person_met_operator_rel WHERE person_id IN %s",
            [(self.person_2.id, self.carla.id)],
        )
        self.env.invalidate_all()
        self.assertFalse(self.readable(self.operator_b, self.person_2))
        self.env["social.person"]._backfill_met()
        self.env.invalidate_all()
        self.assertEqual(self.person_2.met_desk_ids, self.desk_b)
        self.assertEqual(self.carla.met_desk_ids, self.online_desk)
        self.assertEqual(self.readable(self.operator_b, self.person_2), self.person_2)
        self.assertEqual(self.readable(self.operator_a, self.carla), self.carla)

    # ------------------------------------------------------------
    # 2. Links of a file and of a consent
    # ------------------------------------------------------------

    def test_person_links_refuse_hidden_records(self):
        hidden = self.person_3.partner_id  # the contact of a file operator A cannot read
        Person = self.env["social.person"].with_user(self.operator_a)
        with self.assertRaises(AccessError):
            Person.create({"first_name": "X", "last_name": "Y", "partner_id": hidden.id})
        self.make_session(person=self.person_2, user=self.operator_a)
        mine = self.person_2.with_user(self.operator_a)
        with self.assertRaises(AccessError):
            mine.write({"partner_id": hidden.id})
        with self.assertRaises(AccessError):
            mine.write({"residence_municipality_id": 999999999})
        # readable targets are fine
        mine.write({"residence_municipality_id": self.segrate.id})
        self.assertEqual(self.person_2.residence_municipality_id, self.segrate)

    def test_consent_evidence_refuses_hidden_attachments(self):
        session_b = self.make_session(desk=self.desk_b, person=self.person_3, user=self.operator_b)
        hidden = self.env["ir.attachment"].create(
            {
                "name": "referto.pdf",
                "raw": b"%PDF-1.4 test",
                "res_model": "social.listening.session",
                "res_id": session_b.id,
            }
        )
        self.make_session(person=self.person_2, user=self.operator_a)
        Consent = self.env["social.consent"].with_user(self.operator_a)
        with self.assertRaises(AccessError):
            Consent.create(
                {
                    "person_id": self.person_2.id,
                    "purpose": "services",
                    "evidence_ids": [Command.set(hidden.ids)],
                }
            )
        # the operator's own upload (the form's widget attaches it unlinked first)
        own = (
            self.env["ir.attachment"]
            .with_user(self.operator_a)
            .create(
                {"name": "modulo.pdf", "raw": b"%PDF-1.4 firmato", "res_model": "social.consent"}
            )
        )
        consent = Consent.create(
            {
                "person_id": self.person_2.id,
                "purpose": "services",
                "evidence_ids": [Command.set(own.ids)],
            }
        )
        self.assertEqual(consent.evidence_ids, own)
        with self.assertRaises(AccessError):
            consent.write({"evidence_ids": [Command.link(hidden.id)]})

    # ------------------------------------------------------------
    # 3. An operator edits the name and contacts of a file
    # ------------------------------------------------------------

    def test_operator_renames_a_person(self):
        self.make_session(person=self.person_2, user=self.operator_a)
        person = self.person_2.with_user(self.operator_a)
        person.write({"first_name": "Luciana", "mobile": "333 765 4321", "email": "l@example.com"})
        partner = self.person_2.partner_id
        self.assertEqual(partner.name, "Luciana Verdi")
        self.assertEqual(partner.mobile, "+39 333 765 4321")
        self.assertEqual(person.email, "l@example.com")
        # the contact alone: still only who may write the file
        with self.assertRaises(AccessError):
            self.person_3.with_user(self.operator_a).write({"phone": "02 1234 5678"})
