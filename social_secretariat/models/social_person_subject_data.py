import json

from odoo import api, fields, models

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
    def _plain(self, records, names):
        """The values of `records` as JSON-ready dicts: a link by its display name."""

        def value(record, name):
            value = record[name]
            if not isinstance(value, models.BaseModel):
                return value
            return value.display_name if len(value) <= 1 else value.mapped("display_name")

        return [{name: value(record, name) for name in names} for record in records]

    @api.model
    def _collect(self, person):
        """{section: values} of everything held about `person` (one dict for the person,
        a list for each of the others)."""
        data = {key: self._plain(records, names) for key, records, names in self._sections(person)}
        data["person"] = data["person"][0]
        return data

    @api.model
    def _export_json(self, person):
        """(file name, JSON text) of the export of `person`, for a coordinator; logged."""
        person._check_coordinator()
        person.ensure_one()
        data = self._collect(person)
        name = f"dati-persona-{person.id}-{fields.Date.today()}.json"
        person._log_file_access("subject_access", name)
        return name, json.dumps(data, indent=2, default=str, ensure_ascii=False)
