from odoo import api, fields, models

from odoo.addons.social_secretariat.tools import guard


class SocialNetworkSuspend(models.TransientModel):
    _name = "social.network.suspend"
    _description = "Suspend network members"

    member_ids = fields.Many2many("social.network.member", required=True)
    reason = fields.Text(required=True)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            guard.check_links(self, vals, ("member_ids",))
        return super().create(vals_list)

    def write(self, vals):
        guard.check_links(self, vals, ("member_ids",))
        return super().write(vals)

    def action_confirm(self):
        self.ensure_one()
        self.member_ids.action_suspend(self.reason)
        return {"type": "ir.actions.act_window_close"}
