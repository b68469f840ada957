from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    social_identity_provider_ids = fields.One2many(
        "auth.oauth.provider", "social_company_id", string="SPID/CIE providers"
    )
    social_local_signup = fields.Boolean(
        string="Local sign-up with e-mail and password",
        help="Whether citizens may still create an account with an e-mail and a password "
        "when a SPID or CIE provider is enabled (closed by default). Staff logins are "
        "not affected.",
    )
    social_identity_partners = fields.Boolean(
        string="Partners' operators sign in with SPID/CIE",
        help="The portal accounts of the network partners' operators are found by the "
        "codice fiscale recorded on the account.",
    )

    def _social_identity_enabled(self):
        """Whether this Ambito signs citizens in through an enabled SPID/CIE provider."""
        self.ensure_one()
        # sudo: providers are configuration that visitors (the login page) cannot read
        return any(p.enabled and p.social_kind for p in self.sudo().social_identity_provider_ids)
