from datetime import timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import NetworkCase


@tagged("post_install", "-at_install")
class TestNetworkMember(NetworkCase):
    def test_lifecycle(self):
        """draft → active → suspended (with a reason, in the chatter) → active."""
        org = self.env["res.partner"].create({"name": "CGIL Test", "is_company": True})
        member = self._make_member(org, self.listening).with_user(self.coordinator)
        self.assertEqual(member.state, "draft")
        self.assertFalse(member.is_active)
        member.action_activate()
        self.assertEqual(member.state, "active")
        self.assertTrue(member.is_active)
        with self.assertRaises(UserError):
            member.action_suspend("   ")
        member.action_suspend("Sede chiusa")
        self.assertEqual(member.state, "suspended")
        self.assertEqual(member.suspension_reason, "Sede chiusa")
        self.assertIn("Sede chiusa", member.message_ids[0].body)
        self.env.cr.precommit.run()  # tracking is written at commit
        # sudo: the test reads the tracking values, not a user
        tracked = member.sudo().message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertIn("state", tracked)
        with self.assertRaises(UserError):
            member.action_suspend("again")
        member.action_reactivate()
        self.assertEqual(member.state, "active")
        self.assertFalse(member.suspension_reason)

    def test_activation_needs_protocol_in_force(self):
        org = self.env["res.partner"].create({"name": "Senza protocollo", "is_company": True})
        member = self._make_member(org, self.listening, protocol_date=False)
        with self.assertRaises(UserError):
            member.with_user(self.coordinator).action_activate()
        member.write(
            {
                "protocol_date": self.today - timedelta(days=900),
                "protocol_expiry_date": self.today - timedelta(days=1),
            }
        )
        with self.assertRaises(UserError):
            member.with_user(self.coordinator).action_activate()

    def test_state_changes_only_through_buttons(self):
        with self.assertRaises(UserError):
            self.member_a.with_user(self.coordinator).write({"state": "draft"})
        with self.assertRaises(UserError):
            self.member_a.with_user(self.coordinator).write({"suspension_reason": "x"})
        org = self.env["res.partner"].create({"name": "Diretta", "is_company": True})
        with self.assertRaises(UserError):
            self.env["social.network.member"].with_user(self.coordinator).create(
                {"partner_id": org.id, "state": "active"}
            )
        # a context key a client can send unlocks nothing
        with self.assertRaises(UserError):
            self.member_a.with_user(self.coordinator).with_context(social_workflow=True).write(
                {"state": "expired"}
            )

    def test_only_coordinators_manage(self):
        """Other staff read the network; only a coordinator changes it."""
        member = self.member_a.with_user(self.operator_a)
        self.assertEqual(member.name, "Caritas Test A")
        with self.assertRaises(AccessError):
            member.action_suspend("no")
        with self.assertRaises(AccessError):
            member.write({"protocol_date": self.today})
        self.assertEqual(self.member_a.state, "active")

    def test_cron_expires_protocols(self):
        self.member_b.write(
            {"protocol_expiry_date": self.today - timedelta(days=1)},
        )
        self.assertEqual(self.member_b.state, "active")
        self.assertFalse(self.member_b.is_active)  # past its expiry, even before the cron
        self.env["social.network.member"]._cron_expire_protocols()
        self.assertEqual(self.member_b.state, "expired")
        self.assertEqual(self.member_a.state, "active")
        self.assertFalse(self.user_b.active)
        self.assertTrue(self.user_a.active)
        # renewed protocol: reactivation gives the access back
        self.member_b.protocol_expiry_date = self.today + timedelta(days=365)
        self.member_b.with_user(self.coordinator).action_reactivate()
        self.assertTrue(self.user_b.active)
        self.assertTrue(self.user_b.has_group("social_secretariat_network.group_social_partner"))

    def test_check_active(self):
        """An organisation whose protocol is not in force can neither refer nor be referred
        to: the referral code calls _check_active / _check_partner_active."""
        Member = self.env["social.network.member"]
        self.assertTrue(self.member_a._check_active())
        self.assertTrue(Member._check_partner_active(self.org_a))
        self.assertTrue(Member._check_partner_active(self.user_a.partner_id))  # a contact
        self.assertEqual(Member.search([("is_active", "=", True)]) & self.member_a, self.member_a)
        self.member_a.with_user(self.coordinator).action_suspend("Verifica in corso")
        with self.assertRaises(UserError):
            self.member_a._check_active()
        with self.assertRaises(UserError):
            Member._check_partner_active(self.user_a.partner_id)
        self.assertFalse(Member.search([("is_active", "=", True), ("id", "=", self.member_a.id)]))
        self.assertTrue(Member.search([("is_active", "=", False), ("id", "=", self.member_a.id)]))
        stranger = self.env["res.partner"].create({"name": "Non aderente", "is_company": True})
        with self.assertRaises(UserError):
            Member._check_partner_active(stranger)
        draft = self._make_member(stranger, self.listening)
        with self.assertRaises(UserError):
            draft._check_active()

    def test_referent_and_desks(self):
        with self.assertRaises(ValidationError):
            self.member_a.referent_id = self.user_b.partner_id  # of the other organisation
        self.member_a.referent_id = self.user_a.partner_id
        desk = (
            self.env["social.desk"]
            .with_user(self.coordinator)
            .create(
                {
                    "name": "Sportello Caritas (test)",
                    "kind": "partner",
                    "network_member_id": self.member_a.id,
                    "street": "Via Roma 1",
                    "city": "Pioltello",
                }
            )
        )
        self.assertEqual(self.member_a.desk_ids, desk)
        self.assertEqual(self.member_a.desk_count, 1)
        with self.assertRaises(ValidationError):
            desk.kind = "front_office"

    def test_draft_only_deleted(self):
        with self.assertRaises(UserError):
            self.member_a.with_user(self.coordinator).unlink()

    def test_views_open_for_staff(self):
        """The form, list, kanban and search views load for the coordinator and for other
        staff (fields restricted by groups included)."""
        for user in (self.coordinator, self.operator_a):
            Member = self.env["social.network.member"].with_user(user)
            views = Member.get_views(
                [(False, "kanban"), (False, "list"), (False, "form"), (False, "search")]
            )
            self.assertEqual(set(views["views"]), {"kanban", "list", "form", "search"})
        form = Form(self.member_a.with_user(self.coordinator))
        form.protocol_expiry_date = self.today + timedelta(days=30)
        form.save()
        self.assertEqual(self.member_a.protocol_expiry_date, self.today + timedelta(days=30))
