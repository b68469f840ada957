from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestGroups(TransactionCase):
    def test_roles_are_chained(self):
        """A coordinator is a social worker, who is an operator."""
        coordinator = new_test_user(
            self.env, "coord_t", groups="social_secretariat.group_social_coordinator"
        )
        self.assertTrue(coordinator.has_group("social_secretariat.group_social_worker"))
        self.assertTrue(coordinator.has_group("social_secretariat.group_social_operator"))
        operator = new_test_user(
            self.env, "oper_t", groups="social_secretariat.group_social_operator"
        )
        self.assertFalse(operator.has_group("social_secretariat.group_social_worker"))
