import json

import pytz

from odoo import api, fields, models
from odoo.tools.misc import format_date, format_time

from .social_desk import DEFAULT_TZ

# The version of the JSON's shape (art. 20 GDPR): a reader of the file knows what it holds.
JSON_FORMAT = "social-secretariat.subject-data"
JSON_VERSION = 2
EMPTY = "—"

# What the data-subject export holds of each kind of record, in the order it is shown.
PERSON_FIELDS = [
    "name", "fiscal_code", "stp_code", "birth_date", "gender", "birthplace",
    "birth_country_id", "citizenship_id", "legal_status", "residence_municipality_id",
    "domicile_municipality_id", "address", "is_homeless", "language_ids", "email", "phone",
    "mobile", "household_notes",
]  # fmt: skip
SESSION_FIELDS = [
    "name", "date", "desk_id", "channel", "operator_ids", "request", "need_ids",
    "information_given", "service_ids", "outcome", "confidential_notes", "state",
]  # fmt: skip
REFERRAL_FIELDS = [
    "name", "sent_date", "target_service_id", "target_desk_id", "reason", "urgency",
    "state", "outcome_note",
]  # fmt: skip
CONSENT_FIELDS = ["purpose", "legal_basis", "date_given", "date_withdrawn", "channel", "state"]
LOG_FIELDS = ["date", "user_id", "event", "details"]
# Left out of the answer the citizen downloads: who of the staff consulted the file (the
# employees' identity is not due to the data subject, CJEU C-579/21; when it is needed, a
# coordinator hands it over on request).
OWN_HIDDEN = {"access_log": {"user_id"}}


class SocialPersonSubjectData(models.AbstractModel):
    """Data-subject access (GDPR art. 15): everything held about one person.

    `_sections` collects the records and the fields of each part of the answer; `_collect`
    turns them into plain values (what the JSON download holds). Another rendering of the
    same answer (a printed report, say) starts from `_sections`, which also gives each
    field's label and selection values."""

    _name = "social.person.subject.data"
    _description = "Data-subject export of a person"

    @api.model
    def _sections(self, person):
        """[(key, records, field names)] of the export of `person`, in order."""
        person.ensure_one()
        # sudo: the access log is not readable by any role; the person has the right to it
        logs = self.env["social.person.access.log"].sudo().search([("person_id", "=", person.id)])
        return [
            ("person", person, PERSON_FIELDS),
            ("sessions", person.session_ids, SESSION_FIELDS),
            ("referrals", person.referral_ids, REFERRAL_FIELDS),
            ("consents", person.consent_ids, CONSENT_FIELDS),
            ("access_log", logs, LOG_FIELDS),
        ]

    @api.model
    def _own(self, person):
        """Whether `person` is the reading user's own file (a citizen asking for their own
        data): decided from the records, never from the context."""
        user = self.env.user
        # the contact alone: a citizen may not read the file's other fields, prefetched with it
        partner = person.with_context(prefetch_fields=False).partner_id
        return bool(user.share and partner and partner == user.partner_id)

    @api.model
    def _check_reader(self, person):
        """Who may have the export of `person`: a coordinator who reads the file, or the
        person themselves (their own file, through the portal)."""
        person.ensure_one()
        # checked as this model's user, whatever environment the record came with
        person = person.with_env(self.env)
        if self._own(person):
            return
        person._check_coordinator()
        person.check_access("read")

    @api.model
    def _answer(self, person):
        """The sections of the export as the reader may have them, and the records read in
        the environment that may read them. A citizen reads their own file with sudo (the
        portal reads only their name of it: models/portal_access.py) but not the fields
        that staff groups restrict (the confidential notes) nor those of OWN_HIDDEN: those a
        coordinator hands over on request, after checking what they say about others
        (art. 15(4) GDPR)."""
        self._check_reader(person)
        person = person.with_env(self.env)
        if not self._own(person):
            return self._sections(person)
        # sudo: the citizen's own file, whose fields the portal may not read (see above)
        sections = self.sudo()._sections(person.sudo())
        return [
            (
                key,
                records,
                [
                    n
                    for n in names
                    if not records._fields[n].groups and n not in OWN_HIDDEN.get(key, ())
                ],
            )
            for key, records, names in sections
        ]

    # ------------------------------------------------------------
    # Values
    # ------------------------------------------------------------

    @api.model
    def _tz(self, record):
        """The zone of a record's times: its desk's, else Italy's (the Ambito's)."""
        field = record._fields.get("desk_id")
        if field is not None and field.comodel_name == "social.desk" and record.desk_id:
            return pytz.timezone(record.desk_id._tz())
        return pytz.timezone(DEFAULT_TZ)

    @api.model
    def _local(self, record, value):
        """A stored (naive UTC) datetime on the Ambito's wall clock, aware."""
        return pytz.utc.localize(value).astimezone(self._tz(record))

    @api.model
    def _label(self, records, name):
        """The field's label in the reader's language."""
        return records._fields[name]._description_string(self.env)

    @api.model
    def _selection_label(self, records, name, code):
        return dict(records._fields[name]._description_selection(self.env)).get(code, code)

    @api.model
    def _text(self, record, name):
        """The value as a person reads it: labels not codes, names not ids, local times."""
        field = record._fields[name]
        value = record[name]
        if field.type == "boolean":
            return self.env._("Yes") if value else self.env._("No")
        if isinstance(value, models.BaseModel):
            return ", ".join(value.mapped("display_name")) or EMPTY
        if value is False or value is None or value == "":
            return EMPTY
        if field.type == "selection":
            return self._selection_label(record, name, value)
        if field.type == "datetime":
            local = self._local(record, value)
            return "%s, %s" % (
                format_date(self.env, local.date(), date_format="d MMMM y"),
                format_time(self.env, local.time(), time_format="HH:mm"),
            )
        if field.type == "date":
            return format_date(self.env, value, date_format="d MMMM y")
        return str(value)

    @api.model
    def _portable(self, record, name):
        """The value for the JSON: ISO 8601 times with the zone's offset, a selection as
        code and label, a link by its name (a list of names for several)."""
        field = record._fields[name]
        value = record[name]
        if isinstance(value, models.BaseModel):
            if field.type == "many2one":
                return value.display_name or None
            return value.mapped("display_name")
        if field.type == "boolean":
            return bool(value)
        if value is False or value is None:
            return None
        if field.type == "selection":
            return {"code": value, "label": self._selection_label(record, name, value)}
        if field.type == "datetime":
            return self._local(record, value).isoformat()
        if field.type == "date":
            return value.isoformat()
        return value

    @api.model
    def _plain(self, records, names):
        """The values of `records` as JSON-ready dicts, keyed by the fields' names."""
        return [{name: self._portable(record, name) for name in names} for record in records]

    @api.model
    def _collect(self, person):
        """{section: values} of everything held about `person` (one dict for the person,
        a list for each of the others), as the reader may have it."""
        data = {key: self._plain(records, names) for key, records, names in self._answer(person)}
        data["person"] = data["person"][0]
        return data

    @api.model
    def _controller(self, person):
        """(name, address) of the data controller: the Ambito (the file's company)."""
        # sudo: the company's address, public on every letter of the Ambito
        company = (person.sudo().company_id or self.env.company).sudo()
        city = " ".join(p for p in (company.zip, company.city) if p)
        address = ", ".join(p for p in (company.street, company.street2, city) if p)
        return company.name, address

    @api.model
    def _now(self):
        return pytz.utc.localize(fields.Datetime.now()).astimezone(pytz.timezone(DEFAULT_TZ))

    @api.model
    def _now_text(self):
        """Now, in words, Italian time: when the answer was extracted."""
        now = self._now()
        return "%s, %s" % (
            format_date(self.env, now.date(), date_format="d MMMM y"),
            format_time(self.env, now.time(), time_format="HH:mm"),
        )

    @api.model
    def _file_name(self, person, ext):
        # no identifier of the person in the name: it shows in download lists
        return f"dati-persona-{person.id}-{fields.Date.context_today(self)}.{ext}"

    @api.model
    def _export_json(self, person):
        """(file name, JSON text) of the export of `person`, for a coordinator or the person
        themselves; logged."""
        self._check_reader(person)
        person = person.with_env(self.env)
        name, address = self._controller(person)
        labels = {
            key: {field: self._label(records, field) for field in names}
            for key, records, names in self._answer(person)
        }
        data = {
            "format": JSON_FORMAT,
            "version": JSON_VERSION,
            "generated_at": self._now().isoformat(),
            "controller": {"name": name, "address": address},
            "labels": labels,
            **self._collect(person),
        }
        file_name = self._file_name(person, "json")
        # sudo: a citizen reads their own file only through this answer; the log is the same
        person.sudo()._log_file_access("subject_access", file_name)
        return file_name, json.dumps(data, indent=2, default=str, ensure_ascii=False)

    # ------------------------------------------------------------
    # Printed answer (report/social_person_subject_data_report.xml)
    # ------------------------------------------------------------

    @api.model
    def _section_titles(self):
        return {
            "person": self.env._("About you"),
            "sessions": self.env._("Conversations at the desks"),
            "referrals": self.env._("Referrals to other services"),
            "consents": self.env._("Consents"),
            "access_log": self.env._("Who consulted your file"),
        }

    @api.model
    def _report_sections(self, person):
        """[(title, labels, rows)] of the printed answer: the labels of the fields, one row
        of texts per record."""
        titles = self._section_titles()
        return [
            (
                titles[key],
                [self._label(records, n) for n in names],
                [[self._text(record, n) for n in names] for record in records],
            )
            for key, records, names in self._answer(person)
        ]

    @api.model
    def _export_pdf(self, person):
        """(file name, PDF bytes) of the printed answer for `person`; logged."""
        self._check_reader(person)
        person = person.with_env(self.env)
        report = "social_secretariat.social_person_subject_data_report_action"
        reports = self.env["ir.actions.report"]
        if self._own(person):
            # sudo: the report reads the citizen's own file (see _answer); its values are
            # computed, and checked, as the citizen (report_social_person_subject_data)
            reports = reports.sudo()
        pdf, _kind = reports._render_qweb_pdf(report, person.ids)
        file_name = self._file_name(person, "pdf")
        # sudo: a citizen reads their own file only through this answer; the log is the same
        person.sudo()._log_file_access("subject_access", file_name)
        return file_name, pdf
