import contextvars

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.social_secretariat.models.social_listening_session import CHANNELS, OUTCOMES
from odoo.addons.social_secretariat.models.social_person import (
    AGE_BANDS,
    CITIZENSHIP_GROUPS,
    GENDERS,
)

# Two plain tables written by PostgreSQL triggers (data/session_aggregate.sql), for the same
# reasons as the contacts by need (models/social_report_session_need.py): every path that
# changes a session or its person changes the figures in the same transaction. This model
# only reads them.

# Which table answers a query, as for the contacts by need: set by the server for one
# _read_group, never from a client's context.
_GRAIN = contextvars.ContextVar("social_report_contact_grain", default="day")

DAY_QUERY = """
    SELECT a.id, a.day AS date, a.desk_id, d.municipality_id, d.company_id, a.state,
           a.channel, nullif(a.outcome, '') AS outcome, a.relation,
           nullif(a.sent_by, '') AS sent_by, a.age_band, a.gender, a.citizenship_group,
           a.sessions, a.contacts, NULL::float8 AS contacts_per_1000, 1 AS daily_rows
    FROM social_report_session_daily a
    LEFT JOIN social_desk d ON d.id = a.desk_id
"""
MONTH_QUERY = """
    SELECT a.id, a.month AS date, a.desk_id, d.municipality_id, d.company_id,
           NULL::varchar AS state, NULL::varchar AS channel, NULL::varchar AS outcome,
           NULL::varchar AS relation, NULL::varchar AS sent_by, NULL::varchar AS age_band,
           NULL::varchar AS gender, NULL::varchar AS citizenship_group, a.sessions,
           a.contacts, NULL::float8 AS contacts_per_1000, a.daily_rows
    FROM social_report_session_monthly a
    LEFT JOIN social_desk d ON d.id = a.desk_id
"""
# the fields the monthly table holds (the rest is in the daily one only)
MONTH_FIELDS = {"date", "desk_id", "municipality_id", "company_id"}
MONTH_GRANULARITIES = {"month", "quarter", "year"}
UNKNOWN = [("unknown", "Unknown")]
RATE = "contacts_per_1000"


class SocialReportContact(models.Model):
    _name = "social.report.contact"
    _inherit = "social.report.aggregate"
    _aggregate_sql = "social_secretariat_reports/data/session_aggregate.sql"
    _aggregate_version_key = "social_secretariat_reports.session_aggregate"
    _description = "Contacts (observatory analysis)"
    _auto = False
    _rec_name = "desk_id"
    _order = "date desc, id desc"
    # flushed before each query: pending ORM writes reach the triggers first
    _depends = {
        "social.listening.session": [
            "date", "desk_id", "state", "active", "person_id", "channel", "outcome",
            "interlocutor_relation", "sent_by", "anon_age_band", "anon_gender",
            "anon_citizenship_group",
        ],
        "social.person": ["birth_date", "gender", "citizenship_group", "is_anonymised"],
        "social.desk": ["municipality_id", "company_id", "resource_calendar_id"],
    }  # fmt: skip

    date = fields.Date(string="Day", readonly=True, help="Local date at the desk.")
    desk_id = fields.Many2one("social.desk", string="Desk", readonly=True)
    municipality_id = fields.Many2one(
        "social.municipality", string="Municipality", readonly=True, help="Of the desk."
    )
    company_id = fields.Many2one("res.company", string="Ambito", readonly=True)
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], readonly=True)
    channel = fields.Selection(CHANNELS, readonly=True)
    outcome = fields.Selection(OUTCOMES, readonly=True)
    relation = fields.Selection(
        "_selection_relation",
        string="Who turned up",
        readonly=True,
        help="The person themselves, or who came or called for them.",
    )
    sent_by = fields.Selection("_selection_sent_by", string="Referred by", readonly=True)
    age_band = fields.Selection(AGE_BANDS, string="Age band", readonly=True)
    gender = fields.Selection(GENDERS + UNKNOWN, readonly=True)
    citizenship_group = fields.Selection(CITIZENSHIP_GROUPS, string="Citizenship", readonly=True)
    sessions = fields.Integer(
        readonly=True,
        aggregator="sum",
        help="Listening sessions (active, not cancelled), each once whatever its needs.",
    )
    contacts = fields.Integer(
        readonly=True,
        aggregator="sum",
        help="The same person at the same desk on the same day counts once; each anonymous "
        "session counts once.",
    )
    contacts_per_1000 = fields.Float(
        string="Contacts per 1,000 residents",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
        help="For a municipality or an Ambito: its contacts in the period per 1,000 of its "
        "residents at the start of the period. Empty without a population figure.",
    )

    @api.model
    def _selection_relation(self):
        # the session's own labels (translated there), and the person themselves
        session_field = self.env["social.listening.session"]._fields["interlocutor_relation"]
        return [("person", self.env._("The person"))] + session_field._description_selection(
            self.env
        )

    @api.model
    def _selection_sent_by(self):
        session_field = self.env["social.listening.session"]._fields["sent_by"]
        return session_field._description_selection(self.env)

    @property
    def _table_query(self):
        return SQL(MONTH_QUERY if _GRAIN.get() == "month" else DAY_QUERY)

    # ------------------------------------------------------------
    # Reading: the monthly table when it answers the same; the rates
    # ------------------------------------------------------------

    def _read_group(
        self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None
    ):
        aggregates = list(aggregates)
        rates = [i for i, spec in enumerate(aggregates) if spec.split(":")[0] == RATE]
        if not rates:
            return self._read_group_grain(domain, groupby, aggregates, having, offset, limit, order)
        # the rate is no column: the contacts of the group over its residents
        plain = [spec for spec in aggregates if spec.split(":")[0] != RATE]
        plain.append("contacts:sum")
        order = ",".join(term for term in (order or "").split(",") if RATE not in term) or None
        rows = self._read_group_grain(domain, groupby, plain, having, offset, limit, order)
        rate_of = self._rates(domain, list(groupby), rows)
        result = []
        for row in rows:
            values = list(row[: len(groupby)])
            measures = iter(row[len(groupby) : -1])
            rate = rate_of(row)
            values += [rate if i in rates else next(measures) for i in range(len(aggregates))]
            result.append(tuple(values))
        return result

    def _read_group_grain(self, domain, groupby, aggregates, having, offset, limit, order):
        fits = self._month_grain_fits(domain, groupby, aggregates, having, order)
        token = _GRAIN.set("month" if fits else "day")
        try:
            return super()._read_group(domain, groupby, aggregates, having, offset, limit, order)
        finally:
            _GRAIN.reset(token)

    def _read_group_select(self, aggregate_spec, query):
        if aggregate_spec == "__count":
            # the rows of the daily table, whichever table answers
            return SQL("COALESCE(SUM(%s), 0)", SQL.identifier(self._table, "daily_rows"))
        return super()._read_group_select(aggregate_spec, query)

    @api.model
    def _month_grain_fits(self, domain, groupby, aggregates, having, order):
        """Whether the monthly table gives the same answer as the daily one (the rule of the
        contacts by need, on this model's fields)."""
        need = self.env["social.report.session.need"]  # its domain helpers, no read
        for spec in groupby:
            name, __, granularity = spec.partition(":")
            name = name.split(".")[0]
            if name not in MONTH_FIELDS:
                return False
            if name == "date" and granularity not in MONTH_GRANULARITIES:
                return False
        for spec in list(aggregates) + [leaf[0] for leaf in need._leaves(having)]:
            if spec not in ("__count", "contacts:sum", "sessions:sum"):
                return False
        for term in (order or "").split(","):
            name = term.strip().split(" ")[0].split(":")[0].split(".")[0]
            if name and name not in MONTH_FIELDS | {"__count", "contacts", "sessions"}:
                return False
        for name, operator, value in need._leaves(domain):
            name = name.split(".")[0]
            if name not in MONTH_FIELDS:
                return False
            if name == "date" and not need._whole_months(operator, value):
                return False
        return True

    @api.model
    def _rates(self, domain, groupby, rows):
        """A function giving the rate of a row of _read_group (its last value: the contacts).
        Only for a group of one municipality, or of one Ambito when no condition narrows its
        desks; the residents at the start of the group's period (its date group, else the
        first day of the filter, else today). None without a figure for each municipality."""
        names = [spec.split(":")[0] for spec in groupby]
        if "municipality_id" in names:
            where = names.index("municipality_id")
        elif "company_id" in names and not any(
            leaf[0].split(".")[0] in ("desk_id", "municipality_id")
            for leaf in self.env["social.report.session.need"]._leaves(domain)
        ):
            where = names.index("company_id")
        else:
            return lambda row: None
        dated = names.index("date") if "date" in names else None
        start = self._period_start(domain)
        Municipality = self.env["social.municipality"]
        Population = self.env["social.municipality.population"]
        residents_on = {}  # day: {municipality id: residents}, for the rows' municipalities

        def municipalities(row):
            group = row[where]
            if names[where] == "municipality_id":
                return group
            return Municipality.search([("company_id", "=", group.id)]) if group else group

        for row in rows:
            day = (row[dated] if dated is not None else None) or start
            residents_on.setdefault(day, Municipality)
            residents_on[day] |= municipalities(row)
        residents_on = {
            day: Population._residents_at(group, day) for day, group in residents_on.items()
        }

        def rate(row):
            day = (row[dated] if dated is not None else None) or start
            group = municipalities(row)
            figures = residents_on[day]
            if not group or not all(m.id in figures for m in group):
                return None
            residents = sum(figures[m.id] for m in group)
            return row[-1] * 1000.0 / residents

        return rate

    @api.model
    def _period_start(self, domain):
        starts = [
            fields.Date.to_date(value)
            for name, operator, value in self.env["social.report.session.need"]._leaves(domain)
            if name == "date" and operator in (">=", ">") and value
        ]
        return max(starts) if starts else fields.Date.context_today(self)

    # ------------------------------------------------------------
    # Rebuild
    # ------------------------------------------------------------

    @api.model
    def _rebuild(self):
        """Count everything again from the live tables, in this transaction (see
        social.report.session.need._rebuild, whose action calls this one)."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "LOCK TABLE social_report_session_daily, social_report_session_monthly "
                "IN SHARE ROW EXCLUSIVE MODE"
            )
        )
        self.env.cr.execute(SQL("SELECT social_report_session_rebuild()"))
        self.env.invalidate_all()

    # ------------------------------------------------------------
    # Benchmark
    # ------------------------------------------------------------

    @api.model
    def _bench_pivot(self, year):
        """The coordinator's pivot of contacts x municipality x month for `year` (make bench)."""
        domain = [("date", ">=", f"{year}-01-01"), ("date", "<=", f"{year}-12-31")]
        return self.read_group(
            domain,
            ["contacts", "sessions", RATE],
            ["municipality_id", "date:month"],
            lazy=False,
        )
