"""The citizens' portal is the Ambito's: its logo and name in the header, no "Powered by Odoo"
(OCA's portal_odoo_debranding), no placeholder logo."""

import base64
import io

from PIL import Image

from odoo.tests import HttpCase, tagged
from odoo.tools.misc import file_open


@tagged("post_install", "-at_install")
class TestPortalBranding(HttpCase):
    def test_portal_pages_show_the_ambito_not_odoo(self):
        self.authenticate("cittadino", "cittadino")
        for path in ("/my", "/my/social/appointments", "/web/login"):
            with self.subTest(path=path):
                page = self.url_open(path).text
                self.assertNotIn("o_brand_promotion", page)
                self.assertNotIn("Powered by", page)
        home = self.url_open("/my").text
        self.assertIn("Ambito Distretto Est Milano", home)

    def test_the_demo_ambito_has_its_logo(self):
        with file_open("social_secretariat/static/img/ambito_logo_demo.png", "rb") as logo:
            expected = base64.b64encode(logo.read())
        self.assertEqual(self.env.ref("base.main_company").logo, expected)
        # the header's logo: ours, scaled down by the route (same proportions), not Odoo's
        response = self.url_open(f"/logo.png?company={self.env.ref('base.main_company').id}")
        self.assertEqual(response.status_code, 200)
        width, height = Image.open(io.BytesIO(response.content)).size
        self.assertAlmostEqual(width / height, 820 / 180, delta=0.1)
