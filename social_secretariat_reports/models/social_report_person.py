import contextvars
import time
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.osv import expression
from odoo.tools import SQL

from odoo.addons.social_secretariat.models.social_person import (
    AGE_BANDS,
    CITIZENSHIP_GROUPS,
    GENDERS,
)

# The aggregate: one row per person with a file x local month x desk, kept by the triggers of
# data/person_aggregate.sql (why triggers: models/social_report_session_need.py). Its person
# key is a column of the query but no field: no read, search, group or export can return it;
# it is only counted (COUNT(DISTINCT ...), _read_group_select below).

QUERY = """
    SELECT a.id, a.month AS date, a.desk_id, a.municipality_id, a.company_id,
           CASE WHEN a.is_new THEN 'new' ELSE 'returning' END AS visitor, a.is_new,
           a.age_band, a.gender, a.citizenship_group, a.residence_municipality_id,
           a.sessions, a.person_id AS person_key, a.first_in_municipality, a.first_in_month,
           1 AS persons, a.is_new::integer AS new_persons,
           (NOT a.is_new)::integer AS returning_persons,
           NULL::float8 AS persons_per_thousand
    FROM social_report_person_monthly a
"""
# The persons by municipality x month x Ambito x new or returning, summed by the triggers:
# what a query by municipality x month answers from when it asks for persons and counts only
# (_SUMMARY). The columns it has not are NULL.
SUMMARY_QUERY = """
    SELECT s.id, s.month AS date, NULL::integer AS desk_id,
           nullif(s.municipality_id, 0) AS municipality_id, s.company_id,
           CASE WHEN s.is_new THEN 'new' ELSE 'returning' END AS visitor, s.is_new,
           NULL::varchar AS age_band, NULL::varchar AS gender,
           NULL::varchar AS citizenship_group, NULL::integer AS residence_municipality_id,
           NULL::integer AS sessions, s.persons, s.rows,
           NULL::integer AS new_persons, NULL::integer AS returning_persons,
           NULL::float8 AS persons_per_thousand
    FROM social_report_person_municipality s
"""
# the measures that count persons: whatever aggregate is asked, the distinct persons
PERSON_MEASURES = {"persons", "new_persons", "returning_persons", "persons_per_thousand"}
# the municipalities a rate per 1,000 residents can be worked out for, in order of preference
RATE_MUNICIPALITIES = ("residence_municipality_id", "municipality_id")
UNKNOWN = [("unknown", "Unknown")]
# The flag whose sum gives the distinct persons of a _read_group's groups (_flag_for), or
# None for a COUNT(DISTINCT ...). Set by the server for one _read_group, never from a
# client's context.
_FLAG = contextvars.ContextVar("social_report_person_flag", default=None)
# whether SUMMARY_QUERY answers a _read_group (set as _FLAG)
_SUMMARY = contextvars.ContextVar("social_report_person_summary", default=False)
# per flag: what the groups may be (date:month required) and the domain may filter on. A
# filter or group on anything else (a desk, a profile) could leave out the flagged row of a
# person and keep another; "new or returning" is the same on all the person's rows of a month
FLAGS = {
    "first_in_municipality": (
        {"municipality_id", "date:month", "company_id", "visitor"},
        {"date", "company_id", "municipality_id", "visitor"},
    ),
    "first_in_month": (
        {"date:month", "company_id", "visitor"},
        {"date", "company_id", "visitor"},
    ),
}


class SocialReportPerson(models.Model):
    _name = "social.report.person"
    _inherit = "social.report.aggregate"
    _aggregate_sql = "social_secretariat_reports/data/person_aggregate.sql"
    _aggregate_version_key = "social_secretariat_reports.person_aggregate"
    _description = "Persons (observatory analysis)"
    _auto = False
    _order = "date desc, id desc"
    # flushed before each query: pending ORM writes reach the triggers first
    _depends = {
        "social.listening.session": [
            "date", "desk_id", "state", "active", "person_id", "anon_age_band", "anon_gender",
            "anon_citizenship_group", "anon_municipality_id",
        ],
        "social.person": [
            "birth_date", "gender", "citizenship_group", "residence_municipality_id",
            "is_anonymised",
        ],
        "social.desk": ["municipality_id", "company_id", "resource_calendar_id"],
    }  # fmt: skip

    date = fields.Date(string="Month", readonly=True, help="Local month at the desk.")
    desk_id = fields.Many2one("social.desk", string="Desk", readonly=True)
    municipality_id = fields.Many2one(
        "social.municipality", string="Municipality", readonly=True, help="Of the desk."
    )
    company_id = fields.Many2one("res.company", string="Ambito", readonly=True)
    visitor = fields.Selection(
        [("new", "New"), ("returning", "Returning")],
        string="New or returning",
        readonly=True,
        help="New in the month of the person's first contact in the Ambito, returning after.",
    )
    age_band = fields.Selection(AGE_BANDS, string="Age band", readonly=True)
    gender = fields.Selection(GENDERS + UNKNOWN, readonly=True)
    citizenship_group = fields.Selection(CITIZENSHIP_GROUPS, string="Citizenship", readonly=True)
    residence_municipality_id = fields.Many2one(
        "social.municipality", string="Municipality of residence", readonly=True
    )
    sessions = fields.Integer(
        string="Contacts", readonly=True, aggregator="sum", help="Sessions (active, not cancelled)."
    )
    persons = fields.Integer(
        readonly=True,
        aggregator="sum",
        help="Distinct persons with a file: a person seen on several days, at several desks or "
        "in several months counts once.",
    )
    new_persons = fields.Integer(
        string="New persons",
        readonly=True,
        aggregator="sum",
        help="Persons whose first contact in the Ambito falls in the period.",
    )
    returning_persons = fields.Integer(
        string="Returning persons",
        readonly=True,
        aggregator="sum",
        help="Persons of the period already seen in the Ambito before it.",
    )
    persons_per_thousand = fields.Float(
        string="Persons per 1,000 residents",
        readonly=True,
        aggregator="sum",
        digits=(16, 2),
        help="Grouped by municipality (of residence, else of the desk): distinct persons per "
        "1,000 residents, on the population figure of the period's first day. Empty without "
        "a municipality or its population.",
    )

    @property
    def _table_query(self):
        return SQL(SUMMARY_QUERY if _SUMMARY.get() else QUERY)

    # ------------------------------------------------------------
    # Reading: counts only
    # ------------------------------------------------------------

    def _fetch_query(self, query, fields):
        # a row is one person in one month at one desk with their profile: read only as
        # counts (read_group), by anyone, so that the rows cannot be put together per person
        # (a search gives the rows' own ids only)
        if not self.env.su and any(field.name != "id" for field in fields):
            raise AccessError(
                self.env._("The persons analysis gives counts only: group it (pivot or graph).")
            )
        return super()._fetch_query(query, fields)

    def _read_group(
        self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None
    ):
        if any(spec.split(":")[0].split(".")[0] == "id" for spec in groupby):
            # one group per row: the rows themselves (see _fetch_query)
            raise AccessError(self.env._("The persons analysis cannot be grouped by row."))
        flag = self._flag_for(domain, groupby)
        # persons and counts only (every aggregate of the pivot of persons)
        summary = flag == "first_in_municipality" and all(
            spec == "__count" or spec.split(":")[0] in PERSON_MEASURES
            for spec in list(aggregates) + [leaf[0] for leaf in self._leaves(having)]
        )
        token = _FLAG.set(flag)
        summary_token = _SUMMARY.set(summary)
        try:
            rows = super()._read_group(domain, groupby, aggregates, having, offset, limit, order)
        finally:
            _SUMMARY.reset(summary_token)
            _FLAG.reset(token)
        rates = [
            len(groupby) + index
            for index, spec in enumerate(aggregates)
            if spec.split(":")[0] == "persons_per_thousand"
        ]
        if rates and rows:
            rows = self._with_rates(domain, list(groupby), rows, rates)
        return rows

    def _read_group_select(self, aggregate_spec, query):
        fname = aggregate_spec.split(":")[0]
        if _SUMMARY.get():
            if aggregate_spec == "__count":
                # the person rows, whichever table answers
                return SQL("COALESCE(SUM(%s), 0)", SQL.identifier(self._table, "rows"))
            persons = SQL.identifier(self._table, "persons")
            if fname == "new_persons":
                return SQL("COALESCE(SUM(%s) FILTER (WHERE %s), 0)", persons, self._is_new_sql())
            if fname == "returning_persons":
                return SQL(
                    "COALESCE(SUM(%s) FILTER (WHERE NOT %s), 0)", persons, self._is_new_sql()
                )
            return SQL("COALESCE(SUM(%s), 0)", persons)
        if fname in PERSON_MEASURES and _FLAG.get():
            # one flagged row per person in each group
            flag = SQL.identifier(self._table, _FLAG.get())
            if fname == "new_persons":
                return SQL("COUNT(*) FILTER (WHERE %s AND %s)", flag, self._is_new_sql())
            if fname == "returning_persons":
                return SQL("COUNT(*) FILTER (WHERE %s AND NOT %s)", flag, self._is_new_sql())
            return SQL("COUNT(*) FILTER (WHERE %s)", flag)
        if fname in PERSON_MEASURES:
            key = SQL.identifier(self._table, "person_key")
            if fname == "new_persons":
                return SQL("COUNT(DISTINCT %s) FILTER (WHERE %s)", key, self._is_new_sql())
            if fname == "returning_persons":
                # persons of the group not new in it: persons = new + returning in every cell
                return SQL(
                    "COUNT(DISTINCT %s) - COUNT(DISTINCT %s) FILTER (WHERE %s)",
                    key,
                    key,
                    self._is_new_sql(),
                )
            return SQL("COUNT(DISTINCT %s)", key)
        return super()._read_group_select(aggregate_spec, query)

    @api.model
    def _flag_for(self, domain, groupby):
        """The flag whose rows are the distinct persons of the groups, if any: groups of
        months (by municipality: first_in_municipality; else first_in_month), filtered on
        nothing that could split a person's rows of a month. Over several Ambiti (a reader of
        more than one, or the superuser) the Ambito must be a group too: the flags are per
        Ambito."""
        specs = set(groupby)
        if "date:month" not in specs:
            return None
        if "company_id" not in specs and (self.env.su or len(self.env.companies) > 1):
            return None
        flag = "first_in_municipality" if "municipality_id" in specs else "first_in_month"
        groups, filters = FLAGS[flag]
        if specs - groups:
            return None
        if any(leaf[0].split(".")[0] not in filters for leaf in self._leaves(domain)):
            return None
        return flag

    @api.model
    def _leaves(self, domain):
        return [
            leaf
            for leaf in expression.normalize_domain(list(domain or []))
            if expression.is_leaf(leaf)
            and leaf not in (expression.TRUE_LEAF, expression.FALSE_LEAF)
        ]

    def _is_new_sql(self):
        return SQL.identifier(self._table, "is_new")

    @api.model
    def _with_rates(self, domain, groupby, rows, rates):
        """Replace the distinct persons at `rates` by persons per 1,000 residents of the
        group's municipality, on the figure of the group's month (or the period's first day,
        else today)."""
        names = [spec.split(":")[0] for spec in groupby]
        where = next((names.index(name) for name in RATE_MUNICIPALITIES if name in names), None)
        when = names.index("date") if "date" in names else None
        default_day = self._period_start(domain) or fields.Date.context_today(self)
        if where is None:
            return [
                tuple(None if index in rates else value for index, value in enumerate(row))
                for row in rows
            ]

        def day_of(row):
            return (row[when] if when is not None else None) or default_day

        # one reading of the population per day (a month of the grouping), for all the
        # municipalities of its groups
        municipalities = defaultdict(set)
        for row in rows:
            if row[where]:
                municipalities[day_of(row)].add(row[where].id)
        Population = self.env["social.municipality.population"]
        residents = {
            day: Population._residents_at(list(ids), day) for day, ids in municipalities.items()
        }
        result = []
        for row in rows:
            row = list(row)
            figure = row[where] and residents[day_of(row)].get(row[where].id)
            for index in rates:
                row[index] = round(row[index] * 1000.0 / figure, 2) if figure else None
            result.append(tuple(row))
        return result

    @api.model
    def _period_start(self, domain):
        """The latest lower bound on the month in the domain (the pivot's period filter)."""
        starts = []
        for leaf in expression.normalize_domain(list(domain or [])):
            if not expression.is_leaf(leaf) or leaf[0] != "date" or leaf[1] not in (">=", ">"):
                continue
            try:
                day = fields.Date.to_date(leaf[2])
            except (TypeError, ValueError):
                continue
            if day:
                starts.append(day)
        return max(starts) if starts else None

    # ------------------------------------------------------------
    # Rebuild
    # ------------------------------------------------------------

    @api.model
    def _rebuild(self):
        """Count every person again from the live tables, in this transaction."""
        self.env.flush_all()
        # writers wait until this transaction ends; the coordinator's action takes the lock
        # as the first statement of its transaction, before the snapshot its count reads
        self.env.cr.execute(
            SQL("LOCK TABLE social_report_person_first IN SHARE ROW EXCLUSIVE MODE")
        )
        self.env.cr.execute(SQL("SELECT social_report_persons_rebuild()"))
        self.env.invalidate_all()

    @api.model
    def _bench(self, year):
        """The figures the benchmark measures on `year` (make bench): distinct persons by
        municipality x month, and new versus returning by month, through read_group as
        the calling user (the superuser is made the demo's administrator, a coordinator:
        the superuser reads every Ambito, where the sums of flags need the Ambito as a
        group)."""
        report = self.with_user(self.env.ref("base.user_admin")) if self.env.su else self
        domain = [("date", ">=", f"{year}-01-01"), ("date", "<=", f"{year}-12-31")]
        timings = {}
        for name, groupby, measures in (
            ("persons_by_municipality_month", ["municipality_id", "date:month"], ["persons"]),
            ("new_returning_by_month", ["date:month"], ["new_persons", "returning_persons"]),
        ):
            started = time.perf_counter()
            report.read_group(domain, measures, groupby, lazy=False)
            timings[name] = time.perf_counter() - started
        return timings
