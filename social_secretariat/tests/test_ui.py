from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestBackendUI(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.operator = new_test_user(
            cls.env,
            "tour_operator",
            groups="social_secretariat.group_social_operator",
            lang="en_US",
        )
        cls.desk = cls.env["social.desk"].create(
            {"name": "Tour desk", "operator_ids": [Command.set(cls.operator.ids)]}
        )
        need = cls.env["social.need"].create({"name": "Loneliness (tour)", "code": "TOUR.REL"})
        cls.service = cls.env["social.service"].create(
            {
                "name": "Friendly visits (tour)",
                "need_ids": [Command.set(need.ids)],
                "is_published": True,
            }
        )

    def test_operator_web_client_boots(self):
        """The backend loads in Chromium for a front-office operator, without JS errors."""
        self.browser_js(
            "/odoo",
            "console.log('test successful')",
            ready="odoo.isReady",
            login="operatore",
        )

    def test_operator_records_a_contact(self):
        self.start_tour(
            "/odoo/action-social_secretariat.social_listening_session_action",
            "social_session_tour",
            login="tour_operator",
        )
        session = self.env["social.listening.session"].search(
            [("desk_id", "=", self.desk.id)], order="id desc", limit=1
        )
        self.assertEqual(session.state, "done")
        self.assertTrue(session.is_anonymous)
        self.assertEqual(session.anon_age_band, "75_plus")
        self.assertEqual(session.service_ids, self.service)
        self.assertEqual(session.operator_ids, self.operator)


@tagged("post_install", "-at_install")
class TestOnlineDeskUI(HttpCase):
    def test_online_request_round_trip(self):
        """A citizen writes from the portal, staff answer in the backend, the citizen reads it."""
        citizen = self.env.ref("social_secretariat.user_citizen_demo")
        self.start_tour("/my/social/requests/new", "social_online_request_tour", login="cittadino")
        request = self.env["social.online.request"].search(
            [
                ("partner_id", "=", citizen.partner_id.id),
                ("subject", "=", "Bollette arretrate tour"),
            ]
        )
        self.assertEqual(request.preferred_channel, "phone")
        self.assertEqual(request.state, "new")
        self.assertTrue(request.answer_deadline)
        worker = self.env.ref("social_secretariat.user_worker_demo")
        request.with_user(worker).message_post(
            body="Vi richiamiamo domani alle 10.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertEqual(request.state, "answered")
        self.start_tour(
            "/my/social/requests", "social_online_request_answer_tour", login="cittadino"
        )
        action = request.with_user(worker).action_convert_to_session()
        session = self.env["social.listening.session"].browse(action["res_id"])
        self.assertEqual(session.channel, "online")
        self.assertEqual(request.state, "converted")
        self.assertIn("Bollette arretrate tour", session.request)
