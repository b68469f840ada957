from odoo import fields, models


class SocialNetworkRole(models.Model):
    """What an organisation does in the network. The three roles of the protocol are data
    (data/social_network_role_data.xml); the code is what the software relies on."""

    _name = "social.network.role"
    _description = "Network role"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Stable key used by the software and the filters.")
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    color = fields.Integer()

    _sql_constraints = [
        ("code_unique", "unique(code)", "A network role with this code already exists."),
    ]
