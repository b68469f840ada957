from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.social_secretariat.models.social_need import USER_AREAS

# The monthly rows of the contacts by need (data/session_need_aggregate.sql) whose need no
# published service of the desk's Ambito addresses, read when asked: the catalogue as it is
# now. A service covers the need it serves and every need below it in the taxonomy (a
# service for "Economic hardship" covers "Rent arrears"), not the needs above it: the
# ancestors of a need are read from its parent_path ("1/5/12/"), the need itself included.
# Services without an Ambito are everyone's. Eligibility (age, residence) is not asked: a
# need is met by the catalogue when a service for it exists (readme/INDICATORS.md).
# The unmet needs x Ambiti first (a few hundred pairs), then one hash join with the monthly
# rows: a year's need x municipality pivot on the 1M-session benchmark in about 0.1 s, half
# of a NOT EXISTS asked for each monthly row.
QUERY = """
    SELECT a.id, a.month AS date, a.desk_id, d.municipality_id, d.company_id, a.need_id,
           u.user_area, a.contacts
    FROM social_report_session_need_monthly a
    JOIN social_desk d ON d.id = a.desk_id
    JOIN (
        SELECT n.id AS need_id, c.id AS company_id, n.user_area
        FROM social_need n
        CROSS JOIN res_company c
        WHERE NOT EXISTS (
            SELECT 1
            FROM social_need_social_service_rel r
            JOIN social_service s ON s.id = r.social_service_id
            WHERE r.social_need_id = ANY(
                    string_to_array(rtrim(n.parent_path, '/'), '/')::integer[])
              AND s.active AND s.is_published
              AND (s.company_id IS NULL OR s.company_id = c.id)
        )
    ) AS u ON u.need_id = a.need_id AND u.company_id = d.company_id
"""


class SocialReportUnmetNeed(models.Model):
    _name = "social.report.unmet.need"
    _description = "Unmet needs (observatory analysis)"
    _auto = False
    _rec_name = "need_id"
    _order = "date desc, id desc"
    # flushed before each query: pending writes reach the aggregate's triggers and the
    # catalogue first
    _depends = {
        "social.listening.session": [
            "date", "desk_id", "state", "active", "need_ids", "person_id",
        ],
        "social.desk": ["municipality_id", "company_id"],
        "social.need": ["user_area", "parent_id", "parent_path"],
        "social.service": ["need_ids", "active", "is_published", "company_id"],
    }  # fmt: skip

    date = fields.Date(string="Month", readonly=True, help="First day of the local month.")
    desk_id = fields.Many2one("social.desk", string="Desk", readonly=True)
    municipality_id = fields.Many2one(
        "social.municipality", string="Municipality", readonly=True, help="Of the desk."
    )
    company_id = fields.Many2one("res.company", string="Ambito", readonly=True)
    need_id = fields.Many2one("social.need", string="Need", readonly=True)
    user_area = fields.Selection(USER_AREAS, string="User area", readonly=True)
    contacts = fields.Integer(
        readonly=True,
        aggregator="sum",
        help="Sessions with this need (active, not cancelled) for which the catalogue has no "
        "published service of the Ambito serving the need or a broader need.",
    )

    @property
    def _table_query(self):
        return SQL(QUERY)

    @api.model
    def _bench_pivot(self, date_from, date_to):
        """The coordinator's default pivot (needs x municipality over a period), as `make
        bench` measures it."""
        return self._read_group(
            [("date", ">=", date_from), ("date", "<", date_to)],
            ["need_id", "municipality_id"],
            ["contacts:sum"],
        )
