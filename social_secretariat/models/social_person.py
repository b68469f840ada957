import re
from collections import defaultdict
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_date, single_email_re

from ..tools import fiscal_code as cf
from ..tools import guard, text
from ..tools import phone as phone_tools
from .portal_access import PERSON_PORTAL_FIELDS

LEGAL_STATUSES = [
    ("resident", "Resident"),
    ("entitled", "Entitled to stay"),
    ("stp", "STP (temporarily present foreigner)"),
    ("stateless", "Stateless"),
    ("refugee", "Refugee"),
    ("asylum_seeker", "Asylum seeker"),
    ("other", "Other"),
]
GENDERS = [("female", "Female"), ("male", "Male"), ("other", "Other")]
CITIZENSHIP_GROUPS = [
    ("italian", "Italian"),
    ("eu", "EU"),
    ("non_eu", "Non-EU"),
    ("stateless", "Stateless"),
    ("unknown", "Unknown"),
]
AGE_BANDS = [
    ("0_17", "0-17"),
    ("18_29", "18-29"),
    ("30_44", "30-44"),
    ("45_64", "45-64"),
    ("65_74", "65-74"),
    ("75_plus", "75 and over"),
    ("unknown", "Unknown"),
]
STP_PATTERN = re.compile(r"^STP\d{13}$")
# what a user may link a file to: records they can read (guard.check_links)
LINKS = (
    "partner_id", "citizenship_id", "birth_country_id", "residence_municipality_id",
    "domicile_municipality_id", "language_ids", "company_id",
)  # fmt: skip


def age_band(age):
    if age is None:
        return "unknown"
    for limit, band in ((17, "0_17"), (29, "18_29"), (44, "30_44"), (64, "45_64"), (74, "65_74")):
        if age <= limit:
            return band
    return "75_plus"


class SocialPerson(models.Model):
    _name = "social.person"
    _description = "Person (Persona / cartella)"
    _inherit = ["mail.thread", "mail.activity.mixin", "social.portal.fields.mixin"]
    # a citizen reads of their own file (portal rules) who they are, nothing the staff recorded
    _portal_fields = PERSON_PORTAL_FIELDS
    _order = "last_name, first_name, id"
    _rec_names_search = ["name", "fiscal_code"]

    # ------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------

    # required in the database (see _sql_constraints), filled by create()
    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        ondelete="restrict",
        index=True,
        help="Name and contacts only: everything sensitive stays on the person.",
    )
    first_name = fields.Char(string="First name", required=True, tracking=True)
    last_name = fields.Char(string="Last name", required=True, tracking=True)
    name = fields.Char(compute="_compute_name", store=True, index="trigram")
    email = fields.Char(related="partner_id.email", readonly=False)
    phone = fields.Char(related="partner_id.phone", readonly=False)
    mobile = fields.Char(related="partner_id.mobile", readonly=False)
    # trigram indexes (pg_trgm): the one-box search finds a part of a code or of a number
    # with an index, like the name (see _quick_search_domain and bench/README.md)
    phone_search = fields.Char(
        compute="_compute_phone_search",
        store=True,
        index="trigram",
        help="Phones in E.164, for search.",
    )
    quick_search = fields.Char(
        string="Name, codice fiscale or phone",
        compute="_compute_quick_search",
        search="_search_quick_search",
    )
    # The operators' record rule: met at one of the user's desks, or by the user. Searched as
    # `id IN (SELECT person_id FROM <relation> ...)` on the relation tables' indexes: the
    # many2many conditions would be correlated EXISTS, which PostgreSQL estimates as if run for
    # every person and then JIT-compiles (bench/README.md, "Fast rules").
    is_met_by_user = fields.Boolean(
        string="Met at my desks or by me",
        compute="_compute_is_met_by_user",
        search="_search_is_met_by_user",
    )
    fiscal_code = fields.Char(
        string="Codice fiscale", size=16, tracking=True, copy=False, index="trigram"
    )
    stp_code = fields.Char(string="STP code", size=16, copy=False, tracking=True)
    # decoded from the codice fiscale by whatever path the person comes (form, wizards,
    # sign-up, import, RPC): filled when empty, never over what an operator typed
    birth_date = fields.Date(
        string="Birth date",
        tracking=True,
        compute="_compute_from_fiscal_code",
        store=True,
        readonly=False,
        precompute=True,
    )
    age = fields.Integer(compute="_compute_age")
    age_band = fields.Selection(AGE_BANDS, string="Age band", compute="_compute_age")
    gender = fields.Selection(
        GENDERS,
        tracking=True,
        compute="_compute_from_fiscal_code",
        store=True,
        readonly=False,
        precompute=True,
    )
    birthplace = fields.Char(
        tracking=True,
        compute="_compute_from_fiscal_code",
        store=True,
        readonly=False,
        precompute=True,
    )
    birth_country_id = fields.Many2one(
        "res.country",
        string="Country of birth",
        compute="_compute_from_fiscal_code",
        store=True,
        readonly=False,
        precompute=True,
    )
    citizenship_id = fields.Many2one("res.country", string="Citizenship", tracking=True)
    citizenship_group = fields.Selection(
        CITIZENSHIP_GROUPS, compute="_compute_citizenship_group", store=True
    )
    legal_status = fields.Selection(
        LEGAL_STATUSES, string="Legal status", default="resident", tracking=True
    )
    residence_municipality_id = fields.Many2one(
        "social.municipality", string="Municipality of residence", tracking=True
    )
    domicile_municipality_id = fields.Many2one(
        "social.municipality", string="Municipality of domicile", tracking=True
    )
    address = fields.Char(string="Address of domicile")
    is_homeless = fields.Boolean(string="Homeless", tracking=True)
    language_ids = fields.Many2many(
        "res.lang", string="Languages spoken", context={"active_test": False}
    )
    needs_interpreter = fields.Boolean()
    household_notes = fields.Text(string="Household")
    company_id = fields.Many2one(
        "res.company",
        string="Ambito",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    session_ids = fields.One2many("social.listening.session", "person_id", string="Sessions")
    # the requests to the online desk taken on for the person (those the person wrote from
    # the portal are found through the contact: res.partner.social_online_request_ids)
    online_request_ids = fields.One2many(
        "social.online.request",
        "person_id",
        string="Online requests",
        groups="social_secretariat.group_social_operator",
    )
    referral_ids = fields.One2many("social.referral", "person_id", string="Referrals")
    consent_ids = fields.One2many("social.consent", "person_id", string="Consents")
    # Where and by whom the person was met: stored so that the operators' record rule is an
    # indexed lookup instead of a scan of every session (see bench/README.md). Met means served:
    # a listening session, an appointment (in any state: a cancelled one was booked at the desk,
    # whose staff read it with the person's name) or a request to the online desk (the desk
    # that handles it, the operator it is assigned to). The rules on the person's contact,
    # followers, attendees and messages (res_partner_rules.xml) follow through these fields.
    met_desk_ids = fields.Many2many(
        "social.desk",
        "social_person_met_desk_rel",
        "person_id",
        "desk_id",
        string="Met at desks",
        compute="_compute_met",
        store=True,
    )
    met_operator_ids = fields.Many2many(
        "res.users",
        "social_person_met_operator_rel",
        "person_id",
        "user_id",
        string="Met by",
        compute="_compute_met",
        store=True,
    )
    session_count = fields.Integer(compute="_compute_counts")
    referral_count = fields.Integer(compute="_compute_counts")
    consent_count = fields.Integer(compute="_compute_counts")
    duplicate_warning = fields.Char(compute="_compute_duplicates")
    possible_duplicate_ids = fields.Many2many("social.person", compute="_compute_duplicates")
    timeline_html = fields.Html(string="Timeline", compute="_compute_timeline")
    is_anonymised = fields.Boolean(readonly=True, copy=False)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("partner_required", "CHECK(partner_id IS NOT NULL)", "A person needs a contact."),
        (
            "fiscal_code_company_uniq",
            "unique(fiscal_code, company_id)",
            "A person with this codice fiscale is already registered in this Ambito.",
        ),
    ]

    def init(self):
        # the list order (last name, first name): the first page needs no sort of all persons
        tools.create_index(
            self.env.cr,
            "social_person_name_order_idx",
            self._table,
            ["last_name", "first_name", "id"],
        )
        # files saved when only the form decoded the codice fiscale: fill birth date, gender
        # and birthplace once (a valid code always gives the first two, so this set empties)
        self.env.cr.execute(
            """SELECT id FROM social_person
                WHERE fiscal_code IS NOT NULL AND (birth_date IS NULL OR gender IS NULL)"""
        )
        missing = self.browse(row[0] for row in self.env.cr.fetchall())
        if missing:
            for name in self.FISCAL_CODE_FIELDS:
                self.env.add_to_compute(self._fields[name], missing)
            missing.flush_recordset()
        self._backfill_met()

    def _backfill_met(self):
        """Persons met through an appointment or an online request before these counted as
        met (met_desk_ids, met_operator_ids): compute them once. Later changes follow through
        the dependencies of _compute_met; on a new database the tables do not exist yet."""
        cr = self.env.cr
        tables = (
            "social_appointment",
            "social_appointment_operator_rel",
            "social_online_request",
            "social_person_met_desk_rel",
            "social_person_met_operator_rel",
        )
        if not all(tools.sql.table_exists(cr, table) for table in tables):
            return
        cr.execute(
            """
            WITH served AS (
                SELECT person_id, desk_id, NULL::int AS user_id FROM social_appointment
                UNION ALL
                SELECT a.person_id, NULL, r.user_id
                  FROM social_appointment_operator_rel r
                  JOIN social_appointment a ON a.id = r.appointment_id
                UNION ALL
                SELECT COALESCE(q.person_id, p.id), q.desk_id, q.user_id
                  FROM social_online_request q
                  LEFT JOIN social_person p ON p.partner_id = q.partner_id
            )
            SELECT DISTINCT s.person_id FROM served s
             WHERE s.person_id IS NOT NULL AND (
                (s.desk_id IS NOT NULL AND NOT EXISTS (
                    SELECT 1 FROM social_person_met_desk_rel m
                     WHERE m.person_id = s.person_id AND m.desk_id = s.desk_id))
                OR (s.user_id IS NOT NULL AND NOT EXISTS (
                    SELECT 1 FROM social_person_met_operator_rel m
                     WHERE m.person_id = s.person_id AND m.user_id = s.user_id)))
            """
        )
        persons = self.browse(row[0] for row in cr.fetchall())
        if persons:
            for name in ("met_desk_ids", "met_operator_ids"):
                self.env.add_to_compute(self._fields[name], persons)
            persons.flush_recordset(["met_desk_ids", "met_operator_ids"])

    # ------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------

    @api.depends("first_name", "last_name")
    def _compute_name(self):
        for person in self:
            person.name = " ".join(p for p in (person.first_name, person.last_name) if p) or False

    @api.depends(
        "session_ids.desk_id",
        "session_ids.operator_ids",
        "appointment_ids.desk_id",
        "appointment_ids.operator_ids",
        "online_request_ids.desk_id",
        "online_request_ids.user_id",
        "partner_id.social_online_request_ids.desk_id",
        "partner_id.social_online_request_ids.user_id",
    )
    def _compute_met(self):
        # one query for the whole batch (a session's creation recomputes its person: reading
        # the three one2many and their desks and operators through the ORM is many more)
        ids = [pid for pid in self._origin.ids if pid]
        partner_ids = [pid for pid in self._origin.partner_id.ids if pid]
        desks, users = defaultdict(set), defaultdict(set)
        if ids:
            for model, names in (
                ("social.listening.session", ["person_id", "desk_id", "operator_ids", "active"]),
                ("social.appointment", ["person_id", "desk_id", "operator_ids"]),
                ("social.online.request", ["person_id", "partner_id", "desk_id", "user_id"]),
            ):
                self.env[model].flush_model(names)
            self.env.cr.execute(
                SQL(
                    """
                    SELECT s.person_id, NULL::int, s.desk_id, r.user_id
                      FROM social_listening_session s
                      LEFT JOIN social_session_operator_rel r ON r.session_id = s.id
                     WHERE s.person_id = ANY(%(ids)s) AND s.active
                    UNION
                    SELECT a.person_id, NULL, a.desk_id, r.user_id
                      FROM social_appointment a
                      LEFT JOIN social_appointment_operator_rel r ON r.appointment_id = a.id
                     WHERE a.person_id = ANY(%(ids)s)
                    UNION
                    SELECT q.person_id, NULL, q.desk_id, q.user_id
                      FROM social_online_request q
                     WHERE q.person_id = ANY(%(ids)s)
                    UNION
                    SELECT NULL::int, q.partner_id, q.desk_id, q.user_id
                      FROM social_online_request q
                     WHERE q.partner_id = ANY(%(partner_ids)s)
                    """,
                    ids=ids,
                    partner_ids=partner_ids,
                )
            )
            for person_id, partner_id, desk_id, user_id in self.env.cr.fetchall():
                key = person_id or ("partner", partner_id)
                if desk_id:
                    desks[key].add(desk_id)
                if user_id:
                    users[key].add(user_id)
        for person in self:
            keys = (person._origin.id, ("partner", person._origin.partner_id.id))
            person.met_desk_ids = self.env["social.desk"].browse(
                sorted(set().union(*(desks[key] for key in keys)))
            )
            person.met_operator_ids = self.env["res.users"].browse(
                sorted(set().union(*(users[key] for key in keys)))
            )

    @api.depends("partner_id.phone", "partner_id.mobile")
    def _compute_phone_search(self):
        for person in self:
            numbers = [phone_tools.e164(n) for n in (person.phone, person.mobile) if n]
            person.phone_search = " ".join(n for n in numbers if n) or False

    def _compute_quick_search(self):
        self.quick_search = False

    @api.depends_context("uid")
    def _compute_is_met_by_user(self):
        user = self.env.user
        for person in self:
            person.is_met_by_user = bool(
                person.met_desk_ids & user.social_desk_ids or user in person.met_operator_ids
            )

    def _search_is_met_by_user(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(
                self.env._("Unsupported search on %s.", self._fields["is_met_by_user"].string)
            )
        # the subqueries read the relation tables: what is still to be written must be first
        self.flush_model(["met_desk_ids", "met_operator_ids"])
        user = self.env.user
        met = [
            "|",
            (
                "id",
                "in",
                SQL(
                    "(SELECT person_id FROM social_person_met_desk_rel WHERE desk_id = ANY(%s))",
                    user.social_desk_ids.ids,
                ),
            ),
            (
                "id",
                "in",
                SQL(
                    "(SELECT person_id FROM social_person_met_operator_rel WHERE user_id = %s)",
                    user.id,
                ),
            ),
        ]
        return met if (operator == "=") == value else ["!", *met]

    def _search_quick_search(self, operator, value):
        if operator not in ("ilike", "like", "=", "=ilike") or not isinstance(value, str):
            raise UserError(
                self.env._("Unsupported search on %s.", self._fields["quick_search"].string)
            )
        return self._quick_search_domain(value)

    @api.model
    def _quick_search_domain(self, value):
        """One box: a name, a codice fiscale (or part of it) or a phone number (or part of it).

        Each kind of value is searched only where it can be, so that every condition has an
        index (see bench/README.md): a whole codice fiscale by equality (the unique index); a
        number (6 digits or more, and nothing but what is written in phone numbers) in the
        phones only, as no name holds digits and a codice fiscale never has more than 3 in a
        row (trigram index); anything else in the names and the codici fiscali (trigram
        indexes)."""
        value = value.strip()
        code = cf.normalise(value)
        if len(code) == 16 and not cf.problem(code):
            return [("fiscal_code", "=", code)]
        digits = re.sub(r"\D", "", value)
        if len(digits) >= 6 and re.fullmatch(r"[\d\s+()./-]+", value):
            number = phone_tools.e164(value) or digits
            return [("phone_search", "ilike", number.lstrip("+"))]
        domain = [("name", "ilike", value)]
        if code and code.isalnum():
            domain = ["|", ("fiscal_code", "ilike", code), *domain]
        return domain

    @api.model
    def name_search(self, name="", args=None, operator="ilike", limit=100):
        results = super().name_search(name, args, operator, limit)
        code = cf.normalise(name)
        if not results and len(code) == 16 and not cf.problem(code):
            # sudo: "search first" works across desks by the exact codice fiscale, so that an
            # operator links the file known elsewhere instead of creating a duplicate; only
            # the name is revealed, the file becomes readable once a session links it
            person = self.sudo().search(
                [("fiscal_code", "=", code), ("company_id", "in", self.env.companies.ids)], limit=1
            )
            if person:
                # the lookup is what allows this user to link the file (see _check_linkable)
                person._log_file_access("lookup")
                return [(person.id, person.display_name)]
        return results

    @api.model
    def _check_linkable(self, person_ids):
        """A record may point to a person only if the user can see the file, or has just found
        it by its exact codice fiscale ("search first"): linking by a guessed id is refused."""
        if self.env.su:
            return
        persons = self.browse([pid for pid in person_ids if pid])
        hidden = persons - persons._filtered_access("read")
        if not hidden:
            return
        # sudo: the access log is not readable by operators; only their own lookups count
        found = (
            self.env["social.person.access.log"]
            .sudo()
            .search(
                [
                    ("person_id", "in", hidden.ids),
                    ("user_id", "=", self.env.uid),
                    ("event", "=", "lookup"),
                    ("date", ">=", fields.Datetime.now() - timedelta(days=1)),
                ]
            )
            .person_id
        )
        if hidden - found:
            raise AccessError(
                self.env._(
                    "You cannot link a person whose file you cannot see. Search the person by "
                    "their codice fiscale first."
                )
            )

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

    @api.depends("birth_date")
    def _compute_age(self):
        today = fields.Date.context_today(self)
        for person in self:
            if person.birth_date:
                person.age = relativedelta(today, person.birth_date).years
                person.age_band = age_band(person.age)
            else:
                person.age = 0
                person.age_band = "unknown"

    @api.depends("citizenship_id", "legal_status")
    def _compute_citizenship_group(self):
        europe = self.env.ref("base.europe", raise_if_not_found=False)
        italy = self.env.ref("base.it")
        for person in self:
            if person.legal_status == "stateless":
                person.citizenship_group = "stateless"
            elif not person.citizenship_id:
                person.citizenship_group = "unknown"
            elif person.citizenship_id == italy:
                person.citizenship_group = "italian"
            elif europe and person.citizenship_id in europe.country_ids:
                person.citizenship_group = "eu"
            else:
                person.citizenship_group = "non_eu"

    def _compute_counts(self):
        counts = {}
        for model, field in (
            ("social.listening.session", "session_count"),
            ("social.referral", "referral_count"),
            ("social.consent", "consent_count"),
        ):
            groups = self.env[model]._read_group(
                [("person_id", "in", self.ids)], ["person_id"], ["__count"]
            )
            counts[field] = {person.id: count for person, count in groups}
        for person in self:
            for field, by_person in counts.items():
                person[field] = by_person.get(person.id, 0)

    @api.depends("first_name", "last_name", "birth_date", "company_id")
    @api.depends_context("uid")
    def _compute_duplicates(self):
        for person in self:
            person.duplicate_warning = False
            person.possible_duplicate_ids = False
            if not (person.first_name and person.last_name and person.birth_date):
                continue
            domain = [
                ("first_name", "=ilike", person.first_name.strip()),
                ("last_name", "=ilike", person.last_name.strip()),
                ("birth_date", "=", person.birth_date),
                ("company_id", "=", person.company_id.id),
            ]
            if person._origin.id:
                domain.append(("id", "!=", person._origin.id))
            # sudo: a namesake the user cannot see is still a likely duplicate to report
            others = self.sudo().search(domain, limit=5)
            if not others:
                continue
            visible = others.with_env(self.env)._filtered_access("read")
            person.possible_duplicate_ids = visible
            hidden = len(others) - len(visible)
            message = self.env._(
                "Possible duplicate. Persons already registered with the same name and birth "
                "date: %(count)s.",
                count=len(others),
            )
            if hidden:
                message += " " + self.env._(
                    "Of these, registered at desks you cannot see: %(hidden)s. Ask a social "
                    "worker before creating a new file.",
                    hidden=hidden,
                )
            person.duplicate_warning = message

    @api.depends_context("uid", "lang")
    def _compute_timeline(self):
        QWeb = self.env["ir.qweb"]
        for person in self:
            person.timeline_html = (
                QWeb._render(
                    "social_secretariat.social_person_timeline",
                    {"events": person._timeline_events(), "labels": self._timeline_labels()},
                )
                if person.id
                else False
            )

    def _timeline_labels(self):
        return {
            "session": self.env._("Session"),
            "reserved": self.env._("Reserved content"),
            "referral": self.env._("Referral"),
            "consent": self.env._("Consent"),
            "empty": self.env._("No contact recorded yet."),
        }

    def _timeline_events(self):
        """Sessions, referrals and consents, newest first, as plain values for the template
        social_person_timeline (which escapes them). Sessions the user may not read
        (special-category content at another desk) come without their content."""
        self.ensure_one()
        # sudo: the timeline shows that a contact happened even when its content is reserved
        sessions = self.env["social.listening.session"].sudo().search([("person_id", "=", self.id)])
        readable = sessions.with_env(self.env)._filtered_access("read")
        channels = dict(sessions._fields["channel"]._description_selection(self.env))
        events = []
        for session in sessions:
            event = {
                "kind": "session",
                "date": session.date.date(),
                "readable": session in readable,
                "desk": session.desk_id.name or "",
                "channel": channels.get(session.channel, ""),
            }
            if event["readable"]:
                event["name"] = session.name
                event["text"] = ", ".join(session.need_ids.mapped("name")) or session.request or ""
            events.append(event)
        referral_states = dict(self.referral_ids._fields["state"]._description_selection(self.env))
        events += [
            {
                "kind": "referral",
                "date": (referral.sent_date or referral.create_date).date(),
                "name": referral.name,
                "target": referral.target_service_id.name or referral.target_desk_id.name or "",
                "state": referral_states[referral.state],
            }
            for referral in self.referral_ids
        ]
        Consent = self.consent_ids
        purposes = dict(Consent._fields["purpose"]._description_selection(self.env))
        consent_states = dict(Consent._fields["state"]._description_selection(self.env))
        events += [
            {
                "kind": "consent",
                "date": consent.date_given or consent.create_date.date(),
                "purpose": purposes[consent.purpose],
                "state": consent_states[consent.state],
            }
            for consent in self.consent_ids
        ]
        # stable: on the same day, sessions, then referrals, then consents
        events.sort(key=lambda e: e["date"], reverse=True)
        for event in events:
            event["day"] = format_date(self.env, event["date"])
        return events

    # ------------------------------------------------------------
    # Constraints and onchanges
    # ------------------------------------------------------------

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

    @api.constrains("birth_date")
    def _check_birth_date(self):
        today = fields.Date.context_today(self)
        for person in self:
            if person.birth_date and person.birth_date > today:
                raise ValidationError(
                    self.env._("Birth date of %(name)s is in the future.", name=person.name)
                )
            if person.birth_date and person.birth_date < date(1900, 1, 1):
                raise ValidationError(
                    self.env._("Birth date of %(name)s is before 1900.", name=person.name)
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

    @api.onchange("first_name", "last_name", "birth_date")
    def _onchange_possible_duplicate(self):
        if self.duplicate_warning:
            return {
                "warning": {
                    "title": self.env._("Possible duplicate"),
                    "message": self.duplicate_warning,
                }
            }
        return None

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    PARTNER_FIELDS = ("email", "phone", "mobile")

    @api.model_create_multi
    def create(self, vals_list):
        partner_vals_list = []
        for vals in vals_list:
            guard.check_links(self, vals, LINKS)
            self._prepare_vals(vals)
            if not vals.get("partner_id"):
                partner_vals = {key: vals.pop(key) for key in self.PARTNER_FIELDS if key in vals}
                partner_vals["name"] = " ".join(
                    p for p in (vals.get("first_name"), vals.get("last_name")) if p
                ) or self.env._("New person")
                partner_vals["company_id"] = vals.get("company_id") or self.env.company.id
                partner_vals_list.append((vals, partner_vals))
        if partner_vals_list:
            # sudo: operators have no right to create contacts in general; these partners hold
            # only the person's name and contacts, in the person's Ambito
            partners = self.env["res.partner"].sudo().create([pv for _v, pv in partner_vals_list])
            for (vals, _pv), partner in zip(partner_vals_list, partners, strict=True):
                vals["partner_id"] = partner.id
        persons = super().create(vals_list)
        persons._log_file_access("change", self.env._("File created"))
        return persons

    @api.model
    def default_get(self, fields_list):
        # "Create and edit..." from a person field passes the name typed there as default_name:
        # the computed name would drop it, the first and last names take it
        defaults = super().default_get(fields_list)
        typed = self.env.context.get("default_name")
        if (
            typed
            and isinstance(typed, str)
            and not (defaults.get("first_name") or defaults.get("last_name"))
        ):
            first_name, last_name = self._split_name(typed)
            if "first_name" in fields_list:
                defaults["first_name"] = first_name
            if "last_name" in fields_list:
                defaults["last_name"] = last_name
        return defaults

    @api.model
    def name_create(self, name):
        # quick create from a person field: the name typed there, split as everywhere else
        first_name, last_name = self._split_name(name)
        person = self.create({"first_name": first_name, "last_name": last_name})
        return person.id, person.display_name

    @api.model
    def _split_name(self, name):
        """(first name, last name) of a full name as typed: the first word is the first name,
        the others the last name ("Maria De Luca": Maria, De Luca); a single word is both.
        Several first names cannot be told from a last name of several words: the file's
        names are corrected by hand."""
        words = (name or "").split()
        if not words:
            return "", ""
        return words[0], " ".join(words[1:]) or words[0]

    @api.model
    def _find_or_create_for_partner(self, partner, company):
        """The file of the contact `partner` (searched with this environment's rights), or a
        new one in `company` named after the contact: the one way a file comes from a
        contact (sign-up, booking on the portal, a request to the online desk)."""
        person = self.search([("partner_id", "=", partner.id)], limit=1)
        if person:
            return person
        first_name, last_name = self._split_name(partner.name or partner.email)
        return self.create(
            {
                "partner_id": partner.id,
                "first_name": first_name,
                "last_name": last_name,
                "company_id": company.id,
            }
        )

    def write(self, vals):
        guard.check_protected(self, vals, {"met_desk_ids", "met_operator_ids", "is_anonymised"})
        guard.check_links(self, vals, LINKS)
        self._prepare_vals(vals)
        if "fiscal_code" in vals and vals["fiscal_code"]:
            for person in self:
                self._check_fiscal_code_free(vals["fiscal_code"], person.company_id, person)
            if len(self) > 1:
                # a code is unique in an Ambito: rare, and each file follows its own values
                for person in self:
                    person.write(dict(vals))
                return True
            vals = self._follow_fiscal_code(vals)
        # the contact's fields are written below, on the contact (see _sync_partner)
        written = list(vals)
        partner_vals = {key: vals.pop(key) for key in self.PARTNER_FIELDS if key in vals}
        res = super().write(vals)
        if partner_vals or {"first_name", "last_name"} & set(vals):
            self._sync_partner(partner_vals, "first_name" in vals or "last_name" in vals)
        changed = [
            self._fields[f].string
            for f in written
            if f in self._fields and not f.startswith(("message_", "activity_"))
        ]
        if changed:
            self._log_file_access("change", ", ".join(changed))
        return res

    def _sync_partner(self, partner_vals, name):
        """Write the name and contacts of the files on their contacts (res.partner)."""
        # only who may write the files: the write above did not check it if it had nothing
        # left to write on the person
        self.check_access("write")
        for person in self:
            values = dict(partner_vals)
            if name:
                values["name"] = person.name
            # sudo: Odoo gives internal users no write right on contacts (only Contact
            # managers), and no rule can give it for the contacts of the files a user may
            # write; the contact of a file holds the file's name and contacts only, which the
            # user has just been allowed to change on the file
            person.partner_id.sudo().write(values)

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

    def _prepare_vals(self, vals):
        """Normalise codes, phones and e-mail before they are stored; explain bad input."""
        text.clean_vals(self, vals, names=("first_name", "last_name"))
        for key in ("first_name", "last_name"):
            if isinstance(vals.get(key), str):
                vals[key] = vals[key].strip()
        if vals.get("fiscal_code"):
            vals["fiscal_code"] = cf.normalise(vals["fiscal_code"])
            if not self:
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                self._check_fiscal_code_free(vals["fiscal_code"], company)
        if vals.get("stp_code"):
            vals["stp_code"] = cf.normalise(vals["stp_code"])
        for key in ("phone", "mobile"):
            if vals.get(key):
                normalised = phone_tools.normalise(vals[key])
                if not normalised:
                    raise ValidationError(
                        self.env._(
                            "%(field)s: “%(number)s” is not a valid phone number. Italian numbers "
                            "may be written without prefix; others need the country prefix "
                            "(e.g. +33 1 23 45 67 89).",
                            field=self._fields[key].string,
                            number=vals[key],
                        )
                    )
                vals[key] = normalised
        if vals.get("email"):
            vals["email"] = vals["email"].strip()
            if not single_email_re.match(vals["email"]):
                raise ValidationError(
                    self.env._("Email: “%(email)s” is not a valid address.", email=vals["email"])
                )

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

    @api.ondelete(at_uninstall=False)
    def _unlink_except_with_history(self):
        if self.session_ids or self.referral_ids:
            raise UserError(
                self.env._(
                    "A person with sessions or referrals cannot be deleted: archive the file, or "
                    "anonymise it on request."
                )
            )

    # ------------------------------------------------------------
    # Access log: reading, exporting and changing a file
    # ------------------------------------------------------------

    def _log_file_access(self, event, details=False):
        if not self:
            return
        # sudo: the log is append-only and no role may write it directly
        self.env["social.person.access.log"].sudo().create(
            [
                {
                    "person_id": person.id,
                    "user_id": self.env.uid,
                    "event": event,
                    "details": details,
                    "company_id": person.company_id.id,
                }
                for person in self
            ]
        )

    # Reading a file, by any path: read, search_read, web_read and web_search_read all end in
    # _read_format; exports and printed reports are logged by export_data and by
    # ir.actions.report (social_person_access_log.py). Reads of the display name alone are not
    # logged: it is what every field linking a person shows (a session list names its
    # persons, computed by the ORM with sudo), it is not the file, and logging it would bury
    # the openings of files under one row per name shown.
    NOT_THE_FILE = frozenset({"id", "display_name"})

    def _read_format(self, fnames, load="_classic_read"):
        result = super()._read_format(fnames, load)
        if result and set(fnames or ()) - self.NOT_THE_FILE:
            read = self.browse([values["id"] for values in result])
            read._log_file_read("read" if len(read) == 1 else "list")
        return result

    def _log_file_read(self, event, details=False):
        """One row per file, user and event in a request (a transaction), all the rows of a
        call in one INSERT; superuser code and portal users (their own file) are not
        logged."""
        if not self or self.env.su or not self.env.user._is_internal():
            return
        done = self.env.cr.precommit.data.setdefault("social.person.read_logged", set())
        uid = self.env.uid
        persons = self.filtered(lambda p: isinstance(p.id, int) and (uid, p.id, event) not in done)
        if persons:
            done.update((uid, person.id, event) for person in persons)
            persons._log_file_access(event, details)

    # read, search_read, web_read and web_search_read are read-only in Odoo 18 (they may run
    # on a replica); reading a file writes the access log
    def read(self, fields=None, load="_classic_read"):
        return super().read(fields, load)

    read._readonly = False

    @api.model
    def search_read(self, domain=None, fields=None, offset=0, limit=None, order=None, **kwargs):
        return super().search_read(domain, fields, offset, limit, order, **kwargs)

    search_read._readonly = False

    def web_read(self, specification):
        return super().web_read(specification)

    web_read._readonly = False

    @api.model
    def web_search_read(self, *args, **kwargs):
        return super().web_search_read(*args, **kwargs)

    web_search_read._readonly = False

    def export_data(self, fields_to_export):
        result = super().export_data(fields_to_export)
        self._log_file_read("export", ", ".join(fields_to_export))
        return result

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def _action_related(self, model, name):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "list,form",
            "domain": [("person_id", "=", self.id)],
            "context": {"default_person_id": self.id},
        }

    def action_view_sessions(self):
        return self._action_related("social.listening.session", self.env._("Sessions"))

    def action_view_referrals(self):
        return self._action_related("social.referral", self.env._("Referrals"))

    def action_view_consents(self):
        return self._action_related("social.consent", self.env._("Consents"))

    def _check_coordinator(self):
        if not self.env.user.has_group("social_secretariat.group_social_coordinator"):
            raise UserError(self.env._("Only a coordinator can do this."))

    def action_export_subject_data(self):
        """Data-subject access (GDPR art. 15, 20): everything held about the person, as JSON.
        Streamed by a coordinator-only route and never stored: a stored copy would outlive an
        anonymisation and be readable by whoever reads the file."""
        self._check_coordinator()
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/social/person/{self.id}/subject-data",
            "target": "self",
        }

    def action_print_subject_data(self):
        """The same answer, printed for the person to read (labels, local times): see
        report/social_person_subject_data_report.xml. Streamed by the same route."""
        self._check_coordinator()
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/social/person/{self.id}/subject-data/pdf",
            "target": "self",
        }

    def _subject_data_export(self):
        """(file name, JSON text) of the data-subject export, logged (see
        social_person_subject_data.py)."""
        return self.env["social.person.subject.data"]._export_json(self)

    def action_anonymise(self, reason):
        """Right to erasure: see the wizard social.person.anonymise, which does it."""
        return self.env["social.person.anonymise"]._anonymise(self, reason)

    def _write_anonymised(self, vals):
        """The anonymisation's write of the identity (social.person.anonymise): the plain
        write, without the contact's name following (the contact gets its own label) and
        without a "change" entry in the access log (the anonymisation logs itself)."""
        return super().write(vals)
