from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.social_secretariat.tests.common import CF_MARIO

from .common import NetworkCase

Activity = "social.network.member.activity"


@tagged("post_install", "-at_install")
class TestNetworkMemberActivity(NetworkCase):
    """The coordinator's figures per organisation: referrals sent and how they were answered
    (counts, hours to answer and to close, late ones), contacts, facilitation acts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.service_rent.desk_ids = [Command.set(cls.desk_a.ids)]

    def _refer(self):
        return (
            self.env["social.referral"]
            .with_user(self.user_a)
            .create(
                {
                    "target_service_id": self.service_rent.id,
                    "urgency": "normal",
                    "reason": "Sfratto imminente",
                    "submitted_name": "Mario Rossi",
                    "submitted_fiscal_code": CF_MARIO,
                    "submitted_municipality_id": self.pioltello.id,
                    "submitted_consent": True,
                }
            )
        )

    def _stamp(self, referral, state, **hours):
        """The referral's answer `hours` after it was sent (written as the workflow would)."""
        sent = fields.Datetime.now() - timedelta(days=3)
        vals = {"state": state, "sent_date": sent, "is_overdue": False}
        vals.update({name: sent + timedelta(hours=value) for name, value in hours.items()})
        referral.sudo().write({"accepted_date": False, "rejected_date": False, **vals})

    def test_figures_of_an_organisation(self):
        closed, accepted, rejected, late = (self._refer() for _i in range(4))
        # the writes of the test stand for the receivers' answers: the workflow's own
        # fields, hence the superuser (see social_secretariat/tools/guard.py)
        self._stamp(closed, "closed", accepted_date=2, closed_date=10)
        self._stamp(accepted, "accepted", accepted_date=4)
        self._stamp(rejected, "rejected", rejected_date=12)
        self._stamp(late, "sent", ack_deadline=-1)
        self.env.flush_all()
        row = (
            self.env[Activity]
            .with_user(self.coordinator)
            .search([("member_id", "=", self.member_a.id)])
        )
        self.assertEqual(len(row), 1)
        self.assertEqual(
            (
                row.referral_count,
                row.accepted_count,
                row.rejected_count,
                row.closed_count,
                row.late_count,
            ),
            (4, 2, 1, 1, 1),
        )
        self.assertAlmostEqual(row.ack_hours_median, 4.0)
        self.assertAlmostEqual(row.ack_hours_avg, 6.0)
        self.assertAlmostEqual(row.close_hours_median, 10.0)
        self.assertAlmostEqual(row.close_hours_avg, 10.0)
        # an organisation without activity is listed with zeros
        other = (
            self.env[Activity]
            .with_user(self.coordinator)
            .search([("member_id", "=", self.member_b.id)])
        )
        self.assertEqual((other.referral_count, other.contact_count), (0, 0))
        self.assertFalse(other.ack_hours_median)

    def test_counts_match_the_records(self):
        """On the demo network: contacts and facilitation acts as the models count them."""
        Contact = self.env["social.network.contact"]
        Assistance = self.env["social.digital.assistance"]
        Referral = self.env["social.referral"]
        rows = self.env[Activity].with_user(self.coordinator).search([])
        members = self.env["social.network.member"].with_user(self.coordinator).search([])
        self.assertEqual(rows.member_id, members)
        for row in rows:
            with self.subTest(member=row.member_id.name):
                member = [("member_id", "=", row.member_id.id)]
                self.assertEqual(row.contact_count, Contact.search_count(member))
                self.assertEqual(row.assistance_count, Assistance.search_count(member))
                self.assertEqual(
                    row.referral_count,
                    Referral.search_count(
                        [("network_member_id", "=", row.member_id.id), ("sent_date", "!=", False)]
                    ),
                )

    def test_coordinator_only(self):
        self.assertTrue(self.env[Activity].with_user(self.coordinator).search([]))
        for user in (self.operator_a, self.worker, self.user_a, self.citizen):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env[Activity].with_user(user).search([])
