from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AuthOauthProvider(models.Model):
    _inherit = "auth.oauth.provider"

    social_kind = fields.Selection(
        [("spid", "SPID"), ("cie", "CIE")],
        string="Italian digital identity",
        help="Sign-in of citizens with SPID or CIE: the fiscalNumber claim links the account "
        "to the person file with that codice fiscale.",
    )
    social_company_id = fields.Many2one(
        "res.company",
        string="Ambito",
        help="The Ambito whose person files the identities link to, and where new citizens "
        "get their file.",
    )
    social_min_acr = fields.Selection(
        [("1", "SPID level 1"), ("2", "SPID level 2"), ("3", "SPID level 3")],
        string="Minimum level of assurance",
        default="2",
        help="The lowest acr accepted: special-category data calls for level 2 at least.",
    )

    @api.constrains("social_kind", "social_company_id", "flow")
    def _check_social_identity(self):
        for provider in self.filtered("social_kind"):
            if not provider.social_company_id:
                raise ValidationError(
                    self.env._("A SPID or CIE provider needs the Ambito it signs citizens into.")
                )
            if provider.flow != "id_token_code":
                # the code flow keeps the id_token off the browser (no token in a URL to
                # replay) and is the one SPID/CIE OpenID Connect gateways offer
                raise ValidationError(
                    self.env._(
                        "A SPID or CIE provider must use the OpenID Connect authorization "
                        "code flow."
                    )
                )
