from odoo import api, models


class SpreadsheetDashboard(models.Model):
    _inherit = "spreadsheet.dashboard"

    # Opening a dashboard only reads its file: with a replica configured (db_replica_host)
    # it is read there, as its pivots and charts are (read_group and web_read_group are
    # read-only in Odoo). A write would be retried on the primary by Odoo.
    @api.readonly
    def get_readonly_dashboard(self):
        return super().get_readonly_dashboard()
