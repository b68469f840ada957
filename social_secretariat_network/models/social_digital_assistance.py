import csv
import io
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.social_secretariat.tools import fiscal_code as cf
from odoo.addons.social_secretariat.tools import guard

PARTNER = "social_secretariat_network.group_social_partner"
HUB_ROLE = "digital_hub"
MAX_DURATION = 8 * 60  # minutes: one act is at most a working day
MAX_DESCRIPTION = 2000  # characters: a note, not a file

# The choices of the national monitoring of digital facilitation (PNRR M1C1 measure 1.7.2),
# each with the code its export writes (see _monitoring_csv).
GENDERS = [
    ("female", "Female"),
    ("male", "Male"),
    ("non_binary", "Non-binary"),
    ("not_said", "Prefers not to say"),
]
AGE_BANDS = [
    ("14_17", "14-17"),
    ("18_29", "18-29"),
    ("30_54", "30-54"),
    ("55_74", "55-74"),
    ("75_plus", "75 and over"),
]
EDUCATION_LEVELS = [
    ("none", "No qualification or primary school"),
    ("lower_secondary", "Lower secondary school (licenza media)"),
    ("upper_secondary", "Upper secondary school diploma"),
    ("post_secondary", "Post-secondary vocational course (ITS, IFTS)"),
    ("degree", "University degree"),
    ("postgraduate", "Postgraduate (master, doctorate)"),
]
EMPLOYMENT_STATUSES = [
    ("employed", "Employed"),
    ("self_employed", "Self-employed"),
    ("unemployed", "Unemployed, looking for work"),
    ("student", "Student"),
    ("retired", "Retired"),
    ("inactive", "Not working (homemaker, other)"),
]
CITIZENSHIPS = [
    ("italian", "Italian"),
    ("eu", "Another EU country"),
    ("non_eu", "Non-EU country"),
]
DOCUMENT_TYPES = [
    ("identity_card", "Identity card (CIE or paper)"),
    ("passport", "Passport"),
    ("driving_licence", "Driving licence"),
    ("residence_permit", "Residence permit"),
    ("other", "Other document"),
]
ASSISTANCE_TYPES = [
    ("individual", "Individual facilitation"),
    ("group", "Group facilitation"),
    ("training_in_person", "In-person training"),
    ("training_online", "Online training"),
    ("other", "Other"),
]
SERVICE_AREAS = [
    ("app_io", "App IO"),
    ("pagopa", "pagoPA payments"),
    ("inps", "INPS welfare services"),
    ("employment", "Employment support"),
    ("health_record", "Health record (FSE) and health services"),
    ("tax", "Tax (Agenzia delle Entrate)"),
    ("school", "School and education"),
    ("municipality", "Municipality services"),
    ("other", "Other"),
]
OUTCOMES = [
    ("completed", "Completed"),
    ("partial", "Partially completed"),
    ("referred", "Referred to another service"),
    ("not_completed", "Not completed"),
]

# The monitoring's codes, by field and value.
CSV_CODES = {
    "gender": {"female": "F", "male": "M", "non_binary": "NB", "not_said": "ND"},
    "age_band": {
        "14_17": "14-17",
        "18_29": "18-29",
        "30_54": "30-54",
        "55_74": "55-74",
        "75_plus": "75+",
    },
    "education_level": {
        "none": "NESSUNO_ELEMENTARE",
        "lower_secondary": "MEDIA_INFERIORE",
        "upper_secondary": "DIPLOMA",
        "post_secondary": "POST_DIPLOMA",
        "degree": "LAUREA",
        "postgraduate": "POST_LAUREA",
    },
    "employment_status": {
        "employed": "OCCUPATO",
        "self_employed": "AUTONOMO",
        "unemployed": "DISOCCUPATO",
        "student": "STUDENTE",
        "retired": "PENSIONATO",
        "inactive": "INATTIVO",
    },
    "citizenship": {"italian": "ITALIANA", "eu": "UE", "non_eu": "EXTRA_UE"},
    "document_type": {
        "identity_card": "CARTA_IDENTITA",
        "passport": "PASSAPORTO",
        "driving_licence": "PATENTE",
        "residence_permit": "PERMESSO_SOGGIORNO",
        "other": "ALTRO",
    },
    "assistance_type": {
        "individual": "FACILITAZIONE_INDIVIDUALE",
        "group": "FACILITAZIONE_GRUPPO",
        "training_in_person": "FORMAZIONE_PRESENZA",
        "training_online": "FORMAZIONE_ONLINE",
        "other": "ALTRO",
    },
    "service_area": {
        "app_io": "APP_IO",
        "pagopa": "PAGOPA",
        "inps": "INPS",
        "employment": "LAVORO",
        "health_record": "SANITA_FSE",
        "tax": "FISCO",
        "school": "SCUOLA",
        "municipality": "COMUNE",
        "other": "ALTRO",
    },
    "outcome": {
        "completed": "CONCLUSO",
        "partial": "PARZIALE",
        "referred": "INVIATO_AD_ALTRO_SERVIZIO",
        "not_completed": "NON_CONCLUSO",
    },
}
# (Italian header, field or callable): the columns of the export, in this order; the headers
# are the monitoring's own, in Italian whatever the user's language.
CSV_COLUMNS = [
    ("Punto di facilitazione", lambda act: act.member_id.name),
    ("Sede", lambda act: act.desk_id.name or ""),
    ("Data", lambda act: act.date.strftime("%d/%m/%Y")),
    ("Codice fiscale", "fiscal_code"),
    ("Tipo documento", "document_type"),
    ("Numero documento", "document_number"),
    ("Genere", "gender"),
    ("Fascia di età", "age_band"),
    ("Titolo di studio", "education_level"),
    ("Condizione occupazionale", "employment_status"),
    ("Cittadinanza", "citizenship"),
    ("Provincia di domicilio", lambda act: act.province_id.code or ""),
    ("Tipologia di servizio", "assistance_type"),
    ("Durata (minuti)", lambda act: str(act.duration)),
    ("Competenze", lambda act: ",".join(act.competence_ids.sorted("sequence").mapped("code"))),
    ("Ambito del servizio pubblico", "service_area"),
    ("Esito", "outcome"),
    ("Descrizione", lambda act: " ".join((act.description or "").split())),
]
# the relational fields a user sets: each target must be readable by them
LINKS = ("member_id", "desk_id", "competence_ids", "province_id")


class SocialDigitalAssistance(models.Model):
    """A digital facilitation act: a hub of the network helps a citizen use an online public
    service, or trains a group. Recorded with the data the national monitoring of digital
    facilitation (PNRR measure 1.7.2, "Rete dei servizi di facilitazione digitale") asks for,
    and exported in its layout (_monitoring_csv).

    Partner operators record the acts of their own organisation (forced here, never taken
    from the client); they may correct them but not delete them: the monitoring counts the
    acts, and a deleted one would leave no trace (the coordinator deletes a duplicate)."""

    _name = "social.digital.assistance"
    _description = "Digital facilitation act"
    _order = "date desc, id desc"
    _check_company_auto = True

    member_id = fields.Many2one(
        "social.network.member",
        string="Facilitation hub",
        required=True,
        index=True,
        ondelete="restrict",
        domain="[('role_ids.code', '=', 'digital_hub')]",
    )
    company_id = fields.Many2one(
        related="member_id.company_id", string="Ambito", store=True, index=True
    )
    desk_id = fields.Many2one(
        "social.desk",
        string="Desk",
        index="btree_not_null",
        ondelete="restrict",
        domain="[('network_member_id', '=', member_id)]",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Facilitator",
        required=True,
        default=lambda self: self.env.user,
        ondelete="restrict",
    )
    # the citizen
    fiscal_code = fields.Char(string="Codice fiscale", size=16)
    document_type = fields.Selection(
        DOCUMENT_TYPES, help="When the citizen has no codice fiscale: the identity document."
    )
    document_number = fields.Char(size=32)
    gender = fields.Selection(GENDERS, required=True)
    age_band = fields.Selection(AGE_BANDS, required=True)
    education_level = fields.Selection(EDUCATION_LEVELS, required=True)
    employment_status = fields.Selection(EMPLOYMENT_STATUSES, string="Employment", required=True)
    citizenship = fields.Selection(CITIZENSHIPS, required=True)
    province_id = fields.Many2one(
        "res.country.state",
        string="Province of domicile",
        required=True,
        ondelete="restrict",
        domain="[('country_id.code', '=', 'IT')]",
    )
    # the act
    date = fields.Date(required=True, index=True, default=fields.Date.context_today)
    duration = fields.Integer(string="Duration (minutes)", required=True, default=30)
    assistance_type = fields.Selection(
        ASSISTANCE_TYPES, string="Type", required=True, default="individual"
    )
    competence_ids = fields.Many2many("social.digital.competence", string="Competences")
    service_area = fields.Selection(SERVICE_AREAS, string="Public service", required=True)
    description = fields.Text()
    outcome = fields.Selection(OUTCOMES, required=True, default="completed")

    # ------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------

    @api.depends("date", "assistance_type")
    def _compute_display_name(self):
        # never the citizen's code: the name shows in links and messages
        types = dict(self._fields["assistance_type"]._description_selection(self.env))
        for act in self:
            act.display_name = self.env._(
                "%(type)s of %(date)s",
                type=types.get(act.assistance_type, ""),
                date=act.date.strftime("%d/%m/%Y") if act.date else "",
            )

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("fiscal_code", "document_type", "document_number")
    def _check_identification(self):
        for act in self:
            if act.fiscal_code:
                problem = cf.problem(act.fiscal_code)
                if problem:
                    raise ValidationError(
                        self.env["social.person"]._fiscal_code_problem_message(
                            act.fiscal_code, problem
                        )
                    )
            elif not (act.document_type and (act.document_number or "").strip()):
                raise ValidationError(
                    self.env._(
                        "The citizen: enter the codice fiscale or, when there is none, the type "
                        "and number of an identity document."
                    )
                )

    @api.constrains("duration")
    def _check_duration(self):
        if any(not 0 < act.duration <= MAX_DURATION for act in self):
            raise ValidationError(
                self.env._(
                    "Duration: between 1 minute and %(max)s minutes (8 hours).", max=MAX_DURATION
                )
            )

    @api.constrains("description")
    def _check_description(self):
        if any(len(act.description or "") > MAX_DESCRIPTION for act in self):
            raise ValidationError(
                self.env._("Description: at most %(count)s characters.", count=MAX_DESCRIPTION)
            )

    @api.constrains("date")
    def _check_date(self):
        # a day of slack: the day of the Ambito may have turned already in the user's time
        # zone or not yet (the check is against mistyped years, not against an hour)
        latest = fields.Date.context_today(self) + timedelta(days=1)
        for act in self:
            if act.date > latest:
                raise ValidationError(
                    self.env._("Date: a facilitation act cannot be recorded in the future.")
                )

    @api.constrains("member_id", "desk_id")
    def _check_desk(self):
        for act in self.filtered("desk_id"):
            # sudo: the desk's organisation is compared, whatever the user may read of it
            if act.desk_id.sudo().network_member_id != act.member_id:
                raise ValidationError(
                    self.env._(
                        "Desk: %(desk)s is not a desk of %(organisation)s.",
                        desk=act.desk_id.sudo().name,  # sudo: as above, its name only
                        organisation=act.member_id.name,
                    )
                )

    @api.constrains("province_id")
    def _check_province(self):
        italy = self.env.ref("base.it")
        if any(act.province_id.country_id != italy for act in self):
            raise ValidationError(self.env._("Province of domicile: choose an Italian province."))

    @api.constrains("member_id", "user_id")
    def _check_user(self):
        for act in self:
            user = act.user_id
            # sudo: the operators' portal users are a staff-only field; only compared here
            operators = act.member_id.sudo().operator_ids.user_id
            if user.share and user not in operators:
                raise ValidationError(
                    self.env._(
                        "Facilitator: %(user)s is not an operator of %(organisation)s.",
                        user=user.name,
                        organisation=act.member_id.name,
                    )
                )

    def _check_member_can_record(self):
        """The organisation of each act is active and a digital facilitation hub."""
        for member in self.member_id:
            member._check_active()
            if HUB_ROLE not in member.role_ids.mapped("code"):
                raise UserError(
                    self.env._(
                        "%(name)s is not a digital facilitation hub of the network: it cannot "
                        "record facilitation acts.",
                        name=member.name,
                    )
                )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def _is_partner(self):
        return not self.env.su and self.env.user.has_group(PARTNER)

    @api.model
    def _normalise(self, vals):
        if vals.get("fiscal_code"):
            vals["fiscal_code"] = cf.normalise(vals["fiscal_code"])
        if vals.get("fiscal_code"):
            # one identification only: the code, when there is one
            vals.update(document_type=False, document_number=False)
        elif vals.get("document_number"):
            vals["document_number"] = vals["document_number"].strip().upper()
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        if self._is_partner():
            member = self.env["social.network.member"]._of_current_partner()
            if not member:
                raise AccessError(
                    self.env._("Only the operators of a network organisation record acts.")
                )
            for vals in vals_list:
                # the organisation and the facilitator are the signed-in operator's, whatever
                # the client sent
                vals.update(member_id=member.id, user_id=self.env.uid)
        for vals in vals_list:
            self._normalise(vals)
            guard.check_links(self, vals, LINKS)
        acts = super().create(vals_list)
        acts._check_member_can_record()
        return acts

    def write(self, vals):
        if self._is_partner() and {"member_id", "user_id"} & set(vals):
            raise AccessError(
                self.env._("The organisation and the facilitator of an act cannot be changed.")
            )
        if "company_id" in vals:
            raise UserError(self.env._("The Ambito of an act is its organisation's."))
        self._normalise(vals)
        guard.check_links(self, vals, LINKS)
        result = super().write(vals)
        if self._is_partner() or "member_id" in vals:
            # a partner changes the acts of an organisation that still records them
            self._check_member_can_record()
        return result

    # ------------------------------------------------------------
    # The monitoring export
    # ------------------------------------------------------------

    @api.model
    def _monitoring_domain(self, date_from, date_to, members=None):
        domain = [("date", ">=", date_from), ("date", "<=", date_to)]
        if members is not None:
            domain.append(("member_id", "in", members.ids))
        return domain

    @api.model
    def _monitoring_csv(self, date_from, date_to, members=None):
        """The acts of the period that the user may read (of `members` only, when given), as
        the monitoring's CSV: semicolon-separated, UTF-8 with a BOM (Excel reads it as such),
        Italian headers, the monitoring's codes, dates dd/mm/yyyy. Returns bytes."""
        acts = self.search(self._monitoring_domain(date_from, date_to, members), order="date, id")
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow([header for header, _value in CSV_COLUMNS])
        for act in acts:
            writer.writerow([self._csv_value(act, value) for _header, value in CSV_COLUMNS])
        return buffer.getvalue().encode("utf-8-sig")

    @api.model
    def _csv_value(self, act, value):
        if callable(value):
            return value(act)
        raw = act[value]
        if value in CSV_CODES:
            return CSV_CODES[value].get(raw, "") if raw else ""
        return raw or ""
