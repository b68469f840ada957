import hashlib

from odoo import api, models
from odoo.tools import file_open


class SocialReportAggregate(models.AbstractModel):
    """An observatory analysis read from plain tables that PostgreSQL triggers keep
    (why triggers: models/social_report_session_need.py). Its SQL file creates them, their
    triggers and functions; it runs at every install and upgrade, and the figures are counted
    again when the file changed. hooks.py drops what each file creates."""

    _name = "social.report.aggregate"
    _description = "Observatory analysis kept by triggers"

    # the SQL file creating the tables, triggers and functions
    _aggregate_sql = None
    # ir.config_parameter: the hash of the SQL last installed; a new one rebuilds on upgrade
    _aggregate_version_key = None

    def init(self):
        if not self._aggregate_sql:  # this abstract model, also initialised by the registry
            return
        with file_open(self._aggregate_sql) as file:
            sql = file.read()
        self.env.cr.execute(sql)
        version = hashlib.sha256(sql.encode()).hexdigest()[:16]
        params = self.env["ir.config_parameter"].sudo()  # a technical marker, no user's
        installed = params.get_param(self._aggregate_version_key)
        params.set_param(self._aggregate_version_key, version)
        if installed != version and not self._installing():
            # an upgrade that changed how the figures are counted, or that brought these
            # tables to an installed observatory: count them (at install the post_init_hook
            # does, once the data of the addon is loaded)
            self._rebuild()

    @api.model
    def _installing(self):
        module = self.env["ir.module.module"].sudo()  # the module's state, a technical read
        return module.search([("name", "=", "social_secretariat_reports")]).state == "to install"

    @api.model
    def _rebuild(self):
        """Count everything again from the live tables, in this transaction."""
        raise NotImplementedError
