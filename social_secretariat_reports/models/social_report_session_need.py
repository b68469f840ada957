import contextvars
import datetime
import logging
import time

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.osv import expression
from odoo.tools import SQL

from odoo.addons.social_secretariat.models.social_listening_session import CHANNELS, OUTCOMES
from odoo.addons.social_secretariat.models.social_need import USER_AREAS
from odoo.addons.social_secretariat.models.social_person import (
    AGE_BANDS,
    CITIZENSHIP_GROUPS,
    GENDERS,
)

# The aggregate is two plain tables written by PostgreSQL triggers
# (data/session_need_aggregate.sql), not ORM models: every path that changes a session, its
# needs or its person — the ORM as any user or as superuser, the anonymisation, deletes by
# cascade, SQL imports and seeds — changes the figures in the same transaction, and nobody
# can write them through RPC. The increments are UPSERTs, exact under concurrency (see the
# file). This model only reads them.

# ir.config_parameter: who asked for the rebuild running in the background (told when done)
REBUILD_REQUESTED_BY_KEY = "social_secretariat_reports.rebuild_requested_by"

# Which table answers a query: "day" (day x desk x need x profile) or "month" (month x desk x
# need). Set for the duration of one _read_group by the server, never from a client's
# context, and only when both tables give the same answer (_month_grain_fits).
_GRAIN = contextvars.ContextVar("social_report_session_need_grain", default="day")

DAY_QUERY = """
    SELECT a.id, a.day AS date, a.desk_id, d.municipality_id, d.company_id, a.need_id,
           n.user_area, a.state, a.channel, nullif(a.outcome, '') AS outcome, a.age_band,
           a.gender, a.citizenship_group, a.contacts, 1 AS daily_rows
    FROM social_report_session_need_daily a
    LEFT JOIN social_desk d ON d.id = a.desk_id
    LEFT JOIN social_need n ON n.id = a.need_id
"""
MONTH_QUERY = """
    SELECT a.id, a.month AS date, a.desk_id, d.municipality_id, d.company_id, a.need_id,
           n.user_area, NULL::varchar AS state, NULL::varchar AS channel,
           NULL::varchar AS outcome, NULL::varchar AS age_band, NULL::varchar AS gender,
           NULL::varchar AS citizenship_group, a.contacts, a.daily_rows
    FROM social_report_session_need_monthly a
    LEFT JOIN social_desk d ON d.id = a.desk_id
    LEFT JOIN social_need n ON n.id = a.need_id
"""
# the fields the monthly table holds (the rest is the profile, in the daily one only)
MONTH_FIELDS = {"date", "desk_id", "municipality_id", "company_id", "need_id", "user_area"}
# LEFT JOINs above: every row has its desk and need (sessions and needs cannot go without their
# rows going), and PostgreSQL leaves out a LEFT JOIN on a primary key that a query does not read
# (the needs, unless the user area is asked for)
MONTH_GRANULARITIES = {"month", "quarter", "year"}
UNKNOWN = [("unknown", "Unknown")]

_logger = logging.getLogger(__name__)


class SocialReportSessionNeed(models.Model):
    _name = "social.report.session.need"
    _inherit = "social.report.aggregate"
    _aggregate_sql = "social_secretariat_reports/data/session_need_aggregate.sql"
    _aggregate_version_key = "social_secretariat_reports.session_need_aggregate"
    _description = "Contacts by need (observatory analysis)"
    _auto = False
    _rec_name = "need_id"
    _order = "date desc, id desc"
    # flushed before each query: pending ORM writes reach the triggers first
    _depends = {
        "social.listening.session": [
            "date", "desk_id", "state", "active", "person_id", "channel", "outcome",
            "anon_age_band", "anon_gender", "anon_citizenship_group", "need_ids",
        ],
        "social.person": ["birth_date", "gender", "citizenship_group", "is_anonymised"],
        "social.desk": ["municipality_id", "company_id", "resource_calendar_id"],
        "social.need": ["user_area"],
    }  # fmt: skip

    date = fields.Date(string="Day", readonly=True, help="Local date at the desk.")
    desk_id = fields.Many2one("social.desk", string="Desk", readonly=True)
    municipality_id = fields.Many2one(
        "social.municipality", string="Municipality", readonly=True, help="Of the desk."
    )
    company_id = fields.Many2one("res.company", string="Ambito", readonly=True)
    need_id = fields.Many2one("social.need", string="Need", readonly=True)
    user_area = fields.Selection(USER_AREAS, string="User area", readonly=True)
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], readonly=True)
    channel = fields.Selection(CHANNELS, readonly=True)
    outcome = fields.Selection(OUTCOMES, readonly=True)
    age_band = fields.Selection(AGE_BANDS, string="Age band", readonly=True)
    gender = fields.Selection(GENDERS + UNKNOWN, readonly=True)
    citizenship_group = fields.Selection(CITIZENSHIP_GROUPS, string="Citizenship", readonly=True)
    contacts = fields.Integer(
        readonly=True,
        aggregator="sum",
        help="Sessions with this need (active, not cancelled): a session with two needs counts "
        "once under each.",
    )

    @property
    def _table_query(self):
        return SQL(MONTH_QUERY if _GRAIN.get() == "month" else DAY_QUERY)

    # ------------------------------------------------------------
    # Reading: the monthly table when it answers the same
    # ------------------------------------------------------------

    def _read_group(
        self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None
    ):
        fits = self._month_grain_fits(domain, groupby, aggregates, having, order)
        token = _GRAIN.set("month" if fits else "day")
        try:
            return super()._read_group(domain, groupby, aggregates, having, offset, limit, order)
        finally:
            _GRAIN.reset(token)

    def _read_group_select(self, aggregate_spec, query):
        if aggregate_spec == "__count":
            # the rows of the daily table, whichever table answers (list groups, pivot count)
            return SQL("COALESCE(SUM(%s), 0)", SQL.identifier(self._table, "daily_rows"))
        return super()._read_group_select(aggregate_spec, query)

    @api.model
    def _month_grain_fits(self, domain, groupby, aggregates, having, order):
        """Whether the monthly table gives the same answer as the daily one: no profile field
        anywhere, dates grouped by month or coarser and filtered on whole months, sums and
        counts only."""
        for spec in groupby:
            name, __, granularity = spec.partition(":")
            name = name.split(".")[0]
            if name not in MONTH_FIELDS:
                return False
            if name == "date" and granularity not in MONTH_GRANULARITIES:
                return False
        for spec in list(aggregates) + [leaf[0] for leaf in self._leaves(having)]:
            if spec not in ("__count", "contacts:sum"):
                return False
        for term in (order or "").split(","):
            name = term.strip().split(" ")[0].split(":")[0].split(".")[0]
            if name and name not in MONTH_FIELDS | {"__count", "contacts"}:
                return False
        for name, operator, value in self._leaves(domain):
            name = name.split(".")[0]
            if name not in MONTH_FIELDS:
                return False
            if name == "date" and not self._whole_months(operator, value):
                return False
        return True

    @api.model
    def _leaves(self, domain):
        return [
            leaf
            for leaf in expression.normalize_domain(list(domain or []))
            if expression.is_leaf(leaf)
            and leaf not in (expression.TRUE_LEAF, expression.FALSE_LEAF)
        ]

    @api.model
    def _whole_months(self, operator, value):
        """A condition on the date that each month meets for all its days or for none."""
        if operator not in (">=", "<", ">", "<=") or isinstance(value, datetime.datetime):
            return False
        try:
            day = fields.Date.to_date(value)
        except (TypeError, ValueError):
            return False
        if not day:
            return False
        if operator in (">=", "<"):
            return day.day == 1
        return (day + datetime.timedelta(days=1)).day == 1  # the last day of a month

    # ------------------------------------------------------------
    # Rebuild
    # ------------------------------------------------------------

    @api.model
    def _rebuild(self):
        """Count everything again from the live tables, in this transaction."""
        self.env.flush_all()
        # writers wait until this transaction ends (their triggers would add to rows that
        # are being counted again); the coordinator's action takes it before its snapshot
        self.env.cr.execute(
            SQL(
                "LOCK TABLE social_report_session_need_daily, social_report_session_need_monthly "
                "IN SHARE ROW EXCLUSIVE MODE"
            )
        )
        self.env.cr.execute(SQL("SELECT social_report_session_need_rebuild()"))
        self.env.invalidate_all()

    @api.model
    def action_rebuild(self):
        """The coordinator's button: count everything again (after a change of time zone
        racing sessions, or to check the figures). On a million sessions the three rebuilds
        take minutes, past a web request's time limit: the job runs in the background and
        tells the coordinator when it is done."""
        if not self.env.user.has_group("social_secretariat.group_social_coordinator"):
            raise AccessError(self.env._("Only a coordinator can rebuild the observatory figures."))
        # sudo: the coordinator asks for the job; writing crons' parameters is the admin's
        self.env["ir.config_parameter"].sudo().set_param(REBUILD_REQUESTED_BY_KEY, self.env.uid)
        self.env.ref(
            "social_secretariat_reports.social_report_rebuild_cron"
        ).sudo()._trigger()  # sudo: see above
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": self.env._(
                    "The observatory figures are being counted again in the background. "
                    "You will be notified when they are ready; until then they may be "
                    "incomplete."
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    @api.model
    def _cron_rebuild(self):
        """The rebuild job (the coordinator's button, and a monthly check at night)."""
        started = time.monotonic()
        rows = self._rebuild_all()
        message = self.env._(
            "Observatory figures rebuilt: %(rows)s rows in %(seconds)s s.",
            rows=rows,
            seconds=round(time.monotonic() - started, 1),
        )
        _logger.info("%s", message)
        Param = self.env["ir.config_parameter"].sudo()  # sudo: a technical marker (see above)
        requester = self.env["res.users"].browse(
            int(Param.get_param(REBUILD_REQUESTED_BY_KEY) or 0)
        )
        Param.set_param(REBUILD_REQUESTED_BY_KEY, False)
        if requester.exists():
            requester.partner_id._bus_send(
                "simple_notification",
                {"type": "success", "title": self.env._("Observatory"), "message": message},
            )

    @api.model
    def _rebuild_all(self):
        """The three aggregates counted again, each in a transaction of its own whose first
        statement is its lock (REPEATABLE READ takes the snapshot at the first query: it then
        sees every session written before the lock). Returns the rows written."""
        rows = 0
        for model, table in (
            ("social.report.session.need", "social_report_session_need_daily"),
            ("social.report.contact", "social_report_session_daily"),
            ("social.report.person", "social_report_person_monthly"),
        ):
            with self.env.registry.cursor() as cr:
                self.env(cr=cr)[model]._rebuild()
                cr.execute(SQL("SELECT count(*) FROM %s", SQL.identifier(table)))
                rows += cr.fetchone()[0]
        return rows
