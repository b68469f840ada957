from odoo import api, models
from odoo.exceptions import AccessError

from ..tools import guard, upload_policy


class MailMessage(models.Model):
    _inherit = "mail.message"

    def _social_check_parties(self, vals_list):
        """Whoever writes a message names no one they may not see. A citizen or partner writes
        in their own name and addresses nobody: Odoo gives portal users create and write on
        mail.message (for the chatter, which posts through message_post), and the ORM would
        take any author or recipient from them. Staff may sign or address a message only with
        contacts they can read: a person's contact is need-to-know, and a message signed with
        it would tell its reader that the person is known to the social services. The routes
        and server code post with sudo and are not concerned."""
        if self.env.su:
            return
        if not self.env.user.share:
            for vals in vals_list:
                guard.check_links(self, vals, ("author_id", "partner_ids"))
            return
        own = self.env.user.partner_id
        for vals in vals_list:
            if vals.get("author_id") and vals["author_id"] != own.id:
                raise AccessError(self.env._("A message can only be written in your own name."))
            if vals.get("partner_ids"):
                partners = self.new({"partner_ids": vals["partner_ids"]}).partner_ids
                if partners - own:
                    raise AccessError(
                        self.env._("A message can only be addressed to the staff who follow it.")
                    )

    @api.model_create_multi
    def create(self, vals_list):
        self._social_check_parties(vals_list)
        messages = super().create(vals_list)
        if upload_policy.applies(self.env):
            # one message carries at most MAX_FILES files, as the form (the chatter links
            # files uploaded one by one, each checked by ir.attachment)
            for message in messages:
                # sudo: counts the files, whoever may read them (a citizen reads only their own)
                upload_policy.check_count(self.env, len(message.sudo().attachment_ids))
        return messages

    def write(self, vals):
        if not self.env.su and self.env.user.share:
            # the chatter edits a portal user's message through its routes, with sudo: directly,
            # a message would be moved to another record, re-signed or re-addressed
            raise AccessError(self.env._("Messages cannot be changed this way."))
        self._social_check_parties([vals])
        res = super().write(vals)
        if "attachment_ids" in vals and upload_policy.applies(self.env):
            for message in self:
                # sudo: counts the files, whoever may read them (a citizen reads only their own)
                upload_policy.check_count(self.env, len(message.sudo().attachment_ids))
        return res
