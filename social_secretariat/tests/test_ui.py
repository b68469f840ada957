from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestWebClient(HttpCase):
    def test_operator_web_client_boots(self):
        """The backend loads in Chromium for a front-office operator, without JS errors."""
        self.browser_js(
            "/odoo",
            "console.log('test successful')",
            ready="odoo.isReady",
            login="operatore",
        )
