"""The facilitation pages in Chromium, as a hub's operator: the tour records an act, and the
list and the form (also with an error shown) pass axe (WCAG 2.1 AA) like the citizen pages."""

import json

from odoo.tests import HttpCase, tagged

from odoo.addons.social_secretariat.tests import test_accessibility as axe

# Before axe: the form is posted with a mistyped codice fiscale (as the browser would send it)
# and the page's body replaced by the answer, so that axe judges the form with its errors.
POST_WITH_ERROR = """
(async () => {
    const form = document.querySelector('form.o_network_assistance_form');
    const data = new FormData(form);
    data.set('fiscal_code', 'RSSMRA80C15G686X');
    const response = await fetch(form.action, {method: 'POST', body: data});
    const page = new DOMParser().parseFromString(await response.text(), 'text/html');
    document.body.innerHTML = page.body.innerHTML;
    if (!document.querySelector('#network_fiscal_code_error')) {
        console.error('the form came back without the error of the codice fiscale');
        return;
    }
    %(runner)s
})()
"""


@tagged("post_install", "-at_install")
class TestDigitalAssistancePortal(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member = cls.env.ref("social_secretariat_network.member_caritas_segrate_demo")
        cls.operator = cls.env["res.users"].search([("login", "=", "partner")])

    def test_tour_hub_operator_records_an_act(self):
        Act = self.env["social.digital.assistance"]
        before = Act.search([]).ids
        self.start_tour("/my/network/assistance/new", "network_assistance_tour", login="partner")
        act = Act.search([("id", "not in", before)])
        self.assertEqual(len(act), 1)
        self.assertEqual(act.member_id, self.member)
        self.assertEqual(act.user_id, self.operator)
        self.assertEqual(act.fiscal_code, "RSSMRA80C15G686K")
        self.assertEqual((act.duration, act.service_area, act.gender), (45, "inps", "female"))
        self.assertEqual(act.competence_ids.mapped("code"), ["IDENTITA_DIGITALE"])
        self.assertEqual(act.province_id, self.env.ref("base.state_it_mi"))

    def _axe(self, url, code=None):
        source = axe.AXE_JS.read_text(encoding="utf-8")
        runner = axe.RUNNER % {
            "exclude": json.dumps(axe.ODOO_EXCLUDE),
            "tags": json.dumps(axe.WCAG_TAGS),
        }
        code = f"{source};\n{(code % {'runner': runner}) if code else runner}"
        self.authenticate("partner", "partner")
        response = self.url_open(url, allow_redirects=False)
        self.assertEqual(response.status_code, 200, f"{url} did not render")
        try:
            self.browser_js(url, code, login="partner", timeout=120)
        except AssertionError as e:
            raise AssertionError(str(e).replace(code, "axe.min.js, then axe.run()")) from None

    def test_axe_list(self):
        self._axe("/my/network/assistance")

    def test_axe_form(self):
        self._axe("/my/network/assistance/new")

    def test_axe_form_with_an_error(self):
        self._axe("/my/network/assistance/new", POST_WITH_ERROR)

    def test_axe_home(self):
        self._axe("/my/network")
