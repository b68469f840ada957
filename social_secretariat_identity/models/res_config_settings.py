from odoo import fields, models

# System parameter: staff of the social secretariat need a second factor (TOTP). On by
# default (data/ir_config_parameter_data.xml); the demo turns it off for its password logins.
SECOND_FACTOR_PARAM = "social_secretariat_identity.second_factor_required"


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    social_local_signup = fields.Boolean(related="company_id.social_local_signup", readonly=False)
    social_identity_partners = fields.Boolean(
        related="company_id.social_identity_partners", readonly=False
    )
    social_second_factor_required = fields.Boolean(
        string="Second factor for the social secretariat staff",
        config_parameter=SECOND_FACTOR_PARAM,
        help="Staff of the social secretariat handle special-category data: they set up an "
        "authenticator app at login and cannot open a person file without it.",
    )
