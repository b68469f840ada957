from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools import guard, text
from .social_person import AGE_BANDS, CITIZENSHIP_GROUPS, GENDERS

CHANNELS = [
    ("in_person", "In person"),
    ("phone", "Phone"),
    ("email", "E-mail"),
    ("online", "Online"),
    ("home_visit", "Home visit"),
    ("outreach", "Outreach"),
]
OUTCOMES = [
    ("information", "Information"),
    ("orientation", "Orientation"),
    ("referral", "Referral"),
    ("activation", "Activation of a service"),
    ("taken_into_care", "Taken into care"),
    ("none", "No further action"),
]
# Fields that stay writable once a session is done.
DONE_WRITABLE = {"follow_up_date", "follow_up_activity_id", "person_id", "referral_ids", "active"}
# written by the actions and the server only (see tools/guard.py): the follow-up activity is
# the session's own, which the session moves or deletes with its follow-up date
PROTECTED = {"state", "is_special_category", "is_anonymous", "follow_up_activity_id"}
# the relational fields a user sets: each target must be readable by them
LINKS = (
    "desk_id", "company_id", "operator_ids", "anon_municipality_id", "sent_by_partner_id",
    "need_ids", "service_ids",
)  # fmt: skip
FUTURE_TOLERANCE = timedelta(minutes=10)


class SocialListeningSession(models.Model):
    _name = "social.listening.session"
    _description = "Listening session (Colloquio / scheda di primo contatto)"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Number", readonly=True, copy=False, default="/", index=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True, tracking=True)
    duration = fields.Float(string="Duration (hours)", default=0.5)
    desk_id = fields.Many2one(
        "social.desk",
        string="Desk",
        required=True,
        index=True,
        tracking=True,
        default=lambda self: self.env.user.social_desk_ids[:1],
        domain="[('company_id', '=', company_id)]",
    )
    company_id = fields.Many2one(
        "res.company",
        string="Ambito",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    channel = fields.Selection(CHANNELS, required=True, default="in_person", tracking=True)
    operator_ids = fields.Many2many(
        "res.users",
        "social_session_operator_rel",
        "session_id",
        "user_id",
        string="Operators",
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    person_id = fields.Many2one(
        "social.person", string="Person", index=True, tracking=True, check_company=True
    )
    is_anonymous = fields.Boolean(compute="_compute_is_anonymous", store=True)
    anon_age_band = fields.Selection(AGE_BANDS, string="Age band")
    anon_gender = fields.Selection(GENDERS, string="Gender")
    anon_municipality_id = fields.Many2one("social.municipality", string="Municipality")
    anon_citizenship_group = fields.Selection(CITIZENSHIP_GROUPS, string="Citizenship")
    interlocutor_name = fields.Char(
        string="Interlocutor",
        help="Who spoke for the person (a relative, a neighbour…), if not the person.",
    )
    interlocutor_relation = fields.Selection(
        [
            ("family", "Family member"),
            ("neighbour", "Neighbour or acquaintance"),
            ("professional", "Professional (doctor, teacher…)"),
            ("volunteer", "Volunteer or association"),
            ("other", "Other"),
        ],
        string="Relation",
    )
    interlocutor_organisation = fields.Char(string="Organisation")
    sent_by = fields.Selection(
        [
            ("self", "Came on their own"),
            ("word_of_mouth", "Word of mouth"),
            ("municipality", "Municipal office"),
            ("health", "Health services (GP, hospital)"),
            ("school", "School"),
            ("partner", "Network partner"),
            ("police", "Police or court"),
            ("other", "Other"),
        ],
        string="Referred by",
    )
    sent_by_partner_id = fields.Many2one("res.partner", string="Referring organisation")
    request = fields.Text(string="Request as expressed")
    need_ids = fields.Many2many(
        "social.need",
        "social_session_need_rel",
        "session_id",
        "need_id",
        string="Needs as decoded",
    )
    is_special_category = fields.Boolean(
        compute="_compute_is_special_category", store=True, index=True
    )
    information_given = fields.Text(string="Information given")
    service_ids = fields.Many2many(
        "social.service",
        "social_session_service_rel",
        "session_id",
        "service_id",
        string="Oriented to",
    )
    suggested_service_ids = fields.Many2many(
        "social.service", string="Suggested services", compute="_compute_suggested_service_ids"
    )
    referral_ids = fields.One2many("social.referral", "session_id", string="Referrals")
    outcome = fields.Selection(OUTCOMES, tracking=True)
    follow_up_date = fields.Date(string="Follow up on", tracking=True)
    follow_up_activity_id = fields.Many2one("mail.activity", readonly=True, copy=False)
    confidential_notes = fields.Text(
        string="Confidential notes", groups="social_secretariat.group_social_worker"
    )
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Done"), ("cancelled", "Cancelled")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    active = fields.Boolean(default=True)

    # ------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------

    @api.depends("person_id")
    def _compute_is_anonymous(self):
        for session in self:
            session.is_anonymous = not session.person_id

    @api.depends("need_ids.is_special_category")
    def _compute_is_special_category(self):
        for session in self:
            session.is_special_category = any(session.need_ids.mapped("is_special_category"))

    @api.depends("need_ids", "person_id.birth_date", "person_id.residence_municipality_id")
    def _compute_suggested_service_ids(self):
        services = self.env["social.service"]
        for session in self:
            person = session.person_id
            session.suggested_service_ids = services._suggest(
                session.need_ids,
                age=person.age if person.birth_date else None,
                municipality=person.residence_municipality_id or session.anon_municipality_id,
            )

    @api.depends("name", "person_id")
    @api.depends_context("uid")
    def _compute_display_name(self):
        # Odoo reads the display name of a linked record as superuser (a referral's or an
        # appointment's session): the person's name only for a user who may see it
        visible = guard.person_visible(self)
        for session in self:
            if not session._origin.id or session.name in (False, "/"):
                # a session still being written has no number: "/ – anonymous" told nothing
                session.display_name = self.env._("New session")
                continue
            if not session.person_id:
                who = self.env._("anonymous")
            elif session in visible:
                who = session.person_id.name
            else:
                who = self.env._("person not visible to you")
            session.display_name = f"{session.name} – {who}"

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("date")
    def _check_date(self):
        limit = fields.Datetime.now() + FUTURE_TOLERANCE
        for session in self:
            if session.date > limit:
                raise ValidationError(
                    self.env._(
                        "Date of session %(name)s is in the future: a listening session records a "
                        "contact that took place. Use an appointment to plan one.",
                        name=session.name,
                    )
                )

    @api.constrains("duration")
    def _check_duration(self):
        for session in self:
            if session.duration < 0 or session.duration > 12:
                raise ValidationError(self.env._("Duration: between 0 and 12 hours."))

    @api.constrains("desk_id", "company_id")
    def _check_company(self):
        for session in self:
            if session.desk_id.company_id != session.company_id:
                raise ValidationError(
                    self.env._(
                        "The desk %(desk)s belongs to another Ambito.", desk=session.desk_id.name
                    )
                )

    def _check_desks_active(self, desk_id):
        self.env["social.desk"].browse(desk_id)._ensure_active(
            self.env._("Desk: %(desk)s is archived and cannot receive new sessions.")
        )

    def _check_links(self, vals):
        """What a user may link a session to: records they can read (see guard.check_links),
        in the session's Ambito (see _check_link_scope); desks they work at."""
        guard.check_links(self, vals, LINKS)
        if vals.get("desk_id") and not guard.trusted(self.env):
            guard.check_desk(
                self.env,
                self.env["social.desk"].browse(vals["desk_id"]),
                self.env._("Desk: you do not work at %(desk)s, where the session would be."),
            )

    def _check_link_scope(self):
        if self.env.su:
            return
        for session in self:
            for name in ("need_ids", "service_ids", "anon_municipality_id"):
                guard.check_company(session, name, session.company_id)
            guard.check_staff(
                session,
                {"operator_ids": [fields.Command.set(session.operator_ids.ids)]},
                "operator_ids",
                session.company_id,
            )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        text.clean_vals(self, vals_list, names=("interlocutor_name",))
        if not guard.trusted(self.env):
            # the defaults a client can send in the context are checked as any other value
            # (the Ambito, if not given, still comes from the desk below)
            vals_list = guard.with_client_defaults(self, vals_list)
            for vals in vals_list:
                if vals.get("state", "draft") == "draft":
                    vals.pop("state", None)
                guard.check_protected(self, vals, PROTECTED)
        self.env["social.person"]._check_linkable([vals.get("person_id") for vals in vals_list])
        for vals in vals_list:
            self._check_links(vals)
            if vals.get("desk_id"):
                self._check_desks_active(vals["desk_id"])
                if not vals.get("company_id"):
                    vals["company_id"] = (
                        self.env["social.desk"].browse(vals["desk_id"]).company_id.id
                    )
            if vals.get("name", "/") == "/":
                vals["name"] = (
                    self.env["ir.sequence"].next_by_code("social.listening.session") or "/"
                )
        sessions = super().create(vals_list)
        sessions._check_link_scope()
        sessions._flush_met()
        sessions.filtered("follow_up_date")._sync_follow_up_activity()
        return sessions

    def write(self, vals):
        text.clean_vals(self, vals, names=("interlocutor_name",))
        guard.check_protected(self, vals, PROTECTED)
        if vals.get("person_id"):
            self.env["social.person"]._check_linkable([vals["person_id"]])
        self._check_links(vals)
        if vals.get("desk_id"):
            self._check_desks_active(vals["desk_id"])
            if not guard.trusted(self.env):
                for session in self.filtered(lambda s: s.desk_id.id != vals["desk_id"]):
                    guard.check_desk(
                        self.env,
                        session.desk_id,
                        self.env._(
                            "Desk: you do not work at %(desk)s: only its staff or a coordinator "
                            "can move its sessions."
                        ),
                    )
        # the anonymisation (guard.workflow) clears the free text of done sessions too
        if not guard.in_workflow():
            self._check_done_readonly(vals)
        res = super().write(vals)
        if {"need_ids", "service_ids", "anon_municipality_id", "operator_ids"} & set(vals):
            self._check_link_scope()
        if {"person_id", "desk_id", "operator_ids"} & set(vals):
            self._flush_met()
        if "follow_up_date" in vals:
            self._sync_follow_up_activity()
        return res

    def _check_done_readonly(self, vals):
        done = self.filtered(lambda s: s.state == "done")
        if not done:
            return
        if "person_id" in vals:
            relinked = done.filtered(lambda s: s.person_id and s.person_id.id != vals["person_id"])
            if relinked:
                raise UserError(
                    self.env._(
                        "Session %(name)s is done: its person cannot be changed.",
                        name=relinked[0].name,
                    )
                )
        locked = {
            name
            for name in vals
            if name not in DONE_WRITABLE and not name.startswith(("message_", "activity_"))
        }
        if "state" in locked and vals.get("state") == "done":
            locked.discard("state")
        if locked:
            labels = ", ".join(sorted(self._fields[f].string for f in locked if f in self._fields))
            raise UserError(
                self.env._(
                    "Session %(name)s is done and cannot be changed (%(fields)s). Only the follow-up "
                    "can still be set.",
                    name=", ".join(done.mapped("name")),
                    fields=labels,
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(session.state == "done" for session in self):
            raise UserError(
                self.env._(
                    "A done session cannot be deleted: it is part of the record of the service."
                )
            )

    def _flush_met(self):
        # the operators' record rule on persons reads these stored fields: compute them now,
        # so that the person is visible at the desk within the same transaction
        self.person_id.flush_recordset(["met_desk_ids", "met_operator_ids"])

    def _sync_follow_up_activity(self):
        todo = self.env.ref("mail.mail_activity_data_todo")
        for session in self:
            activity = session.follow_up_activity_id
            if not session.follow_up_date:
                if activity:
                    activity.unlink()
                continue
            if activity.exists():
                activity.date_deadline = session.follow_up_date
                continue
            # the session's own activity: set by the server only (see PROTECTED)
            with guard.workflow():
                session.follow_up_activity_id = session.activity_schedule(
                    activity_type_id=todo.id,
                    date_deadline=session.follow_up_date,
                    summary=self.env._("Follow-up"),
                    user_id=(session.operator_ids[:1] or self.env.user).id,
                )

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def _check_handler(self):
        """The transitions are for the session's own staff: its operators, who recorded it, the
        staff of its desk and the coordinators, whoever calls (a button or RPC)."""
        self.check_access("write")
        if self.env.su:
            return
        user = self.env.user
        for session in self:
            if not (
                user in session.operator_ids
                or session.create_uid == user
                or guard.is_desk_staff(self.env, session.desk_id)
            ):
                raise AccessError(
                    self.env._(
                        "Session %(name)s is handled by its operators and the staff of %(desk)s.",
                        name=session.name,
                        desk=session.desk_id.name,
                    )
                )

    def action_done(self):
        self._check_handler()
        for session in self:
            if session.state != "draft":
                raise UserError(
                    self.env._("Only a draft session can be marked done (%s).", session.name)
                )
            missing = []
            if not session.need_ids:
                missing.append(self._fields["need_ids"].string)
            if not session.outcome:
                missing.append(self._fields["outcome"].string)
            if not session.operator_ids:
                missing.append(self._fields["operator_ids"].string)
            if missing:
                raise UserError(
                    self.env._(
                        "Session %(name)s cannot be closed yet: fill in %(fields)s.",
                        name=session.name,
                        fields=", ".join(missing),
                    )
                )
        with guard.workflow():
            self.write({"state": "done"})
        return True

    def action_cancel(self):
        self._check_handler()
        if any(session.state != "draft" for session in self):
            raise UserError(self.env._("Only a draft session can be cancelled."))
        with guard.workflow():
            self.write({"state": "cancelled"})
        return True

    def action_reset_draft(self):
        self._check_handler()
        if any(session.state != "cancelled" for session in self):
            raise UserError(self.env._("Only a cancelled session can go back to draft."))
        with guard.workflow():
            self.write({"state": "draft"})
        return True

    def action_add_suggested_services(self):
        for session in self:
            session.service_ids |= session.suggested_service_ids
        return True

    def action_new_referral(self):
        self.ensure_one()
        if not self.person_id:
            raise UserError(self.env._("Link the session to a person before referring the case."))
        return {
            "type": "ir.actions.act_window",
            "res_model": "social.referral",
            "view_mode": "form",
            "context": {
                "default_session_id": self.id,
                "default_person_id": self.person_id.id,
                "default_origin_type": "desk",
                "default_origin_desk_id": self.desk_id.id,
                "default_target_service_id": self.service_ids[:1].id,
            },
        }
