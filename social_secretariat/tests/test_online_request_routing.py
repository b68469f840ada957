"""An online request reaches people: the online desk's team follows it, and those of them who
staff a desk in the requester's municipality are told at once (the whole team when the
municipality is unknown or has nobody on the team)."""

from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import SocialCase


@tagged("post_install", "-at_install")
class TestOnlineRequestRouting(SocialCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.segrate.name = "Segrate (test)"  # the demo data has a Segrate of its own
        cls.online_desk = cls.env["social.desk"].create(
            {
                "name": "Sportello online (test)",
                "kind": "online",
                "operator_ids": [Command.set((cls.operator_a | cls.operator_b).ids)],
            }
        )

    def _request_from(self, city):
        citizen = new_test_user(
            self.env, f"citizen_{city or 'none'}", groups="base.group_portal", name="Lucia Neri"
        )
        citizen.partner_id.city = city
        # the portal writes it as the citizen (with sudo, as controllers/portal.py does)
        return (
            self.env["social.online.request"]
            .with_user(citizen)
            .sudo()  # as the portal controller does (staff fields set by the server)
            .create(
                {
                    "subject": "Bollette arretrate",
                    "message": "Non riesco a pagare le bollette.",
                    "partner_id": citizen.partner_id.id,
                    "company_id": self.company.id,
                }
            )
        )

    def _note(self, request):
        return request.message_ids.filtered(
            lambda m: m.subtype_id == self.env.ref("mail.mt_note") and m.partner_ids
        )

    def _told(self, request):
        return self._note(request).notification_ids.res_partner_id

    def test_the_municipality_desk_is_told(self):
        request = self._request_from("segrate (test)")
        self.assertEqual(request.desk_id, self.online_desk)
        self.assertEqual(self._told(request), self.operator_b.partner_id)
        self.assertTrue(
            (self.operator_a | self.operator_b).partner_id <= request.message_partner_ids,
            "the whole online team follows the request",
        )
        note = self._note(request)
        self.assertIn("Bollette arretrate", note.body)
        self.assertEqual(note.author_id, self.env.ref("base.partner_root"))

    def test_unknown_municipality_tells_the_whole_team(self):
        request = self._request_from(False)
        self.assertEqual(self._told(request), (self.operator_a | self.operator_b).partner_id)

    def test_the_persons_file_wins_over_the_contact_city(self):
        request = self._request_from("segrate (test)")
        self.assertEqual(request._requester_municipality(), self.segrate)
        self.env["social.person"].create(
            {
                "first_name": "Lucia",
                "last_name": "Neri",
                "partner_id": request.partner_id.id,
                "residence_municipality_id": self.pioltello.id,
            }
        )
        request.invalidate_recordset()
        self.assertEqual(request._requester_municipality(), self.pioltello)

    def test_demo_requests_reached_the_front_office(self):
        """The demo shows the online desk at work: Mario's request told Pioltello's operators,
        Anna's was taken and answered by Segrate's operator."""
        rent = self.env.ref("social_secretariat.online_request_rent_demo")
        self.assertEqual(rent.state, "new")
        told = self._told(rent)
        self.assertIn(self.env.ref("social_secretariat.user_operator_demo").partner_id, told)
        self.assertNotIn(
            self.env.ref("social_secretariat.user_operator_segrate_demo").partner_id, told
        )
        camp = self.env.ref("social_secretariat.online_request_summer_camp_demo")
        self.assertEqual(camp.state, "answered")
        self.assertEqual(
            camp.user_id, self.env.ref("social_secretariat.user_operator_segrate_demo")
        )
        self.assertTrue(camp.first_answer_date)
