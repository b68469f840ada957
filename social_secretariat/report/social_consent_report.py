from odoo import api, models


class ReportSocialConsentForm(models.AbstractModel):
    """The privacy notice and the consent form of a person, one part to sign per purpose of
    `social.consent`. Read as the printing user: the record rules decide whose form prints."""

    _name = "report.social_secretariat.report_social_consent_form"
    _description = "Privacy notice and consent form"

    @api.model
    def _purposes(self):
        """[(code, label)] of the purposes a person consents to, in the reader's language."""
        field = self.env["social.consent"]._fields["purpose"]
        return field._description_selection(self.env)

    @api.model
    def _get_report_values(self, docids, data=None):
        persons = self.env["social.person"].browse(docids)
        return {
            "doc_ids": docids,
            "doc_model": "social.person",
            "docs": persons,
            "forms": [(person, self._purposes()) for person in persons],
        }


class ReportSocialConsent(models.AbstractModel):
    """The same form for one recorded consent: its purpose only, for its person to sign."""

    _name = "report.social_secretariat.report_social_consent"
    _description = "Consent form"

    @api.model
    def _get_report_values(self, docids, data=None):
        consents = self.env["social.consent"].browse(docids)
        labels = dict(self.env["report.social_secretariat.report_social_consent_form"]._purposes())
        return {
            "doc_ids": docids,
            "doc_model": "social.consent",
            "docs": consents,
            "forms": [
                (consent.person_id, [(consent.purpose, labels.get(consent.purpose, ""))])
                for consent in consents
            ],
        }
