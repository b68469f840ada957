from odoo import fields, models


class SocialPersonAccessLog(models.Model):
    """Who opened, listed, exported, printed, changed or anonymised a person's file, and when.
    Append-only: written with sudo by social.person, read by coordinators."""

    _name = "social.person.access.log"
    _description = "Access log of a person's file"
    _order = "date desc, id desc"
    _log_access = True

    # set null, not cascade: deleting a file must not erase who accessed it
    person_id = fields.Many2one("social.person", ondelete="set null", index=True)
    user_id = fields.Many2one("res.users", required=True, ondelete="restrict", index=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    event = fields.Selection(
        [
            ("read", "Opened"),
            ("list", "Read in a list"),
            ("report", "Printed"),
            ("lookup", "Found by codice fiscale"),
            ("export", "Exported"),
            ("change", "Changed"),
            ("subject_access", "Data-subject access export"),
            ("anonymise", "Anonymised"),
        ],
        required=True,
    )
    details = fields.Char()
    company_id = fields.Many2one("res.company", string="Ambito", index=True)
