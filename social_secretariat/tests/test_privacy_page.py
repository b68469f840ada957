"""The Ambito's privacy notice is a public page, edited in Settings, one click away from the
sign-up and from the booking's confirmation step (tests/test_booking_http.py)."""

from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestPrivacyPage(HttpCase):
    def test_visitor_reads_the_ambitos_text(self):
        company = self.env.ref("base.main_company")
        company.with_context(
            lang="it_IT"
        ).social_privacy_notice = "<p>Titolare del trattamento: Ambito di prova, via Roma 1.</p>"
        page = self.url_open("/social/privacy", headers={"Accept-Language": "it"})
        self.assertEqual(page.status_code, 200)
        self.assertIn("Titolare del trattamento: Ambito di prova", page.text)
        self.assertIn(company.name, page.text)

    def test_signup_links_the_notice(self):
        self.env["ir.config_parameter"].sudo().set_param("auth_signup.invitation_scope", "b2c")
        page = self.url_open("/web/signup")
        self.assertEqual(page.status_code, 200)
        self.assertIn('href="/social/privacy"', page.text)
