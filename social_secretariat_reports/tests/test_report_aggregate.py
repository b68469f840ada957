from unittest.mock import patch

from odoo.tests import TransactionCase, tagged

ANALYSES = ("social.report.session.need", "social.report.contact", "social.report.person")


@tagged("post_install", "-at_install")
class TestReportAggregate(TransactionCase):
    """The one rule of the three analyses kept by triggers (models/social_report_aggregate.py):
    their SQL runs at every upgrade, and the figures are counted again when it changed or
    arrives on an installed observatory; at install the post_init_hook counts them."""

    def _init(self, name, marker, installing=False):
        """Run the analysis's init with `marker` as the hash last installed (None: none);
        return how many times it counted again and the marker left."""
        model = self.env[name]
        params = self.env["ir.config_parameter"].sudo()  # sudo: the technical markers
        params.search([("key", "=", model._aggregate_version_key)]).unlink()
        if marker:
            params.set_param(model._aggregate_version_key, marker)
        cls = type(model)
        with (
            patch.object(cls, "_rebuild") as rebuild,
            patch.object(cls, "_installing", return_value=installing),
        ):
            model.init()
        return rebuild.call_count, params.get_param(model._aggregate_version_key)

    def test_rebuilds_when_the_sql_changed(self):
        for name in ANALYSES:
            with self.subTest(name):
                __, current = self._init(name, "stale")
                self.assertEqual(self._init(name, "stale"), (1, current))
                self.assertEqual(self._init(name, current), (0, current))

    def test_rebuilds_when_an_upgrade_brings_it(self):
        for name in ANALYSES:
            with self.subTest(name):
                calls, current = self._init(name, None)
                self.assertEqual(calls, 1)
                self.assertTrue(current)

    def test_install_leaves_the_count_to_the_hook(self):
        for name in ANALYSES:
            with self.subTest(name):
                calls, current = self._init(name, None, installing=True)
                self.assertEqual(calls, 0)
                self.assertTrue(current)
