import re

from odoo import api, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date

from ..tools import fiscal_code as cf

STP_PATTERN = re.compile(r"^STP\d{13}$")


class SocialPerson(models.Model):
    """The codice fiscale of a person file: what it says of the person (birth date, gender,
    birthplace, country of birth), its checks, and one file per code in an Ambito."""

    _inherit = "social.person"

    FISCAL_CODE_FIELDS = ("birth_date", "gender", "birthplace", "birth_country_id")

    @api.depends("fiscal_code")
    def _compute_from_fiscal_code(self):
        for person in self:
            values = person._fiscal_code_values(person.fiscal_code)
            for name in self.FISCAL_CODE_FIELDS:
                person[name] = person[name] or values.get(name, False)

    def _fiscal_code_values(self, code):
        """What a valid codice fiscale says of the person: birth date, gender, birthplace and
        country of birth (the Belfiore code of a foreign country names it)."""
        code = cf.normalise(code)
        if not code or cf.problem(code):
            return {}
        decoded = cf.decode(code)
        values = {
            "birth_date": decoded["birth_date"],
            "gender": decoded["gender"],
            "birthplace": decoded["birthplace"],
        }
        if not decoded["is_foreign"]:
            values["birth_country_id"] = self.env.ref("base.it")
        elif decoded["birthplace_en"]:
            values["birth_country_id"] = (
                self.env["res.country"]
                .with_context(lang="en_US")
                .search([("name", "=ilike", decoded["birthplace_en"])], limit=1)
            )
        return {name: value for name, value in values.items() if value}

    @api.constrains("fiscal_code", "birth_date", "gender")
    def _check_fiscal_code(self):
        for person in self:
            code = person.fiscal_code
            if not code:
                continue
            problem = cf.problem(code)
            if problem:
                raise ValidationError(person._fiscal_code_problem_message(code, problem))
            decoded = cf.decode(code)
            if person.birth_date and person.birth_date != decoded["birth_date"]:
                raise ValidationError(
                    self.env._(
                        "Codice fiscale %(code)s is of a person born on %(cf_date)s, but the birth "
                        "date is %(date)s. Correct one of the two fields.",
                        code=code,
                        cf_date=format_date(self.env, decoded["birth_date"]),
                        date=format_date(self.env, person.birth_date),
                    )
                )
            if person.gender in ("female", "male") and person.gender != decoded["gender"]:
                genders = dict(self._fields["gender"]._description_selection(self.env))
                raise ValidationError(
                    self.env._(
                        "The codice fiscale %(code)s gives the gender “%(cf_gender)s”, but the "
                        "Gender field says “%(gender)s”. Correct one of the two fields.",
                        code=code,
                        cf_gender=genders[decoded["gender"]],
                        gender=genders[person.gender],
                    )
                )

    def _fiscal_code_problem_message(self, code, problem):
        if problem == "length":
            return self.env._(
                "Codice fiscale “%(code)s”: 16 characters expected, %(length)s given.",
                code=code,
                length=len(code),
            )
        if problem == "checksum":
            return self.env._(
                "Codice fiscale “%(code)s”: the last character (check character) does not match: "
                "a character was probably mistyped.",
                code=code,
            )
        return self.env._(
            "Codice fiscale “%(code)s” is not well formed: 6 letters, 2 digits, a letter, "
            "2 digits, a letter, 3 digits and a letter are expected (e.g. RSSMRA80C15G686K).",
            code=code,
        )

    @api.constrains("stp_code")
    def _check_stp_code(self):
        for person in self:
            if person.stp_code and not STP_PATTERN.match(person.stp_code):
                raise ValidationError(
                    self.env._(
                        "STP code “%(code)s”: “STP” followed by 13 digits expected.",
                        code=person.stp_code,
                    )
                )

    @api.onchange("fiscal_code")
    def _onchange_fiscal_code(self):
        code = cf.normalise(self.fiscal_code)
        if not code:
            return None
        self.fiscal_code = code
        problem = cf.problem(code)
        if problem:
            return {
                "warning": {
                    "title": self.env._("Codice fiscale"),
                    "message": self._fiscal_code_problem_message(code, problem),
                }
            }
        # the computes fill the empty fields; a field already filled differently is
        # kept (the operator may have typed it on purpose), and the difference is shown
        decoded = self._fiscal_code_values(code)
        warnings = []
        if self.birth_date and self.birth_date != decoded["birth_date"]:
            warnings.append(
                self.env._(
                    "The code gives the birth date %(date)s.",
                    date=format_date(self.env, decoded["birth_date"]),
                )
            )
        if self.gender in ("female", "male") and self.gender != decoded["gender"]:
            warnings.append(self.env._("The code gives another gender."))
        if warnings:
            return {
                "warning": {"title": self.env._("Codice fiscale"), "message": "\n".join(warnings)}
            }
        return None

    def _check_fiscal_code_free(self, code, company, person=None):
        # sudo: the file may exist at a desk the user cannot see; say so instead of a DB error
        existing = (
            self.sudo()
            .with_context(active_test=False)
            .search([("fiscal_code", "=", code), ("company_id", "=", company.id)], limit=1)
        )
        if existing and existing != person:
            raise ValidationError(
                self.env._(
                    "Codice fiscale %(code)s is already registered (file of %(name)s): search for "
                    "the person instead of creating a new file.",
                    code=code,
                    name=existing.name,
                )
            )

    def _follow_fiscal_code(self, vals):
        """A corrected codice fiscale brings the values decoded from it: those that came from
        the old code follow the new one; those an operator typed differently stay."""
        old = self._fiscal_code_values(self.fiscal_code)
        if not old or cf.normalise(vals["fiscal_code"]) == self.fiscal_code:
            return vals
        new = self._fiscal_code_values(vals["fiscal_code"])
        vals = dict(vals)
        for name in self.FISCAL_CODE_FIELDS:
            if name not in vals and name in old and self[name] == old[name]:
                value = new.get(name, False)
                vals[name] = value.id if isinstance(value, models.BaseModel) else value
        return vals
