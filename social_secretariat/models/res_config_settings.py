from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    social_ack_hours_emergency = fields.Integer(
        related="company_id.social_ack_hours_emergency", readonly=False
    )
    social_ack_hours_urgent = fields.Integer(
        related="company_id.social_ack_hours_urgent", readonly=False
    )
    social_ack_days_normal = fields.Integer(
        related="company_id.social_ack_days_normal", readonly=False
    )
    social_escalation_hours = fields.Integer(
        related="company_id.social_escalation_hours", readonly=False
    )
    social_on_call_user_ids = fields.Many2many(
        related="company_id.social_on_call_user_ids", readonly=False
    )
    social_request_answer_hours = fields.Integer(
        related="company_id.social_request_answer_hours", readonly=False
    )
    social_coordinator_id = fields.Many2one(
        related="company_id.social_coordinator_id", readonly=False
    )
    social_max_open_appointments = fields.Integer(
        related="company_id.social_max_open_appointments", readonly=False
    )
    social_privacy_notice = fields.Html(related="company_id.social_privacy_notice", readonly=False)
