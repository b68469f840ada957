from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.social_secretariat.models.social_referral import OUTCOMES, REJECT_REASONS

# One row per referral, read live from social_referral (thousands of rows, not millions: no
# aggregate to keep). Only codes, links to reference data and times: no person, no name, no
# free text. The origin organisation is the partner the referral names, else the network
# member that sent it through the partners' portal (when the network addon is installed).
QUERY = """
    SELECT r.id, r.company_id, r.sent_date, r.origin_type, r.origin_desk_id,
           %(organisation)s AS origin_partner_id, r.target_service_id, r.target_desk_id,
           r.urgency, r.state, r.reject_reason, r.outcome,
           -- the first answer of the receivers, acceptance or rejection
           extract(epoch FROM least(r.accepted_date, r.rejected_date) - r.sent_date) / 3600.0
               AS hours_to_acknowledge,
           extract(epoch FROM r.closed_date - r.sent_date) / 3600.0 AS hours_to_close,
           overdue AS is_overdue,
           overdue::int AS overdue_count,
           1 AS referral_count
    FROM social_referral r
    -- not acknowledged by the deadline: answered after it, or still unanswered and flagged
    -- by the hourly cron (which acceptance clears, so that the answer's time decides then)
    CROSS JOIN LATERAL (
        SELECT coalesce(least(r.accepted_date, r.rejected_date) > r.ack_deadline,
                        r.is_overdue, false) AS overdue
    ) AS late
    %(join)s
"""


class SocialReportReferral(models.Model):
    _name = "social.report.referral"
    _description = "Referrals (observatory analysis)"
    _auto = False
    _rec_name = "target_service_id"
    _order = "sent_date desc, id desc"
    # flushed before each query
    _depends = {
        "social.referral": [
            "company_id", "sent_date", "origin_type", "origin_desk_id", "origin_partner_id",
            "target_service_id", "target_desk_id", "urgency", "state", "reject_reason",
            "outcome", "accepted_date", "rejected_date", "closed_date", "ack_deadline",
            "is_overdue",
        ],
    }  # fmt: skip

    company_id = fields.Many2one("res.company", string="Ambito", readonly=True)
    sent_date = fields.Datetime(string="Sent on", readonly=True)
    origin_type = fields.Selection(
        selection="_selection_origin_type",
        string="Origin",
        readonly=True,
    )
    origin_desk_id = fields.Many2one("social.desk", string="From desk", readonly=True)
    origin_partner_id = fields.Many2one("res.partner", string="From organisation", readonly=True)
    target_service_id = fields.Many2one("social.service", string="To service", readonly=True)
    target_desk_id = fields.Many2one("social.desk", string="To desk or office", readonly=True)
    urgency = fields.Selection(
        selection="_selection_urgency",
        readonly=True,
    )
    state = fields.Selection(
        selection="_selection_state",
        readonly=True,
    )
    reject_reason = fields.Selection(REJECT_REASONS, string="Rejected because", readonly=True)
    outcome = fields.Selection(OUTCOMES, readonly=True)
    hours_to_acknowledge = fields.Float(
        string="Hours to acknowledge",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="From sending to the receivers' first answer (accepted or rejected); empty while "
        "unanswered. Averaged over the referrals answered.",
    )
    hours_to_close = fields.Float(
        string="Hours to close",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="From sending to closing; empty while not closed. Averaged over the referrals closed.",
    )
    is_overdue = fields.Boolean(string="Late", readonly=True)
    overdue_count = fields.Integer(
        string="Overdue",
        readonly=True,
        aggregator="sum",
        help="Referrals not acknowledged in time.",
    )
    referral_count = fields.Integer(string="Referrals", readonly=True, aggregator="sum")

    # the referral's own labels, translated there (a selection given as a function has no
    # translations of its own: the raw list would show in English)
    def _referral_selection(self, name):
        return self.env["social.referral"]._fields[name]._description_selection(self.env)

    @api.model
    def _selection_origin_type(self):
        return self._referral_selection("origin_type")

    @api.model
    def _selection_urgency(self):
        return self._referral_selection("urgency")

    @api.model
    def _selection_state(self):
        return self._referral_selection("state")

    @property
    def _table_query(self):
        # the network addon is optional and may be installed or removed after this one: the
        # query is built from the fields loaded now, not fixed in a view at install (removing
        # the addon drops its column with CASCADE, which would drop such a view with it)
        if "network_member_id" in self.env["social.referral"]._fields:
            return SQL(
                QUERY,
                organisation=SQL("coalesce(r.origin_partner_id, m.partner_id)"),
                join=SQL("LEFT JOIN social_network_member m ON m.id = r.network_member_id"),
            )
        return SQL(QUERY, organisation=SQL("r.origin_partner_id"), join=SQL())
