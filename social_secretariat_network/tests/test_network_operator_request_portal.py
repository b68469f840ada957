"""The operators' page and the catalogue of the partner portal in Chromium, as the demo
referente of Caritas Segrate (login `partner`): the tour of a request to add an operator, and
the axe check (WCAG 2.1 AA) of both pages."""

import json
import re

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from odoo.addons.social_secretariat.tests.test_accessibility import (
    AXE_JS,
    ODOO_EXCLUDE,
    RUNNER,
    WCAG_TAGS,
)

REFERENT = "partner"  # the referente of Caritas Segrate (demo)
COLLEAGUE = "caritas.segrate2"


@tagged("post_install", "-at_install")
class TestNetworkOperatorsPortal(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member = cls.env.ref("social_secretariat_network.member_caritas_segrate_demo")
        cls.referent = cls.env["res.users"].search([("login", "=", REFERENT)])
        cls.service = cls.env["social.service"].search([("is_published", "=", True)], limit=1)
        cls.service.partner_note = "<p>Chiamare la assistente sociale prima di inviare.</p>"

    def _axe(self, url, login):
        if not AXE_JS.is_file():
            self.fail(f"{AXE_JS} is missing: run make setup (it installs axe-core with npm ci)")
        runner = RUNNER % {"exclude": json.dumps(ODOO_EXCLUDE), "tags": json.dumps(WCAG_TAGS)}
        code = f"{AXE_JS.read_text(encoding='utf-8')};\n{runner}"
        self.authenticate(login, login)
        response = self.url_open(url, allow_redirects=False)
        self.assertEqual(response.status_code, 200, f"{url} did not render for {login}")
        try:
            self.browser_js(url, code, login=login, timeout=120)
        except AssertionError as e:
            raise AssertionError(str(e).replace(code, "axe.min.js, then axe.run()")) from None

    def _post(self, path, data):
        # any form of the portal gives the session's token (a colleague's page has none)
        page = self.url_open("/my/account")
        token = re.search(r'name="csrf_token"\s+value="([^"]+)"', page.text).group(1)
        return self.url_open(path, data={**data, "csrf_token": token}, allow_redirects=False)

    def test_tour_referent_asks_to_add_an_operator(self):
        self.start_tour("/my/network", "network_operators_tour", login=REFERENT)
        request = self.env["social.network.operator.request"].search(
            [("email", "=", "ornella.tour@caritas-segrate.example")]
        )
        self.assertEqual(request.state, "pending")
        self.assertEqual(request.member_id, self.member)
        self.assertEqual(request.requested_by_id, self.referent.partner_id)
        self.assertEqual(request.course, "Corso Segretariato Sociale Diffuso")

    def test_axe_operators_page(self):
        self._axe("/my/network/operators", REFERENT)

    def test_axe_services_page(self):
        self._axe("/my/network/services", REFERENT)

    def test_operators_page_shows_no_staff_field(self):
        self.authenticate(REFERENT, REFERENT)
        page = self.url_open("/my/network/operators")
        self.assertEqual(page.status_code, 200)
        for line in self.member.operator_ids:
            self.assertIn(line.name, page.text)
            # the logins of the portal users are for staff only
            self.assertNotIn(f">{line.user_id.login}<", page.text)
        self.assertIn('action="/my/network/operators/add"', page.text)

    def test_colleague_reads_only(self):
        self.authenticate(COLLEAGUE, COLLEAGUE)
        page = self.url_open("/my/network/operators")
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("/my/network/operators/add", page.text)
        home = self.url_open("/my/network")
        self.assertNotIn('href="/my/network/operators"', home.text)
        self.assertIn('href="/my/network/services"', home.text)
        response = self._post(
            "/my/network/operators/add", {"person_name": "Intruso", "email": "i@example.com"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn('role="alert"', response.text)
        self.assertFalse(
            self.env["social.network.operator.request"].search([("person_name", "=", "Intruso")])
        )

    def test_bad_input_comes_back_with_the_values(self):
        self.authenticate(REFERENT, REFERENT)
        response = self._post(
            "/my/network/operators/add",
            {"person_name": "Giulia Errata", "email": "non-una-mail", "course": "Corso X"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn('role="alert"', response.text)
        self.assertIn('value="Giulia Errata"', response.text)
        self.assertIn('aria-describedby="network_add_email_error"', response.text)
        self.assertFalse(
            self.env["social.network.operator.request"].search(
                [("person_name", "=", "Giulia Errata")]
            )
        )

    def test_catalogue_shows_partner_notes_not_to_citizens(self):
        self.authenticate(REFERENT, REFERENT)
        page = self.url_open("/my/network/services")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Chiamare la assistente sociale", page.text)
        slug = self.env["ir.http"]._slug(self.service)
        self.assertIn(f"/social/services/{slug}", page.text)
        # filtered by an area the service does not serve: not listed
        Need = self.env["social.need"]
        other = Need.search([("parent_id", "=", False)]).filtered(
            lambda area: not Need.search([("id", "child_of", area.id)]) & self.service.need_ids
        )[:1]
        self.assertTrue(other)
        page = self.url_open(f"/my/network/services?need={other.id}")
        self.assertNotIn(f"/social/services/{slug}", page.text)
        # the public page and a citizen never get the note
        self.authenticate(None, None)
        public = self.url_open(f"/social/services/{slug}")
        self.assertNotIn("Chiamare la assistente sociale", public.text)
        citizen = self.env.ref("social_secretariat.user_citizen_demo")
        service = self.service.with_user(citizen)
        with self.assertRaises(AccessError):  # the field is not theirs
            service.read(["partner_note"])
