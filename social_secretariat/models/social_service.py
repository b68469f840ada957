from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .social_need import USER_AREAS


class SocialService(models.Model):
    _name = "social.service"
    _description = "Service (Servizio / intervento)"
    _inherit = ["mail.thread"]
    _order = "name"

    name = fields.Char(required=True, translate=True, tracking=True)
    summary = fields.Char(translate=True, help="One plain sentence for citizens.")
    description = fields.Html(translate=True, sanitize=True)
    nomenclatore_code = fields.Char(
        string="Nomenclatore code",
        help="Code of the interregional Nomenclatore degli interventi e servizi sociali (CISIS).",
    )
    provider_id = fields.Many2one(
        "res.partner", string="Provider", help="Who delivers the service (office, body, partner)."
    )
    need_ids = fields.Many2many("social.need", string="Needs served")
    user_area = fields.Selection(USER_AREAS, string="User area")
    target = fields.Char(string="For whom", translate=True)
    eligibility = fields.Html(translate=True, sanitize=True)
    min_age = fields.Integer(string="Minimum age")
    max_age = fields.Integer(string="Maximum age", help="0: no upper limit.")
    residence_requirement = fields.Selection(
        [
            ("none", "None"),
            ("ambito", "Resident in the Ambito"),
            ("municipality", "Resident in given municipalities"),
        ],
        default="none",
        required=True,
    )
    residence_municipality_ids = fields.Many2many(
        "social.municipality", string="Municipalities of residence"
    )
    document_ids = fields.One2many("social.service.document", "service_id", string="Documents")
    how_to_apply = fields.Html(string="How to apply", translate=True, sanitize=True)
    desk_ids = fields.Many2many("social.desk", string="Desks")
    location = fields.Char(string="Where", translate=True)
    schedule = fields.Char(string="When", translate=True)
    cost = fields.Selection(
        [("free", "Free"), ("income_based", "Based on income (ISEE)"), ("fee", "Fee")],
        default="free",
        required=True,
    )
    cost_note = fields.Char(translate=True)
    language_ids = fields.Many2many("res.lang", string="Languages", context={"active_test": False})
    online_url = fields.Char(string="Online link")
    is_published = fields.Boolean(string="Published", tracking=True)
    company_id = fields.Many2one(
        "res.company", string="Ambito", default=lambda self: self.env.company, index=True
    )
    active = fields.Boolean(default=True)

    @api.constrains("min_age", "max_age")
    def _check_ages(self):
        for service in self:
            if service.min_age < 0 or service.max_age < 0:
                raise ValidationError(self.env._("Ages cannot be negative."))
            if service.max_age and service.max_age < service.min_age:
                raise ValidationError(
                    self.env._(
                        "%(service)s: the maximum age (%(max)s) is below the minimum age (%(min)s).",
                        service=service.name,
                        max=service.max_age,
                        min=service.min_age,
                    )
                )

    @api.constrains("online_url")
    def _check_online_url(self):
        for service in self:
            if service.online_url and not service.online_url.startswith(("https://", "http://")):
                raise ValidationError(
                    self.env._(
                        "Online link of %(service)s must start with https://.", service=service.name
                    )
                )

    def _update_field_translations(self, field_name, translations, *args, **kwargs):
        result = super()._update_field_translations(field_name, translations, *args, **kwargs)
        # a translation edited on its own (the translation dialog) leaves write_date as it
        # was, and the public catalogue keeps its cards rendered until write_date changes
        # (t-cache in social_service_catalogue): move it on, to the clock's time (not the
        # transaction's, which an earlier write of the same transaction may hold already)
        if not self.ids:
            return result
        # the ORM's own write of write_date (the transaction's time), pending, goes first
        self.flush_recordset()
        self.env.cr.execute(
            SQL(
                "UPDATE social_service SET write_date = clock_timestamp() AT TIME ZONE 'UTC' "
                "WHERE id IN %s",
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(["write_date"])
        return result

    # ------------------------------------------------------------
    # Eligibility
    # ------------------------------------------------------------

    def _is_eligible(self, age=None, municipality=None):
        """Whether a person of `age` living in `municipality` may use the service.
        Unknown data never excludes: the operator checks it with the person."""
        self.ensure_one()
        # family services are asked for by a parent for a child: the adult's age says nothing
        if age is not None and self.user_area != "families_minors":
            if self.min_age and age < self.min_age:
                return False
            if self.max_age and age > self.max_age:
                return False
        if municipality:
            if (
                self.residence_requirement == "ambito"
                and municipality.company_id != self.company_id
            ):
                return False
            if (
                self.residence_requirement == "municipality"
                and municipality not in self.residence_municipality_ids
            ):
                return False
        return True

    @api.model
    def _suggest(self, needs, age=None, municipality=None, limit=20):
        """Published services serving `needs` (or their sub-needs) that a person of `age`
        living in `municipality` may use, best match first."""
        if not needs:
            return self.browse()
        # a need matches its sub-needs and its parent area
        related = self.env["social.need"].search([("id", "child_of", needs.ids)]) | needs.parent_id
        services = self.search(
            [("need_ids", "in", related.ids), ("active", "=", True)], limit=limit * 3
        )
        eligible = services.filtered(lambda s: s._is_eligible(age, municipality))

        def score(service):
            return (-len(service.need_ids & needs), -len(service.need_ids & related), service.name)

        return eligible.sorted(score)[:limit]
