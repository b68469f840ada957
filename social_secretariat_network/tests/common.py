from datetime import timedelta

from odoo import fields
from odoo.tests import new_test_user

from odoo.addons.social_secretariat.tests.common import SocialCase


class NetworkCase(SocialCase):
    """Two member organisations of the network, active, each with a partner operator who
    got the portal access through the grant wizard; a citizen."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["social.network.member"])
        Partner = cls.env["res.partner"]
        cls.org_a = Partner.create({"name": "Caritas Test A", "is_company": True})
        cls.org_b = Partner.create({"name": "Associazione Test B", "is_company": True})
        cls.hub = cls.env.ref("social_secretariat_network.social_network_role_digital_hub")
        cls.listening = cls.env.ref("social_secretariat_network.social_network_role_listening")
        cls.member_a = cls._make_member(cls.org_a, cls.listening | cls.hub)
        cls.member_b = cls._make_member(cls.org_b, cls.listening)
        (cls.member_a | cls.member_b).with_user(cls.coordinator).action_activate()
        cls.user_a = cls._grant(cls.member_a, "Anna Operatrice", "anna@test-a.example")
        cls.user_b = cls._grant(cls.member_b, "Bruno Operatore", "bruno@test-b.example")
        cls.citizen = new_test_user(cls.env, "citizen_net", groups="base.group_portal")

    @classmethod
    def _make_member(cls, organisation, roles, **vals):
        return (
            cls.env["social.network.member"]
            .with_user(cls.coordinator)
            .create(
                {
                    "partner_id": organisation.id,
                    "role_ids": [(6, 0, roles.ids)],
                    "protocol_date": cls.today - timedelta(days=100),
                    "protocol_expiry_date": cls.today + timedelta(days=600),
                    **vals,
                }
            )
        )

    @classmethod
    def _grant(cls, member, name, email, partner=None):
        wizard = (
            cls.env["social.network.grant.access"]
            .with_user(cls.coordinator)
            .create(
                {
                    "member_id": member.id,
                    "partner_id": partner.id if partner else False,
                    "name": name,
                    "email": email,
                    "course": "Corso SSD",
                }
            )
        )
        wizard.action_grant()
        return cls.env["res.users"].with_context(active_test=False).search([("login", "=", email)])
