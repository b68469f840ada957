from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import NetworkCase

PARTNER_GROUP = "social_secretariat_network.group_social_partner"
Request = "social.network.operator.request"


@tagged("post_install", "-at_install")
class TestNetworkOperatorRequest(NetworkCase):
    """The referente asks to add or remove an operator; the coordinator decides."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_a2 = cls._grant(cls.member_a, "Carla Volontaria", "carla@test-a.example")
        cls.member_a.with_user(cls.coordinator).referent_id = cls.user_a.partner_id
        cls.member_b.with_user(cls.coordinator).referent_id = cls.user_b.partner_id
        cls.line_a2 = cls.member_a.operator_ids.filtered(lambda op: op.user_id == cls.user_a2)

    def _ask_add(self, user=None, **vals):
        return (
            self.env[Request]
            .with_user(user or self.user_a)
            .create(
                {
                    "kind": "add",
                    "person_name": "Dario Nuovo",
                    "email": "Dario.Nuovo@test-a.example",
                    "phone": "+39 333 1234567",
                    "course": "Corso SSD 2026",
                    "training_date": self.today,
                    **vals,
                }
            )
        )

    def _ask_remove(self, user=None, line=None, **vals):
        return (
            self.env[Request]
            .with_user(user or self.user_a)
            .create(
                {
                    "kind": "remove",
                    "operator_id": (line or self.line_a2).id,
                    "reason": "Ha lasciato l'associazione",
                    **vals,
                }
            )
        )

    # ------------------------------------------------------------
    # Who asks, who sees
    # ------------------------------------------------------------

    def test_referent_asks_for_own_organisation(self):
        request = self._ask_add()
        self.assertEqual(request.state, "pending")
        self.assertEqual(request.member_id, self.member_a)
        self.assertEqual(request.requested_by_id, self.user_a.partner_id)
        self.assertEqual(request.email, "dario.nuovo@test-a.example")
        # the organisation's operators read it; the other organisation does not
        self.assertEqual(self.env[Request].with_user(self.user_a2).search([]), request)
        self.assertFalse(self.env[Request].with_user(self.user_b).search([]))
        with self.assertRaises(AccessError):
            request.with_user(self.user_b).read(["person_name"])

    def test_only_the_referent_asks(self):
        with self.assertRaises(AccessError):
            self._ask_add(user=self.user_a2)
        with self.assertRaises(AccessError):
            self._ask_remove(user=self.user_a2, line=self.member_a.operator_ids[0])
        # a citizen or a staff member is no referente either
        with self.assertRaises(AccessError):
            self._ask_add(user=self.citizen)
        with self.assertRaises(AccessError):
            self._ask_add(user=self.coordinator)

    def test_other_referent_cannot_touch_our_operators(self):
        with self.assertRaises(AccessError):
            self._ask_remove(user=self.user_b, line=self.line_a2)
        self.assertFalse(self.env[Request].search([("operator_id", "=", self.line_a2.id)]))

    def test_client_cannot_choose_organisation_or_state(self):
        with self.assertRaises(UserError):
            self._ask_add(member_id=self.member_b.id)
        with self.assertRaises(UserError):
            self._ask_add(state="approved")
        with self.assertRaises(UserError):
            self.env[Request].with_user(self.user_a).with_context(default_state="approved").create(
                {"kind": "add", "person_name": "X", "email": "x@test-a.example"}
            )
        with self.assertRaises(UserError):
            self._ask_add(email="not an address")
        with self.assertRaises(UserError):
            self._ask_remove(reason=" ")
        # the referente's own line: the Ambito changes the referente itself
        own = self.member_a.operator_ids.filtered(lambda op: op.user_id == self.user_a)
        with self.assertRaises(UserError):
            self._ask_remove(line=own)

    def test_partner_cannot_decide_or_change(self):
        request = self._ask_add()
        with self.assertRaises(AccessError):
            request.with_user(self.user_a).action_approve()
        with self.assertRaises(AccessError):
            request.with_user(self.user_a).write({"person_name": "Altro"})
        with self.assertRaises(AccessError):
            request.with_user(self.operator_a).action_approve()
        self.assertEqual(request.state, "pending")

    def test_suspended_organisation_cannot_ask(self):
        self.member_a.with_user(self.coordinator).action_suspend("Verifica")
        with self.assertRaises(AccessError):
            self._ask_add()

    # ------------------------------------------------------------
    # Decisions
    # ------------------------------------------------------------

    def test_approve_addition_grants_access_and_invites(self):
        request = self._ask_add()
        request.with_user(self.coordinator).action_approve()
        self.assertEqual(request.state, "approved")
        self.assertEqual(request.decided_by_id, self.coordinator)
        user = (
            self.env["res.users"]
            .with_context(active_test=False)
            .search([("login", "=", "dario.nuovo@test-a.example")])
        )
        self.assertTrue(user.active and user.share)
        self.assertTrue(user.has_group(PARTNER_GROUP))
        self.assertFalse(user.has_group("base.group_user"))
        line = request.result_operator_id
        self.assertEqual(line.member_id, self.member_a)
        self.assertEqual(line.user_id, user)
        self.assertEqual(line.course, "Corso SSD 2026")
        self.assertEqual(line.training_date, self.today)
        self.assertEqual(user.partner_id.parent_id, self.org_a)
        self.assertEqual(user.partner_id.phone, "+39 333 1234567")
        invitation = self.env["mail.mail"].search([("email_to", "=", user.email)])
        self.assertTrue(invitation, "the signup invitation is queued")
        # the new operator works for the organisation: they read it
        self.assertEqual(
            self.env["social.network.member"].with_user(user).search([]), self.member_a
        )
        self._assert_referent_told(request)

    def test_approve_removal_ends_access_at_once(self):
        request = self._ask_remove()
        self.assertEqual(request.operator_name, "Carla Volontaria")
        request.with_user(self.coordinator).action_approve()
        self.assertEqual(request.state, "approved")
        self.assertFalse(self.line_a2.exists())
        self.assertEqual(request.operator_name, "Carla Volontaria")
        self.assertFalse(self.user_a2.active)
        self.assertFalse(self.user_a2.has_group(PARTNER_GROUP))
        self._assert_referent_told(request)

    def test_refuse_needs_a_reason_and_tells_the_referent(self):
        request = self._ask_remove()
        with self.assertRaises(UserError):
            request.with_user(self.coordinator).action_refuse("  ")
        wizard = (
            self.env["social.network.operator.request.refuse"]
            .with_user(self.coordinator)
            .create({"request_ids": [(6, 0, request.ids)], "reason": "Serve per i turni"})
        )
        wizard.action_confirm()
        self.assertEqual(request.state, "refused")
        self.assertEqual(request.refuse_reason, "Serve per i turni")
        self.assertTrue(self.line_a2.exists())
        self.assertTrue(self.user_a2.active)
        self._assert_referent_told(request)
        # decided once
        with self.assertRaises(UserError):
            request.with_user(self.coordinator).action_approve()

    def _assert_referent_told(self, request):
        message = request.message_ids.filtered(
            lambda m: m.message_type == "comment" and self.user_a.partner_id in m.partner_ids
        )
        self.assertTrue(message, "the referente gets a message with the decision")
        self.assertFalse(message.subtype_id.internal)
        # and reads it (the portal shows the state; the message is theirs)
        self.assertEqual(request.with_user(self.user_a).state, request.state)
