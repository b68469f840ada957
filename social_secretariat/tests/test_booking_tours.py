"""The booking flows in Chromium: a citizen books, moves and cancels an appointment from the
portal; an operator books one on the phone with the booking assistant."""

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestBookingTours(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        # no cap on open appointments: the demo citizen may already have some
        company.social_max_open_appointments = 0
        cls.operator = new_test_user(
            cls.env,
            "tour_booking_operator",
            groups="social_secretariat.group_social_operator",
            lang="en_US",
            tz="Europe/Rome",
            company_id=company.id,
        )
        # always open (Rome time), so that "now" always has free times ahead
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "Always open (tour)",
                "tz": "Europe/Rome",
                "company_id": company.id,
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": f"Day {day} {period}",
                            "dayofweek": str(day),
                            "hour_from": hour_from,
                            "hour_to": hour_to,
                            "day_period": period,
                        }
                    )
                    for day in range(7)
                    for period, hour_from, hour_to in (("morning", 0, 12), ("afternoon", 12, 24))
                ],
            }
        )
        cls.desk = cls.env["social.desk"].create(
            {
                "name": "Sportello tour prenotazioni",
                "company_id": company.id,
                "resource_calendar_id": cls.calendar.id,
                "operator_ids": [Command.set(cls.operator.ids)],
            }
        )
        Topic = cls.env["social.appointment.topic"]
        topic_values = {
            "company_id": company.id,
            "duration": 0.5,
            "slot_step": 30,
            "min_lead_hours": 1,
            "horizon_days": 7,
            "cancel_limit_hours": 0,
            "staffing": "one",
            "desk_ids": [Command.set(cls.desk.ids)],
        }
        cls.topic = Topic.create(
            dict(topic_values, name="Colloquio tour online", is_online_bookable=True)
        )
        cls.phone_topic = Topic.create(dict(topic_values, name="Colloquio tour telefonico"))

    def test_citizen_books_moves_and_cancels(self):
        citizen = self.env.ref("social_secretariat.user_citizen_demo")
        self.assertIn(self.env.company, citizen.company_ids)
        self.start_tour("/social/book", "social_booking_tour", login="cittadino")
        person = self.env["social.person"].search([("partner_id", "=", citizen.partner_id.id)])
        self.assertEqual(len(person), 1)
        appointment = self.env["social.appointment"].search(
            [("person_id", "=", person.id), ("topic_id", "=", self.topic.id)]
        )
        self.assertEqual(len(appointment), 1)
        self.assertEqual(appointment.state, "cancelled")
        self.assertEqual(appointment.booking_channel, "portal")
        self.assertEqual(appointment.desk_id, self.desk)
        self.assertEqual(appointment.cancel_reason, "Ho un altro impegno")
        self.assertEqual(appointment.note, "Vengo con mia figlia")
        # it was moved once: the first start differs from the one it was cancelled at
        moves = appointment.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "start"
        )
        self.assertEqual(len(moves), 1)
        self.assertTrue(moves.old_value_datetime)
        self.assertNotEqual(moves.old_value_datetime, appointment.start)
        self.assertEqual(moves.new_value_datetime, appointment.start)

    def test_operator_books_on_the_phone(self):
        # a person the operator has met at the desk: she can find them in the assistant
        person = (
            self.env["social.person"]
            .with_user(self.operator)
            .create({"first_name": "Rossana", "last_name": "Tourtelefono"})
        )
        self.start_tour("/odoo", "social_phone_booking_tour", login="tour_booking_operator")
        appointment = self.env["social.appointment"].search(
            [("person_id", "=", person.id), ("topic_id", "=", self.phone_topic.id)]
        )
        self.assertEqual(len(appointment), 1)
        self.assertEqual(appointment.booking_channel, "phone")
        self.assertEqual(appointment.state, "booked")
        self.assertEqual(appointment.desk_id, self.desk)
        self.assertEqual(appointment.operator_ids, self.operator)
