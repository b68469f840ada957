from freezegun import freeze_time

from odoo.tests import new_test_user, tagged

from .common_appointment import AppointmentCase


@freeze_time("2026-03-23 08:10:00")  # Monday, 09:10 in Rome
@tagged("post_install", "-at_install")
class TestPersonAnonymiseContacts(AppointmentCase):
    """What the person wrote to the online desk, what the staff noted on their appointments,
    the name in the calendar and the portal account go with the identity; the appointments'
    dates, desks and states stay for the desks' workload."""

    def test_appointments_requests_and_account(self):
        portal = new_test_user(
            self.env,
            "mario.rossi@example.com",
            groups="base.group_portal",
            partner_id=self.person.partner_id.id,
        )
        appointment = self.book("2026-03-25 09:00")
        # sudo: a note as the staff writes it
        appointment.sudo().note = "Porta la lettera dello sfratto"
        self.assertIn("Rossi", appointment.calendar_event_id.name)
        request = self.env["social.online.request"].create(
            {
                "partner_id": self.person.partner_id.id,
                "company_id": self.company.id,
                "subject": "Sfratto di Mario Rossi",
                "message": "Ho ricevuto lo sfratto, mi chiami al 347 123 4567",
                "callback_phone": "347 123 4567",
            }
        )
        self.env["social.person.anonymise"]._anonymise_persons(self.person, "Richiesta scritta")
        self.assertFalse(appointment.note)
        self.assertEqual(appointment.state, "booked")
        self.assertEqual(appointment.desk_id, self.desk_b)
        self.assertNotIn("Rossi", appointment.calendar_event_id.name)
        self.assertNotIn("Rossi", request.subject)
        self.assertNotIn("347", request.message)
        self.assertFalse(request.callback_phone)
        self.assertFalse(portal.active)
        self.assertNotIn("example.com", portal.login)
        self.assertFalse(
            self.env["mail.message"].search(
                [("model", "=", "social.online.request"), ("res_id", "=", request.id)]
            ),
            "the request's chatter (its subject tracked) is gone",
        )
