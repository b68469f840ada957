"""The public catalogue keeps its service cards rendered (t-cache, keyed by the services and
their write_date): an edited service, or a translation edited on its own, shows at once."""

from odoo.tests import HttpCase, tagged

from .common import ItalianBrowserMixin


@tagged("post_install", "-at_install")
class TestCatalogueCache(ItalianBrowserMixin, HttpCase):
    def _catalogue(self):
        """The cards of the catalogue (the page's list), as text."""
        response = self.url_open("/social/services")
        self.assertEqual(response.status_code, 200)
        start = response.text.index('<ul class="list-unstyled row g-3"')
        return response.text[start : response.text.index("</ul>", start)]

    def test_edited_service_shows_at_once(self):
        service = self.env["social.service"].create(
            {
                "name": "Servizio di prova (cache)",
                "summary": "Prima versione.",
                "is_published": True,
            }
        )
        self.assertIn("Prima versione.", self._catalogue())
        # the same cards twice: the second comes from the cache, unchanged
        self.assertIn("Prima versione.", self._catalogue())
        # an edit in another transaction: write_date moves on (the test has one transaction,
        # whose clock would give the edit the same write_date)
        service.summary = "Seconda versione."
        service.flush_recordset()
        self.env.cr.execute(
            "UPDATE social_service SET write_date = write_date + interval '1 second' WHERE id = %s",
            (service.id,),
        )
        service.invalidate_recordset(["write_date"])
        page = self._catalogue()
        self.assertIn("Seconda versione.", page)
        self.assertNotIn("Prima versione.", page)
        # the Italian text alone edited, as the translation dialog does
        service.update_field_translations("summary", {"it_IT": "Terza versione."})
        page = self._catalogue()
        self.assertIn("Terza versione.", page)
        self.assertNotIn("Seconda versione.", page)

    def test_unpublished_service_leaves_the_cards(self):
        service = self.env["social.service"].create(
            {"name": "Servizio da ritirare (cache)", "is_published": True}
        )
        self.assertIn("Servizio da ritirare (cache)", self._catalogue())
        service.is_published = False
        self.assertNotIn("Servizio da ritirare (cache)", self._catalogue())
