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


@tagged("post_install", "-at_install")
class TestCoordinatorScreen(HttpCase):
    browser_size = "1440x900"

    def test_coordinator_sees_every_section_at_1440(self):
        """On a 1440 px screen the coordinator's top bar holds every section of the Social
        Secretariat (network and observatory included): none is pushed behind the "+"."""
        self.browser_js(
            "/odoo/action-social_secretariat.social_listening_session_action",
            """
            const check = () => {
                const sections = document.querySelectorAll('.o_menu_sections > *');
                if (!sections.length) { return setTimeout(check, 200); }
                if (document.querySelector('.o_menu_sections_more')) {
                    console.error('sections hidden behind "+": ' + document.querySelector(
                        '.o_menu_sections').innerText.replace(/\\s+/g, ' '));
                } else {
                    console.log('test successful');
                }
            };
            setTimeout(check, 1500);
            """,
            ready="odoo.isReady",
            login="coordinatrice",
        )


@tagged("post_install", "-at_install")
class TestCitizenPhone(HttpCase):
    browser_size = "390x844"

    def test_appointments_list_reads_whole_on_a_phone(self):
        """On a 390 px phone the citizen's appointments read whole: no sideways scrolling, no
        day or desk cut off."""
        self.browser_js(
            "/my/social/appointments",
            """
            const rows = document.querySelectorAll('.o_social_appointment_row');
            const cut = [...document.querySelectorAll('.o_social_appointment_row *')].filter(
                (el) => el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0);
            if (!rows.length) {
                console.error('no appointment listed');
            } else if (document.documentElement.scrollWidth > window.innerWidth) {
                console.error('the page scrolls sideways');
            } else if (cut.length) {
                console.error('cut off: ' + cut.map((el) => el.textContent.trim()).join(' | '));
            } else {
                console.log('test successful');
            }
            """,
            ready="document.readyState === 'complete'",
            login="cittadino",
        )
