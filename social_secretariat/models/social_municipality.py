from datetime import date

from odoo import api, fields, models
from odoo.exceptions import ValidationError

# the fields of the patron saint's day: a change closes the desks on the new day
PATRON_FIELDS = {"patron_saint", "patron_day", "patron_month"}


MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


class SocialMunicipality(models.Model):
    _name = "social.municipality"
    _description = "Municipality (Comune)"
    _order = "name"

    name = fields.Char(required=True)
    istat_code = fields.Char(string="ISTAT code", size=6, help="Six-digit ISTAT code.")
    cadastral_code = fields.Char(
        string="Cadastral code",
        size=4,
        help="Belfiore code, as it appears in a codice fiscale (e.g. G686 for Pioltello).",
    )
    province = fields.Char(size=2, help="Two-letter code of the province (e.g. MI).")
    zip = fields.Char(string="ZIP")
    company_id = fields.Many2one(
        "res.company",
        string="Ambito",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    desk_ids = fields.One2many("social.desk", "municipality_id", string="Desks")
    active = fields.Boolean(default=True)
    # the patron saint's day, a local holiday: the municipality's desks are closed (see
    # social.holiday.sync)
    patron_saint = fields.Char(
        string="Patron saint", help="The saint or feast of the local holiday, e.g. Sant'Andrea."
    )
    patron_day = fields.Integer(string="Patron day")
    patron_month = fields.Selection(
        [(str(month), name) for month, name in enumerate(MONTHS, start=1)],
        string="Patron month",
    )

    _sql_constraints = [
        (
            "istat_code_company_uniq",
            "unique(istat_code, company_id)",
            "A municipality with this ISTAT code already exists in this Ambito.",
        ),
    ]

    @api.constrains("istat_code", "cadastral_code", "province")
    def _check_codes(self):
        for municipality in self:
            if municipality.istat_code and not (
                municipality.istat_code.isdigit() and len(municipality.istat_code) == 6
            ):
                raise ValidationError(
                    self.env._(
                        "ISTAT code of %(name)s: six digits expected, got “%(code)s”.",
                        name=municipality.name,
                        code=municipality.istat_code,
                    )
                )
            code = municipality.cadastral_code
            if code and not (len(code) == 4 and code[0].isalpha() and code[1:].isdigit()):
                raise ValidationError(
                    self.env._(
                        "Cadastral code of %(name)s: a letter and three digits expected "
                        "(e.g. G686), got “%(code)s”.",
                        name=municipality.name,
                        code=code,
                    )
                )

    @api.constrains("patron_day", "patron_month")
    def _check_patron_day(self):
        for municipality in self:
            if not (municipality.patron_day or municipality.patron_month):
                continue
            # a leap year, so that 29 February is a valid (if rare) patron day
            if not municipality._patron_date(2028):
                raise ValidationError(
                    self.env._(
                        "Patron saint's day of %(name)s: give a day and a month that exist "
                        "(e.g. 30 November).",
                        name=municipality.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._normalise_codes(vals)
        municipalities = super().create(vals_list)
        if any(PATRON_FIELDS & set(vals) for vals in vals_list):
            municipalities._sync_patron_days()
        return municipalities

    def write(self, vals):
        self._normalise_codes(vals)
        res = super().write(vals)
        if PATRON_FIELDS & set(vals):
            self._sync_patron_days()
        return res

    def _sync_patron_days(self):
        """Close the desks on the (new) patron days at once, not at the next monthly run.
        A changed day adds the new one; the leave of the old day stays until removed from the
        opening hours (it may already have been told to citizens)."""
        # sudo: resource's rules keep the leaves without a resource (a whole calendar's) to
        # administrators; the patron day is the municipality's, which the user may edit
        self.env["social.holiday.sync"].sudo()._sync_holidays(self.company_id.sudo())

    def _patron_date(self, year):
        """The patron saint's day in `year`, or None (not set, or 29 February in a common
        year)."""
        self.ensure_one()
        if not (self.patron_day and self.patron_month):
            return None
        try:
            return date(year, int(self.patron_month), self.patron_day)
        except ValueError:
            return None

    def _patron_leave_name(self):
        """The reason of the closed day, in Italian (data, as the national holidays)."""
        self.ensure_one()
        return f"Festa patronale di {self.name}" + (
            f" ({self.patron_saint})" if self.patron_saint else ""
        )

    @staticmethod
    def _normalise_codes(vals):
        for key in ("cadastral_code", "province"):
            if vals.get(key):
                vals[key] = vals[key].strip().upper()
