from odoo import api, fields, models

from odoo.addons.social_secretariat.tools import guard


class SocialNetworkOperatorRequestRefuse(models.TransientModel):
    _name = "social.network.operator.request.refuse"
    _description = "Refuse a referente's operator request"

    request_ids = fields.Many2many(
        "social.network.operator.request",
        relation="social_network_operator_request_refuse_rel",
        column1="wizard_id",
        column2="request_id",
        required=True,
    )
    reason = fields.Text(required=True)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            guard.check_links(self, vals, ("request_ids",))
        return super().create(vals_list)

    def write(self, vals):
        guard.check_links(self, vals, ("request_ids",))
        return super().write(vals)

    def action_confirm(self):
        self.ensure_one()
        self.request_ids.action_refuse(self.reason)
        return {"type": "ir.actions.act_window_close"}
