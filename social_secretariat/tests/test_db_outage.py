"""The guard that tells a database server out of reach from a database gone
(tools/db_outage.py). The outage itself is tested end to end, with PostgreSQL restarted under a
real server: tests/test_fault_db_restart.py."""

from odoo import http
from odoo.tests import TransactionCase

from odoo.addons.social_secretariat.tools import db_outage


class TestDbOutage(TransactionCase):
    def test_installed_once(self):
        db_outage.install()  # idempotent: one wrapper, not a wrapper of a wrapper
        guarded = http.Request._open_registry
        self.assertTrue(guarded.social_guarded)
        self.assertFalse(getattr(guarded.__wrapped__, "social_guarded", False))
        self.assertIs(http.db_list, db_outage._list_dbs)

    def test_database_gone_only_when_the_server_says_so(self):
        self.assertFalse(db_outage._database_gone(self.env.cr.dbname))
        self.assertTrue(db_outage._database_gone("ss_no_such_database"))

    def test_list_dbs_as_odoo_while_the_server_answers(self):
        self.assertIn(self.env.cr.dbname, db_outage._list_dbs(force=True, host="localhost"))
