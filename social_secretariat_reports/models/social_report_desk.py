from odoo import api, fields, models
from odoo.tools import SQL

# Desk x month: the sessions and contacts from the monthly table kept by the triggers of
# data/session_aggregate.sql (a session once whatever its needs, sessions without needs too;
# the same person at the same desk on the same day one contact), and the appointments counted
# live (thousands, not millions), in the local month at the desk, in the zone the aggregate
# uses (its opening hours', else its Ambito's working time's, else Europe/Rome).
QUERY = """
    WITH zone AS (
        SELECT d.id AS desk_id, coalesce(nullif(dc.tz, ''), nullif(cc.tz, ''), 'Europe/Rome') AS tz
        FROM social_desk d
        JOIN res_company c ON c.id = d.company_id
        LEFT JOIN resource_calendar dc ON dc.id = d.resource_calendar_id
        LEFT JOIN resource_calendar cc ON cc.id = c.resource_calendar_id
    ), contacts AS (
        SELECT desk_id, month, sessions, contacts FROM social_report_session_monthly
    ), appointments AS (
        SELECT a.desk_id,
               date_trunc('month', timezone(z.tz, a.start AT TIME ZONE 'UTC'))::date AS month,
               count(*) AS appointments,
               count(*) FILTER (WHERE a.state = 'booked') AS booked,
               count(*) FILTER (WHERE a.state = 'done') AS done,
               count(*) FILTER (WHERE a.state = 'cancelled') AS cancelled,
               count(*) FILTER (WHERE a.state = 'no_show') AS no_show
        FROM social_appointment a
        JOIN zone z ON z.desk_id = a.desk_id
        GROUP BY 1, 2
    )
    SELECT
        -- stable: one row per desk and month (months counted from year 0 stay below 10^5)
        x.desk_id::bigint * 100000 + extract(year FROM x.month)::int * 12
            + extract(month FROM x.month)::int AS id,
        x.month, x.desk_id, d.municipality_id, d.company_id,
        coalesce(c.sessions, 0) AS sessions,
        coalesce(c.contacts, 0) AS contacts,
        coalesce(a.appointments, 0) AS appointments,
        coalesce(a.booked, 0) AS booked,
        coalesce(a.done, 0) AS done,
        coalesce(a.cancelled, 0) AS cancelled,
        coalesce(a.no_show, 0) AS no_show,
        100.0 * a.no_show / nullif(a.done + a.no_show, 0) AS no_show_rate
    FROM (SELECT desk_id, month FROM contacts UNION SELECT desk_id, month FROM appointments) x
    JOIN social_desk d ON d.id = x.desk_id
    LEFT JOIN contacts c ON c.desk_id = x.desk_id AND c.month = x.month
    LEFT JOIN appointments a ON a.desk_id = x.desk_id AND a.month = x.month
"""


class SocialReportDesk(models.Model):
    _name = "social.report.desk"
    _description = "Desk workload (observatory analysis)"
    _auto = False
    _rec_name = "desk_id"
    _order = "month desc, id desc"
    # flushed before each query
    _depends = {
        "social.listening.session": ["date", "desk_id", "state", "active", "person_id"],
        "social.appointment": ["start", "desk_id", "state"],
        "social.desk": ["municipality_id", "company_id", "resource_calendar_id"],
    }

    month = fields.Date(readonly=True, help="The first day of the local month at the desk.")
    desk_id = fields.Many2one("social.desk", string="Desk", readonly=True)
    municipality_id = fields.Many2one(
        "social.municipality", string="Municipality", readonly=True, help="Of the desk."
    )
    company_id = fields.Many2one("res.company", string="Ambito", readonly=True)
    sessions = fields.Integer(
        readonly=True,
        aggregator="sum",
        help="Listening sessions at the desk (active, not cancelled), each once whatever its "
        "needs.",
    )
    contacts = fields.Integer(
        readonly=True,
        aggregator="sum",
        help="The sessions, the same person on the same day counting once (each anonymous "
        "session once).",
    )
    appointments = fields.Integer(
        readonly=True, aggregator="sum", help="Appointments at the desk in the month, any state."
    )
    booked = fields.Integer(
        string="Still booked", readonly=True, aggregator="sum", help="Not yet held or missed."
    )
    done = fields.Integer(string="Held", readonly=True, aggregator="sum")
    cancelled = fields.Integer(readonly=True, aggregator="sum")
    no_show = fields.Integer(string="No-show", readonly=True, aggregator="sum")
    no_show_rate = fields.Float(
        string="No-show rate (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="No-shows out of the appointments held or missed, in percent.",
    )

    @property
    def _table_query(self):
        return SQL(QUERY)

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        if aggregate_spec == "no_show_rate:avg":
            # a rate of the group, not an average of the rates of its months and desks
            no_show = SQL.identifier(self._table, "no_show")
            done = SQL.identifier(self._table, "done")
            return SQL("100.0 * SUM(%s) / NULLIF(SUM(%s) + SUM(%s), 0)", no_show, done, no_show)
        return super()._read_group_select(aggregate_spec, query)
