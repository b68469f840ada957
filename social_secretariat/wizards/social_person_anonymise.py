from odoo import fields, models


class SocialPersonAnonymise(models.TransientModel):
    _name = "social.person.anonymise"
    _description = "Anonymise a person on request"

    person_ids = fields.Many2many("social.person", required=True)
    reason = fields.Text(required=True, help="The request received and its date, the legal ground.")

    def action_confirm(self):
        self.person_ids.action_anonymise(self.reason)
        return {"type": "ir.actions.act_window_close"}
