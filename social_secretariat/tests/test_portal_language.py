"""The portal speaks Italian first and English for the foreign citizens the seeds name: the
footer's switcher offers both, and a citizen who chooses English keeps it."""

from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestPortalLanguage(HttpCase):
    def test_visitor_reads_italian_and_can_switch(self):
        # a browser asking for a language the portal does not speak: Italian, not English
        page = self.url_open("/social/services", headers={"Accept-Language": "fr-FR,fr"})
        self.assertIn('<html lang="it-IT"', page.text)
        self.assertIn("js_language_selector", page.text)
        self.assertIn('href="/en/social/services"', page.text)
        english = self.url_open("/en/social/services", headers={"Accept-Language": "fr-FR"})
        self.assertIn('<html lang="en-US"', english.text)
        self.assertIn("Services of the Ambito", english.text)

    def test_citizen_switches_to_english(self):
        self.authenticate("cittadino", "cittadino")
        home = self.url_open("/my")
        self.assertIn('<html lang="it-IT"', home.text)
        self.assertIn('href="/en/my"', home.text)
        english = self.url_open("/en/my/social/appointments")
        self.assertEqual(english.status_code, 200)
        self.assertIn('<html lang="en-US"', english.text)
        # the choice sticks (cookie) for the next pages
        self.assertIn('<html lang="en-US"', self.url_open("/my/social/requests").text)
