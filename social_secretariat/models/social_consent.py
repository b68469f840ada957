from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression

from ..tools import guard

PURPOSES = [
    ("services", "Processing to access the services"),
    ("sharing", "Sharing with network partners"),
    ("contact", "Contact by phone, SMS or e-mail"),
    ("special", "Special-category data (health, disability, violence, addiction, legal status)"),
]


class SocialConsent(models.Model):
    _name = "social.consent"
    _description = "Consent (Consenso)"
    _inherit = ["mail.thread"]
    _order = "date_given desc, id desc"

    person_id = fields.Many2one("social.person", required=True, index=True, ondelete="cascade")
    purpose = fields.Selection(PURPOSES, required=True, tracking=True)
    legal_basis = fields.Selection(
        [
            ("consent", "Consent of the person"),
            ("legal_obligation", "Legal obligation"),
            ("public_interest", "Public interest / official authority"),
            ("vital_interest", "Vital interest"),
        ],
        required=True,
        default="consent",
        tracking=True,
    )
    date_given = fields.Date(
        string="Given on", required=True, default=fields.Date.context_today, tracking=True
    )
    date_withdrawn = fields.Date(string="Withdrawn on", readonly=True, tracking=True, copy=False)
    date_expiry = fields.Date(string="Valid until")
    channel = fields.Selection(
        [
            ("paper", "Signed paper form"),
            ("oral", "Oral, recorded by the operator"),
            ("digital", "Digital signature"),
            ("portal", "Portal"),
        ],
        required=True,
        default="paper",
    )
    evidence_ids = fields.Many2many("ir.attachment", string="Evidence")
    note = fields.Char()
    # not stored: validity depends on today, so a stored value would stay "valid" after the
    # expiry date; the search method turns a domain on it into one on the dates
    state = fields.Selection(
        [("valid", "Valid"), ("withdrawn", "Withdrawn"), ("expired", "Expired")],
        compute="_compute_state",
        search="_search_state",
    )
    company_id = fields.Many2one(related="person_id.company_id", store=True, index=True)

    @api.depends("date_withdrawn", "date_expiry")
    def _compute_state(self):
        today = fields.Date.context_today(self)
        for consent in self:
            if consent.date_withdrawn:
                consent.state = "withdrawn"
            elif consent.date_expiry and consent.date_expiry < today:
                consent.state = "expired"
            else:
                consent.state = "valid"

    def _search_state(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(self.env._("Unsupported search on the consent status."))
        states = {value} if isinstance(value, str | bool) else set(value)
        if operator in ("!=", "not in"):
            states = {"valid", "withdrawn", "expired"} - states
        today = fields.Date.context_today(self)
        by_state = {
            "withdrawn": [("date_withdrawn", "!=", False)],
            "expired": [
                ("date_withdrawn", "=", False),
                ("date_expiry", "!=", False),
                ("date_expiry", "<", today),
            ],
            "valid": [
                ("date_withdrawn", "=", False),
                "|",
                ("date_expiry", "=", False),
                ("date_expiry", ">=", today),
            ],
        }
        return expression.OR([by_state[state] for state in sorted(states) if state in by_state])

    @api.depends("purpose", "person_id", "date_given")
    def _compute_display_name(self):
        purposes = dict(self._fields["purpose"]._description_selection(self.env))
        for consent in self:
            consent.display_name = (
                f"{purposes.get(consent.purpose, '')} ({consent.person_id.name or ''})"
            )

    @api.constrains("date_given", "date_expiry")
    def _check_dates(self):
        today = fields.Date.context_today(self)
        for consent in self:
            if consent.date_given > today:
                raise ValidationError(
                    self.env._("Given on: a consent cannot be given in the future.")
                )
            if consent.date_expiry and consent.date_expiry < consent.date_given:
                raise ValidationError(
                    self.env._("Valid until: the date is before the date the consent was given.")
                )

    def is_valid_on(self, day=None):
        self.ensure_one()
        day = day or fields.Date.context_today(self)
        return (
            self.date_given <= day
            and not (self.date_withdrawn and self.date_withdrawn <= day)
            and not (self.date_expiry and self.date_expiry < day)
        )

    def action_withdraw(self):
        for consent in self:
            if consent.date_withdrawn:
                raise UserError(self.env._("This consent was already withdrawn."))
        with guard.workflow():
            self.write({"date_withdrawn": fields.Date.context_today(self)})
        for consent in self:
            consent.message_post(
                body=self.env._(
                    "Consent withdrawn by the person: no new sharing for this purpose from now on."
                )
            )
            consent.person_id.message_post(
                body=self.env._("Consent withdrawn: %(consent)s", consent=consent.display_name)
            )
        return True

    def _check_evidence(self, vals):
        """Evidence only from files the user can read: an attachment's access follows the record
        it is attached to (ir.attachment.check), which record rules do not say, so
        guard.check_links cannot tell; linking a hidden file would show its name back."""
        if self.env.su or "evidence_ids" not in vals:
            return
        attachments = guard.linked(self, vals, "evidence_ids")
        existing = attachments.exists()
        readable = self.env["ir.attachment"]._filter_attachment_access(existing.ids)
        hidden = attachments - readable
        if hidden:
            raise AccessError(
                self.env._(
                    "%(field)s: you cannot link a record you cannot see (%(model)s, id %(ids)s).",
                    field=self._fields["evidence_ids"].string,
                    model=self.env["ir.attachment"]._description,
                    ids=", ".join(str(i) for i in hidden.ids),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self.env["social.person"]._check_linkable([vals.get("person_id") for vals in vals_list])
        for vals in vals_list:
            self._check_evidence(vals)
        return super().create(vals_list)

    def write(self, vals):
        # a consent is evidence: what was consented, when and how cannot be rewritten
        guard.check_protected(
            self,
            vals,
            {"person_id", "purpose", "legal_basis", "date_given", "date_withdrawn", "channel"},
        )
        self._check_evidence(vals)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._("Consents are evidence and cannot be deleted: withdraw them instead.")
        )
