"""Rough edges of the back office a newcomer hit on the first day (issue 12): the appointment's
.ics comes from the desk, staff land on their work, list dates without seconds."""

from freezegun import freeze_time
from lxml import etree

from odoo.tests import tagged

from .common_appointment import AppointmentCase


@tagged("post_install", "-at_install")
class TestBackOfficeEdges(AppointmentCase):
    @freeze_time("2026-03-23 08:10:00")  # Monday, 09:10 in Rome
    def test_ics_shows_the_desk_not_the_operators(self):
        self.operator_b.email = "op.b@internal.example"
        self.operator_a.email = "op.a@internal.example"
        self.desk_b.email = "sportello.segrate@ambito.example"
        self.person.email = "mario.rossi@example.com"
        appointment = self.book("2026-03-25 09:00", operators=self.operator_b)
        event = appointment.calendar_event_id
        self.assertIn(self.operator_b.partner_id, event.partner_ids)
        ics = event._get_ics_file()[event.id].decode()
        unfolded = ics.replace("\r\n ", "")
        for address in ("op.b@internal.example", "op.a@internal.example"):
            self.assertNotIn(address, unfolded)
        self.assertIn("MAILTO:sportello.segrate@ambito.example", unfolded)
        self.assertIn(self.desk_b.name, unfolded)
        self.assertIn("mario.rossi@example.com", unfolded)

    @freeze_time("2026-03-23 08:10:00")
    def test_ics_without_desk_email_uses_the_ambito(self):
        self.operator_b.email = "op.b@internal.example"
        self.desk_b.email = False
        self.company.email = "info@ambito.example"
        appointment = self.book("2026-03-25 09:30", operators=self.operator_b)
        event = appointment.calendar_event_id
        unfolded = event._get_ics_file()[event.id].decode().replace("\r\n ", "")
        self.assertNotIn("op.b@internal.example", unfolded)
        self.assertIn("MAILTO:info@ambito.example", unfolded)

    def test_demo_staff_land_on_segretariato_sociale(self):
        action = self.env.ref("social_secretariat.social_listening_session_action")
        for xmlid in (
            "user_operator_demo",
            "user_worker_demo",
            "user_educator_demo",
            "user_coordinator_demo",
            "user_operator_segrate_demo",
        ):
            with self.subTest(user=xmlid):
                user = self.env.ref(f"social_secretariat.{xmlid}")
                self.assertEqual(user.action_id.id, action.id)

    def test_list_dates_without_seconds(self):
        lists = {
            "social.listening.session": ["date"],
            "social.referral": ["sent_date", "ack_deadline"],
            "social.appointment": ["start"],
            "social.online.request": ["create_date", "answer_deadline"],
        }
        for model, names in lists.items():
            arch = self.env[model].get_view(view_type="list")["arch"]
            root = etree.fromstring(arch)
            for name in names:
                with self.subTest(model=model, field=name):
                    (node,) = root.xpath(f"//field[@name='{name}']")
                    self.assertEqual(node.get("widget"), "datetime")
                    self.assertIn("'show_seconds': false", node.get("options", ""))
