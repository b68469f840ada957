"""Throttling stored in the database: what a user or an address did recently, counted across
the workers of the server and across sessions (logging in again resets nothing).

One row is one counted event (a failed login, a booking attempt, an online request, a
sign-up) under a key: the kind of event and a hash of whom it counts for (a login, an address,
a partner), so that the table holds no login, address or name in clear. A cron deletes the
rows older than the longest window.

Limits are configurable with system parameters (`ir.config_parameter`):
`social_secretariat.rate_limit.<kind>.max` (events, 0 disables the limit) and
`social_secretariat.rate_limit.<kind>.minutes` (the sliding window), for the kinds of `LIMITS`.
"""

import hashlib
import logging
import math
from datetime import timedelta

from odoo import api, fields, models, tools
from odoo.exceptions import UserError
from odoo.sql_db import TestCursor
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# kind: (events at most, in so many minutes)
LIMITS = {
    "login_user": (5, 15),  # failed logins for one login, from anywhere
    "login_address": (20, 15),  # failed logins from one address, whatever the login
    "booking": (20, 60),  # booking and rescheduling attempts of one portal user
    "online_request": (5, 24 * 60),  # online requests written by one citizen
    "signup": (5, 60),  # accounts created from one address
}
PARAM = "social_secretariat.rate_limit.%s.%s"


class RateLimited(UserError):
    """Too many events of a kind: `retry_at` (UTC, naive) says when the next one is allowed."""

    def __init__(self, message, retry_at):
        super().__init__(message)
        self.retry_at = retry_at


class SocialRateLimit(models.Model):
    _name = "social.rate.limit"
    _description = "Rate limit event"
    _log_access = False
    _order = "date desc, id desc"

    key = fields.Char(required=True, readonly=True)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)

    def init(self):
        # every check counts the events of one key in a window
        tools.create_index(
            self.env.cr, "social_rate_limit_key_date_idx", self._table, ["key", "date"]
        )

    # ------------------------------------------------------------
    # Limits
    # ------------------------------------------------------------

    @api.model
    def _limit(self, kind):
        """(events at most, window) of a kind; events at most 0: no limit."""
        default_max, default_minutes = LIMITS[kind]
        # sudo: the limits are system parameters, read on behalf of anonymous visitors too
        params = self.env["ir.config_parameter"].sudo()

        def number(name, default):
            try:
                return max(0, int(params.get_param(PARAM % (kind, name), default)))
            except (TypeError, ValueError):
                return default

        return number("max", default_max), timedelta(
            minutes=number("minutes", default_minutes) or 1
        )

    @api.model
    def _key(self, kind, subject):
        digest = hashlib.sha256(str(subject).strip().lower().encode()).hexdigest()[:40]
        return f"{kind}:{digest}"

    @api.model
    def _retry_at(self, cr, kind, subject, now):
        """When the next event of `subject` is allowed (None: now), read on cursor `cr`."""
        maximum, window = self._limit(kind)
        if not maximum:
            return None
        cr.execute(
            SQL(
                "SELECT date FROM social_rate_limit WHERE key = %s AND date > %s "
                "ORDER BY date DESC LIMIT %s",
                self._key(kind, subject),
                now - window,
                maximum,
            )
        )
        dates = [date for (date,) in cr.fetchall()]
        if len(dates) < maximum:
            return None
        # the oldest of the last `maximum` events must leave the window first
        return dates[-1] + window

    # ------------------------------------------------------------
    # Counting
    # ------------------------------------------------------------

    @api.model
    def _take(self, kinds, message=None, separate=True):
        """Count one event for each (kind, subject) of `kinds`, or raise RateLimited when one
        of them is at its limit (then nothing is counted). Returns the ids of the rows written.

        separate=True: written and committed on a cursor of its own, so that the event counts
        even when the request's transaction rolls back (a failed login always does); the keys
        are locked meanwhile, so that concurrent requests of other workers wait and count this
        one. separate=False: in the current transaction (the event counts only if the work it
        stands for is saved).

        `message`: a function of the minutes to wait, returning the error message."""
        kinds = [(kind, subject) for kind, subject in kinds if subject]
        if not kinds:
            return []
        if not separate:
            return self._take_on(self.env.cr, kinds, message)
        with self.env.registry.cursor() as cr:
            if not isinstance(cr, TestCursor):
                # each statement sees what other workers committed while this one waited
                # for the lock (Odoo's cursors are REPEATABLE READ)
                cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
            return self._take_on(cr, kinds, message)

    @api.model
    def _take_on(self, cr, kinds, message):
        keys = sorted({self._key(kind, subject) for kind, subject in kinds})
        for key in keys:  # in order: two requests never wait for each other's keys
            cr.execute(SQL("SELECT pg_advisory_xact_lock(hashtext(%s))", key))
        now = fields.Datetime.now()
        retry_at = max(
            (r for kind, subject in kinds if (r := self._retry_at(cr, kind, subject, now))),
            default=None,
        )
        if retry_at:
            minutes = max(1, math.ceil((retry_at - now).total_seconds() / 60))
            text = message(minutes) if message else self._default_message(minutes)
            raise RateLimited(text, retry_at)
        cr.execute(
            SQL(
                "INSERT INTO social_rate_limit (key, date) SELECT unnest(%s::varchar[]), %s "
                "RETURNING id",
                [self._key(kind, subject) for kind, subject in kinds],
                now,
            )
        )
        return [row_id for (row_id,) in cr.fetchall()]

    @api.model
    def _default_message(self, minutes):
        return self.env._(
            "Too many attempts in a short time. Please try again in %(minutes)s minutes.",
            minutes=minutes,
        )

    @api.model
    def _forget(self, ids=(), kinds=(), separate=True):
        """Delete events: the rows `ids`, and every event of the (kind, subject) of `kinds`."""
        keys = [self._key(kind, subject) for kind, subject in kinds if subject]
        if not ids and not keys:
            return

        def delete(cr):
            cr.execute(
                SQL(
                    "DELETE FROM social_rate_limit WHERE id = ANY(%s) OR key = ANY(%s::varchar[])",
                    list(ids),
                    keys,
                )
            )

        if not separate:
            delete(self.env.cr)
            return
        with self.env.registry.cursor() as cr:
            delete(cr)

    # ------------------------------------------------------------
    # What is limited
    # ------------------------------------------------------------

    @api.model
    def _take_online_requests(self, count=1):
        """A citizen (a portal user) writes `count` online requests: each one notifies the
        desk, so so many a day. Counted in the transaction that saves them: a request that is
        not saved does not count. Staff recording requests are not limited."""
        user = self.env.user
        if not user.share:
            return

        def message(minutes):
            return self.env._(
                "You have sent many requests in the last day: the desk will answer them. You "
                "can write a new request in %(when)s; for an urgent matter, call the desk.",
                when=self._wait_text(minutes),
            )

        for _request in range(count):
            self._take([("online_request", user.partner_id.id)], message, separate=False)

    @api.model
    def _take_booking_attempt(self):
        """A portal user tries to book or move an appointment: every attempt counts, the
        refused ones too (on a cursor of its own), whatever the session or the worker."""
        user = self.env.user

        def message(minutes):
            return self.env._(
                "You have tried to book too many times in the last hour. Please try again in "
                "%(when)s, or call the desk.",
                when=self._wait_text(minutes),
            )

        self._take([("booking", user.partner_id.id)], message)

    @api.model
    def _take_signup(self, address):
        """An account is created from `address`: so many an hour (sign-up is open)."""

        def message(minutes):
            return self.env._(
                "Too many accounts have been created from this connection in the last hour. "
                "Please try again in %(when)s.",
                when=self._wait_text(minutes),
            )

        self._take([("signup", address)], message, separate=False)

    @api.model
    def _wait_text(self, minutes):
        """'12 minutes', or '3 hours' (rounded up) for long waits."""
        if minutes <= 90:
            return self.env._("%(minutes)s minutes", minutes=minutes)
        return self.env._("%(hours)s hours", hours=math.ceil(minutes / 60))

    @api.model
    def _gc_events(self):
        """Cron: forget the events that no window counts any more."""
        longest = max(self._limit(kind)[1] for kind in LIMITS)
        self.env.cr.execute(
            SQL(
                "DELETE FROM social_rate_limit WHERE date < %s",
                fields.Datetime.now() - longest,
            )
        )
        _logger.info("Rate limits: %s old events deleted", self.env.cr.rowcount)
