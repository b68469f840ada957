from odoo import models
from odoo.exceptions import AccessError


class SocialPerson(models.Model):
    _inherit = "social.person"

    def _read_format(self, fnames, load="_classic_read"):
        # the same door as the access log: every read of a file (not of a name) by staff
        if set(fnames or ()) - self.NOT_THE_FILE and not self.env.su:
            user = self.env.user
            if user._social_second_factor_required() and not user.totp_enabled:
                raise AccessError(
                    self.env._(
                        "Person files hold special-category data: to open them, set up "
                        "two-factor authentication first (your avatar, My Profile, Account "
                        "Security, Enable two-factor authentication)."
                    )
                )
        return super()._read_format(fnames, load)
