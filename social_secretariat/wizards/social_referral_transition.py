from odoo import api, fields, models

from ..models.social_referral import OUTCOMES, REJECT_REASONS
from ..tools import guard


class SocialReferralTransition(models.TransientModel):
    _name = "social.referral.transition"
    _description = "Close, reject or cancel referrals"

    referral_ids = fields.Many2many("social.referral", required=True)
    transition = fields.Selection(
        [("close", "Close"), ("reject", "Reject"), ("cancel", "Cancel")], required=True
    )
    outcome = fields.Selection(OUTCOMES)
    reject_reason = fields.Selection(REJECT_REASONS, string="Rejected because")
    note = fields.Text(string="Reason or feedback")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            guard.check_links(self, vals, ("referral_ids",))
        return super().create(vals_list)

    def write(self, vals):
        guard.check_links(self, vals, ("referral_ids",))
        return super().write(vals)

    def action_confirm(self):
        self.ensure_one()
        if self.transition == "close":
            self.referral_ids.action_close(self.outcome, self.note or "")
        elif self.transition == "reject":
            self.referral_ids.action_reject(self.note, self.reject_reason or "other")
        else:
            self.referral_ids.action_cancel(self.note)
        return {"type": "ir.actions.act_window_close"}
