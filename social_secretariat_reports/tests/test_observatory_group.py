from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestObservatoryGroup(TransactionCase):
    def test_observatory_is_not_an_operator(self):
        """The observatory sees aggregated figures only: it is no desk operator."""
        user = new_test_user(
            self.env, "obs_t", groups="social_secretariat_reports.group_social_observatory"
        )
        self.assertFalse(user.has_group("social_secretariat.group_social_operator"))
