from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    # The Ambito's retention of identifiable data (GDPR art. 5(1)(e)): the nightly cron of
    # models/social_person.py anonymises the files with no contact for longer than this.
    social_retention_months = fields.Integer(
        string="Keep identifiable data for (months)",
        default=60,
        help="Months after the last contact with a person after which their file is anonymised "
        "(identity removed, statistical profile kept). 0: files are kept until anonymised "
        "on request.",
    )

    _sql_constraints = [
        (
            "social_retention_months_positive",
            "CHECK(social_retention_months >= 0)",
            "The retention period cannot be negative.",
        ),
    ]
