from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    # An Ambito territoriale is a company: these are its service standards.
    social_ack_hours_emergency = fields.Integer(
        string="Emergency referral: hours to acknowledge", default=2
    )
    social_ack_hours_urgent = fields.Integer(
        string="Urgent referral: hours to acknowledge", default=24
    )
    social_ack_days_normal = fields.Integer(
        string="Normal referral: working days to acknowledge", default=5
    )
    social_request_answer_hours = fields.Integer(
        string="Online requests: working hours to the first answer", default=16
    )
    social_coordinator_id = fields.Many2one(
        "res.users",
        string="Coordinator (Ufficio di Piano)",
        help="Receives the activities for overdue referrals. Defaults to a coordinator "
        "of the Ambito.",
    )
    social_max_open_appointments = fields.Integer(
        string="Open appointments per person",
        default=3,
        help="How many future booked appointments a person may hold at the same time "
        "(0: no limit).",
    )
