from datetime import timedelta

from markupsafe import Markup, escape

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date, format_time

from ..tools import guard

# set by the assistant itself: the booking made, and what it says to the person
PROTECTED = {"appointment_id", "confirmation", "state"}
# the relational fields a user sets: each target must be readable by them
LINKS = ("topic_id", "desk_id", "operator_id", "online_request_id", "slot_id")


class SocialAppointmentBookingWizard(models.TransientModel):
    """Book an appointment for a person on the phone or at the desk: find or register the
    person, choose the topic, the desk and a day, pick a free time, read out the confirmation."""

    _name = "social.appointment.booking.wizard"
    _inherit = ["social.workflow.mixin"]
    _description = "Book an appointment"

    state = fields.Selection([("search", "Search"), ("done", "Booked")], default="search")
    person_id = fields.Many2one("social.person", string="Person")
    first_name = fields.Char(string="First name")
    last_name = fields.Char(string="Last name")
    fiscal_code = fields.Char(string="Codice fiscale")
    phone = fields.Char()
    topic_id = fields.Many2one(
        "social.appointment.topic",
        string="Topic",
        default=lambda self: self.env["social.appointment.topic"].search([], limit=1),
    )
    desk_id = fields.Many2one(
        "social.desk",
        string="Desk",
        domain="[('id', 'in', topic_desk_ids)]",
        compute="_compute_desk_id",
        store=True,
        readonly=False,
    )
    topic_desk_ids = fields.Many2many(related="topic_id.desk_ids")
    desk_operator_ids = fields.Many2many(related="desk_id.operator_ids")
    operator_id = fields.Many2one(
        "res.users",
        string="With",
        domain="[('id', 'in', desk_operator_ids)]",
        compute="_compute_operator_id",
        store=True,
        readonly=False,
        help="Empty: the operators are chosen so as to spread the work. Choose one to book with "
        "this operator (for a topic held by two, with a colleague of the other role).",
    )
    day = fields.Date(default=lambda self: fields.Date.context_today(self) + timedelta(days=1))
    channel = fields.Selection(
        # portal: booked for a request the citizen wrote to the online desk
        [("phone", "Phone"), ("desk", "At the desk"), ("portal", "Portal")],
        string="Booked by",
        default="phone",
    )
    online_request_id = fields.Many2one(
        "social.online.request", string="Online request", readonly=True
    )
    request_partner_id = fields.Many2one(related="online_request_id.partner_id")
    slot_ids = fields.One2many("social.appointment.booking.slot", "wizard_id", string="Free times")
    slot_id = fields.Many2one(
        "social.appointment.booking.slot", string="Time", domain="[('wizard_id', '=', id)]"
    )
    search_message = fields.Char(readonly=True)
    appointment_id = fields.Many2one("social.appointment", readonly=True)
    confirmation = fields.Text(readonly=True)
    can_send = fields.Boolean(compute="_compute_can_send")

    @api.model_create_multi
    def create(self, vals_list):
        if not guard.trusted(self.env):
            for vals in vals_list:
                guard.check_protected(
                    self,
                    {k: v for k, v in vals.items() if v and (k, v) != ("state", "search")},
                    PROTECTED,
                )
        for vals in vals_list:
            self._check_links(vals)
        return super().create(vals_list)

    def write(self, vals):
        guard.check_protected(self, vals, PROTECTED)
        self._check_links(vals)
        return super().write(vals)

    def _check_links(self, vals):
        # the person and the request are shown back by name: only records the user may read
        if guard.trusted(self.env):
            return
        self.env["social.person"]._check_linkable([vals.get("person_id")])
        guard.check_links(self, vals, LINKS)

    @api.depends("topic_id")
    def _compute_desk_id(self):
        for wizard in self:
            desks = wizard.topic_id.desk_ids
            if wizard.desk_id not in desks:
                mine = desks & self.env.user.social_desk_ids
                wizard.desk_id = (mine or desks)[:1]

    @api.depends("desk_id")
    def _compute_operator_id(self):
        for wizard in self:
            if wizard.operator_id not in wizard.desk_id.operator_ids:
                wizard.operator_id = False

    @api.depends("appointment_id.person_id.email")
    def _compute_can_send(self):
        for wizard in self:
            wizard.can_send = bool(wizard._person_email())

    def _person_email(self):
        if not self.online_request_id:
            return self.appointment_id.person_id.email
        # sudo: booked for an online request, the person's file may be one this user cannot
        # read; their e-mail address is the requester's, whom this user is answering
        return self.appointment_id.sudo().person_id.email

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Book an appointment"),
        }

    def action_search_slots(self):
        """The free times of the day; if there are none, of the first day that has some."""
        self.ensure_one()
        if not self.topic_id or not self.desk_id or not self.day:
            raise UserError(self.env._("Choose a topic, a desk and a day."))
        topic = self.topic_id
        operator = self.operator_id or None
        slots = topic._get_free_slots(
            self.desk_id, self.day, self.day, operator=operator, person=self.person_id
        )
        self.search_message = False
        if not slots:
            horizon = fields.Date.context_today(self) + timedelta(days=topic.horizon_days)
            later = topic._get_free_slots(
                self.desk_id, self.day, horizon, operator=operator, person=self.person_id
            )
            if later:
                first_day = later[0]["start_local"].date()
                slots = [s for s in later if s["start_local"].date() == first_day]
                self.search_message = self.env._(
                    "No free time on %(day)s: here is the first day with free times.",
                    day=format_date(self.env, self.day),
                )
                self.day = first_day
            else:
                self.search_message = self.env._(
                    "No free time at this desk before the end of the booking horizon."
                )
        users = self.env["res.users"].sudo()
        self.slot_id = False
        self.slot_ids = [Command.clear()] + [
            Command.create(
                {
                    "start": slot["start"],
                    "stop": slot["stop"],
                    "name": "%s · %s"
                    % (
                        format_time(self.env, slot["start_local"].time(), time_format="HH:mm"),
                        ", ".join(users.browse(slot["operator_ids"]).mapped("name")),
                    ),
                    "operator_ids": [Command.set(slot["operator_ids"])],
                }
            )
            for slot in slots
        ]
        self.slot_id = self.slot_ids[:1]
        return self._reopen()

    def _get_or_create_person(self):
        if self.person_id:
            return self.person_id
        if not (self.first_name and self.last_name):
            raise UserError(
                self.env._("Choose the person, or give at least their first and last name.")
            )
        return self.env["social.person"].create(
            {
                "first_name": self.first_name,
                "last_name": self.last_name,
                "fiscal_code": self.fiscal_code or False,
                "phone": self.phone or False,
            }
        )

    def action_confirm(self):
        self.ensure_one()
        if not self.slot_id:
            raise UserError(self.env._("Choose one of the free times."))
        request = self.online_request_id
        if request:
            request._check_can_book_appointment()
            # what is booked under sudo below must be what this user may see and choose
            self.topic_id.check_access("read")
            self.desk_id.check_access("read")
            if self.desk_id.company_id != request.company_id:
                raise UserError(
                    self.env._(
                        "The desk %(desk)s does not belong to the Ambito of the request.",
                        desk=self.desk_id.name,
                    )
                )
        elif self.channel == "portal":
            raise UserError(
                self.env._(
                    "Booked by “Portal” is for an appointment booked for a request to the "
                    "online desk: choose phone or desk."
                )
            )
        slot = self.slot_id
        # all or nothing: a refused booking leaves no new person file and the request as it was
        with self.env.cr.savepoint():
            if request:
                # the requester, found from the request itself (never a person sent by the form):
                # their file, or a new one linked to their contact, so that their portal shows
                # the appointment
                person = request._find_person() or request._get_or_create_person()
            else:
                person = self._get_or_create_person()
            topic, desk, values = self.topic_id, self.desk_id, {}
            if request:
                # sudo: the requester's own file may be one this user has never met (created
                # when the citizen booked online, say), which the booking must read; the request,
                # which this user may handle (checked above), identifies the file as theirs
                topic, desk, person = topic.sudo(), desk.sudo(), person.sudo()
                values["online_request_id"] = request.id
            appointment = topic._book(
                person, desk, slot.start, self.channel, operator_ids=slot.operator_ids.ids, **values
            )
            if request:
                request._appointment_booked(appointment)
        # the workflow: the booking made above (for a request, the requester's file, which may
        # be hidden from this user, identified by the request)
        self._workflow_write(
            {
                "person_id": person.id,
                "appointment_id": appointment.id,
                "confirmation": appointment._confirmation_text(),
                "state": "done",
            }
        )
        return self._reopen()

    def action_send_confirmation(self):
        self.ensure_one()
        appointment = self.appointment_id
        email = self._person_email()
        if not email:
            raise UserError(self.env._("The person has no e-mail address."))
        body = Markup("<br/>").join(escape(line) for line in self.confirmation.splitlines())
        appointment.message_post(
            body=body,
            subject=self.env._("Your appointment %(name)s", name=appointment.name),
            partner_ids=appointment.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("Confirmation sent to %(email)s.", email=email),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_open_appointment(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "social.appointment",
            "res_id": self.appointment_id.id,
            "view_mode": "form",
            "target": "current",
        }


class SocialAppointmentBookingSlot(models.TransientModel):
    _name = "social.appointment.booking.slot"
    _description = "Free time offered by the booking assistant"
    _order = "start"

    wizard_id = fields.Many2one(
        "social.appointment.booking.wizard", required=True, ondelete="cascade"
    )
    name = fields.Char(required=True)
    start = fields.Datetime(required=True)
    stop = fields.Datetime(required=True)
    operator_ids = fields.Many2many(
        "res.users",
        "social_appointment_booking_slot_user_rel",
        "slot_id",
        "user_id",
        string="Operators",
    )
