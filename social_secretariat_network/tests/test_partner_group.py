from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestPartnerGroup(TransactionCase):
    def test_partner_is_portal_not_internal(self):
        """Network partners are portal users: never internal staff."""
        user = self.env.ref("social_secretariat_network.user_partner_demo")
        self.assertTrue(user.has_group("base.group_portal"))
        self.assertTrue(user.share)
        self.assertFalse(user.has_group("base.group_user"))
