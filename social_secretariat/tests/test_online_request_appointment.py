"""An online request taken on by booking an appointment: the staff booking assistant opens
filled in from the request; the booking links the appointment to the request, takes the request
on and tells the citizen in the portal conversation, where they then find the appointment."""

import pytz

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common_appointment import ROME, AppointmentCase


@tagged("post_install", "-at_install")
class TestOnlineRequestAppointment(AppointmentCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # no cap on open appointments: the demo data may have set one
        cls.company.social_max_open_appointments = 0
        cls.citizen = new_test_user(
            cls.env,
            "citizen_req",
            groups="base.group_portal",
            name="Carla Moretti",
            email="carla.moretti@example.com",
        )
        cls.online_desk = cls.env["social.desk"].create(
            {
                "name": "Sportello online (test)",
                "kind": "online",
                "operator_ids": [Command.set(cls.operator_a.ids)],
            }
        )
        # the topic is about rent arrears, under the economic area of need of the request
        cls.topic.need_ids = [Command.set(cls.need_rent.ids)]

    def setUp(self):
        super().setUp()
        # written by the citizen on the portal (which creates it with sudo, as the citizen)
        self.request = (
            self.env["social.online.request"]
            .with_user(self.citizen)
            .sudo()
            .create(
                {
                    "subject": "Affitto arretrato",
                    "message": "Non riesco a pagare le ultime due mensilità.",
                    "need_id": self.need_economic.id,
                    "partner_id": self.citizen.partner_id.id,
                    "desk_id": self.online_desk.id,
                    "company_id": self.company.id,
                }
            )
        )

    def _citizen_persons(self):
        return (
            self.env["social.person"]
            .sudo()
            .search([("partner_id", "=", self.citizen.partner_id.id)])
        )

    def _open_assistant(self, user=None):
        action = self.request.with_user(user or self.operator_a).action_book_appointment()
        self.assertEqual(action["res_model"], "social.appointment.booking.wizard")
        self.assertEqual(action["target"], "new")
        wizard = self.env[action["res_model"]].with_user(user or self.operator_a)
        return wizard.browse(action["res_id"])

    def _book(self, user=None):
        wizard = self._open_assistant(user)
        wizard.action_search_slots()
        self.assertTrue(wizard.slot_id, "the test desk has free times within the horizon")
        wizard.action_confirm()
        return wizard

    def test_assistant_filled_in_from_the_request(self):
        wizard = self._open_assistant()
        self.assertEqual(wizard.online_request_id, self.request)
        self.assertEqual(wizard.request_partner_id, self.citizen.partner_id)
        self.assertFalse(wizard.person_id, "no file yet: it is created when booking")
        self.assertEqual(wizard.topic_id, self.topic, "the topic about the request's need")
        self.assertEqual(wizard.desk_id, self.desk_a, "a desk of the operator")
        self.assertEqual(wizard.channel, "portal")
        self.assertFalse(self._citizen_persons(), "opening the assistant creates nothing")
        self.assertEqual(self.request.state, "new")

    def test_desk_in_the_person_municipality(self):
        person = (
            self.env["social.person"]
            .with_user(self.operator_a)
            .create(
                {
                    "first_name": "Carla",
                    "last_name": "Moretti",
                    "partner_id": self.citizen.partner_id.id,
                    "residence_municipality_id": self.segrate.id,
                }
            )
        )
        wizard = self._open_assistant()
        self.assertEqual(wizard.person_id, person)
        self.assertEqual(wizard.topic_id, self.topic)
        self.assertEqual(wizard.desk_id, self.desk_b, "the desk in Segrate, where she lives")

    def test_booking_links_the_appointment_and_tells_the_citizen(self):
        messages_before = self.request.message_ids
        wizard = self._book()
        appointment = wizard.appointment_id
        self.assertEqual(wizard.state, "done")
        self.assertEqual(appointment.online_request_id, self.request)
        self.assertEqual(appointment.booking_channel, "portal")
        self.assertEqual(appointment.state, "booked")
        self.assertEqual(appointment.topic_id, self.topic)
        # the requester's file, linked to their contact (hence to their portal account)
        person = self._citizen_persons()
        self.assertEqual(len(person), 1)
        self.assertEqual(appointment.person_id, person)
        self.assertEqual(person.partner_id, self.citizen.partner_id)
        # the request is taken on, as by a listening session
        self.assertEqual(self.request.state, "converted")
        self.assertEqual(self.request.person_id, person)
        self.assertEqual(self.request.user_id, self.operator_a)
        self.assertEqual(self.request.with_user(self.operator_a).appointment_ids, appointment)
        self.assertEqual(self.request.with_user(self.operator_a).appointment_count, 1)
        action = self.request.with_user(self.operator_a).action_view_appointments()
        self.assertEqual(action["res_model"], "social.appointment")
        self.assertEqual(self.env["social.appointment"].search(action["domain"]), appointment)
        # a public message to the citizen (not an internal note): when, where, and the link
        message = (self.request.message_ids - messages_before).filtered(
            lambda m: m.message_type == "comment"
        )
        self.assertEqual(len(message), 1)
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_comment"))
        self.assertFalse(message.subtype_id.internal)
        self.assertFalse(message.is_internal)
        self.assertEqual(message.author_id, self.operator_a.partner_id)
        self.assertIn(self.desk_a.name, message.body)
        local_start = pytz.utc.localize(appointment.start).astimezone(ROME)
        self.assertIn(local_start.strftime("%H:%M"), message.body)
        self.assertIn(appointment.name, message.body)
        self.assertIn(f'href="/my/social/appointments/{appointment.id}"', message.body)
        self.assertTrue(self.request.first_answer_date, "the staff have answered")
        # taken on: neither a second appointment nor a session
        with self.assertRaisesRegex(UserError, "already taken on"):
            self.request.with_user(self.operator_a).action_book_appointment()
        with self.assertRaisesRegex(UserError, "already taken on"):
            self.request.with_user(self.operator_a).action_convert_to_session()

    def test_existing_file_reused_even_if_never_met(self):
        """The citizen's file, created when they booked online, is the one booked, not a
        second file. (Their request to her online desk makes them met there: she reads it.)"""
        person = (
            self.env["social.person"]
            .with_user(self.citizen)
            .sudo()
            .create(
                {
                    "first_name": "Carla",
                    "last_name": "Moretti",
                    "partner_id": self.citizen.partner_id.id,
                }
            )
        )
        self.assertTrue(person.with_user(self.operator_a).has_access("read"))
        wizard = self._book()
        self.assertEqual(wizard.appointment_id.person_id, person)
        self.assertEqual(self._citizen_persons(), person, "no second file")
        self.assertEqual(self.request.person_id, person)
        # no "lookup" in the access log: that would let her link the file elsewhere
        log = (
            self.env["social.person.access.log"]
            .sudo()
            .search([("person_id", "=", person.id), ("user_id", "=", self.operator_a.id)])
        )
        self.assertNotIn("lookup", log.mapped("event"))
        # the requester's e-mail address
        self.assertTrue(wizard.can_send)

    def test_request_recorded_by_staff_finds_no_hidden_file(self):
        """A request an operator records for a contact of her choice does not reveal that
        contact's file: only the citizen's own account identifies it. The contact of a file
        she cannot read is not hers to choose either (a link to an unreadable record)."""
        hidden = self.person_3
        self.assertFalse(hidden.with_user(self.operator_a).has_access("read"))
        values = {
            "subject": "Richiesta al telefono",
            "message": "Registrata dall'operatrice.",
            "desk_id": self.online_desk.id,
            "user_id": self.operator_a.id,
        }
        Request = self.env["social.online.request"].with_user(self.operator_a)
        if not hidden.partner_id.with_user(self.operator_a).has_access("read"):
            with self.assertRaises(AccessError):
                Request.create({**values, "partner_id": hidden.partner_id.id})
            return
        recorded = Request.create({**values, "partner_id": hidden.partner_id.id})
        action = recorded.with_user(self.operator_a).action_book_appointment()
        wizard = self.env[action["res_model"]].browse(action["res_id"])
        self.assertFalse(wizard.person_id, "the hidden file is not found")

    def test_request_person_and_requester_guarded(self):
        hidden = self.person_3
        self.assertFalse(hidden.with_user(self.operator_a).has_access("read"))
        as_operator = self.request.with_user(self.operator_a)
        with self.assertRaisesRegex(UserError, "requester of a request cannot be changed"):
            as_operator.write({"partner_id": hidden.partner_id.id})
        with self.assertRaisesRegex(AccessError, "cannot see"):
            as_operator.write({"person_id": hidden.id})
        # nor through the assistant: the person comes from the request, not from the form
        wizard = self._open_assistant()
        wizard.sudo().person_id = hidden
        wizard.action_search_slots()
        wizard.action_confirm()
        self.assertNotEqual(wizard.appointment_id.sudo().person_id, hidden)
        self.assertEqual(wizard.appointment_id.sudo().person_id.partner_id, self.citizen.partner_id)

    def test_portal_channel_only_for_a_request(self):
        wizard = self.env["social.appointment.booking.wizard"].create(
            {
                "person_id": self.person_2.id,
                "topic_id": self.topic.id,
                "desk_id": self.desk_a.id,
                "channel": "portal",
            }
        )
        wizard.action_search_slots()
        with self.assertRaisesRegex(UserError, "online desk"):
            wizard.action_confirm()

    def test_refused_booking_leaves_nothing(self):
        wizard = self._open_assistant()
        wizard.action_search_slots()
        slot = wizard.slot_id
        # someone else takes the time while the operator is on the phone
        self.topic._book(
            self.person_2, self.desk_a, slot.start, "phone", operator_ids=slot.operator_ids.ids
        )
        messages_before = self.request.message_ids
        # not assertRaises, whose savepoint would undo everything whatever the assistant does
        refused = None
        try:
            wizard.action_confirm()
        except UserError as error:
            refused = error
        self.assertIsNotNone(refused, "the booking of a taken time was accepted")
        self.assertIn("already has an appointment", str(refused))
        self.env.invalidate_all()
        self.assertEqual(self.request.state, "new")
        self.assertFalse(self.request.person_id)
        self.assertEqual(self.request.message_ids, messages_before)
        self.assertFalse(
            self.env["social.appointment"].search([("online_request_id", "=", self.request.id)])
        )
        self.assertFalse(self._citizen_persons(), "no person file left behind")
        self.assertEqual(wizard.state, "search")

    def test_only_staff_who_handle_the_request(self):
        # Operator B works at another desk: the request is not hers to handle
        with self.assertRaises(AccessError):
            self.request.with_user(self.operator_b).action_book_appointment()
        # the citizen can read their request, but not book for it as the staff do
        with self.assertRaises(AccessError):
            self.request.with_user(self.citizen).action_book_appointment()
        employee = new_test_user(self.env, "plain_employee", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.request.with_user(employee).action_book_appointment()
        self.assertEqual(self.request.state, "new")
        # the request once taken on, a second booking is refused
        self.request.sudo().action_close()
        with self.assertRaisesRegex(UserError, "already taken on or closed"):
            self.request.with_user(self.operator_a).action_book_appointment()

    def test_citizen_sees_the_appointment_on_the_portal(self):
        appointment = self._book().appointment_id
        self.authenticate("citizen_req", "citizen_req")
        response = self.url_open("/my/social/appointments", allow_redirects=False)
        self.assertEqual(response.status_code, 200)
        self.assertIn(f'data-appointment-id="{appointment.id}"', response.text)
        self.assertIn(f'href="/my/social/appointments/{appointment.id}"', response.text)
        response = self.url_open(f"/my/social/appointments/{appointment.id}", allow_redirects=False)
        self.assertEqual(response.status_code, 200)
        self.assertIn(appointment.name, response.text)
