from odoo import api, models

from odoo.addons.social_secretariat.tools import guard


class SocialPersonAnonymise(models.TransientModel):
    _inherit = "social.person.anonymise"

    @api.model
    def _anonymise_records(self, person, sessions, referrals, consents):
        res = super()._anonymise_records(person, sessions, referrals, consents)
        # what a partner organisation submitted names the person too; the workflow lets the
        # anonymisation clear it (the fields are kept as submitted otherwise)
        with guard.workflow():
            referrals.write(
                {
                    "submitted_name": False,
                    "submitted_fiscal_code": False,
                    "submitted_phone": False,
                    "submitted_consent_document": False,
                    "submitted_consent_filename": False,
                }
            )
        return res
