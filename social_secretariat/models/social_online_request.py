from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

OPEN_STATES = ("new", "assigned")


class SocialOnlineRequest(models.Model):
    """A request written to the online desk from the portal. The conversation goes through
    the portal chatter; staff answer within a first-answer deadline in working hours and
    turn the request into a listening session (or an appointment)."""

    _name = "social.online.request"
    _description = "Online request (Richiesta online)"
    _inherit = ["mail.thread", "mail.activity.mixin", "portal.mixin"]
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
    partner_id = fields.Many2one(
        "res.partner", string="Requester", required=True, index=True, ondelete="restrict"
    )
    person_id = fields.Many2one("social.person", string="Person", index=True)
    desk_id = fields.Many2one("social.desk", string="Online desk", index=True, tracking=True)
    user_id = fields.Many2one(
        "res.users", string="Assigned to", tracking=True, domain="[('share', '=', False)]"
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
    session_id = fields.Many2one("social.listening.session", readonly=True, copy=False)

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for request in self:
            request.access_url = f"/my/social/requests/{request.id}"
        return result

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

    @api.model_create_multi
    def create(self, vals_list):
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
        now = fields.Datetime.now()
        for request in requests:
            request.answer_deadline = request._compute_answer_deadline(now)
            partners = request.desk_id.operator_ids.partner_id
            if partners:
                request.message_subscribe(partner_ids=partners.ids)
        return requests

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

    def action_assign_to_me(self):
        self.filtered(lambda r: r.state == "new").write({"state": "assigned"})
        self.write({"user_id": self.env.uid})
        return True

    def action_close(self):
        if any(request.state in ("converted", "closed") for request in self):
            raise UserError(self.env._("This request is already taken on or closed."))
        self.write({"state": "closed"})
        return True

    def _get_or_create_person(self):
        self.ensure_one()
        if self.person_id:
            return self.person_id
        Person = self.env["social.person"]
        person = Person.search([("partner_id", "=", self.partner_id.id)], limit=1)
        if not person:
            names = (self.partner_id.name or "").split(" ", 1)
            person = Person.create(
                {
                    "partner_id": self.partner_id.id,
                    "first_name": names[0],
                    "last_name": names[1] if len(names) > 1 else names[0],
                    "company_id": self.company_id.id,
                }
            )
        self.person_id = person
        return person

    def action_convert_to_session(self):
        """Take the request on: a draft listening session with the request as expressed."""
        self.ensure_one()
        if self.state in ("converted", "closed"):
            raise UserError(self.env._("This request is already taken on or closed."))
        if not self.desk_id:
            raise UserError(self.env._("Online desk: choose the desk that takes the request on."))
        person = self._get_or_create_person()
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
        self.write(
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
