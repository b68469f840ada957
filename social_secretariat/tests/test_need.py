from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SocialCase


@tagged("post_install", "-at_install")
class TestNeeds(SocialCase):
    def test_hierarchy_and_names(self):
        self.assertEqual(self.need_rent.complete_name, "Economic (t) / Rent arrears (t)")
        self.assertEqual(self.need_rent.display_name, "Economic (t) / Rent arrears (t)")
        with self.assertRaises(UserError):  # ValidationError or the ORM's recursion error
            self.need_economic.parent_id = self.need_rent
        self.assertEqual(self.env["social.need"].name_search("T.ECO.01")[0][0], self.need_rent.id)

    def test_import_from_csv(self):
        """The taxonomy is importable: codes and parents by external id, as from a CSV."""
        result = self.env["social.need"].load(
            ["id", "code", "name", "parent_id/id", "user_area", "is_special_category"],
            [
                ["__import__.need_hou", "T.CASA", "Housing (t)", "", "poverty", "0"],
                [
                    "__import__.need_hou_01",
                    "T.CASA.01",
                    "Eviction (t)",
                    "__import__.need_hou",
                    "poverty",
                    "0",
                ],
                ["__import__.need_hea", "T.SAN", "Health (t)", "", "multi", "1"],
            ],
        )
        self.assertFalse(result["messages"], result["messages"])
        eviction = self.env.ref("__import__.need_hou_01")
        self.assertEqual(eviction.parent_id.code, "T.CASA")
        self.assertTrue(self.env.ref("__import__.need_hea").is_special_category)

    def test_shipped_taxonomy_is_coded_and_flagged(self):
        shipped = self.env["social.need"].search([("code", "not like", "T.%")])
        self.assertGreaterEqual(len(shipped), 30)
        special = shipped.filtered("is_special_category")
        self.assertTrue(
            special, "health, disability, violence, addiction, legal status are flagged"
        )
        self.assertTrue(
            all(need.parent_id.is_special_category for need in special if need.parent_id)
        )

    def test_paths_in_the_readers_language(self):
        """The path of a need (lists, pickers, exports) is in the reader's language, like its name:
        an Italian operator reads "Casa e abitare / Affitto non sostenibile", not the English the
        taxonomy was installed in, and finds it by its Italian words."""
        rent = self.env.ref("social_secretariat.need_casa_03")
        italian = rent.with_context(lang="it_IT")
        self.assertEqual(italian.complete_name, "Casa e abitare / Affitto non sostenibile")
        self.assertEqual(italian.display_name, "Casa e abitare / Affitto non sostenibile")
        self.assertEqual(
            rent.with_context(lang="en_US").display_name, "Housing / Unaffordable rent"
        )
        Need = self.env["social.need"].with_context(lang="it_IT")
        self.assertIn(rent, Need.search([("complete_name", "ilike", "casa e abitare")]))
        self.assertIn(rent, Need.search([("complete_name", "ilike", "affitto non")]))
        self.assertNotIn(rent, Need.search([("complete_name", "not ilike", "casa e abitare")]))
        self.assertEqual(Need.name_search("Affitto non sostenibile")[0][0], rent.id)
        session = (
            self.env["social.listening.session"]
            .with_context(lang="it_IT")
            .new({"need_ids": [(6, 0, rent.ids)]})
        )
        self.assertEqual(session.need_ids.display_name, "Casa e abitare / Affitto non sostenibile")
