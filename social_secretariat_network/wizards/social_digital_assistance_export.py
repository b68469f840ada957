import base64

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.social_secretariat.tools import guard


class SocialDigitalAssistanceExport(models.TransientModel):
    """The facilitation acts of a period, as the CSV of the national monitoring."""

    _name = "social.digital.assistance.export"
    _description = "Export facilitation acts for the monitoring"

    def _default_date_from(self):
        return fields.Date.context_today(self).replace(day=1)

    date_from = fields.Date(string="From", required=True, default=_default_date_from)
    date_to = fields.Date(string="To", required=True, default=fields.Date.context_today)
    member_ids = fields.Many2many(
        "social.network.member",
        string="Facilitation hubs",
        domain="[('role_ids.code', '=', 'digital_hub')]",
        help="Leave empty for every hub.",
    )
    data = fields.Binary(string="File", readonly=True, attachment=False)
    filename = fields.Char(readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            guard.check_links(self, vals, ("member_ids",))
        return super().create(vals_list)

    def write(self, vals):
        guard.check_links(self, vals, ("member_ids",))
        return super().write(vals)

    def action_export(self):
        self.ensure_one()
        if self.date_from > self.date_to:
            raise UserError(self.env._("The period ends before it begins."))
        content = self.env["social.digital.assistance"]._monitoring_csv(
            self.date_from, self.date_to, self.member_ids or None
        )
        self.write(
            {
                "data": base64.b64encode(content),
                "filename": "facilitazione_digitale_{}_{}.csv".format(
                    self.date_from.strftime("%Y%m%d"), self.date_to.strftime("%Y%m%d")
                ),
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/data/{self.filename}?download=true",
            "target": "self",
        }
