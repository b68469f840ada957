from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.misc import clean_context

from odoo.addons.social_secretariat.models.social_referral import OPEN_STATES
from odoo.addons.social_secretariat.tools import fiscal_code as cf
from odoo.addons.social_secretariat.tools import guard, text
from odoo.addons.social_secretariat.tools import phone as phone_tools

PARTNER_GROUP = "social_secretariat_network.group_social_partner"
# what a partner operator sends when referring a case; everything else is decided here
PARTNER_FIELDS = (
    "target_service_id",
    "urgency",
    "reason",
    "submitted_name",
    "submitted_fiscal_code",
    "submitted_phone",
    "submitted_municipality_id",
    "submitted_consent",
    "submitted_consent_document",
    "submitted_consent_filename",
    "need_ids",
)
# who is referred: kept only with the person's consent (else an anonymous report of need)
IDENTITY_FIELDS = (
    "submitted_name",
    "submitted_fiscal_code",
    "submitted_phone",
    "submitted_consent_document",
    "submitted_consent_filename",
)
# set by the server when a partner refers a case: never by a client
NETWORK_PROTECTED = {"network_member_id", "is_anonymous_report", "is_duplicate"}
# what the partner submitted stays as submitted: the receivers match it, they do not edit it
SUBMITTED_FIELDS = set(PARTNER_FIELDS) - {"target_service_id", "urgency", "reason"}


class SocialReferral(models.Model):
    _inherit = "social.referral"

    network_member_id = fields.Many2one(
        "social.network.member",
        string="From network member",
        index="btree_not_null",
        readonly=True,
        copy=False,
        tracking=True,
        help="The partner organisation that referred the case through the portal.",
    )
    submitted_name = fields.Char(string="Name (as submitted)", readonly=True, copy=False)
    submitted_fiscal_code = fields.Char(
        string="Codice fiscale (as submitted)", readonly=True, copy=False
    )
    submitted_phone = fields.Char(string="Phone (as submitted)", readonly=True, copy=False)
    submitted_municipality_id = fields.Many2one(
        "social.municipality", string="Municipality (as submitted)", readonly=True, copy=False
    )
    # the needs the organisation ticked (the taxonomy of the sessions): the receivers and the
    # reports read them as data, not inside the description
    need_ids = fields.Many2many(
        "social.need",
        "social_referral_need_rel",
        "referral_id",
        "need_id",
        string="Needs (as submitted)",
        readonly=True,
        copy=False,
    )
    submitted_consent = fields.Boolean(
        string="Consent given to the organisation",
        readonly=True,
        copy=False,
        help="The person agreed that the organisation refers the case and hears how it ends.",
    )
    submitted_consent_document = fields.Binary(
        string="Signed consent form", attachment=True, readonly=True, copy=False
    )
    submitted_consent_filename = fields.Char(readonly=True, copy=False)
    is_anonymous_report = fields.Boolean(
        string="Anonymous report of need",
        readonly=True,
        copy=False,
        help="Referred without the person's consent: no name, codice fiscale or phone is kept.",
    )
    is_duplicate = fields.Boolean(
        string="Possible duplicate",
        readonly=True,
        copy=False,
        help="The same organisation referred the same person (same codice fiscale, else same "
        "name and phone) in a referral still open.",
    )

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("submitted_fiscal_code")
    def _check_submitted_fiscal_code(self):
        Person = self.env["social.person"]
        for referral in self.filtered("submitted_fiscal_code"):
            code = referral.submitted_fiscal_code
            problem = cf.problem(code)
            if problem:
                raise ValidationError(Person._fiscal_code_problem_message(code, problem))

    @api.constrains("is_anonymous_report", "submitted_name", "submitted_fiscal_code")
    def _check_anonymous_report(self):
        for referral in self.filtered("is_anonymous_report"):
            if any(referral[name] for name in IDENTITY_FIELDS):
                raise ValidationError(
                    self.env._(
                        "Referral %(name)s is an anonymous report of need: without the "
                        "person's consent no name, codice fiscale or phone is kept.",
                        name=referral.name,
                    )
                )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def _is_partner_user(self):
        return (
            not guard.trusted(self.env)
            and self.env.user.share
            and self.env.user.has_group(PARTNER_GROUP)
        )

    @api.model_create_multi
    def create(self, vals_list):
        if not self._is_partner_user():
            if not guard.trusted(self.env):
                for vals in guard.with_client_defaults(self, vals_list):
                    guard.check_protected(
                        self, {k: v for k, v in vals.items() if v}, NETWORK_PROTECTED
                    )
            return super().create(vals_list)
        return self._create_from_partner(vals_list)

    def _create_from_partner(self, vals_list):
        """A partner operator refers cases: of their own organisation, in force, to a service
        of the catalogue; sent at once to the service's receivers."""
        self.check_access("create")
        member = self.env["social.network.member"]._of_current_partner()
        if not member:
            raise AccessError(self.env._("You refer cases for a network organisation only."))
        member._check_active()
        # no default of the client's context: every value is the form's or decided here
        return self.with_env(self.env(context=clean_context(self.env.context)))._create_for_member(
            member, vals_list
        )

    def _create_for_member(self, member, vals_list):
        Service = self.env["social.service"]
        clean_list = []
        for vals in vals_list:
            extra = sorted(k for k, v in vals.items() if v and k not in PARTNER_FIELDS)
            if extra:
                raise AccessError(
                    self.env._(
                        "A network partner cannot set these fields of a referral: %(fields)s.",
                        fields=", ".join(self._fields[k].string for k in extra if k in self._fields)
                        or ", ".join(extra),
                    )
                )
            guard.check_links(
                self, vals, ("target_service_id", "submitted_municipality_id", "need_ids")
            )
            clean = {k: vals[k] for k in PARTNER_FIELDS if k in vals}
            service = Service.browse(clean.get("target_service_id"))
            if not service:
                raise UserError(self.env._("Service: choose the service the case is referred to."))
            if service.company_id and service.company_id != member.company_id:
                raise UserError(
                    self.env._("Service: %(service)s is not of your Ambito.", service=service.name)
                )
            text.clean_vals(self, [clean], names=("submitted_name",))
            if clean.get("submitted_fiscal_code"):
                clean["submitted_fiscal_code"] = cf.normalise(clean["submitted_fiscal_code"])
            if clean.get("submitted_phone"):
                number = phone_tools.normalise(clean["submitted_phone"])
                if not number:
                    raise ValidationError(
                        self.env._(
                            "Phone: “%(number)s” is not a valid phone number. Italian numbers "
                            "may be written without prefix; others need the country prefix "
                            "(e.g. +33 1 23 45 67 89).",
                            number=clean["submitted_phone"],
                        )
                    )
                clean["submitted_phone"] = number
            anonymous = not clean.get("submitted_consent")
            if anonymous:
                for name in IDENTITY_FIELDS:
                    clean.pop(name, None)
            # sudo: sequences are read by internal users only; the number is the new referral's
            number = self.env["ir.sequence"].sudo().next_by_code("social.referral") or "/"
            clean.update(
                {
                    "name": number,
                    "origin_type": "partner",
                    "origin_partner_id": member.partner_id.id,
                    "network_member_id": member.id,
                    "company_id": member.company_id.id,
                    "is_anonymous_report": anonymous,
                    "is_duplicate": self._is_duplicate_of_open(member, clean),
                }
            )
            # the receivers are the service's social workers: staff the partner cannot read
            # (sudo: the routing of the core, done for the partner; the partner sees none)
            desk, users = self.sudo()._proposed_receivers(
                service.sudo(),  # sudo: the core's routing, see above
                self.env["social.desk"].sudo(),  # sudo: the same
                member.company_id,
            )
            if not users:
                raise UserError(
                    self.env._(
                        "%(service)s cannot receive referrals from the network yet (no social "
                        "worker receives them): call the Segretariato Sociale.",
                        service=service.name,
                    )
                )
            clean["target_desk_id"] = desk.id
            clean["receiving_user_ids"] = [fields.Command.set(users.ids)]
            clean_list.append(clean)
        # sudo: the partner has no right on the receivers and desks written above (staff
        # records), nor on the workflow; the values are the ones checked or decided above
        referrals = super(SocialReferral, self.sudo()).create(clean_list).sudo(False)
        referrals.check_access("read")  # the partner rule: their organisation's, as created
        with guard.workflow():
            # sudo: a partner never writes a referral (no write right): the workflow sends it
            referrals.sudo()._send()
        return referrals

    @api.model
    def _is_duplicate_of_open(self, member, vals):
        """Whether `member` has an open referral of the same person: same codice fiscale,
        else same name and phone. A flag for both sides, not a refusal."""
        code = vals.get("submitted_fiscal_code")
        name = (vals.get("submitted_name") or "").strip()
        phone = (vals.get("submitted_phone") or "").strip()
        if code:
            same = [("submitted_fiscal_code", "=", code)]
        elif name and phone:
            same = [("submitted_name", "=ilike", name), ("submitted_phone", "=", phone)]
        else:
            return False
        # sudo: all the organisation's open referrals count, also those of its other
        # operators that the partner rule shows anyway; only a yes/no is returned
        return bool(
            self.sudo().search_count(  # sudo: a yes/no, see above
                [("network_member_id", "=", member.id), ("state", "in", OPEN_STATES), *same],
                limit=1,
            )
        )

    def write(self, vals):
        guard.check_protected(self, vals, NETWORK_PROTECTED | SUBMITTED_FIELDS)
        unmatched = self.filtered(lambda r: r.network_member_id and not r.person_id)
        res = super().write(vals)
        if vals.get("person_id") and unmatched:
            unmatched._record_submitted_consent()
        return res

    # ------------------------------------------------------------
    # Transitions and messages
    # ------------------------------------------------------------

    def _referred_label(self):
        self.ensure_one()
        if self.person_id or not self.network_member_id:
            return super()._referred_label()
        if self.is_anonymous_report:
            return self.env._("an anonymous report of need")
        return self.submitted_name or super()._referred_label()

    def _origin_partners(self):
        """A partner's referral: the organisation's operators hear the outcome (the person's
        consent to the organisation covers it; an anonymous report names no one)."""
        partners = super()._origin_partners()
        if self.network_member_id:
            # sudo: the portal users of the organisation's operators, a staff-only field
            partners |= (
                self.network_member_id.sudo()  # sudo: a staff-only field, see above
                .operator_ids.user_id.filtered("active")
                .partner_id
            )
        return partners

    def action_accept(self):
        res = super().action_accept()
        for referral in self.filtered("network_member_id"):
            referral.message_post(
                body=self.env._(
                    "Referral %(name)s is accepted: the receiving service takes the case on.",
                    name=referral.name,
                ),
                partner_ids=referral._origin_partners().ids,
                subtype_xmlid="mail.mt_comment",
            )
        return res

    # ------------------------------------------------------------
    # Matching the person
    # ------------------------------------------------------------

    def action_match_person(self):
        """The receivers match a partner's referral to a file: the file with the submitted
        codice fiscale, else a new file made of the submitted data."""
        self.ensure_one()
        self._check_receiver()
        if self.person_id:
            raise UserError(
                self.env._("Referral %(name)s is already matched to a file.", name=self.name)
            )
        if self.is_anonymous_report:
            raise UserError(
                self.env._(
                    "Referral %(name)s is an anonymous report of need: there is no one to match.",
                    name=self.name,
                )
            )
        person, message = self.env["social.person"]._match_submitted(
            self.company_id,
            self.submitted_name,
            fiscal_code=self.submitted_fiscal_code,
            phone=self.submitted_phone,
            municipality=self.submitted_municipality_id,
        )
        self.person_id = person
        self.message_post(body=message, subtype_xmlid="mail.mt_note")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _record_submitted_consent(self):
        """The consent the person gave the partner organisation, on the person's file, with
        the signed form as evidence when there is one."""
        Consent = self.env["social.consent"]
        for referral in self.filtered(lambda r: r.person_id and r.submitted_consent):
            consent = Consent.create(
                {
                    "person_id": referral.person_id.id,
                    "purpose": "sharing",
                    "legal_basis": "consent",
                    "date_given": (referral.sent_date or referral.create_date).date(),
                    "channel": "paper" if referral.submitted_consent_document else "oral",
                    "note": self.env._(
                        "Given to %(organisation)s (referral %(name)s)",
                        organisation=referral.network_member_id.name,
                        name=referral.name,
                    ),
                }
            )
            if referral.submitted_consent_document:
                evidence = self.env["ir.attachment"].create(
                    {
                        "name": referral.submitted_consent_filename
                        or self.env._("Signed consent form"),
                        "datas": referral.submitted_consent_document,
                        "res_model": "social.consent",
                        "res_id": consent.id,
                    }
                )
                consent.evidence_ids = [fields.Command.link(evidence.id)]
            with guard.workflow():
                referral.consent_id = consent
