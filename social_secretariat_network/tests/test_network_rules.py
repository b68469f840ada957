from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import NetworkCase


@tagged("post_install", "-at_install")
class TestNetworkRules(NetworkCase):
    def test_partner_reads_own_organisation_only(self):
        Member = self.env["social.network.member"].with_user(self.user_a)
        self.assertEqual(Member.search([]), self.member_a)
        self.assertEqual(self.member_a.with_user(self.user_a).name, "Caritas Test A")
        with self.assertRaises(AccessError):
            self.member_b.with_user(self.user_a).read(["name"])
        with self.assertRaises(AccessError):
            self.member_a.with_user(self.user_b).read(["name"])
        with self.assertRaises(AccessError):
            self.member_a.with_user(self.user_a).write({"notes": "x"})

    def test_partner_reads_own_operators_only(self):
        Operator = self.env["social.network.operator"].with_user(self.user_a)
        self.assertEqual(Operator.search([]), self.member_a.operator_ids)
        with self.assertRaises(AccessError):
            self.member_b.operator_ids.with_user(self.user_a).read(["name"])
        # the portal users of the lines are for staff only
        with self.assertRaises(AccessError):
            self.member_a.operator_ids.with_user(self.user_a).read(["user_id"])

    def test_partner_reads_own_desks(self):
        desk = (
            self.env["social.desk"]
            .with_user(self.coordinator)
            .create(
                {"name": "Sportello B", "kind": "partner", "network_member_id": self.member_b.id}
            )
        )
        self.assertEqual(self.member_a.with_user(self.user_a).desk_ids.ids, [])
        # the member field of a desk names only what the reader may read
        with self.assertRaises(AccessError):
            desk.with_user(self.user_a).network_member_id.read(["name"])

    def test_citizen_reads_no_member(self):
        with self.assertRaises(AccessError):
            self.env["social.network.member"].with_user(self.citizen).search([])
        with self.assertRaises(AccessError):
            self.env["social.network.operator"].with_user(self.citizen).search([])
