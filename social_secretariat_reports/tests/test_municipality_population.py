from datetime import date

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestMunicipalityPopulation(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Municipality = cls.env["social.municipality"]
        cls.town = Municipality.create({"name": "Borgo Uno"})
        cls.village = Municipality.create({"name": "Borgo Due"})
        cls.unknown = Municipality.create({"name": "Borgo Tre"})
        Population = cls.env["social.municipality.population"]
        for day, residents in ((date(2024, 1, 1), 1000), (date(2025, 1, 1), 1100)):
            Population.create(
                {"municipality_id": cls.town.id, "reference_date": day, "residents": residents}
            )
        Population.create(
            {
                "municipality_id": cls.village.id,
                "reference_date": date(2025, 1, 1),
                "residents": 300,
            }
        )
        cls.towns = cls.town | cls.village | cls.unknown

    def test_figure_of_the_period(self):
        """The latest figure on or before the day; before the first one, the earliest; a
        municipality without figures is left out (no rate on zero)."""
        residents_at = self.env["social.municipality.population"]._residents_at
        self.assertEqual(
            residents_at(self.towns, date(2024, 6, 30)), {self.town.id: 1000, self.village.id: 300}
        )
        self.assertEqual(
            residents_at(self.towns, date(2025, 1, 1)), {self.town.id: 1100, self.village.id: 300}
        )
        self.assertEqual(
            residents_at(self.towns, date(2023, 3, 1)), {self.town.id: 1000, self.village.id: 300}
        )
        self.assertEqual(residents_at(self.unknown, date(2025, 3, 1)), {})
        self.assertEqual(residents_at(self.town.ids, date(2026, 3, 1)), {self.town.id: 1100})

    @mute_logger("odoo.sql_db")
    def test_residents_positive(self):
        with self.assertRaises(IntegrityError):
            self.env["social.municipality.population"].create(
                {
                    "municipality_id": self.unknown.id,
                    "reference_date": date(2025, 1, 1),
                    "residents": 0,
                }
            )

    def test_access(self):
        """The observatory reads the figures, the coordinator keeps them, an operator gets
        nothing."""
        observatory = new_test_user(
            self.env, "pop_obs", groups="social_secretariat_reports.group_social_observatory"
        )
        operator = new_test_user(
            self.env, "pop_op", groups="social_secretariat.group_social_operator"
        )
        coordinator = new_test_user(
            self.env, "pop_coord", groups="social_secretariat.group_social_coordinator"
        )
        Population = self.env["social.municipality.population"]
        self.assertEqual(
            Population.with_user(observatory)._residents_at(self.town, date(2025, 2, 1)),
            {self.town.id: 1100},
        )
        with self.assertRaises(AccessError):
            Population.with_user(observatory).create(
                {"municipality_id": self.unknown.id, "residents": 10}
            )
        with self.assertRaises(AccessError):
            Population.with_user(operator).search([])
        Population.with_user(coordinator).create(
            {"municipality_id": self.unknown.id, "residents": 10}
        )
