from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user

from odoo.addons.mail.tests.common import MockEmail

from ..tools.errors import SlotTakenError
from .common_appointment import AppointmentCase, local_times, utc

TAKEN = "This time has just been taken, please choose another."


def busy_rows(appointment):
    appointment.env.cr.execute(
        "SELECT resource_key, start, stop FROM social_appointment_busy "
        "WHERE appointment_id = %s ORDER BY resource_key",
        [appointment.id],
    )
    return appointment.env.cr.fetchall()


@freeze_time("2026-03-23 08:10:00")  # Monday, 09:10 in Rome
class TestAppointmentBooking(AppointmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.person.email = "mario.rossi@example.com"
        cls.citizen = new_test_user(
            cls.env, "citizen_t", groups="base.group_portal", name="Mario Rossi (portal)"
        )
        cls.person.partner_id = cls.citizen.partner_id

    def test_book(self):
        appointment = self.book("2026-03-25 10:00")
        self.assertEqual(appointment.state, "booked")
        self.assertTrue(appointment.name.startswith("APP/2026/"))
        self.assertEqual(appointment.stop, utc("2026-03-25 10:30"))
        self.assertEqual(appointment.operator_ids, self.operator_b)
        self.assertEqual(appointment.access_url, f"/my/social/appointments/{appointment.id}")
        self.assertEqual(
            [key for key, _start, _stop in busy_rows(appointment)],
            [f"person:{self.person.id}", f"user:{self.operator_b.id}"],
        )
        event = appointment.calendar_event_id
        self.assertEqual(event.start, appointment.start)
        self.assertEqual(event.partner_ids, self.operator_b.partner_id | self.person.partner_id)
        self.assertIn(self.env.ref("social_secretariat.calendar_alarm_mail_1_day"), event.alarm_ids)
        self.assertEqual((event.res_model, event.res_id), ("social.appointment", appointment.id))

    def test_double_booking_refused_by_database(self):
        """Two requests check the same free slot, then both book: the database refuses the
        second one, which leaves nothing behind."""
        self.book("2026-03-25 10:00")
        Appointment = self.env["social.appointment"]
        count = Appointment.search_count([])
        Topic = type(self.env["social.appointment.topic"])
        # the race: the second request validated the slot before the first one committed
        with patch.object(Topic, "_check_slot", return_value=self.operator_b):
            with self.assertRaisesRegex(UserError, TAKEN):
                self.book("2026-03-25 10:00", person=self.person_2)
            # overlapping, not only equal, times are refused
            self.topic.slot_step = 15
            with self.assertRaisesRegex(UserError, TAKEN):
                self.book("2026-03-25 10:15", person=self.person_2)
        self.assertEqual(Appointment.search_count([]), count, "nothing half-saved")
        # back to back is fine
        self.book("2026-03-25 10:30", person=self.person_2)

    def test_double_booking_through_orm(self):
        first = self.book("2026-03-25 10:00")
        with self.assertRaisesRegex(UserError, TAKEN):
            self.env["social.appointment"].create(
                {
                    "person_id": self.person_2.id,
                    "topic_id": self.topic.id,
                    "desk_id": self.desk_b.id,
                    "start": first.start,
                    "operator_ids": [Command.set(self.operator_b.ids)],
                }
            )
        with self.assertRaisesRegex(UserError, TAKEN):
            self.book("2026-03-25 11:00", person=self.person_2).write({"start": first.start})

    def test_lost_time_raises_slot_taken(self):
        """A booking that lost its time to another raises SlotTakenError, which the booking
        pages answer with 409 by its type (never by its translated text); other refusals
        are plain UserErrors."""
        self.book("2026-03-25 10:00")
        Topic = type(self.env["social.appointment.topic"])
        # lost in the database (the race) and lost before it (no operator free any more)
        with patch.object(Topic, "_check_slot", return_value=self.operator_b):
            with self.assertRaises(SlotTakenError):
                self.book("2026-03-25 10:00", person=self.person_2)
        with self.assertRaises(SlotTakenError):
            self.book("2026-03-25 10:00", person=self.person_2)
        with self.assertRaises(UserError) as refused:
            self.book("2026-03-25 20:00", person=self.person_2)  # the desk is closed
        self.assertNotIsInstance(refused.exception, SlotTakenError)

    def test_cancel_frees_the_slot(self):
        appointment = self.book("2026-03-25 10:00")
        day = date(2026, 3, 25)
        self.assertNotIn("10:00", local_times(self.topic._get_free_slots(self.desk_b, day, day)))
        appointment.action_cancel(reason="Ha trovato lavoro")
        self.assertEqual(appointment.state, "cancelled")
        self.assertFalse(busy_rows(appointment))
        self.assertFalse(appointment.calendar_event_id.active)
        self.assertIn("10:00", local_times(self.topic._get_free_slots(self.desk_b, day, day)))
        note = appointment.message_ids.filtered(lambda m: m.subtype_id.internal)[0]
        self.assertIn("Ha trovato lavoro", note.body)
        self.assertEqual(note.partner_ids, self.operator_b.partner_id)
        with self.assertRaisesRegex(UserError, "Only a booked appointment"):
            appointment.action_cancel()

    def cancel_mails(self, appointment):
        """The e-mails queued for the citizen about the cancellation of `appointment`."""
        return (
            self.env["mail.mail"]
            .sudo()
            .search(
                [
                    ("model", "=", "social.appointment"),
                    ("res_id", "=", appointment.id),
                    ("recipient_ids", "in", self.person.partner_id.ids),
                ]
            )
            .filtered(
                lambda mail: "cancelled" in (mail.subject or "").lower()
                or "annullato" in (mail.subject or "").lower()
            )
        )

    def test_cancel_by_desk_mails_the_citizen(self):
        appointment = self.book("2026-03-25 10:00")
        appointment.action_cancel(reason="Operatore in malattia")
        mail = self.cancel_mails(appointment)
        self.assertEqual(len(mail), 1, "one e-mail to the citizen")
        self.assertIn(self.topic.name, mail.subject)
        self.assertIn("Operatore in malattia", mail.body_html)
        self.assertIn("10:00", mail.body_html, "the time at the desk")
        self.assertIn("/social/book", mail.body_html)
        # the message is public: the citizen reads it in the portal conversation too
        message = appointment.message_ids.filtered(lambda m: m.subject == mail.subject)
        self.assertEqual(
            message.subtype_id,
            self.env.ref("social_secretariat.mt_appointment_cancelled_citizen"),
        )
        self.assertEqual(message.author_id, self.company.partner_id, "in the Ambito's name")
        self.assertFalse(message.is_internal)

    def test_cancel_mail_in_the_citizens_language(self):
        self.person.partner_id.lang = "it_IT"  # loaded by the test run (--load-language)
        appointment = self.book("2026-03-25 10:00")
        appointment.action_cancel()
        mail = self.cancel_mails(appointment)
        self.assertIn("Appuntamento annullato", mail.subject)
        self.assertIn("il tuo appuntamento", mail.body_html)
        self.assertIn("mercoledì 25 marzo 2026, 10:00", mail.body_html, "the date in words")

    def test_cancel_by_citizen_confirmed_by_mail(self):
        appointment = (
            self.env["social.appointment"]
            .with_user(self.citizen)
            ._portal_book(self.person, self.topic, self.desk_b, utc("2026-03-25 10:00"))
        )
        appointment.action_portal_cancel("Non posso")
        self.assertEqual(len(self.cancel_mails(appointment)), 1, "the author is told too")

    def test_cancel_without_email_sends_nothing(self):
        self.person.partner_id = self.env["res.partner"].create({"name": "Senza e-mail"})
        appointment = self.book("2026-03-25 10:00")
        appointment.action_cancel()
        self.assertEqual(appointment.state, "cancelled")
        self.assertFalse(
            self.env["mail.mail"]
            .sudo()
            .search(
                [
                    ("res_id", "=", appointment.id),
                    ("model", "=", "social.appointment"),
                    ("subject", "ilike", "cancelled"),
                ]
            )
        )

    def test_rooms_limit_the_appointments_at_the_same_time(self):
        """Desk A has two operators but one room: one appointment at a time."""
        self.desk_a.appointment_seats = 1
        day = date(2026, 3, 25)
        first = self.book("2026-03-25 10:00", desk=self.desk_a)
        self.assertIn(f"desk:{self.desk_a.id}:1", [row[0] for row in busy_rows(first)])
        slots = local_times(self.topic._get_free_slots(self.desk_a, day, day))
        self.assertNotIn("10:00", slots, "the other operator is free, the room is not")
        self.assertIn("10:30", slots)
        with self.assertRaisesRegex(UserError, "All the rooms of .* are taken"):
            self.book("2026-03-25 10:00", person=self.person_2, desk=self.desk_a)
        # the database refuses it too, when the check is passed by (a race)
        Topic = type(self.env["social.appointment.topic"])
        with patch.object(Topic, "_check_slot", return_value=self.worker):
            with self.assertRaisesRegex(UserError, "All the rooms of .* are taken"):
                self.book("2026-03-25 10:00", person=self.person_2, desk=self.desk_a)
        first.action_cancel()
        self.assertIn("10:00", local_times(self.topic._get_free_slots(self.desk_a, day, day)))

    def test_two_rooms_two_appointments(self):
        self.desk_a.appointment_seats = 2
        first = self.book("2026-03-25 10:00", desk=self.desk_a)
        second = self.book("2026-03-25 10:00", person=self.person_2, desk=self.desk_a)
        rooms = {
            key for appointment in first | second for key, *_times in busy_rows(appointment)
        } & {f"desk:{self.desk_a.id}:1", f"desk:{self.desk_a.id}:2"}
        self.assertEqual(len(rooms), 2, "each in its own room")
        self.assertNotEqual(first.operator_ids, second.operator_ids)
        # a move keeps a room: 10:00 -> 10:15 overlaps its own time only
        self.topic.slot_step = 15
        first._reschedule(utc("2026-03-25 10:15"))
        self.assertEqual(len(busy_rows(first)), 3)
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.desk_a.appointment_seats = -1
        # one room for two appointments at once: refused, the desk keeps its two rooms
        with self.assertRaises(UserError) as refused:  # Odoo's: rolls the savepoint back
            self.desk_a.appointment_seats = 1
        self.assertIn("more appointments booked at the same time", str(refused.exception))
        self.desk_a.invalidate_recordset()
        self.assertEqual(self.desk_a.appointment_seats, 2)

    def test_rooms_given_to_the_appointments_already_booked(self):
        first = self.book("2026-03-25 10:00", desk=self.desk_a)
        second = self.book("2026-03-25 11:00", person=self.person_2, desk=self.desk_a)
        self.desk_a.appointment_seats = 1
        room = f"desk:{self.desk_a.id}:1"
        self.assertIn(room, [row[0] for row in busy_rows(first)])
        day = date(2026, 3, 25)
        self.assertNotIn("10:00", local_times(self.topic._get_free_slots(self.desk_a, day, day)))
        # the appointment keeps its room when it takes place, whatever happened around it
        with freeze_time("2026-03-25 10:40:00"):
            first.action_done()
        self.assertIn(room, [row[0] for row in busy_rows(first)])
        self.assertIn(room, [row[0] for row in busy_rows(second)])
        # no limit any more: the appointments to come hold no room
        self.desk_a.appointment_seats = 0
        self.assertNotIn(room, [row[0] for row in busy_rows(second)])

    def test_no_cancellation_mail_for_a_past_appointment(self):
        appointment = self.book("2026-03-25 10:00")
        with freeze_time("2026-03-26 09:00:00"):
            appointment.action_cancel()
        self.assertFalse(self.cancel_mails(appointment))

    def test_the_operator_who_booked_gets_no_copy(self):
        self.operator_b.email = "operatore.b@example.com"
        appointment = self.book("2026-03-25 10:00").with_user(self.operator_b)
        appointment.message_subscribe(partner_ids=self.operator_b.partner_id.ids)
        appointment.action_cancel()
        mail = self.cancel_mails(appointment)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.person.partner_id)

    def test_done_and_no_show_keep_the_time(self):
        appointment = self.book("2026-03-25 10:00")
        with self.assertRaisesRegex(UserError, "has not started yet"):
            appointment.action_no_show()
        with freeze_time("2026-03-25 10:00:00"):
            appointment.action_no_show()
        self.assertEqual(len(busy_rows(appointment)), 2)
        appointment.action_done()
        self.assertEqual(appointment.state, "done")
        self.assertEqual(len(busy_rows(appointment)), 2)

    def test_start_session(self):
        appointment = self.book("2026-03-25 10:00")
        with freeze_time("2026-03-25 09:00:00"):
            action = appointment.action_start_session()
        session = appointment.session_id
        self.assertEqual(action["res_id"], session.id)
        self.assertEqual(session.person_id, self.person)
        self.assertEqual(session.desk_id, self.desk_b)
        self.assertEqual(session.operator_ids, self.operator_b)
        self.assertEqual(session.channel, "in_person")
        self.assertEqual(session.state, "draft")

    def test_reschedule_atomic(self):
        appointment = self.book("2026-03-25 10:00")
        self.book("2026-03-25 11:00", person=self.person_2)
        before = busy_rows(appointment)
        Topic = type(self.env["social.appointment.topic"])
        with patch.object(Topic, "_check_slot", return_value=self.operator_b):
            with self.assertRaisesRegex(UserError, TAKEN):
                appointment._reschedule(utc("2026-03-25 11:00"))
        self.assertEqual(appointment.start, utc("2026-03-25 10:00"))
        self.assertEqual(busy_rows(appointment), before, "nothing changed")
        # an overlapping move of itself is fine: 10:00-10:30 -> 10:15-10:45
        self.topic.slot_step = 15
        appointment._reschedule(utc("2026-03-25 10:15"))
        self.assertEqual(appointment.stop, utc("2026-03-25 10:45"))
        self.assertEqual({row[1] for row in busy_rows(appointment)}, {utc("2026-03-25 10:15")})
        self.assertEqual(appointment.calendar_event_id.start, utc("2026-03-25 10:15"))
        self.assertIn("moved", appointment.message_ids[0].body)

    def test_portal_book_cancel_reschedule(self):
        Appointment = self.env["social.appointment"].with_user(self.citizen)
        with self.assertRaises(AccessError):
            Appointment._portal_book(
                self.person_2, self.topic, self.desk_b, utc("2026-03-25 10:00")
            )
        appointment = Appointment._portal_book(
            self.person, self.topic, self.desk_b, utc("2026-03-25 10:00")
        )
        self.assertEqual(appointment.sudo().booking_channel, "portal")
        self.topic_pair.is_online_bookable = False
        with self.assertRaisesRegex(UserError, "cannot be booked online"):
            Appointment._portal_book(
                self.person, self.topic_pair, self.desk_a, utc("2026-03-25 10:00")
            )
        appointment._portal_reschedule(utc("2026-03-26 09:30"))
        self.assertEqual(appointment.sudo().start, utc("2026-03-26 09:30"))
        # within the cancel limit (24 hours before), only the desk can change it
        with freeze_time("2026-03-25 09:00:00"), self.assertRaisesRegex(UserError, "Please call"):
            appointment.action_portal_cancel("Non posso")
        appointment.action_portal_cancel("Non posso")
        self.assertEqual(appointment.sudo().state, "cancelled")
        other = self.book("2026-03-27 10:00", person=self.person_2)
        with self.assertRaises(AccessError):
            other.with_user(self.citizen).action_portal_cancel()

    def test_open_appointments_limit(self):
        self.company.social_max_open_appointments = 2
        self.book("2026-03-25 09:00")
        self.book("2026-03-26 09:00")
        with self.assertRaisesRegex(UserError, "at most 2 can be open"):
            self.book("2026-03-27 09:00")
        self.book("2026-03-27 09:00", person=self.person_2)

    def test_desk_archive_blocked_by_future_appointment(self):
        appointment = self.book("2026-03-25 10:00")
        with self.assertRaisesRegex(UserError, "future appointments"):
            self.desk_b.active = False
        appointment.action_cancel()
        self.desk_b.active = False

    def test_operator_rules(self):
        appointment = self.book("2026-03-25 10:00")
        self.assertTrue(appointment.with_user(self.operator_b).has_access("write"))
        self.assertFalse(appointment.with_user(self.operator_a).has_access("read"))
        self.assertTrue(appointment.with_user(self.worker).has_access("read"))
        self.assertFalse(self.topic.with_user(self.operator_a).has_access("write"))
        self.assertTrue(self.topic.with_user(self.coordinator).has_access("write"))

    def test_booking_wizard(self):
        # registering a new person creates their contact
        self.operator_b.groups_id = [Command.link(self.env.ref("base.group_partner_manager").id)]
        wizard = Form(self.env["social.appointment.booking.wizard"].with_user(self.operator_b))
        wizard.first_name = "Giorgio"
        wizard.last_name = "Neri"
        wizard.topic_id = self.topic
        wizard.desk_id = self.desk_b
        wizard.day = date(2026, 3, 28)  # a Saturday: the wizard jumps to Monday
        record = wizard.save()
        record.action_search_slots()
        self.assertEqual(record.day, date(2026, 3, 30))
        self.assertTrue(record.search_message)
        self.assertEqual(len(record.slot_ids), 6)
        record.slot_id = record.slot_ids[1]
        record.action_confirm()
        appointment = record.appointment_id
        self.assertEqual(appointment.person_id.name, "Giorgio Neri")
        self.assertEqual(appointment.booking_channel, "phone")
        self.assertEqual(appointment.start, utc("2026-03-30 09:30"))
        self.assertIn("09:30", record.confirmation)
        self.assertIn(self.desk_b.name, record.confirmation)

    def test_booking_wizard_with_a_chosen_operator(self):
        self.book("2026-03-25 10:00", desk=self.desk_a, operators=self.worker)
        wizard = Form(self.env["social.appointment.booking.wizard"])
        wizard.person_id = self.person_2
        wizard.topic_id = self.topic
        wizard.desk_id = self.desk_a
        wizard.operator_id = self.worker
        wizard.day = date(2026, 3, 25)
        record = wizard.save()
        record.action_search_slots()
        times = [slot.name[:5] for slot in record.slot_ids]
        self.assertNotIn("10:00", times, "the chosen operator is busy then")
        self.assertIn("10:30", times)
        self.assertEqual(record.slot_ids.operator_ids, self.worker)
        record.slot_id = record.slot_ids[0]
        record.action_confirm()
        self.assertEqual(record.appointment_id.operator_ids, self.worker)
        # another desk, where she does not receive: the choice is dropped
        record.desk_id = self.desk_b
        self.assertFalse(record.operator_id)

    def test_confirmation_lists_documents(self):
        self.env["social.service.document"].create(
            {"service_id": self.service_rent.id, "name": "Contratto di locazione"}
        )
        appointment = self.book("2026-03-25 10:00")
        text = appointment._confirmation_text()
        self.assertIn("Contratto di locazione", text)
        self.assertIn("10:00", text)


@freeze_time("2026-03-23 08:10:00")
class TestAppointmentReminder(AppointmentCase, MockEmail):
    def test_reminder_email_the_day_before(self):
        """Calendar's reminder job e-mails the citizen a day before the appointment."""
        self.person.email = "mario.rossi@example.com"
        appointment = self.book("2026-03-25 10:00")  # 09:00 UTC
        Manager = self.env["calendar.alarm_manager"]
        with self.mock_mail_gateway():
            Manager.with_context(lastcall=utc("2026-03-24 09:00"))._send_reminder()
        self.assertFalse(self._new_mails, "not yet: two days before")
        with freeze_time("2026-03-24 09:05:00"), self.mock_mail_gateway():
            Manager.with_context(lastcall=utc("2026-03-24 09:00"))._send_reminder()
        to_citizen = self._new_mails.filtered(
            lambda mail: self.person.partner_id in mail.recipient_ids
        )
        self.assertEqual(len(to_citizen), 1)
        self.assertEqual(to_citizen.model, "calendar.event")
        self.assertEqual(to_citizen.res_id, appointment.calendar_event_id.id)
