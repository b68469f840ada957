from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    social_retention_months = fields.Integer(
        related="company_id.social_retention_months", readonly=False
    )
