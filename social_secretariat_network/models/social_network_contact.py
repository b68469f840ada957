from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.social_secretariat.models.social_listening_session import (
    CHANNELS,
    FUTURE_TOLERANCE,
)
from odoo.addons.social_secretariat.models.social_person import (
    AGE_BANDS,
    CITIZENSHIP_GROUPS,
    GENDERS,
)
from odoo.addons.social_secretariat.tools import fiscal_code as cf
from odoo.addons.social_secretariat.tools import guard, text
from odoo.addons.social_secretariat.tools import phone as phone_tools

PARTNER_GROUP = "social_secretariat_network.group_social_partner"
STATES = [("submitted", "Submitted"), ("matched", "Matched to a file")]
# written by the server only: the organisation is the partner's own, the state and the file
# are the back office's match (see tools/guard.py)
PROTECTED = {"state", "person_id", "member_id", "matched_uid", "matched_date"}
# the relational fields a user sets: each target must be readable by them
LINKS = ("member_id", "desk_id", "municipality_id", "need_ids", "service_ids", "person_id")
# what names the person: kept out of an anonymous contact
NAMED_FIELDS = ("person_name", "fiscal_code", "phone")


class SocialNetworkContact(models.Model):
    """A light listening session logged by a partner operator at their organisation's desk.

    Partners never search the persons registry: they submit what the citizen told them, and the
    back office matches it to a file (action_match_person)."""

    _name = "social.network.contact"
    _description = "Contact at a network desk"
    _inherit = ["mail.thread", "social.workflow.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Number", readonly=True, copy=False, default="/", index=True)
    member_id = fields.Many2one(
        "social.network.member",
        string="Organisation",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    company_id = fields.Many2one(
        related="member_id.company_id", string="Ambito", store=True, index=True
    )
    desk_id = fields.Many2one(
        "social.desk",
        string="Desk",
        index="btree_not_null",
        domain="[('network_member_id', '=', member_id)]",
        ondelete="restrict",
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    channel = fields.Selection(CHANNELS, required=True, default="in_person")
    is_anonymous = fields.Boolean(
        string="Anonymous",
        default=True,
        help="The person did not give their name, or did not consent to share it: only an "
        "anonymous profile is recorded.",
    )
    # the person, named with their consent
    person_name = fields.Char(string="Name and surname")
    fiscal_code = fields.Char(string="Codice fiscale", size=16)
    phone = fields.Char()
    consent_given = fields.Boolean(
        string="Consent given",
        help="The person agreed that their name and contacts are passed to the social "
        "secretariat of the Ambito.",
    )
    # the anonymous profile (also filled, when known, for a named contact)
    age_band = fields.Selection(AGE_BANDS, string="Age band")
    gender = fields.Selection(GENDERS)
    municipality_id = fields.Many2one("social.municipality", string="Municipality")
    citizenship_group = fields.Selection(CITIZENSHIP_GROUPS, string="Citizenship")
    # the listening
    need_ids = fields.Many2many(
        "social.need",
        "social_network_contact_need_rel",
        "contact_id",
        "need_id",
        string="Needs",
    )
    information_given = fields.Text(string="Information given")
    service_ids = fields.Many2many(
        "social.service",
        "social_network_contact_service_rel",
        "contact_id",
        "service_id",
        string="Oriented to",
    )
    # the back office
    state = fields.Selection(
        STATES,
        default="submitted",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    # staff only, and of the staff those who read the persons' files of the Ambito: the
    # partner submitted a name, the file it was matched to is the Ambito's
    person_id = fields.Many2one(
        "social.person",
        string="Person file",
        readonly=True,
        copy=False,
        index="btree_not_null",
        tracking=True,
        groups="social_secretariat.group_social_worker",
    )
    matched_uid = fields.Many2one(
        "res.users",
        string="Matched by",
        readonly=True,
        copy=False,
        groups="social_secretariat.group_social_operator",
    )
    matched_date = fields.Datetime(
        string="Matched on",
        readonly=True,
        copy=False,
        groups="social_secretariat.group_social_operator",
    )

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("date")
    def _check_date(self):
        limit = fields.Datetime.now() + FUTURE_TOLERANCE
        if any(contact.date > limit for contact in self):
            raise ValidationError(
                self.env._(
                    "Date: a contact records a conversation that took place, not a future one."
                )
            )

    @api.constrains("desk_id", "member_id")
    def _check_desk(self):
        for contact in self.filtered("desk_id"):
            # sudo: the desk's organisation is compared, whether or not the user may read it
            if contact.desk_id.sudo().network_member_id != contact.member_id:
                raise ValidationError(
                    self.env._(
                        "Desk: %(desk)s is not a desk of %(organisation)s.",
                        desk=contact.desk_id.sudo().name,  # see above
                        organisation=contact.member_id.sudo().name,  # see above
                    )
                )

    @api.constrains("is_anonymous", "person_name", "fiscal_code", "phone", "consent_given")
    def _check_person(self):
        for contact in self:
            if contact.is_anonymous:
                if any(contact[name] for name in NAMED_FIELDS):
                    raise ValidationError(
                        self.env._(
                            "An anonymous contact names no one: leave the name, the codice "
                            "fiscale and the phone empty, or record a named contact."
                        )
                    )
                continue
            if not (contact.person_name or "").strip():
                raise ValidationError(self.env._("Name: write the name of the person."))
            if not contact.consent_given:
                raise ValidationError(
                    self.env._(
                        "Consent: a person is named only with their consent. Without it, record "
                        "an anonymous contact."
                    )
                )
            code = contact.fiscal_code
            problem = code and cf.problem(code)
            if problem:
                raise ValidationError(
                    self.env["social.person"]._fiscal_code_problem_message(code, problem)
                )

    @api.constrains("need_ids", "service_ids", "municipality_id", "company_id")
    def _check_link_scope(self):
        if self.env.su:
            return
        for contact in self:
            for name in ("need_ids", "service_ids", "municipality_id"):
                guard.check_company(contact, name, contact.company_id)

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def _prepare_vals(self, vals):
        """Normalise the code and the phone before they are stored; explain bad input."""
        text.clean_vals(self, vals, names=("person_name",))
        if vals.get("fiscal_code"):
            # checked before the field's size would cut a code too long to 16 characters
            code = vals["fiscal_code"] = cf.normalise(vals["fiscal_code"])
            problem = cf.problem(code)
            if problem:
                raise ValidationError(
                    self.env["social.person"]._fiscal_code_problem_message(code, problem)
                )
        if vals.get("phone"):
            normalised = phone_tools.normalise(vals["phone"])
            if not normalised:
                raise ValidationError(
                    self.env._(
                        "Phone: “%(number)s” is not a valid phone number. Italian numbers may be "
                        "written without prefix; others need the country prefix.",
                        number=vals["phone"],
                    )
                )
            vals["phone"] = normalised

    def _partner_member(self, vals):
        """The organisation of a partner operator creating a contact: theirs, whatever the
        client sent (a member_id of another organisation is refused)."""
        member = self.env["social.network.member"]._of_current_partner()
        if not member:
            raise AccessError(
                self.env._("Only an operator of a network organisation can log a contact.")
            )
        if vals.get("member_id") and vals["member_id"] != member.id:
            raise AccessError(
                self.env._("Organisation: a contact is logged for your own organisation only.")
            )
        return member

    @api.model_create_multi
    def create(self, vals_list):
        Member = self.env["social.network.member"]
        is_partner = not self.env.su and self.env.user.has_group(PARTNER_GROUP)
        if not guard.trusted(self.env):
            # the defaults a client can send in the context are checked as any other value
            vals_list = guard.with_client_defaults(self, vals_list)
            for vals in vals_list:
                vals.pop("company_id", None)  # related to the organisation
                if vals.get("state", "submitted") == "submitted":
                    vals.pop("state", None)
                member_id = vals.pop("member_id", None) if is_partner else None
                # the back office names the organisation; a partner's is their own (below)
                guard.check_protected(self, vals, PROTECTED - {"member_id"})
                if is_partner:
                    vals["member_id"] = self._partner_member({"member_id": member_id}).id
        for vals in vals_list:
            self._prepare_vals(vals)
            if not guard.trusted(self.env):
                guard.check_links(self, vals, LINKS)
            member = Member.browse(vals.get("member_id"))
            # sudo: the organisation's state and desks, for staff and partners alike
            member = member.sudo()
            if member and not member.is_active:
                raise UserError(
                    self.env._(
                        "%(name)s cannot log contacts: its protocol with the Ambito is not in "
                        "force.",
                        name=member.name,
                    )
                )
            if member and not vals.get("desk_id") and member.desk_ids:
                vals["desk_id"] = member.desk_ids[:1].id
            if vals.get("name", "/") == "/":
                # sudo: partners may not read sequences; only the next number comes out
                vals["name"] = (
                    self.env["ir.sequence"]
                    .sudo()  # sudo: above
                    .next_by_code("social.network.contact")
                    or "/"
                )
        return super().create(vals_list)

    def write(self, vals):
        if not guard.trusted(self.env):
            # who may not write at all (partners, operators) is told so first
            self.check_access("write")
        guard.check_protected(self, vals, PROTECTED)
        if not guard.trusted(self.env):
            if not guard.is_coordinator(self.env) and any(
                not name.startswith(("message_", "activity_")) for name in vals
            ):
                raise UserError(
                    self.env._(
                        "A contact keeps what the network desk submitted: only a coordinator "
                        "can correct it."
                    )
                )
            guard.check_links(self, vals, LINKS)
        self._prepare_vals(vals)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_unmatched(self):
        if any(contact.state == "matched" for contact in self):
            raise UserError(
                self.env._(
                    "A contact matched to a person's file cannot be deleted: it is part of the "
                    "file's history."
                )
            )

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_match_person(self):
        """Match each named contact to the person's file: the one with the same codice
        fiscale in the Ambito, else a new file from what the partner submitted."""
        if not (self.env.su or self.env.user.has_group(guard.WORKER)):
            raise AccessError(
                self.env._("Only a social worker or a coordinator matches contacts to files.")
            )
        self.check_access("write")
        guard.check_state(
            self,
            ("submitted",),
            self.env._("%(name)s is already matched to a file."),
        )
        anonymous = self.filtered("is_anonymous")
        if anonymous:
            raise UserError(
                self.env._(
                    "%(name)s is anonymous: there is no file to match it to.",
                    name=", ".join(anonymous.mapped("name")),
                )
            )
        for contact in self:
            person, message = self.env["social.person"]._match_submitted(
                contact.company_id,
                contact.person_name,
                fiscal_code=contact.fiscal_code,
                phone=contact.phone,
                municipality=contact.municipality_id,
                gender=contact.gender,
            )
            contact._workflow_write(
                {
                    "state": "matched",
                    "person_id": person.id,
                    "matched_uid": self.env.uid,
                    "matched_date": fields.Datetime.now(),
                }
            )
            contact._record_consent()
            # an internal note: the partner reads their contact, not the file it was matched to
            contact.message_post(body=message, subtype_xmlid="mail.mt_note")
        return True

    def _record_consent(self):
        """The consent the person gave the network desk, on the person's file."""
        self.ensure_one()
        self.env["social.consent"].create(
            {
                "person_id": self.person_id.id,
                "purpose": "sharing",
                "legal_basis": "consent",
                # the day of the contact where the desk is, not in UTC
                "date_given": fields.Datetime.context_timestamp(self, self.date).date(),
                "channel": "oral",
                "note": self.env._(
                    "Given to %(organisation)s (contact %(name)s)",
                    organisation=self.member_id.name,
                    name=self.name,
                ),
            }
        )

    def action_open_person(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "social.person",
            "res_id": self.person_id.id,
            "view_mode": "form",
        }
