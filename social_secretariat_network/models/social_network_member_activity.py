from odoo import fields, models, tools
from odoo.tools import SQL

# referrals still waiting for the receivers' answer (the core's state machine)
WAITING_STATE = "sent"


class SocialNetworkMemberActivity(models.Model):
    """What each member organisation did through the network, for the coordinator: the
    referrals it sent and how the receivers answered them (how many, how fast), the contacts
    it logged and its digital facilitation acts. One row per organisation, read from the
    records themselves (a database view)."""

    _name = "social.network.member.activity"
    _description = "Network member activity (for the coordinator)"
    _auto = False
    _order = "referral_count desc, member_id"
    _rec_name = "member_id"

    member_id = fields.Many2one("social.network.member", string="Network member", readonly=True)
    company_id = fields.Many2one("res.company", string="Ambito", readonly=True)
    state = fields.Selection(
        lambda self: self.env["social.network.member"]._fields["state"].selection,
        readonly=True,
    )
    referral_count = fields.Integer(string="Referrals sent", readonly=True)
    accepted_count = fields.Integer(string="Accepted", readonly=True)
    rejected_count = fields.Integer(string="Rejected", readonly=True)
    closed_count = fields.Integer(string="Closed", readonly=True)
    late_count = fields.Integer(
        string="Waiting past the deadline",
        readonly=True,
        help="Sent, not yet answered, and past the deadline to acknowledge them.",
    )
    # medians and averages of one organisation do not add up across organisations
    ack_hours_median = fields.Float(
        string="Hours to answer (median)",
        readonly=True,
        aggregator=None,
        digits=(16, 1),
        help="From sending to acceptance or rejection.",
    )
    ack_hours_avg = fields.Float(
        string="Hours to answer (average)", readonly=True, aggregator=None, digits=(16, 1)
    )
    close_hours_median = fields.Float(
        string="Hours to close (median)",
        readonly=True,
        aggregator=None,
        digits=(16, 1),
        help="From sending to closing, for the referrals closed.",
    )
    close_hours_avg = fields.Float(
        string="Hours to close (average)", readonly=True, aggregator=None, digits=(16, 1)
    )
    contact_count = fields.Integer(string="Contacts logged", readonly=True)
    assistance_count = fields.Integer(string="Facilitation acts", readonly=True)

    def _hours(self, end):
        return SQL(
            "EXTRACT(EPOCH FROM (%s - r.sent_date)) / 3600.0",
            SQL.identifier("r", end) if isinstance(end, str) else end,
        )

    def _query(self):
        answered = SQL("COALESCE(r.accepted_date, r.rejected_date)")
        ack = self._hours(answered)
        close = self._hours("closed_date")
        return SQL(
            """
            WITH referrals AS (
                SELECT r.network_member_id AS member_id,
                       COUNT(*) AS referral_count,
                       COUNT(*) FILTER (WHERE r.accepted_date IS NOT NULL) AS accepted_count,
                       COUNT(*) FILTER (WHERE r.rejected_date IS NOT NULL) AS rejected_count,
                       COUNT(*) FILTER (WHERE r.closed_date IS NOT NULL) AS closed_count,
                       COUNT(*) FILTER (
                           WHERE r.state = %(waiting)s
                             AND (r.is_overdue
                                  OR r.ack_deadline < (NOW() AT TIME ZONE 'UTC'))
                       ) AS late_count,
                       PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY %(ack)s)
                           FILTER (WHERE %(answered)s IS NOT NULL) AS ack_hours_median,
                       AVG(%(ack)s) FILTER (WHERE %(answered)s IS NOT NULL) AS ack_hours_avg,
                       PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY %(close)s)
                           FILTER (WHERE r.closed_date IS NOT NULL) AS close_hours_median,
                       AVG(%(close)s) FILTER (WHERE r.closed_date IS NOT NULL)
                           AS close_hours_avg
                  FROM social_referral r
                 WHERE r.network_member_id IS NOT NULL
                   AND r.sent_date IS NOT NULL
              GROUP BY r.network_member_id
            ),
            contacts AS (
                SELECT member_id, COUNT(*) AS contact_count
                  FROM social_network_contact
              GROUP BY member_id
            ),
            assistance AS (
                SELECT member_id, COUNT(*) AS assistance_count
                  FROM social_digital_assistance
              GROUP BY member_id
            )
            SELECT m.id AS id,
                   m.id AS member_id,
                   m.company_id AS company_id,
                   m.state AS state,
                   COALESCE(r.referral_count, 0) AS referral_count,
                   COALESCE(r.accepted_count, 0) AS accepted_count,
                   COALESCE(r.rejected_count, 0) AS rejected_count,
                   COALESCE(r.closed_count, 0) AS closed_count,
                   COALESCE(r.late_count, 0) AS late_count,
                   r.ack_hours_median AS ack_hours_median,
                   r.ack_hours_avg AS ack_hours_avg,
                   r.close_hours_median AS close_hours_median,
                   r.close_hours_avg AS close_hours_avg,
                   COALESCE(c.contact_count, 0) AS contact_count,
                   COALESCE(a.assistance_count, 0) AS assistance_count
              FROM social_network_member m
         LEFT JOIN referrals r ON r.member_id = m.id
         LEFT JOIN contacts c ON c.member_id = m.id
         LEFT JOIN assistance a ON a.member_id = m.id
            """,
            waiting=WAITING_STATE,
            ack=ack,
            answered=answered,
            close=close,
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query())
        )
