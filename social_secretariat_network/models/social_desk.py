from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.social_secretariat.tools import guard


class SocialDesk(models.Model):
    _inherit = "social.desk"

    network_member_id = fields.Many2one(
        "social.network.member",
        string="Network member",
        index="btree_not_null",
        tracking=True,
        help="The partner organisation that runs this desk (desks of kind Partner desk).",
    )

    @api.constrains("network_member_id", "kind", "company_id")
    def _check_network_member(self):
        for desk in self.filtered("network_member_id"):
            if desk.kind != "partner":
                raise ValidationError(
                    self.env._(
                        "Desk %(desk)s: only a desk of kind Partner desk belongs to a network "
                        "member.",
                        desk=desk.name,
                    )
                )
            # sudo: the member's Ambito is compared, whether or not the user may read it
            if desk.network_member_id.sudo().company_id != desk.company_id:
                raise ValidationError(
                    self.env._(
                        "Desk %(desk)s and its network member belong to different Ambiti.",
                        desk=desk.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            guard.check_links(self, vals, ("network_member_id",))
        return super().create(vals_list)

    def write(self, vals):
        guard.check_links(self, vals, ("network_member_id",))
        return super().write(vals)
