from odoo import fields, models


class SocialService(models.Model):
    _inherit = "social.service"

    # for the network's operators, who orient citizens to the service: what they should know
    # (whom to call, what the desk expects of a referral); never shown to citizens, hence the
    # groups (the public pages and the citizens' portal read the catalogue too)
    partner_note = fields.Html(
        string="Notes for network partners",
        translate=True,
        sanitize=True,
        groups="social_secretariat_network.group_social_partner,"
        "social_secretariat.group_social_operator",
    )
