from odoo import fields, models


class SocialMunicipality(models.Model):
    _inherit = "social.municipality"

    population_ids = fields.One2many(
        "social.municipality.population", "municipality_id", string="Residents"
    )
