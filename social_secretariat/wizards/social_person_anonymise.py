from odoo import api, fields, models

from ..tools import guard


class SocialPersonAnonymise(models.TransientModel):
    _name = "social.person.anonymise"
    _description = "Anonymise a person on request"

    person_ids = fields.Many2many("social.person", required=True)
    reason = fields.Text(required=True, help="The request received and its date, the legal ground.")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            guard.check_links(self, vals, ("person_ids",))
        return super().create(vals_list)

    def write(self, vals):
        guard.check_links(self, vals, ("person_ids",))
        return super().write(vals)

    def action_confirm(self):
        self.person_ids.action_anonymise(self.reason)
        return {"type": "ir.actions.act_window_close"}
