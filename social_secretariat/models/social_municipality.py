from odoo import api, fields, models
from odoo.exceptions import ValidationError


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

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._normalise_codes(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._normalise_codes(vals)
        return super().write(vals)

    @staticmethod
    def _normalise_codes(vals):
        for key in ("cadastral_code", "province"):
            if vals.get(key):
                vals[key] = vals[key].strip().upper()
