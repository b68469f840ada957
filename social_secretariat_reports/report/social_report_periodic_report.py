from odoo import api, models
from odoo.tools import formatLang


class SocialReportPeriodicReport(models.AbstractModel):
    """The values of the periodic report: the figures of the wizard, computed once per
    print, as the user who prints."""

    _name = "report.social_secretariat_reports.report_periodic"
    _description = "Periodic report of the observatory (values)"

    @api.model
    def _get_report_values(self, docids, data=None):
        wizards = self.env["social.report.periodic"].browse(docids)
        # the wizard is its creator's (record rule): anyone else's id raises here
        wizards.check_access("read")
        env = self.env

        def number(value, digits=0):
            if value is None:
                return "–"
            return formatLang(env, value, digits=digits)

        return {
            "doc_ids": docids,
            "doc_model": "social.report.periodic",
            "docs": wizards,
            "figures": {wizard.id: wizard._figures() for wizard in wizards},
            "number": number,
        }
