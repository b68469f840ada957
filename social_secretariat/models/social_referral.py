from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_datetime

from ..tools import guard, text
from .social_desk import DEFAULT_TZ

OPEN_STATES = ("draft", "sent", "accepted", "in_progress")
STAFF = "base.group_user"
# written by the transitions only (see tools/guard.py)
WORKFLOW_FIELDS = {
    "state", "sent_date", "sent_uid", "accepted_date", "accepted_uid", "started_date",
    "closed_date", "closed_uid", "rejected_date", "cancelled_date", "state_reason", "outcome",
    "outcome_note", "ack_deadline", "is_overdue", "is_special_category", "reject_reason",
    "is_escalated",
}  # fmt: skip
# the relational fields a user sets: each target must be readable by them
LINKS = (
    "session_id", "company_id", "origin_desk_id", "origin_partner_id", "target_service_id",
    "target_desk_id", "target_partner_id", "receiving_user_ids", "consent_id",
)  # fmt: skip
OUTCOMES = [
    ("taken_into_care", "Taken into care"),
    ("service_activated", "Service activated"),
    ("information_only", "Information or orientation only"),
    ("not_eligible", "Not eligible"),
    ("person_declined", "The person declined"),
    ("unreachable", "Person unreachable"),
    ("other", "Other"),
]
REJECT_REASONS = [
    ("not_eligible", "Not eligible"),
    ("no_capacity", "No capacity"),
    ("not_provided", "Service not provided"),
    ("already_followed", "Already followed"),
    ("missing_documents", "Missing documents"),
    ("other", "Other"),
]


class SocialReferral(models.Model):
    _name = "social.referral"
    _description = "Referral (Invio / segnalazione)"
    _inherit = ["mail.thread", "mail.activity.mixin", "social.workflow.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(string="Number", readonly=True, copy=False, default="/", index=True)
    # STAFF: the fields of the back office that a network partner, who reads the referrals of
    # their organisation, never sees (the person's file, its sessions and consents, the staff)
    session_id = fields.Many2one(
        "social.listening.session", string="Session", index=True, groups=STAFF
    )
    # a copy of the session's flag, kept in sync by the ORM: the operators' record rule reads
    # it here instead of looking into every session (see bench/README.md, "Fast rules")
    is_special_category = fields.Boolean(
        related="session_id.is_special_category", store=True, index=True, groups=STAFF
    )
    person_id = fields.Many2one(
        check_company=True,
        comodel_name="social.person",
        string="Person",
        # required for every origin but a partner organisation's, whose referral names the
        # person as submitted until the receivers match it to a file (_check_person)
        index=True,
        tracking=True,
        groups=STAFF,
    )
    company_id = fields.Many2one(
        "res.company",
        string="Ambito",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    origin_type = fields.Selection(
        string="Origin",
        selection=[
            ("desk", "Desk of the Segretariato"),
            ("partner", "Partner organisation"),
            ("community", "Community report (sportello al contrario)"),
            ("self", "Self-referral"),
        ],
        required=True,
        default="desk",
        tracking=True,
    )
    origin_desk_id = fields.Many2one("social.desk", string="From desk", index=True)
    origin_partner_id = fields.Many2one(
        "res.partner", string="From organisation", domain="[('is_company', '=', True)]"
    )
    reporter_name = fields.Char(
        string="Reported by", help="Who reported the case from the community.", groups=STAFF
    )
    target_service_id = fields.Many2one("social.service", string="To service", tracking=True)
    target_desk_id = fields.Many2one(
        "social.desk", string="To desk or office", index=True, tracking=True
    )
    target_partner_id = fields.Many2one(
        "res.partner",
        string="To partner organisation",
        domain="[('is_company', '=', True)]",
        tracking=True,
        help="A third-sector organisation of the network: sharing needs the person's consent.",
    )
    receiving_user_ids = fields.Many2many(
        "res.users",
        "social_referral_receiver_rel",
        "referral_id",
        "user_id",
        string="Receiving staff",
        domain="[('share', '=', False)]",
        groups=STAFF,
    )
    reason = fields.Text(required=True)
    urgency = fields.Selection(
        [("normal", "Normal"), ("urgent", "Urgent"), ("emergency", "Emergency (PIS)")],
        required=True,
        default="normal",
        tracking=True,
    )
    consent_id = fields.Many2one(
        "social.consent",
        string="Consent",
        domain="[('person_id', '=', person_id), ('state', '=', 'valid')]",
        groups=STAFF,
    )
    legal_basis_note = fields.Text(
        string="Legal basis without consent",
        help="Only for emergencies that cannot wait for the person's consent: say why.",
        groups=STAFF,
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("sent", "Sent"),
            ("accepted", "Accepted"),
            ("in_progress", "In progress"),
            ("closed", "Closed"),
            ("rejected", "Rejected"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
        group_expand=True,
    )
    sent_date = fields.Datetime(readonly=True, copy=False)
    sent_uid = fields.Many2one(
        "res.users", string="Sent by", readonly=True, copy=False, groups=STAFF
    )
    accepted_date = fields.Datetime(readonly=True, copy=False)
    accepted_uid = fields.Many2one(
        "res.users", string="Accepted by", readonly=True, copy=False, groups=STAFF
    )
    started_date = fields.Datetime(readonly=True, copy=False)
    closed_date = fields.Datetime(readonly=True, copy=False)
    closed_uid = fields.Many2one(
        "res.users", string="Closed by", readonly=True, copy=False, groups=STAFF
    )
    rejected_date = fields.Datetime(readonly=True, copy=False)
    cancelled_date = fields.Datetime(readonly=True, copy=False)
    state_reason = fields.Text(
        string="Reason (rejection or cancellation)", readonly=True, copy=False
    )
    reject_reason = fields.Selection(
        REJECT_REASONS, string="Rejected because", readonly=True, copy=False, tracking=True
    )
    outcome = fields.Selection(OUTCOMES, readonly=True, copy=False, tracking=True)
    outcome_note = fields.Text(string="Feedback to the origin", readonly=True, copy=False)
    ack_deadline = fields.Datetime(string="Acknowledge by", readonly=True, copy=False, index=True)
    is_overdue = fields.Boolean(string="Overdue", readonly=True, copy=False, index=True)
    # the coordinator was asked, a grace period after the receivers' reminder (cron, once)
    is_escalated = fields.Boolean(string="Escalated", readonly=True, copy=False, groups=STAFF)

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("origin_type", "origin_desk_id", "origin_partner_id")
    def _check_origin(self):
        for referral in self:
            if referral.origin_type == "desk" and not referral.origin_desk_id:
                raise ValidationError(
                    self.env._("From desk: say which desk the referral comes from.")
                )
            if referral.origin_type == "partner" and not referral.origin_partner_id:
                raise ValidationError(
                    self.env._("From organisation: say which partner organisation refers the case.")
                )

    @api.constrains("origin_type", "person_id")
    def _check_person(self):
        for referral in self:
            if not referral.person_id and referral.origin_type != "partner":
                raise ValidationError(
                    self.env._("Person: say who is referred (the person's file).")
                )

    @api.constrains("session_id", "person_id")
    def _check_session_person(self):
        for referral in self:
            if referral.session_id and referral.session_id.person_id != referral.person_id:
                raise ValidationError(
                    self.env._(
                        "Session: the referral must come from a session of the referred person."
                    )
                )

    @api.constrains("consent_id", "person_id")
    def _check_consent_person(self):
        for referral in self:
            if referral.consent_id and referral.consent_id.person_id != referral.person_id:
                raise ValidationError(
                    self.env._("Consent: it must be a consent of the referred person.")
                )

    # ------------------------------------------------------------
    # Receivers proposed from the target service
    # ------------------------------------------------------------

    def _proposed_receivers(self, service, desk, company):
        """The desk and the staff that receive a referral to `service`: the desk chosen, else
        the service's first desk with social workers (else with staff); its social workers,
        else its staff; without a desk, the users of the service's provider. Only staff of
        `company` that the user may see: the same links create and write check."""
        worker_group = "social_secretariat.group_social_worker"

        def staff(users):
            users = users.filtered(lambda u: not u.share and company in u.company_ids)
            return users._filtered_access("read")

        def receivers(desk):
            users = staff(desk.operator_ids)
            return users.filtered(lambda u: u.has_group(worker_group)) or users

        if not desk and service:
            desks = service.desk_ids._filtered_access("read").filtered(
                lambda d: d.active and (not d.company_id or d.company_id == company)
            )
            desk = (
                desks.filtered(
                    lambda d: staff(d.operator_ids).filtered(lambda u: u.has_group(worker_group))
                )[:1]
                or desks.filtered(lambda d: staff(d.operator_ids))[:1]
                or desks[:1]
            )
        users = receivers(desk) if desk else self.env["res.users"]
        if not users and service.provider_id:
            provider = service.provider_id
            users = staff((provider | provider.child_ids).user_ids)
        return desk, users

    def _add_proposed_receivers(self, vals):
        """On create: a referral to a service, without receivers, gets the service's."""
        if (
            not vals.get("target_service_id")
            or vals.get("target_partner_id")
            or vals.get("receiving_user_ids")
        ):
            return
        desk, users = self._proposed_receivers(
            self.env["social.service"].browse(vals["target_service_id"]),
            self.env["social.desk"].browse(vals.get("target_desk_id") or []),
            self.env["res.company"].browse(vals.get("company_id") or self.env.company.id),
        )
        if desk and not vals.get("target_desk_id"):
            vals["target_desk_id"] = desk.id
        if users:
            vals["receiving_user_ids"] = [Command.set(users.ids)]

    @api.onchange("target_service_id")
    def _onchange_target_service_id(self):
        if not self.target_service_id or self.target_partner_id:
            return
        desk = (
            self.target_desk_id if self.target_desk_id in self.target_service_id.desk_ids else False
        )
        desk, users = self._proposed_receivers(
            self.target_service_id, desk or self.env["social.desk"], self.company_id
        )
        if desk and desk != self.target_desk_id:
            self.target_desk_id = desk
            self.receiving_user_ids = users
        elif users and not self.receiving_user_ids:
            self.receiving_user_ids = users

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def _check_links(self, vals):
        """What a user may link a referral to: records they can read (see guard.check_links),
        in the referral's Ambito (see _check_link_scope); as origin, a desk they work at."""
        guard.check_links(self, vals, LINKS)
        if vals.get("origin_desk_id") and not guard.trusted(self.env):
            guard.check_desk(
                self.env,
                self.env["social.desk"].browse(vals["origin_desk_id"]),
                self.env._("From desk: you do not work at %(desk)s."),
            )

    def _check_link_scope(self):
        if self.env.su:
            return
        for referral in self:
            for name in ("session_id", "origin_desk_id", "target_desk_id", "target_service_id"):
                guard.check_company(referral, name, referral.company_id)
            guard.check_staff(
                referral,
                {"receiving_user_ids": [Command.set(referral.receiving_user_ids.ids)]},
                "receiving_user_ids",
                referral.company_id,
            )

    @api.model_create_multi
    def create(self, vals_list):
        text.clean_vals(self, vals_list, names=("reporter_name",))
        if not guard.trusted(self.env):
            # the defaults a client can send in the context are checked as any other value
            vals_list = [self._add_missing_default_values(vals) for vals in vals_list]
            for vals in vals_list:
                # a new referral has no history: only the transitions fill these in
                guard.check_protected(
                    self,
                    {
                        k: v
                        for k, v in vals.items()
                        if v and (k, v) != ("state", "draft") and k != "is_special_category"
                    },
                    WORKFLOW_FIELDS,
                )
        self.env["social.person"]._check_linkable([vals.get("person_id") for vals in vals_list])
        for vals in vals_list:
            self._add_proposed_receivers(vals)
            self._check_links(vals)
            # always the session's: the operators' record rule reads it
            vals.pop("is_special_category", None)
            for key in ("origin_desk_id", "target_desk_id"):
                if vals.get(key):
                    self._check_desk_active(vals[key])
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("social.referral") or "/"
        referrals = super().create(vals_list)
        referrals._check_link_scope()
        return referrals

    def write(self, vals):
        text.clean_vals(self, vals, names=("reporter_name",))
        guard.check_protected(self, vals, WORKFLOW_FIELDS)
        if (
            "receiving_user_ids" in vals
            and not guard.trusted(self.env)
            and not self.env.user.has_group("social_secretariat.group_social_coordinator")
            and any(referral.state != "draft" for referral in self)
        ):
            raise UserError(
                self.env._(
                    "The receiving staff of a sent referral can be changed by a coordinator only."
                )
            )
        if vals.get("person_id"):
            self.env["social.person"]._check_linkable([vals["person_id"]])
        self._check_links(vals)
        for key in ("origin_desk_id", "target_desk_id"):
            if vals.get(key):
                self._check_desk_active(vals[key])
        if "origin_desk_id" in vals and not guard.trusted(self.env):
            for referral in self.filtered(lambda r: r.origin_desk_id.id != vals["origin_desk_id"]):
                guard.check_desk(
                    self.env,
                    referral.origin_desk_id,
                    self.env._(
                        "From desk: you do not work at %(desk)s: only its staff or a coordinator "
                        "can move its referrals."
                    ),
                )
        res = super().write(vals)
        if set(LINKS) & set(vals):
            self._check_link_scope()
        if vals.get("target_service_id"):
            # a draft referral moved to a service, without receivers, gets the service's
            for referral in self.filtered(
                lambda r: r.state == "draft"
                and not r.receiving_user_ids
                and not r.target_partner_id
            ):
                desk, users = referral._proposed_receivers(
                    referral.target_service_id, referral.target_desk_id, referral.company_id
                )
                proposed = {}
                if desk and not referral.target_desk_id:
                    proposed["target_desk_id"] = desk.id
                if users:
                    proposed["receiving_user_ids"] = [Command.set(users.ids)]
                if proposed:
                    referral.write(proposed)
        return res

    def _check_desk_active(self, desk_id):
        self.env["social.desk"].browse(desk_id)._ensure_active(
            self.env._("Desk: %(desk)s is archived and cannot be used for referrals.")
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(referral.state != "draft" for referral in self):
            raise UserError(self.env._("Only a draft referral can be deleted: cancel it instead."))

    # ------------------------------------------------------------
    # Transitions
    # ------------------------------------------------------------

    def _check_sender(self):
        """Sending and cancelling are for the origin: who wrote or sent the referral, the staff
        of the desk it comes from, and the coordinators."""
        self.check_access("write")
        if self.env.su:
            return
        user = self.env.user
        for referral in self:
            if user in (referral.create_uid | referral.sent_uid):
                continue
            if referral.origin_desk_id and guard.is_desk_staff(self.env, referral.origin_desk_id):
                continue
            if guard.is_coordinator(self.env):
                continue
            raise AccessError(
                self.env._(
                    "Referral %(name)s is sent or cancelled by whoever wrote it, the staff of "
                    "its desk of origin or a coordinator.",
                    name=referral.name,
                )
            )

    def _check_state(self, allowed, message):
        """`message`: a translated sentence with %(name)s, saying why the action is refused."""
        guard.check_state(self, allowed, message)

    def _check_can_send(self):
        for referral in self:
            if not (
                referral.target_service_id or referral.target_desk_id or referral.target_partner_id
            ):
                raise UserError(
                    self.env._(
                        "Referral %(name)s has no target: choose the service, the desk or the "
                        "partner organisation that receives it.",
                        name=referral.name,
                    )
                )
            if referral.target_partner_id:
                purpose = "sharing"
                sharing = referral.person_id.consent_ids.filtered(
                    lambda c: c.purpose == "sharing" and c.is_valid_on()
                )
                if not sharing:
                    raise UserError(
                        self.env._(
                            "Referral %(name)s goes to a partner organisation: the person's valid "
                            "consent to sharing with network partners is required (none, or "
                            "withdrawn).",
                            name=referral.name,
                        )
                    )
                if not referral.consent_id or referral.consent_id.purpose != purpose:
                    referral.consent_id = sharing[:1]
            if referral.consent_id and not referral.consent_id.is_valid_on():
                raise UserError(
                    self.env._(
                        "Referral %(name)s: the consent chosen is no longer valid (withdrawn or expired).",
                        name=referral.name,
                    )
                )
            if not referral.consent_id:
                if referral.urgency == "emergency" and (referral.legal_basis_note or "").strip():
                    continue
                raise UserError(
                    self.env._(
                        "Referral %(name)s: record the person's consent first. Only an emergency "
                        "that cannot wait may be sent without it, with the legal basis written down.",
                        name=referral.name,
                    )
                )

    def action_send(self):
        self._check_sender()
        self._check_state(
            ("draft",),
            self.env._("Referral %(name)s cannot be sent: only a draft referral can be sent."),
        )
        self._check_can_send()
        self._send()
        return True

    def _send(self):
        """Send the referrals to their receivers, with the deadline of their urgency: for the
        callers that checked who sends and what (action_send, a partner's new referral)."""
        now = fields.Datetime.now()
        for referral in self:
            if not referral.receiving_user_ids and referral.target_desk_id:
                workers = referral.target_desk_id.operator_ids.filtered(
                    lambda u: u.has_group("social_secretariat.group_social_worker")
                )
                referral.receiving_user_ids = workers or referral.target_desk_id.operator_ids
            if not referral.receiving_user_ids and not referral.target_partner_id:
                raise UserError(
                    self.env._(
                        "Referral %(name)s has no receiver: choose the receiving staff (or a "
                        "desk with social workers) before sending it.",
                        name=referral.name,
                    )
                )
            referral._workflow_write(
                {
                    "state": "sent",
                    "sent_date": now,
                    "sent_uid": self.env.uid,
                    "ack_deadline": referral._compute_ack_deadline(now),
                    "is_overdue": False,
                }
            )
            referral._notify_receivers()
            if referral.urgency == "emergency":
                referral._notify_on_call()

    def _deadline_text(self):
        """The acknowledgement deadline as the receivers read it: their desk's time, in the
        language of the message (not the UTC of the database)."""
        self.ensure_one()
        # sudo: the zone lives on the desk's working times, staff configuration
        tz = (
            self.target_desk_id._tz()
            if self.target_desk_id
            else (self.company_id.sudo().resource_calendar_id.tz or DEFAULT_TZ)  # sudo: above
        )
        return format_datetime(self.env, self.ack_deadline, tz=tz, dt_format="short")

    def _compute_ack_deadline(self, sent):
        self.ensure_one()
        company = self.company_id
        if self.urgency == "emergency":
            return sent + timedelta(hours=company.social_ack_hours_emergency)
        if self.urgency == "urgent":
            return sent + timedelta(hours=company.social_ack_hours_urgent)
        calendar = self.target_desk_id.resource_calendar_id or company.resource_calendar_id
        days = company.social_ack_days_normal
        if not calendar:
            return sent + timedelta(days=days)
        deadline = calendar.plan_days(days + 1, sent, compute_leaves=True)
        return deadline.replace(tzinfo=None) if deadline else sent + timedelta(days=days)

    def _referred_label(self):
        """Who is referred, in the messages of the workflow."""
        self.ensure_one()
        return self.person_id.name or self.env._("a person not yet identified")

    def _notify_receivers(self):
        self.ensure_one()
        partners = self.receiving_user_ids.partner_id
        if partners:
            self.message_subscribe(partner_ids=partners.ids)
        self.message_post(
            body=self.env._(
                "New referral for %(person)s (%(urgency)s): please acknowledge it by %(deadline)s.",
                person=self._referred_label(),
                urgency=dict(self._fields["urgency"]._description_selection(self.env))[
                    self.urgency
                ],
                deadline=self._deadline_text(),
            ),
            partner_ids=partners.ids,
            subtype_xmlid="mail.mt_comment",
        )
        todo = self.env.ref("mail.mail_activity_data_todo")
        for user in self.receiving_user_ids:
            self.activity_schedule(
                activity_type_id=todo.id,
                summary=self.env._("Acknowledge referral"),
                date_deadline=self.ack_deadline.date(),
                user_id=user.id,
            )

    def _notify_on_call(self):
        """An emergency (PIS): the Ambito's on-call staff hear of it at once, by e-mail and
        with an activity, besides the receivers."""
        self.ensure_one()
        users = self.company_id.social_on_call_user_ids.filtered(lambda u: not u.share)
        if not users:
            return
        self.message_subscribe(partner_ids=users.partner_id.ids)
        self.message_post(
            body=self.env._(
                "Emergency referral (PIS) for %(person)s: the on-call staff are alerted.",
                person=self._referred_label(),
            ),
            partner_ids=users.partner_id.ids,
            subtype_xmlid="mail.mt_comment",
        )
        todo = self.env.ref("mail.mail_activity_data_todo")
        for user in users:
            self.activity_schedule(
                activity_type_id=todo.id,
                summary=self.env._("Emergency referral (PIS): on call"),
                date_deadline=fields.Date.context_today(self),
                user_id=user.id,
            )

    def _check_receiver(self):
        """Accepting, starting, closing and rejecting are for the receivers: the receiving staff
        named, the social workers of the receiving desk, and the coordinators."""
        self.check_access("write")
        if self.env.su:
            return
        user = self.env.user
        if user.has_group("social_secretariat.group_social_coordinator"):
            return
        is_worker = user.has_group("social_secretariat.group_social_worker")
        for referral in self:
            if is_worker and referral.target_desk_id in user.social_desk_ids:
                continue
            if not referral.receiving_user_ids and referral.target_desk_id:
                raise UserError(
                    self.env._(
                        "Referral %(name)s is handled by the social workers of %(desk)s.",
                        name=referral.name,
                        desk=referral.target_desk_id.name,
                    )
                )
            if not referral.receiving_user_ids and not is_worker:
                raise UserError(
                    self.env._(
                        "Referral %(name)s is handled by the social workers.", name=referral.name
                    )
                )
            if referral.receiving_user_ids and user not in referral.receiving_user_ids:
                raise UserError(
                    self.env._(
                        "Referral %(name)s is handled by its receiving staff (%(users)s).",
                        name=referral.name,
                        users=", ".join(referral.receiving_user_ids.mapped("name")),
                    )
                )

    def action_accept(self):
        self._check_state(
            ("sent",),
            self.env._(
                "Referral %(name)s cannot be accepted: only a sent referral can be accepted."
            ),
        )
        self._check_receiver()
        self._workflow_write(
            {
                "state": "accepted",
                "accepted_date": fields.Datetime.now(),
                "accepted_uid": self.env.uid,
                "is_overdue": False,
            }
        )
        self.activity_feedback(["mail.mail_activity_data_todo"], feedback=self.env._("Accepted"))
        return True

    def action_start(self):
        self._check_state(
            ("accepted",),
            self.env._("Referral %(name)s cannot be started: accept it first."),
        )
        self._check_receiver()
        self._workflow_write({"state": "in_progress", "started_date": fields.Datetime.now()})
        return True

    def action_close(self, outcome, note=""):
        self._check_state(
            ("accepted", "in_progress"),
            self.env._(
                "Referral %(name)s cannot be closed: only an accepted referral or one in progress "
                "can be closed."
            ),
        )
        self._check_receiver()
        if outcome not in dict(OUTCOMES):
            raise UserError(self.env._("Closing a referral needs its outcome."))
        self._workflow_write(
            {
                "state": "closed",
                "closed_date": fields.Datetime.now(),
                "closed_uid": self.env.uid,
                "outcome": outcome,
                "outcome_note": note,
            }
        )
        self._notify_origin()
        return True

    def action_reject(self, reason, reject_reason="other"):
        """`reject_reason`: one of REJECT_REASONS; `reason`, the text, is required for
        "other" (the callers from before the list send the text only)."""
        self._check_state(
            ("sent",),
            self.env._(
                "Referral %(name)s cannot be rejected: only a sent referral can be rejected."
            ),
        )
        self._check_receiver()
        if reject_reason not in dict(REJECT_REASONS):
            raise UserError(self.env._("Rejecting a referral needs its reason, from the list."))
        if reject_reason == "other":
            self._require_reason(reason)
        self._workflow_write(
            {
                "state": "rejected",
                "rejected_date": fields.Datetime.now(),
                "reject_reason": reject_reason,
                "state_reason": (reason or "").strip() or False,
            }
        )
        self.activity_unlink(["mail.mail_activity_data_todo"])
        self._notify_origin()
        return True

    def action_cancel(self, reason):
        self._check_sender()
        self._check_state(
            OPEN_STATES,
            self.env._(
                "Referral %(name)s cannot be cancelled: it is already closed, rejected or cancelled."
            ),
        )
        self._require_reason(reason)
        self._workflow_write(
            {
                "state": "cancelled",
                "cancelled_date": fields.Datetime.now(),
                "state_reason": reason.strip(),
            }
        )
        self.activity_unlink(["mail.mail_activity_data_todo"])
        return True

    def _require_reason(self, reason):
        if not reason or not reason.strip():
            raise UserError(
                self.env._("Reason: say why, so that the origin of the referral understands.")
            )

    def _origin_partners(self):
        """Who hears how the referral ended: who wrote or sent it."""
        self.ensure_one()
        return (self.sent_uid | self.create_uid).partner_id

    def _notify_origin(self):
        """Close the loop: whoever sent the referral learns how it ended."""
        states = dict(self._fields["state"]._description_selection(self.env))
        outcomes = dict(self._fields["outcome"]._description_selection(self.env))
        reject_reasons = dict(self._fields["reject_reason"]._description_selection(self.env))
        for referral in self:
            partners = referral._origin_partners()
            if (
                referral.origin_type == "partner"
                and referral.origin_partner_id
                and referral.person_id.consent_ids.filtered(
                    lambda c: c.purpose == "sharing" and c.is_valid_on()
                )
            ):
                # the organisation hears the outcome only if the person agreed to sharing
                partners |= referral.origin_partner_id
            detail = outcomes.get(referral.outcome) or ""
            if referral.reject_reason:
                detail = reject_reasons[referral.reject_reason]
                if referral.state_reason:
                    detail = f"{detail} – {referral.state_reason}"
            elif not detail:
                detail = referral.state_reason or ""
            if referral.outcome_note:
                detail = f"{detail} – {referral.outcome_note}"
            referral.message_post(
                body=self.env._(
                    "Outcome of referral %(name)s: %(state)s. %(detail)s",
                    name=referral.name,
                    state=states[referral.state],
                    detail=detail,
                ),
                partner_ids=partners.ids,
                subtype_xmlid="mail.mt_comment",
            )

    # ------------------------------------------------------------
    # Wizards and cron
    # ------------------------------------------------------------

    def _open_transition_wizard(self, transition):
        # the dialog's title says what it does (without a name the client shows "Odoo")
        titles = {
            "close": self.env._("Close the referral"),
            "reject": self.env._("Reject the referral"),
            "cancel": self.env._("Cancel the referral"),
        }
        return {
            "type": "ir.actions.act_window",
            "name": titles[transition],
            "res_model": "social.referral.transition",
            "view_mode": "form",
            "target": "new",
            "context": {"default_referral_ids": self.ids, "default_transition": transition},
        }

    def action_open_close_wizard(self):
        return self._open_transition_wizard("close")

    def action_open_reject_wizard(self):
        return self._open_transition_wizard("reject")

    def action_open_cancel_wizard(self):
        return self._open_transition_wizard("cancel")

    @api.model
    def _cron_mark_overdue(self):
        """Sent referrals not acknowledged in time: at the deadline a reminder to the
        receivers, and a grace period later (the Ambito's escalation hours) an activity for
        the coordinator. Each once: the flags say what was done (run hourly)."""
        now = fields.Datetime.now()
        late = self.search(
            [("state", "=", "sent"), ("ack_deadline", "<", now), ("is_overdue", "=", False)]
        )
        if late:
            late._workflow_write({"is_overdue": True})
            late._remind_receivers()
        candidates = self.search(
            [("state", "=", "sent"), ("is_overdue", "=", True), ("is_escalated", "=", False)]
        )
        escalate = candidates.filtered(
            lambda r: r.ack_deadline + timedelta(hours=r.company_id.social_escalation_hours) < now
        )
        if escalate:
            escalate._workflow_write({"is_escalated": True})
            escalate._escalate_to_coordinator()

    def _remind_receivers(self):
        todo = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id(self._name)
        activities = []
        for referral in self:
            users = referral.receiving_user_ids.filtered(lambda u: not u.share)
            referral.message_post(
                body=self.env._(
                    "Reminder: referral %(name)s was to be acknowledged by %(deadline)s. Accept "
                    "or reject it now: the origin sees that it is late.",
                    name=referral.name,
                    deadline=referral._deadline_text(),
                ),
                partner_ids=users.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )
            activities += [
                {
                    "res_model_id": model_id,
                    "res_id": referral.id,
                    "activity_type_id": todo.id,
                    "summary": self.env._("Reminder: referral not acknowledged in time"),
                    "date_deadline": fields.Date.context_today(self),
                    "user_id": user.id,
                }
                for user in users
            ]
        # quick update: the message above already told them, without one e-mail per activity
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(activities)

    def _escalate_to_coordinator(self):
        todo = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id(self._name)
        coordinators = {}
        activities = []
        for referral in self:
            company = referral.company_id
            if company not in coordinators:
                coordinators[company] = company.social_coordinator_id or self.env[
                    "res.users"
                ].search(
                    [
                        (
                            "groups_id",
                            "in",
                            self.env.ref("social_secretariat.group_social_coordinator").id,
                        ),
                        ("company_ids", "in", company.id),
                        ("share", "=", False),
                        ("id", "!=", self.env.ref("base.user_root").id),
                    ],
                    limit=1,
                )
            coordinator = coordinators[company]
            if coordinator:
                activities.append(
                    {
                        "res_model_id": model_id,
                        "res_id": referral.id,
                        "activity_type_id": todo.id,
                        "summary": self.env._("Overdue referral: not acknowledged in time"),
                        "date_deadline": fields.Date.context_today(self),
                        "user_id": coordinator.id,
                    }
                )
        # quick update: one activity per overdue referral, without one e-mail each
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(activities)
