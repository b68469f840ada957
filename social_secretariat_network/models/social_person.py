from odoo import api, models


class SocialPerson(models.Model):
    _inherit = "social.person"

    @api.model
    def _match_submitted(
        self, company, name, fiscal_code=False, phone=False, municipality=None, gender=False
    ):
        """The file of a person a network desk told us about (a contact, a referral): the
        file with the same codice fiscale in the Ambito, else a new file made of what was
        submitted. Partners never search the registry: the back office calls this.

        Returns the file and the sentence for the internal note that says which it was."""
        person = self.browse()
        if fiscal_code:
            person = self.search(
                [("fiscal_code", "=", fiscal_code), ("company_id", "=", company.id)], limit=1
            )
        if person:
            message = self.env._("Matched to the file of %(person)s (same codice fiscale).")
            return person, message % {"person": person.name}
        first_name, last_name = self._split_name(name or "")
        values = {
            "first_name": first_name,
            "last_name": last_name,
            "company_id": company.id,
            "fiscal_code": fiscal_code or False,
            "phone": phone or False,
            "residence_municipality_id": municipality.id if municipality else False,
        }
        if gender and not fiscal_code:
            # with a code, the gender comes from it
            values["gender"] = gender
        person = self.create(values)
        message = self.env._("A new file was created for %(person)s from the submitted data.")
        return person, message % {"person": person.name}
