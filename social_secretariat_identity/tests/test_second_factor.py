from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.social_secretariat.tests.common import SocialCase

from ..models.res_config_settings import SECOND_FACTOR_PARAM


@tagged("post_install", "-at_install")
class TestSecondFactor(SocialCase):
    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].set_param(SECOND_FACTOR_PARAM, "True")
        self.person = self.env["social.person"].create(
            {"first_name": "Rosa", "last_name": "Verdi", "company_id": self.company.id}
        )

    def test_staff_without_totp_cannot_open_a_file(self):
        person = self.person.with_user(self.coordinator)
        with self.assertRaisesRegex(AccessError, "two-factor authentication"):
            person.read(["first_name"])
        # the name alone, as every field that links a person shows it, stays readable
        self.assertEqual(person.display_name, "Rosa Verdi")

    def test_staff_with_totp_open_the_file(self):
        self.env.cr.execute(
            "UPDATE res_users SET totp_secret = 'JBSWY3DPEHPK3PXP' WHERE id = %s",
            (self.coordinator.id,),
        )
        self.coordinator.invalidate_recordset(["totp_secret", "totp_enabled"])
        self.assertEqual(
            self.person.with_user(self.coordinator).read(["first_name"])[0]["first_name"], "Rosa"
        )

    def test_policy_off(self):
        self.env["ir.config_parameter"].set_param(SECOND_FACTOR_PARAM, False)
        self.assertTrue(self.person.with_user(self.coordinator).read(["first_name"]))
        self.assertFalse(self.coordinator._mfa_enforced())

    def test_login_enforced_for_staff_only(self):
        self.assertTrue(self.coordinator._mfa_enforced())
        self.assertEqual(self.coordinator._mfa_url(), "/web/login/totp/setup")
