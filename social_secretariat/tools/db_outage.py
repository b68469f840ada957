"""A database server out of reach for a moment is not a database gone. When Odoo 18 cannot open
a request's cursor it takes the database for missing: it signs the user out, then serves the
request as if there were no database, which answers Not Found to every page and call, and for
the backend (/odoo, /web) saves the signed-out session. PostgreSQL restarted for a few seconds
(an update, a failover) thus signed out every member of staff who reloaded a page meanwhile
and told citizens that the page did not exist (tests/test_fault_db_restart.py).

Here, while the server cannot be reached, the request fails with 503 Service Unavailable and
the session is left alone: the next request after PostgreSQL is back is served as before (Odoo's
pool opens new connections by itself). A database that is really gone, as the server itself
says, still goes Odoo's way."""

import functools
import logging

import psycopg2
from werkzeug.exceptions import ServiceUnavailable

import odoo
from odoo import http, sql_db

_logger = logging.getLogger(__name__)


def _database_gone(dbname):
    """True only when the server answers and has no such database."""
    try:
        with sql_db.db_connect("postgres").cursor() as cr:
            cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,))
            return not cr.fetchone()
    except psycopg2.Error:
        return False  # no answer: the server is out of reach, not the database gone


def _list_dbs(force=False, host=None):
    """`http.db_list` (called in requests only), which took a server out of reach for one
    without databases: a visitor with no database in his session yet was answered Not Found."""
    try:
        dbs = odoo.service.db.list_dbs(force)
    except psycopg2.OperationalError as error:
        _logger.warning("Database server out of reach: %s", error)
        raise ServiceUnavailable(retry_after=5) from error
    return http.db_filter(dbs, host)


def install():
    """Guard the opening of a request's registry and the listing of databases that chooses
    it (once per process)."""
    open_registry = http.Request._open_registry
    if getattr(open_registry, "social_guarded", False):
        return

    @functools.wraps(open_registry)
    def guarded_open_registry(self):
        try:
            return open_registry(self)
        except http.RegistryError as error:
            if isinstance(error.__cause__, psycopg2.OperationalError) and not _database_gone(
                self.db
            ):
                _logger.warning("Database %s out of reach: %s", self.db, error.__cause__)
                raise ServiceUnavailable(retry_after=5) from error
            raise

    guarded_open_registry.social_guarded = True
    http.Request._open_registry = guarded_open_registry
    http.db_list = _list_dbs
