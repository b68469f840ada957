import contextlib
import logging

from odoo import api, fields, models
from odoo.exceptions import AccessDenied
from odoo.http import request

from .social_desk import DEFAULT_TZ
from .social_rate_limit import RateLimited

_logger = logging.getLogger(__name__)


class ResUsers(models.Model):
    _inherit = "res.users"

    # Record rules read this field: operators see the records of their desks.
    social_desk_ids = fields.Many2many(
        "social.desk",
        "social_desk_res_users_rel",
        "user_id",
        "desk_id",
        string="Social desks",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("tz") and not self.env.context.get("tz"):
                # citizens who sign up and portal users granted by staff come without a zone:
                # their pages and e-mails would show UTC times, an hour or two off in Italy.
                # They get the Ambito's zone (its working time), as the desks do.
                company = self.env["res.company"].browse(vals.get("company_id")).exists()
                company = company or self.env.company
                # sudo: the working time is staff configuration; only its zone's name is used
                vals["tz"] = company.sudo().resource_calendar_id.tz or DEFAULT_TZ
        return super().create(vals_list)

    def write(self, vals):
        res = super().write(vals)
        if "social_desk_ids" in vals:
            # record rules cache the user's desks: drop the cached domains
            self.env.registry.clear_cache()
        return res

    # ------------------------------------------------------------
    # Login throttling
    # ------------------------------------------------------------

    @contextlib.contextmanager
    def _assert_can_auth(self, user=None):
        """Failed logins counted in the database, per login and per address.

        Odoo's own cooldown (replaced here) counts failures per address, in the memory of
        each worker, and forgets them when anyone logs in from that address: with open
        sign-up an attacker logs into their own account between guesses. Here each attempt
        is counted before the password is checked (on a cursor of its own, committed at
        once: the login's transaction rolls back on failure, and concurrent guesses on other
        workers see it), and a success removes only its own attempt and the failures of the
        same login, never those of the address."""
        if not request:
            yield
            return
        login = user
        if isinstance(user, int):  # check() passes the uid of an RPC call with a password
            # sudo: the login of the uid being checked, before the user is authenticated
            login = self.browse(user).sudo().login
        address = request.httprequest.remote_addr
        Limit = self.env["social.rate.limit"]
        kinds = [("login_user", login), ("login_address", address)]

        def message(minutes):
            # the request's environment: in the language of the login page
            return request.env._(
                "Too many failed sign-ins for this account or from this address. For your "
                "security, try again in %(when)s.",
                when=request.env["social.rate.limit"]._wait_text(minutes),
            )

        try:
            attempt = Limit._take(kinds, message)
        except RateLimited as error:
            _logger.warning(
                "Login attempt refused for %r from %s on %s: too many failures, until %s UTC",
                login,
                address,
                self.env.cr.dbname,
                error.retry_at,
            )
            raise AccessDenied(error.args[0]) from None
        try:
            yield
        except AccessDenied:
            raise  # the attempt stays counted as a failure
        except Exception:
            # not a wrong password (e.g. a database error): not held against the user
            Limit._forget(ids=attempt)
            raise
        else:
            Limit._forget(ids=attempt, kinds=[("login_user", login)])
