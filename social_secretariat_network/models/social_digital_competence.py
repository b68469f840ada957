from odoo import fields, models


class SocialDigitalCompetence(models.Model):
    """A digital competence a facilitation act works on. The list, based on DigComp 2.2 as
    the monitoring of digital facilitation uses it, is data
    (data/social_digital_competence_data.xml); the code is what the export writes."""

    _name = "social.digital.competence"
    _description = "Digital competence"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="The code written in the monitoring export.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_unique", "unique(code)", "A digital competence with this code already exists."),
    ]
