"""The contacts of a network desk in the partner portal, in Chromium: a partner logs a contact
(tour), and the pages pass axe (WCAG 2.1 AA) like the citizen pages, the form also with an
error shown."""

import json

from odoo.tests import HttpCase, tagged

from odoo.addons.social_secretariat.tests.test_accessibility import (
    AXE_JS,
    ODOO_EXCLUDE,
    RUNNER,
    WCAG_TAGS,
)

# The form sent back with an error, as the browser gets it after a bad submission: the named
# mode without the consent, posted by the page's own form (its CSRF token), and the answer put
# in place of the page before axe runs.
WITH_ERROR = """
(async () => {
    // let the page's own lazy scripts finish loading before its body is swapped (a load
    // cut off by the swap ends in an error of Odoo's error service after the test)
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const form = document.querySelector('form.o_network_contact_form');
    const data = new FormData(form);
    data.set('mode', 'named');
    data.set('person_name', 'Prova Errore');
    data.delete('consent_given');
    const response = await fetch(form.action, {method: 'POST', body: data});
    const answer = new DOMParser().parseFromString(await response.text(), 'text/html');
    if (!answer.querySelector('#nc_consent_error')) {
        console.error('the form did not come back with the consent error');
        return;
    }
    document.documentElement.lang = answer.documentElement.lang;
    document.title = answer.title;
    document.body.replaceWith(document.importNode(answer.body, true));
    await %(runner)s;
})()
"""


@tagged("post_install", "-at_install")
class TestNetworkContactPortal(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member = cls.env.ref("social_secretariat_network.member_caritas_segrate_demo")
        cls.partner_user = cls.env.ref("social_secretariat_network.user_partner_demo")
        cls.contact = cls.env.ref("social_secretariat_network.contact_caritas_segrate_3_demo")

    def _axe(self, url, login="partner", code=None):
        if not AXE_JS.is_file():
            self.fail(f"{AXE_JS} is missing: run make setup (it installs axe-core with npm ci)")
        runner = RUNNER % {"exclude": json.dumps(ODOO_EXCLUDE), "tags": json.dumps(WCAG_TAGS)}
        if code:
            runner = code % {"runner": runner.strip().rstrip(";")}
        source = f"{AXE_JS.read_text(encoding='utf-8')};\n{runner}"
        self.authenticate(login, login)
        response = self.url_open(url, allow_redirects=False)
        self.assertEqual(response.status_code, 200, f"{url} did not render for {login}")
        try:
            self.browser_js(url, source, login=login, timeout=120)
        except AssertionError as e:
            raise AssertionError(str(e).replace(source, "axe.min.js, then axe.run()")) from None

    def test_partner_logs_a_contact(self):
        self.start_tour("/my/network", "network_contact_tour", login="partner")
        contact = self.env["social.network.contact"].search(
            [("person_name", "=", "Carla Tourcontatto")]
        )
        self.assertEqual(len(contact), 1, "one contact: the refused submission saved nothing")
        self.assertEqual(contact.member_id, self.member)
        self.assertEqual(contact.desk_id, self.member.desk_ids[:1])
        self.assertEqual(contact.create_uid, self.partner_user)
        self.assertEqual(contact.channel, "phone")
        self.assertFalse(contact.is_anonymous)
        self.assertTrue(contact.consent_given)
        self.assertEqual(contact.phone, "+39 333 765 4321")
        self.assertTrue(contact.need_ids)
        self.assertEqual(contact.state, "submitted")

    def test_axe_contacts_list(self):
        self._axe("/my/network/contacts")

    def test_axe_contact(self):
        self._axe(f"/my/network/contacts/{self.contact.id}")

    def test_axe_new_contact(self):
        self._axe("/my/network/contacts/new")

    def test_axe_new_contact_with_error(self):
        self._axe("/my/network/contacts/new", code=WITH_ERROR)

    def test_axe_home_with_contacts_card(self):
        self._axe("/my/network")

    def test_other_organisation_contact_not_shown(self):
        other = self.env.ref("social_secretariat_network.contact_caritas_pioltello_1_demo")
        self.authenticate("partner", "partner")
        response = self.url_open(f"/my/network/contacts/{other.id}", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/my/network/contacts"))
        listing = self.url_open("/my/network/contacts").text
        self.assertIn(self.contact.name, listing)
        self.assertNotIn(other.name, listing)
