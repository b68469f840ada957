from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    # Record rules read this field: operators see the records of their desks.
    social_desk_ids = fields.Many2many(
        "social.desk",
        "social_desk_res_users_rel",
        "user_id",
        "desk_id",
        string="Social desks",
    )

    def write(self, vals):
        res = super().write(vals)
        if "social_desk_ids" in vals:
            # record rules cache the user's desks: drop the cached domains
            self.env.registry.clear_cache()
        return res
