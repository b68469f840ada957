from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import NetworkCase

PARTNER_GROUP = "social_secretariat_network.group_social_partner"


@tagged("post_install", "-at_install")
class TestNetworkOperatorAccess(NetworkCase):
    def test_grant_creates_portal_user_linked_and_invited(self):
        user = self.user_a
        self.assertTrue(user.active)
        self.assertTrue(user.share)
        self.assertFalse(user.has_group("base.group_user"))
        self.assertTrue(user.has_group(PARTNER_GROUP))
        self.assertEqual(user.partner_id.parent_id, self.org_a)
        line = self.member_a.operator_ids
        self.assertEqual(line.user_id, user)
        self.assertEqual(line.course, "Corso SSD")
        self.assertTrue(line.portal_access)
        invitation = self.env["mail.mail"].search([("email_to", "=", user.email)])
        self.assertTrue(invitation, "the signup invitation is queued")
        self.assertTrue(user.partner_id.signup_type)

    def test_grant_reuses_contact_and_user(self):
        contact = self.user_a.partner_id
        self._grant(self.member_a, "", contact.email, partner=contact)
        self.assertEqual(len(self.member_a.operator_ids), 1)
        users = self.env["res.users"].with_context(active_test=False)
        self.assertEqual(users.search_count([("partner_id", "=", contact.id)]), 1)

    def test_grant_refused(self):
        # an internal user, a protocol not in force, another organisation's contact
        staff_contact = self.operator_a.partner_id
        staff_contact.parent_id = self.org_a
        with self.assertRaises(UserError):
            self._grant(self.member_a, "", "op_a@test.example", partner=staff_contact)
        self.member_b.with_user(self.coordinator).action_suspend("Verifica")
        with self.assertRaises(UserError):
            self._grant(self.member_b, "Nuovo", "nuovo@test-b.example")
        with self.assertRaises(UserError):
            self._grant(self.member_a, "", self.user_b.email, partner=self.user_b.partner_id)

    def test_user_link_only_through_the_wizard(self):
        line = self.member_b.operator_ids.with_user(self.coordinator)
        with self.assertRaises(UserError):
            line.write({"user_id": self.user_a.id})
        with self.assertRaises(UserError):
            self.env["social.network.operator"].with_user(self.coordinator).create(
                {
                    "member_id": self.member_a.id,
                    "partner_id": self.user_a.partner_id.id,
                    "user_id": self.coordinator.id,
                }
            )

    def test_suspension_ends_access_at_once(self):
        self.member_a.with_user(self.coordinator).action_suspend("Protocollo violato")
        self.assertFalse(self.user_a.active)
        self.assertFalse(self.user_a.has_group(PARTNER_GROUP))
        self.assertFalse(self.member_a.operator_ids.portal_access)
        self.assertTrue(self.user_b.active)
        self.member_a.with_user(self.coordinator).action_reactivate()
        self.assertTrue(self.user_a.active)
        self.assertTrue(self.user_a.has_group(PARTNER_GROUP))

    def test_removing_operator_ends_access(self):
        self.member_a.operator_ids.with_user(self.coordinator).unlink()
        self.assertFalse(self.user_a.active)
        self.assertFalse(self.user_a.has_group(PARTNER_GROUP))
        self.assertTrue(self.user_b.active)
