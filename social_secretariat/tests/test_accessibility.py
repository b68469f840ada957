"""WCAG 2.1 AA check of the citizen portal with axe-core, in headless Chromium.

axe-core is the npm package pinned in the repository's package-lock.json and installed by
`make setup` (npm ci) into node_modules/. Each page is opened as the user who would see it,
axe runs on the whole document, and any violation of impact "serious" or "critical" fails
the test with the rule, its help text and the first elements concerned.
"""

import json
from pathlib import Path

from odoo.tests import HttpCase, tagged

from .common import ItalianBrowserMixin

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules/axe-core/axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Parts of pages that come from Odoo's own templates, not ours, and that axe reports as
# serious or critical: excluded from the check so that the test judges our templates.
# Each entry names the Odoo template it comes from.
ODOO_EXCLUDE = [
    # portal.portal_docs_entry (the cards of /my, ours included): the pictogram <img> has no
    # alt attribute (image-alt, critical); it is decorative, the card's link has a title and text
    ".o_portal_index_card .o_portal_icon > img",
]

RUNNER = """
(async () => {
    const exclude = %(exclude)s;
    const context = exclude.length ? {include: [document], exclude: exclude} : document;
    const results = await axe.run(context, {
        runOnly: {type: 'tag', values: %(tags)s},
        resultTypes: ['violations'],
    });
    const target = (t) => Array.isArray(t) ? t.join(' >>> ') : t;
    const describe = (v) => `${v.id} [${v.impact}] ${v.help} (${v.nodes.length} element(s)): `
        + v.nodes.slice(0, 3).map((n) => n.target.map(target).join(' ')).join(' | ');
    const blocking = results.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
    const minor = results.violations.filter((v) => !blocking.includes(v));
    if (minor.length) {
        console.log('axe, minor or moderate on ' + location.pathname + ':\\n' + minor.map(describe).join('\\n'));
    }
    if (blocking.length) {
        console.error(`axe: ${blocking.length} serious or critical WCAG 2.1 AA violation(s) on `
            + location.pathname + ':\\n' + blocking.map(describe).join('\\n'));
    } else {
        console.log('test successful');
    }
})()
"""


@tagged("post_install", "-at_install")
class TestPortalAccessibility(ItalianBrowserMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.citizen = cls.env.ref("social_secretariat.user_citizen_demo")
        cls.service = cls.env["social.service"].search([("is_published", "=", True)], limit=1)
        cls.online_request = (
            cls.env["social.online.request"]
            .sudo()
            .create(
                {
                    "subject": "Aiuto per la spesa",
                    "message": "Vivo da solo e non riesco più a fare la spesa.\nCome posso fare?",
                    "partner_id": cls.citizen.partner_id.id,
                    "company_id": cls.citizen.company_id.id,
                }
            )
        )

    def _axe(self, url, login=None, ready="document.readyState === 'complete'"):
        if not AXE_JS.is_file():
            self.fail(f"{AXE_JS} is missing: run make setup (it installs axe-core with npm ci)")
        source = AXE_JS.read_text(encoding="utf-8")
        runner = RUNNER % {"exclude": json.dumps(ODOO_EXCLUDE), "tags": json.dumps(WCAG_TAGS)}
        # axe.min.js is a plain script: evaluated first, it defines window.axe for the runner
        code = f"{source};\n{runner}"
        # the page itself must render: axe passing on a 404 or a login form would prove nothing
        self.authenticate(login, login)
        response = self.url_open(url, allow_redirects=False)
        self.assertEqual(response.status_code, 200, f"{url} did not render for {login or 'public'}")
        try:
            self.browser_js(url, code, ready=ready, login=login, timeout=120)
        except AssertionError as e:
            # the failure message quotes the code run: keep the axe violations, not its source
            raise AssertionError(str(e).replace(code, "axe.min.js, then axe.run()")) from None

    def test_service_catalogue(self):
        self.assertTrue(self.service, "the demo data has no published service")
        self._axe("/social/services")

    def test_privacy_notice(self):
        self._axe("/social/privacy")

    def test_service_page(self):
        self.assertTrue(self.service, "the demo data has no published service")
        self._axe(f"/social/services/{self.env['ir.http']._slug(self.service)}")

    def test_service_page_with_booking_links(self):
        # served by a topic bookable online: the page shows the "Book an appointment" links
        service = self.env.ref("social_secretariat.service_contributo_affitto_demo")
        self._axe(f"/social/services/{self.env['ir.http']._slug(service)}")

    def test_portal_home(self):
        self._axe("/my", login="cittadino")

    def test_online_desk_requests(self):
        self._axe("/my/social/requests", login="cittadino")

    def test_online_desk_new_request(self):
        self._axe("/my/social/requests/new", login="cittadino")

    def test_online_desk_request(self):
        # the conversation (portal chatter) is rendered after the page loads
        self._axe(
            f"/my/social/requests/{self.online_request.id}",
            login="cittadino",
            ready="odoo.portalChatterReady",
        )

    def test_booking_start(self):
        self._axe("/social/book", login="cittadino")

    def test_my_appointments(self):
        self._axe("/my/social/appointments", login="cittadino")

    def test_my_appointment(self):
        # an appointment to come: its page has the .ics, the slip (PDF) and the changes
        appointment = self.env["social.appointment"].search(
            [("partner_id", "=", self.citizen.partner_id.id), ("state", "=", "booked")], limit=1
        )
        self.assertTrue(appointment, "the demo citizen has a booked appointment")
        self._axe(f"/my/social/appointments/{appointment.id}", login="cittadino")
