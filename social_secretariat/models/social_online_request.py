from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_datetime

from ..tools import guard, text

OPEN_STATES = ("new", "assigned")
# written by the actions and the server only (see tools/guard.py)
PROTECTED = {"state", "answer_deadline", "first_answer_date", "session_id", "access_token"}
# the relational fields a user sets: each target must be readable by them
LINKS = ("need_id", "partner_id", "desk_id", "user_id", "company_id")


class SocialOnlineRequest(models.Model):
    """A request written to the online desk from the portal. The conversation goes through
    the portal chatter; staff answer within a first-answer deadline in working hours and
    turn the request into a listening session (or an appointment)."""

    _name = "social.online.request"
    _description = "Online request (Richiesta online)"
    _inherit = ["mail.thread", "mail.activity.mixin", "portal.mixin", "social.workflow.mixin"]
    _order = "id desc"
    # citizens answer in the portal chatter with read access to their own request
    _mail_post_access = "read"

    name = fields.Char(string="Number", readonly=True, copy=False, default="/", index=True)
    subject = fields.Char(required=True, tracking=True)
    message = fields.Text(required=True)
    need_id = fields.Many2one(
        "social.need", string="Area of need", domain="[('parent_id', '=', False)]", tracking=True
    )
    preferred_channel = fields.Selection(
        [("phone", "Phone"), ("email", "E-mail"), ("portal", "Reply here, on the portal")],
        string="Preferred contact",
        default="portal",
        required=True,
    )
    preferred_time = fields.Selection(
        [("morning", "Morning"), ("afternoon", "Afternoon"), ("any", "Any time")],
        string="Best time to contact",
        default="any",
        required=True,
    )
    callback_phone = fields.Char(
        string="Phone to call back",
        help="Asked on the portal when the citizen chooses to be called.",
    )
    partner_id = fields.Many2one(
        "res.partner", string="Requester", required=True, index=True, ondelete="restrict"
    )
    # staff only (as user_id and session_id): the citizen reads what they wrote and the answers
    person_id = fields.Many2one(
        "social.person",
        string="Person",
        index=True,
        groups="social_secretariat.group_social_operator",
    )
    desk_id = fields.Many2one("social.desk", string="Online desk", index=True, tracking=True)
    user_id = fields.Many2one(
        "res.users",
        string="Assigned to",
        tracking=True,
        domain="[('share', '=', False)]",
        groups="social_secretariat.group_social_operator",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    state = fields.Selection(
        [
            ("new", "New"),
            ("assigned", "Assigned"),
            ("answered", "Answered"),
            ("converted", "Taken on"),
            ("closed", "Closed"),
        ],
        default="new",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
        index=True,
    )
    answer_deadline = fields.Datetime(string="First answer by", readonly=True, copy=False)
    first_answer_date = fields.Datetime(readonly=True, copy=False)
    is_late = fields.Boolean(string="Late", compute="_compute_is_late", search="_search_is_late")
    session_id = fields.Many2one(
        "social.listening.session",
        readonly=True,
        copy=False,
        groups="social_secretariat.group_social_operator",
    )
    # staff only: citizens read their request, not the staff's appointment records
    appointment_ids = fields.One2many(
        "social.appointment",
        "online_request_id",
        string="Appointments",
        groups="social_secretariat.group_social_operator",
    )
    appointment_count = fields.Integer(
        compute="_compute_appointment_count", groups="social_secretariat.group_social_operator"
    )

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for request in self:
            request.access_url = f"/my/social/requests/{request.id}"
        return result

    def _compute_appointment_count(self):
        groups = self.env["social.appointment"]._read_group(
            [("online_request_id", "in", self.ids)], ["online_request_id"], ["__count"]
        )
        counts = {request.id: count for request, count in groups}
        for request in self:
            request.appointment_count = counts.get(request.id, 0)

    @api.depends("answer_deadline", "first_answer_date", "state")
    def _compute_is_late(self):
        now = fields.Datetime.now()
        for request in self:
            request.is_late = bool(
                request.state in OPEN_STATES
                and not request.first_answer_date
                and request.answer_deadline
                and request.answer_deadline < now
            )

    def _search_is_late(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on “Late”."))
        late = [
            ("state", "in", OPEN_STATES),
            ("first_answer_date", "=", False),
            ("answer_deadline", "<", fields.Datetime.now()),
        ]
        return late if (operator == "=") == value else ["!", *late]

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def _check_links(self, vals):
        """What a user may link a request to: records they can read (see guard.check_links),
        in the request's Ambito; the person, only the requester's file (_check_link_scope)."""
        guard.check_links(self, vals, LINKS)

    def _check_link_scope(self):
        if self.env.su:
            return
        for request in self:
            for name in ("need_id", "desk_id"):
                guard.check_company(request, name, request.company_id)
            # the request is taken on at its desk (a session there): an online desk only
            if request.desk_id and request.desk_id.kind != "online":
                raise UserError(
                    self.env._(
                        "Online desk: %(desk)s is not an online desk.", desk=request.desk_id.name
                    )
                )
            guard.check_staff(
                request,
                {"user_id": request.user_id.id},
                "user_id",
                request.company_id,
            )
            # sudo: the link is compared, not shown
            person = request.sudo().person_id
            if person and (
                person.partner_id != request.partner_id or person.company_id != request.company_id
            ):
                raise UserError(
                    self.env._(
                        "Person: the file linked to a request must be the requester's, in the "
                        "request's Ambito."
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        text.clean_vals(self, vals_list)
        if not guard.trusted(self.env):
            # the defaults a client can send in the context are checked as any other value
            vals_list = [self._add_missing_default_values(vals) for vals in vals_list]
            for vals in vals_list:
                # a new request: the rest comes from the workflow
                guard.check_protected(
                    self,
                    {k: v for k, v in vals.items() if v and (k, v) != ("state", "new")},
                    PROTECTED,
                )
                self._check_links(vals)
        # citizens: so many requests a day (each one notifies the desk)
        self.env["social.rate.limit"]._take_online_requests(len(vals_list))
        self.env["social.person"]._check_linkable([vals.get("person_id") for vals in vals_list])
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("social.online.request") or "/"
            if not vals.get("desk_id"):
                desk = self.env["social.desk"].search(
                    [
                        ("kind", "=", "online"),
                        ("company_id", "=", vals.get("company_id") or self.env.company.id),
                    ],
                    limit=1,
                )
                vals["desk_id"] = desk.id
        requests = super().create(vals_list)
        requests._check_link_scope()
        now = fields.Datetime.now()
        for request in requests:
            with guard.workflow():
                request.answer_deadline = request._compute_answer_deadline(now)
            request._notify_team()
        return requests

    def _requester_municipality(self):
        """Where the requester lives, as far as the Ambito knows: their file's domicile or
        residence, else the city of their contact when it names a municipality."""
        self.ensure_one()
        # sudo: read to route the request, not shown; a citizen cannot read their own file's
        # staff fields, and the request is routed whoever writes it
        person = self.sudo().person_id or self.sudo().partner_id.social_person_id
        municipality = person.domicile_municipality_id or person.residence_municipality_id
        city = (self.sudo().partner_id.city or "").strip()  # sudo: as above
        if not municipality and city:
            municipality = (
                self.env["social.municipality"]
                .sudo()  # sudo: routing reads municipalities whoever writes (see above)
                .search(
                    [("name", "=ilike", city), ("company_id", "in", [self.company_id.id, False])],
                    limit=1,
                )
            )
        return municipality

    def _notify_team(self):
        """A new request reaches people, not only a queue: the online desk's team follows it,
        and those of them who staff a desk in the requester's municipality (else the whole
        team) are told at once, in their inbox or by e-mail as each prefers."""
        self.ensure_one()
        # sudo: the citizen who writes cannot read the desk's staff
        team = self.sudo().desk_id.operator_ids
        if not team:
            return
        self.message_subscribe(partner_ids=team.partner_id.ids)
        municipality = self._requester_municipality()
        local = team.filtered(
            lambda user: municipality
            # sudo: the citizen who writes cannot read the staff's desks
            and municipality in user.sudo().social_desk_ids.municipality_id
        )
        recipients = (local or team).partner_id
        lang = recipients[:1].lang or self.env.lang
        body = self.with_context(lang=lang).env._(
            "New request from the online desk: %(subject)s. First answer due by %(deadline)s.",
            subject=self.subject,
            deadline=format_datetime(
                self.env,
                self.answer_deadline,
                tz=self.desk_id._tz(),
                dt_format="short",
                lang_code=lang,
            ),
        )
        # sudo: the citizen who writes may not address staff; the note is the system's, internal
        self.sudo().message_post(
            body=body,
            author_id=self.env.ref("base.partner_root").id,
            message_type="notification",
            subtype_xmlid="mail.mt_note",
            partner_ids=recipients.ids,
        )

    def _compute_answer_deadline(self, start):
        """The first answer is due within the company's working hours on the desk's calendar."""
        self.ensure_one()
        hours = self.company_id.social_request_answer_hours
        calendar = self.desk_id.resource_calendar_id or self.company_id.resource_calendar_id
        if calendar:
            deadline = calendar.plan_hours(hours, start, compute_leaves=True)
            if deadline:
                return deadline.replace(tzinfo=None)
        return start + timedelta(hours=hours)

    def _message_post_after_hook(self, message, msg_vals):
        # the first public answer by the staff stops the clock
        author = message.author_id
        if (
            not self.first_answer_date
            and message.message_type == "comment"
            and message.subtype_id == self.env.ref("mail.mt_comment")
            and author
            and author != self.partner_id
            and author.user_ids.filtered(lambda u: not u.share)
        ):
            values = {"first_answer_date": fields.Datetime.now()}
            if self.state in OPEN_STATES:
                values["state"] = "answered"
            self.sudo().write(values)  # sudo: the answer may come from any staff member
        return super()._message_post_after_hook(message, msg_vals)

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def _check_handler(self):
        """The transitions are for the staff who handle the request: whom it is assigned to,
        the staff of its online desk (any staff while it has none), the social workers (who
        answer the requests of every desk) and the coordinators, whoever calls (a button or
        RPC)."""
        if not self.env.su and not self.env.user.has_group(
            "social_secretariat.group_social_operator"
        ):
            raise AccessError(
                self.env._("Only the staff of the social secretariat handle online requests.")
            )
        self.check_access("write")
        if self.env.su or self.env.user.has_group("social_secretariat.group_social_worker"):
            return
        for request in self:
            if request.user_id == self.env.user or guard.is_desk_staff(self.env, request.desk_id):
                continue
            raise AccessError(
                self.env._(
                    "Request %(name)s is handled by the staff of %(desk)s or by whom it is "
                    "assigned to.",
                    name=request.name,
                    desk=request.desk_id.name,
                )
            )

    def _check_open(self):
        if any(request.state in ("converted", "closed") for request in self):
            raise UserError(self.env._("This request is already taken on or closed."))

    def action_assign_to_me(self):
        self._check_handler()
        self._check_open()
        self.filtered(lambda r: r.state == "new")._workflow_write({"state": "assigned"})
        self.write({"user_id": self.env.uid})
        return True

    def action_close(self):
        self._check_handler()
        self._check_open()
        self._workflow_write({"state": "closed"})
        return True

    def _get_or_create_person(self):
        self.ensure_one()
        if self.person_id:
            return self.person_id
        person = self.env["social.person"]._find_or_create_for_partner(
            self.partner_id, self.company_id
        )
        self.person_id = person
        return person

    def action_convert_to_session(self):
        """Take the request on: a draft listening session with the request as expressed."""
        self.ensure_one()
        self._check_handler()
        self._check_open()
        if not self.desk_id:
            raise UserError(self.env._("Online desk: choose the desk that takes the request on."))
        person = self._get_or_create_person()
        # the workflow: the handler of the request (checked above) takes it on at its desk
        with guard.workflow():
            session = self.env["social.listening.session"].create(
                {
                    "desk_id": self.desk_id.id,
                    "channel": "online",
                    "person_id": person.id,
                    "request": f"{self.subject}\n\n{self.message}",
                    "need_ids": [fields.Command.set(self.need_id.ids)],
                    "operator_ids": [fields.Command.set(self.env.user.ids)],
                }
            )
        self._workflow_write(
            {
                "session_id": session.id,
                "state": "converted",
                "user_id": self.user_id.id or self.env.uid,
            }
        )
        self.message_post(
            body=self.env._("Your request has been taken on by the social secretariat."),
            subtype_xmlid="mail.mt_comment",
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "social.listening.session",
            "res_id": session.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------
    # Appointment: the request taken on by booking one
    # ------------------------------------------------------------

    def _check_can_book_appointment(self):
        """Staff who may handle the request, while it is open (as for a listening session)."""
        if not self.env.user.has_group("social_secretariat.group_social_operator"):
            raise AccessError(
                self.env._(
                    "Only the staff of the social secretariat can book an appointment for a "
                    "request."
                )
            )
        # the record rules: an operator handles the requests of their desks or assigned to them
        self.check_access("write")
        self._check_handler()
        self._check_open()

    def write(self, vals):
        text.clean_vals(self, vals)
        if "partner_id" in vals and not self.env.su:
            raise UserError(self.env._("The requester of a request cannot be changed."))
        guard.check_protected(self, vals, PROTECTED)
        if vals.get("person_id"):
            self.env["social.person"]._check_linkable([vals["person_id"]])
        self._check_links(vals)
        res = super().write(vals)
        if {"need_id", "desk_id", "user_id", "person_id", "company_id"} & set(vals):
            self._check_link_scope()
        return res

    def _written_by_requester(self):
        """Whether the requester wrote this request from the portal (the portal creates it with
        the citizen's own user), rather than staff recording it for a contact of their choice."""
        self.ensure_one()
        author = self.sudo().create_uid
        return author.share and author.partner_id == self.partner_id

    def _find_person(self):
        """The requester's person file, if there is one: the request's, or the one linked to
        the requester's contact. When the citizen wrote the request from the portal, their own
        account identifies the file, which is searched with sudo even if this user has never
        met them (created when the citizen booked online, say): a second file would split their
        history, and the portal, which shows the records of one file, would not show them what
        is booked on the other. For a request staff recorded, only the files this user may
        read: the requester is then just a contact somebody chose."""
        self.ensure_one()
        if self.person_id:
            return self.person_id
        Person = self.env["social.person"]
        domain = [("partner_id", "=", self.partner_id.id), ("company_id", "=", self.company_id.id)]
        if not self._written_by_requester():
            return Person.search(domain, limit=1)
        return Person.sudo().search(domain, limit=1).with_env(self.env)

    def _suggest_appointment_topic(self, person):
        """(topic, desk) to offer first: a topic about the request's area of need, at a desk in
        the person's municipality if one of the topics is offered there. Either may be empty:
        the booking assistant then falls back on its own defaults."""
        self.ensure_one()
        Topic = self.env["social.appointment.topic"]
        Desk = self.env["social.desk"]
        if not self.need_id:
            return Topic, Desk
        topics = Topic.search(
            [
                ("company_id", "=", self.company_id.id),
                # the area of need or any need under it
                ("need_ids", "child_of", self.need_id.id),
                ("desk_ids", "!=", False),
            ]
        )
        places = self.env["social.municipality"]
        # only from a file this user may read: the suggestion must not reveal a hidden address
        if person and person.has_access("read"):
            places = person.residence_municipality_id | person.domicile_municipality_id
        if places:
            for topic in topics:
                near = topic.desk_ids.filtered(lambda d, p=places: d.municipality_id in p)
                if near:
                    return topic, ((near & self.env.user.social_desk_ids) or near)[:1]
        return topics[:1], Desk

    def action_book_appointment(self):
        """Take the request on by booking an appointment: the staff booking assistant, filled
        in from the request (the requester, a topic about their need, the online channel).
        The booking links the appointment to the request and tells the citizen
        (`_appointment_booked`); closing the assistant without booking changes nothing."""
        self.ensure_one()
        self._check_can_book_appointment()
        person = self._find_person()
        topic, desk = self._suggest_appointment_topic(person)
        values = {
            "online_request_id": self.id,
            "person_id": person.id,
            "channel": "portal",
        }
        if topic:
            values["topic_id"] = topic.id
        if desk:
            values["desk_id"] = desk.id
        # the workflow: the requester's file, found from the request (_find_person), may be
        # one this user has not met
        with guard.workflow():
            wizard = self.env["social.appointment.booking.wizard"].create(values)
        return wizard._reopen()

    def _appointment_booked(self, appointment):
        """`appointment` was booked for this request: link the person, take the request on (as
        `action_convert_to_session` does) and tell the citizen in the conversation, which they
        read on the portal: when, where, what to bring, and where to move or cancel it."""
        self.ensure_one()
        if self.person_id != appointment.person_id:
            # sudo: the file was found from the requester's own account (_find_person) or
            # created for them; this user may not read it, which the link check would refuse
            self.sudo().person_id = appointment.person_id
        self._workflow_write({"state": "converted", "user_id": self.user_id.id or self.env.uid})
        # in the citizen's language: the message is written for them
        lang = self.partner_id.lang or self.env.lang
        env = self.with_context(lang=lang).env
        details = appointment.with_context(lang=lang)._confirmation_text()
        body = Markup('<p>%s</p><p>%s</p><p><a href="%s">%s</a></p>') % (
            env._("Your request has been taken on: we have booked an appointment for you."),
            Markup("<br/>").join(details.splitlines()),
            appointment.access_url,
            env._("See your appointment, move it or cancel it"),
        )
        # a public comment (not a note): the citizen sees it in the portal and is notified
        self.message_post(body=body, message_type="comment", subtype_xmlid="mail.mt_comment")

    def action_view_appointments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "social_secretariat.social_appointment_action"
        )
        action.update(
            domain=[("online_request_id", "=", self.id)],
            context={},
            view_mode="list,calendar,form",
            views=[(False, "list"), (False, "calendar"), (False, "form")],
        )
        return action
