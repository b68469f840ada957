from datetime import datetime, time, timedelta

import pytz
from markupsafe import Markup
from psycopg2 import errors as pg_errors

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_date, format_datetime, format_time
from odoo.tools.sql import create_index

from ..tools import guard, text
from ..tools.errors import SlotTakenError

BOOKING_CHANNELS = [
    ("portal", "Portal"),
    ("phone", "Phone"),
    ("desk", "At the desk"),
    ("partner", "Network partner"),
]
# The states in which an appointment holds its time: a no-show still took the operators' time.
HOLDING_STATES = ("booked", "done", "no_show")
# written by the actions and the server only (see tools/guard.py)
PROTECTED = {
    "state", "calendar_event_id", "session_id", "online_request_id", "partner_id", "access_token",
}  # fmt: skip
# the relational fields a user sets: each target must be readable by them
LINKS = ("topic_id", "desk_id", "company_id", "operator_ids")
# what the booking rules (the topic's slot engine) decide on
SLOT_FIELDS = {"start", "stop", "desk_id", "topic_id", "person_id", "operator_ids"}


class SocialAppointment(models.Model):
    _name = "social.appointment"
    _description = "Appointment (Appuntamento)"
    _inherit = ["mail.thread", "mail.activity.mixin", "portal.mixin", "social.workflow.mixin"]
    _order = "start desc, id desc"

    # ------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------

    name = fields.Char(string="Number", readonly=True, copy=False, default="/", index=True)
    person_id = fields.Many2one(
        "social.person",
        string="Person",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
    )
    partner_id = fields.Many2one(
        related="person_id.partner_id", store=True, index=True, string="Contact"
    )
    topic_id = fields.Many2one(
        "social.appointment.topic",
        string="Topic",
        required=True,
        ondelete="restrict",
        tracking=True,
        domain="[('company_id', '=', company_id)]",
    )
    desk_id = fields.Many2one(
        "social.desk",
        string="Desk",
        required=True,
        index=True,
        tracking=True,
        domain="[('company_id', '=', company_id)]",
    )
    start = fields.Datetime(required=True, index=True, tracking=True, copy=False)
    stop = fields.Datetime(
        compute="_compute_stop",
        store=True,
        readonly=False,
        precompute=True,  # computed before the insert: the column is NOT NULL
        required=True,
        copy=False,
    )
    operator_ids = fields.Many2many(
        "res.users",
        "social_appointment_operator_rel",
        "appointment_id",
        "user_id",
        string="Operators",
        domain="[('share', '=', False)]",
        tracking=True,
        # staff only (as the fields below): the portal shows the citizen when and where
        groups="social_secretariat.group_social_operator",
    )
    state = fields.Selection(
        [
            ("booked", "Booked"),
            ("done", "Done"),
            ("no_show", "No-show"),
            ("cancelled", "Cancelled"),
        ],
        default="booked",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    booking_channel = fields.Selection(
        BOOKING_CHANNELS, string="Booked by", required=True, default="desk", tracking=True
    )
    calendar_event_id = fields.Many2one(
        "calendar.event",
        string="Calendar event",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="social_secretariat.group_social_operator",
    )
    session_id = fields.Many2one(
        "social.listening.session",
        string="Session",
        readonly=True,
        copy=False,
        groups="social_secretariat.group_social_operator",
    )
    # the request to the online desk it was booked for (the booking assistant sets it)
    online_request_id = fields.Many2one(
        "social.online.request",
        string="Online request",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        groups="social_secretariat.group_social_operator",
    )
    cancel_reason = fields.Text(string="Reason for cancelling", copy=False)
    # Set by a coordinator with the time, desk or operators, to book outside the booking rules
    # (opening hours, the step, the notice, the operators' time): recorded in the chatter. Only
    # the value sent with the change counts, never one left on the record.
    override_reason = fields.Text(
        string="Reason for booking outside the rules",
        copy=False,
        groups="social_secretariat.group_social_coordinator",
    )
    note = fields.Text(
        string="Notes for the staff", groups="social_secretariat.group_social_operator"
    )
    company_id = fields.Many2one(
        "res.company",
        string="Ambito",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )

    # ------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------

    # not on topic_id.duration: changing a topic must not move the appointments already booked
    @api.depends("start", "topic_id")
    def _compute_stop(self):
        for appointment in self:
            if appointment.start:
                appointment.stop = appointment.topic_id._appointment_stop(appointment.start)

    def _compute_access_url(self):
        for appointment in self:
            appointment.access_url = f"/my/social/appointments/{appointment.id}"

    @api.depends("name", "person_id")
    @api.depends_context("uid")
    def _compute_display_name(self):
        # Odoo reads the display name of a linked record as superuser (a request's
        # appointments, say): the person's name only for a user who may see it
        visible = guard.person_visible(self)
        for appointment in self:
            person = appointment.person_id
            who = person.name if appointment in visible else self.env._("person not visible to you")
            appointment.display_name = f"{appointment.name} – {who if person else ''}"

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("start", "stop")
    def _check_dates(self):
        for appointment in self:
            if appointment.stop <= appointment.start:
                raise ValidationError(
                    self.env._("Appointment %(name)s ends before it starts.", name=appointment.name)
                )

    @api.constrains("desk_id", "topic_id", "person_id", "company_id")
    def _check_company(self):
        for appointment in self:
            for record in (appointment.desk_id, appointment.topic_id, appointment.person_id):
                if record.company_id != appointment.company_id:
                    raise ValidationError(
                        self.env._(
                            "%(record)s belongs to another Ambito.", record=record.display_name
                        )
                    )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def init(self):
        # The slot engine reads the operators' agendas for a window of days (see
        # social.appointment.slot.engine._busy_times). calendar indexes neither the attendees nor
        # the events' times, and every appointment adds an event: without these, the agenda
        # query reads the whole history of both tables at every slot page.
        create_index(
            self.env.cr,
            "social_calendar_attendee_partner_event_idx",
            "calendar_attendee",
            ["partner_id", "event_id"],
        )
        create_index(
            self.env.cr,
            "social_calendar_event_agenda_stop_idx",
            "calendar_event",
            ["stop"],
            where="res_model IS DISTINCT FROM 'social.appointment'",
        )

    def _check_links(self, vals):
        """What a user may link an appointment to: records they can read (see
        guard.check_links), in the appointment's Ambito (see _check_link_scope); a desk they
        work at, whatever the path (the booking assistant, the form, RPC)."""
        guard.check_links(self, vals, LINKS)
        if vals.get("desk_id") and not self.env.su:
            guard.check_desk(
                self.env,
                self.env["social.desk"].browse(vals["desk_id"]),
                self.env._("Desk: you do not work at %(desk)s, where the appointment would be."),
            )
        if vals.get("override_reason") and not self.env.su:
            if not guard.is_coordinator(self.env):
                raise AccessError(
                    self.env._("Only a coordinator can book outside the booking rules.")
                )
            if not vals["override_reason"].strip():
                raise UserError(self.env._("Reason for booking outside the rules: say why."))

    def _check_link_scope(self):
        if self.env.su:
            return
        for appointment in self:
            guard.check_staff(
                appointment,
                {"operator_ids": [Command.set(appointment.operator_ids.ids)]},
                "operator_ids",
                appointment.company_id,
            )

    def _check_booking_rules(self, override_reason=None):
        """The rules the booking assistant obeys, for appointments created or moved by staff
        by any other path: the topic offered at the desk, its opening hours, the step, the
        notice and the horizon, the operators working there and free, the person free, a free
        room. A coordinator may book outside them, giving the reason (recorded in the
        chatter). Called after the write, before the time is taken (_sync_busy)."""
        if self.env.su or guard.in_workflow():
            return
        for appointment in self:
            if override_reason:
                appointment.message_post(
                    body=self.env._(
                        "Booked outside the booking rules by %(user)s (%(when)s, %(desk)s). "
                        "Reason: %(reason)s",
                        user=self.env.user.name,
                        when=appointment._local_start_text(),
                        desk=appointment.desk_id.name,
                        reason=override_reason.strip(),
                    ),
                    message_type="comment",
                    subtype_xmlid="mail.mt_note",
                )
                continue
            topic = appointment.topic_id
            # sudo: the slot engine reads the agendas and working times of the desk's staff
            operators = topic._check_slot(
                appointment.desk_id,
                appointment.start,
                appointment.operator_ids.ids or None,
                person=appointment.person_id,
                ignore_appointment=appointment,
            )
            if appointment.stop != topic._appointment_stop(appointment.start):
                raise UserError(
                    self.env._(
                        "Appointments for %(topic)s last %(minutes)s minutes: the end follows "
                        "from the start.",
                        topic=topic.name,
                        minutes=round(topic.duration * 60),
                    )
                )
            if not appointment.operator_ids:
                with guard.workflow():
                    appointment.operator_ids = operators

    @api.model_create_multi
    def create(self, vals_list):
        text.clean_vals(self, vals_list)
        if not guard.trusted(self.env):
            # the defaults a client can send in the context are checked as any other value
            # (the Ambito, if not given, still comes from the desk below)
            vals_list = guard.with_client_defaults(self, vals_list)
            for vals in vals_list:
                if not vals.get("company_id"):
                    vals.pop("company_id")
                # a new appointment is booked: the rest comes from the workflow
                guard.check_protected(
                    self,
                    {k: v for k, v in vals.items() if v and (k, v) != ("state", "booked")},
                    PROTECTED,
                )
        self.env["social.person"]._check_linkable([vals.get("person_id") for vals in vals_list])
        for vals in vals_list:
            self._check_links(vals)
            if vals.get("desk_id"):
                desk = self.env["social.desk"].browse(vals["desk_id"])
                desk._ensure_active(
                    self.env._("Desk: %(desk)s is archived and cannot receive new appointments.")
                )
                vals.setdefault("company_id", desk.company_id.id)
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("social.appointment") or "/"
        appointments = super().create(vals_list)
        appointments._check_link_scope()
        for appointment, vals in zip(appointments, vals_list, strict=True):
            appointment._check_booking_rules(vals.get("override_reason"))
        appointments._sync_busy()
        appointments._sync_calendar_event()
        return appointments

    def write(self, vals):
        text.clean_vals(self, vals)
        guard.check_protected(self, vals, PROTECTED)
        if vals.get("person_id"):
            self.env["social.person"]._check_linkable([vals["person_id"]])
        self._check_links(vals)
        if vals.get("desk_id"):
            self.env["social.desk"].browse(vals["desk_id"])._ensure_active(
                self.env._("Desk: %(desk)s is archived and cannot receive new appointments.")
            )
        closed = SLOT_FIELDS & set(vals)
        if closed and not self.env.su:
            # moved or given to other people only by the staff of its desk
            self._check_desk_staff()
        if closed and any(a.state != "booked" for a in self):
            raise UserError(
                self.env._(
                    "Only a booked appointment can be moved or given to other people (%(names)s).",
                    names=", ".join(self.filtered(lambda a: a.state != "booked").mapped("name")),
                )
            )
        was_holding = {appointment: appointment.state in HOLDING_STATES for appointment in self}
        res = super().write(vals)
        if {"operator_ids", "company_id"} & set(vals):
            self._check_link_scope()
        if closed:
            self._check_booking_rules(vals.get("override_reason"))
        # the time is taken again only when it changes, or when the appointment starts or stops
        # holding it (done and no-show keep their rooms and operators as they are)
        if closed or any(
            holding != (appointment.state in HOLDING_STATES)
            for appointment, holding in was_holding.items()
        ):
            self._sync_busy()
        if closed or "state" in vals:
            self._sync_calendar_event()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_only_cancelled(self):
        if any(appointment.state not in ("booked", "cancelled") for appointment in self):
            raise UserError(
                self.env._(
                    "An appointment that took place (done or no-show) cannot be deleted: it is "
                    "part of the record of the service."
                )
            )

    def unlink(self):
        # sudo: the event belongs to the appointment, whoever created it
        self.calendar_event_id.sudo().unlink()
        return super().unlink()

    # ------------------------------------------------------------
    # The time taken (double-booking guard) and the calendar event
    # ------------------------------------------------------------

    def _busy_keys(self):
        self.ensure_one()
        return [f"user:{user.id}" for user in self.operator_ids] + [f"person:{self.person_id.id}"]

    def _seat_keys(self):
        """The busy keys of the desk's rooms ("desk:<id>:<n>"), when it has a limit."""
        self.ensure_one()
        desk = self.desk_id
        return [f"desk:{desk.id}:{seat}" for seat in range(1, desk.appointment_seats + 1)]

    def _sync_busy(self):
        """Make the busy rows match the appointments: the new rows are inserted before the old
        ones are deleted, so that a move either takes its new time or fails leaving everything
        as it was. A conflict with another appointment (even one committed a millisecond ago by
        a concurrent request) becomes a UserError."""
        if not self:
            return
        self.flush_recordset(["start", "stop", "operator_ids", "person_id", "state", "desk_id"])
        holding = self.filtered(lambda appointment: appointment.state in HOLDING_STATES)
        seated = holding.filtered(lambda appointment: appointment.desk_id.appointment_seats)
        rows = [
            SQL("(%s, %s, %s, %s)", appointment.id, key, appointment.start, appointment.stop)
            for appointment in holding - seated
            for key in appointment._busy_keys()
        ]
        new_ids = []
        if rows:
            new_ids = self._insert_busy_rows(rows)
        for appointment in seated:
            new_ids += appointment._insert_busy_rows_in_a_room()
        self.env.cr.execute(
            SQL(
                "DELETE FROM social_appointment_busy WHERE appointment_id = ANY(%s) "
                "AND id != ALL(%s)",
                self.ids,
                new_ids,
            )
        )
        self.env["social.appointment.busy"].invalidate_model()

    def _insert_busy_rows(self, rows):
        new_ids = self._try_insert_busy_rows(rows)
        if new_ids is None:
            raise SlotTakenError(
                self.env._("This time has just been taken, please choose another.")
            )
        return new_ids

    def _try_insert_busy_rows(self, rows):
        """Insert the rows and return their ids, or None if they overlap rows of another
        appointment (the exclusion constraint refused them; nothing is left behind)."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        "INSERT INTO social_appointment_busy "
                        "(appointment_id, resource_key, start, stop) VALUES %s RETURNING id",
                        SQL(", ").join(rows),
                    ),
                    log_exceptions=False,  # a lost race is an expected outcome, not a bad query
                )
                return [row[0] for row in self.env.cr.fetchall()]
        except pg_errors.ExclusionViolation:
            return None

    def _insert_busy_rows_in_a_room(self):
        """The busy rows of an appointment at a desk with a limited number of rooms: its
        operators, its person and one free room, which the exclusion constraint guards as it
        guards an operator. Two bookings racing for the same room: the loser tries the other
        rooms free at that time before giving up."""
        self.ensure_one()
        seat_keys = self._seat_keys()
        # the rooms taken by others at this time, and the one this appointment holds already
        # (a move keeps its room when it can)
        self.env.cr.execute(
            SQL(
                """
                SELECT resource_key, appointment_id = %(id)s FROM social_appointment_busy
                 WHERE resource_key = ANY(%(keys)s)
                   AND (appointment_id = %(id)s
                        OR tsrange(start, stop, '[)') && tsrange(%(start)s, %(stop)s, '[)'))
                """,
                keys=seat_keys,
                start=self.start,
                stop=self.stop,
                id=self.id,
            )
        )
        rows = self.env.cr.fetchall()
        taken = {key for key, own in rows if not own}
        held = [key for key, own in rows if own and key not in taken]
        free = held + [key for key in seat_keys if key not in taken and key not in held]
        if not free:
            raise SlotTakenError(
                self.env._(
                    "All the rooms of %(desk)s are taken at this time: choose another.",
                    desk=self.desk_id.name,
                )
            )
        for seat_key in free:
            rows = [
                SQL("(%s, %s, %s, %s)", self.id, key, self.start, self.stop)
                for key in [*self._busy_keys(), seat_key]
            ]
            new_ids = self._try_insert_busy_rows(rows)
            if new_ids is not None:
                return new_ids
        raise SlotTakenError(self.env._("This time has just been taken, please choose another."))

    def _event_name(self, organizer):
        """Who and what, in the organizer's language: "Appointment – Mario Esposito (Income
        support)". The person's name may stand there: the event is private, so only its
        organizer and attendees read it (the operators serving the person, and the person);
        colleagues see "Busy"."""
        appointment = self.with_context(lang=organizer.lang or self.env.lang)
        return appointment.env._(
            "Appointment – %(person)s (%(topic)s)",
            person=appointment.person_id.name,
            topic=appointment.topic_id.name,
        )

    def _event_values(self):
        self.ensure_one()
        desk = self.desk_id
        where = desk._address_text()
        organizer = self.operator_ids[:1] or self.env.user
        return {
            "name": self._event_name(organizer),
            "start": self.start,
            "stop": self.stop,
            "user_id": organizer.id,
            "partner_ids": [
                Command.set((self.operator_ids.partner_id | self.person_id.partner_id).ids)
            ],
            "location": where or desk.name,
            "description": self.topic_id.description or False,
            "privacy": "private",  # colleagues see "busy", not the person's name
            "show_as": "busy",
            "res_model_id": self.env["ir.model"]._get_id(self._name),
            "res_id": self.id,
            "alarm_ids": [Command.set(self._event_alarms().ids)],
        }

    def _event_alarms(self):
        alarms = self.env["calendar.alarm"]
        for xmlid in (
            "calendar.alarm_notif_5",  # staff: a notification one day before
            "social_secretariat.calendar_alarm_mail_1_day",  # everyone: an e-mail the day before
        ):
            alarms |= self.env.ref(xmlid, raise_if_not_found=False) or alarms
        return alarms

    def _sync_calendar_event(self):
        """One calendar event per appointment, kept in step: calendar's own machinery sends the
        invitations (with .ics) to the attendees with an e-mail address, the changes of date,
        and the reminders. A cancelled appointment archives its event, which frees the agendas."""
        # sudo: the event belongs to the appointment; citizens booking from the portal and
        # operators moving a colleague's appointment may not write other people's events
        Event = self.env["calendar.event"].sudo()
        for appointment in self:
            event = appointment.calendar_event_id.sudo()
            if appointment.state == "cancelled":
                if event.active:
                    event.active = False
                continue
            values = appointment._event_values()
            if not event:
                with guard.workflow():
                    appointment.calendar_event_id = Event.create(values)
                continue
            changed = {}
            if (event.start, event.stop) != (values["start"], values["stop"]):
                changed.update(start=values["start"], stop=values["stop"])
            if event.user_id.id != values["user_id"]:
                changed["user_id"] = values["user_id"]
            if event.name != values["name"]:
                changed["name"] = values["name"]
            if event.partner_ids != appointment.operator_ids.partner_id | appointment.partner_id:
                changed["partner_ids"] = values["partner_ids"]
            if not event.active:
                changed["active"] = True
            if changed:
                event.write(changed)

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def _check_desk_staff(self):
        """The transitions and the moves are for the staff of the appointment's desk (and the
        coordinators), whoever calls: a button, RPC or another record's action."""
        self.check_access("write")
        if self.env.su:
            return
        for appointment in self:
            if not guard.is_desk_staff(self.env, appointment.desk_id):
                raise AccessError(
                    self.env._(
                        "Appointment %(name)s is handled by the staff of %(desk)s.",
                        name=appointment.name,
                        desk=appointment.desk_id.name,
                    )
                )

    def _check_state(self, allowed, message):
        """`message`: a translated sentence with %(name)s, saying why the action is refused."""
        guard.check_state(self, allowed, message)

    def action_done(self):
        self._check_desk_staff()
        self._check_state(
            ("booked", "no_show"), self.env._("Only a booked appointment can be done (%(name)s).")
        )
        self._workflow_write({"state": "done"})
        return True

    def action_no_show(self):
        self._check_desk_staff()
        self._check_state(
            ("booked",),
            self.env._("Only a booked appointment can be marked as no-show (%(name)s)."),
        )
        future = self.filtered(lambda a: a.start > fields.Datetime.now())
        if future:
            raise UserError(
                self.env._(
                    "Appointment %(name)s has not started yet: it cannot be a no-show.",
                    name=future[0].name,
                )
            )
        self._workflow_write({"state": "no_show"})
        return True

    def action_cancel(self, reason=None):
        """Cancel and free the time; the operators are told in the chatter."""
        self._check_desk_staff()
        self._check_state(
            ("booked",), self.env._("Only a booked appointment can be cancelled (%(name)s).")
        )
        values = {"state": "cancelled"}
        if reason:
            values["cancel_reason"] = reason
        self._workflow_write(values)
        for appointment in self:
            appointment._notify_staff(
                self.env._(
                    "Appointment of %(when)s cancelled.%(reason)s",
                    when=appointment._local_start_text(),
                    reason=(" " + reason) if reason else "",
                )
            )
        self._notify_citizen_cancelled()
        return True

    def _notify_citizen_cancelled(self):
        """Tell the citizen, by e-mail and in the appointment's portal conversation, that an
        appointment still to come is cancelled: archiving the calendar event sends nothing.
        Also when the citizen cancelled it: the e-mail confirms it. Written in the name of the
        Ambito, sent to the citizen only (a subtype no follower is subscribed to)."""
        template = self.env.ref(
            "social_secretariat.mail_template_appointment_cancelled", raise_if_not_found=False
        )
        if not template:
            return
        now = fields.Datetime.now()
        for appointment in self:
            partner = appointment.person_id.partner_id
            if not partner.email or appointment.start < now:
                continue
            # sudo: a citizen cancelling from the portal may not post on the staff record;
            # mail_notify_author: Odoo skips the current user, who is the citizen then
            appointment.sudo().with_context(mail_notify_author=True).message_post_with_source(
                template,
                author_id=appointment.company_id.partner_id.id,
                partner_ids=partner.ids,
                message_type="comment",
                subtype_xmlid="social_secretariat.mt_appointment_cancelled_citizen",
            )

    def action_reset_booked(self):
        self._check_desk_staff()
        self._check_state(
            ("done", "no_show"),
            self.env._("Only a done or no-show appointment can go back to booked (%(name)s)."),
        )
        self._workflow_write({"state": "booked"})
        return True

    def action_start_session(self):
        """Open the listening session of the appointment, created on the first click."""
        self.ensure_one()
        if not self.session_id:
            self._check_desk_staff()
            if self.state != "booked":
                raise UserError(
                    self.env._(
                        "Appointment %(name)s is not booked: a session is started only from a "
                        "booked appointment.",
                        name=self.name,
                    )
                )
            session = self.env["social.listening.session"].create(
                {
                    "person_id": self.person_id.id,
                    "desk_id": self.desk_id.id,
                    "operator_ids": [Command.set(self.operator_ids.ids)],
                    "channel": "in_person",
                    "date": fields.Datetime.now(),
                    "duration": self.topic_id.duration,
                    "need_ids": [Command.set(self.topic_id.need_ids.ids)],
                    "company_id": self.company_id.id,
                }
            )
            self._workflow_write({"session_id": session.id})
        return {
            "type": "ir.actions.act_window",
            "res_model": "social.listening.session",
            "res_id": self.session_id.id,
            "view_mode": "form",
        }

    def action_view_calendar_event(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "calendar.event",
            "res_id": self.calendar_event_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _local_start(self):
        """The start on the desk's wall clock (aware, in the desk's zone)."""
        self.ensure_one()
        return pytz.utc.localize(self.start).astimezone(pytz.timezone(self.desk_id._tz()))

    def _local_start_text(self):
        """The start in the desk's time zone, e.g. "23/11/2026 09:30"."""
        self.ensure_one()
        return format_datetime(self.env, self.start, tz=self.desk_id._tz(), dt_format="short")

    def _local_day_and_time(self):
        """(day in words, time) of the start, desk time: ("mercoledì 25 marzo 2026", "10:00")."""
        local = self._local_start()
        return (
            format_date(self.env, local.date(), date_format="EEEE d MMMM y"),
            format_time(self.env, local.time(), time_format="HH:mm"),
        )

    def _local_when_text(self):
        """The start in words, for the citizen: "mercoledì 25 marzo 2026, 10:00"."""
        return "%s, %s" % self._local_day_and_time()

    def _confirmation_text(self):
        """What to read out or send to the person: when, where, what to bring, how to cancel."""
        self.ensure_one()
        desk = self.desk_id
        day, hour = self._local_day_and_time()
        # computed outside the translated call: babel's extractor evaluates its arguments
        address = f", {desk._address_text()}" if desk._address_text() else ""
        lines = [
            self.env._(
                "Appointment %(name)s: %(topic)s.", name=self.name, topic=self.topic_id.name
            ),
            self.env._("When: %(day)s at %(time)s.", day=day, time=hour),
            self.env._(
                "Where: %(desk)s%(address)s.",
                desk=desk.name,
                address=address,
            ),
        ]
        documents = self.topic_id._documents_to_bring()
        if documents:
            lines.append(self.env._("Please bring:"))
            lines += [
                "- %s%s" % (document.name, f" ({document.note})" if document.note else "")
                for document in documents
            ]
        if desk.phone or desk.email:
            lines.append(
                self.env._(
                    "To cancel or move it, contact the desk: %(contact)s.",
                    contact=" · ".join(c for c in (desk.phone, desk.email) if c),
                )
            )
        return "\n".join(lines)

    def _notify_staff(self, body):
        """A note in the chatter, addressed to the operators (their inbox or e-mail)."""
        self.ensure_one()
        # sudo: a citizen cancelling from the portal may not post on the staff record
        self.sudo().message_post(
            body=Markup("<p>%s</p>") % body,
            partner_ids=self.operator_ids.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )

    @api.model
    def _check_open_limit(self, person):
        """Refuse a booking beyond the Ambito's limit of future booked appointments."""
        limit = person.company_id.social_max_open_appointments
        if not limit:
            return
        # lock the person: two concurrent bookings of the same person count one after the other
        self.env.cr.execute(
            SQL("SELECT id FROM social_person WHERE id = %s FOR NO KEY UPDATE", person.id)
        )
        # sudo: the count includes appointments at desks the booking user cannot see
        count = (
            self.sudo()
            .with_context(active_test=False)
            .search_count(
                [
                    ("person_id", "=", person.id),
                    ("state", "=", "booked"),
                    ("start", ">", fields.Datetime.now()),
                ]
            )
        )
        if count >= limit:
            raise UserError(
                self.env._(
                    "%(person)s already has %(count)s booked appointments: at most %(limit)s can "
                    "be open at the same time. Cancel one, or wait until one has taken place.",
                    person=person.name,
                    count=count,
                    limit=limit,
                )
            )

    @api.model
    def _create_demo_appointments(self):
        """Demo: the citizen's appointments, two to come (booked as the portal and the phone
        would) and two past ones (one done, one missed)."""
        citizen = self.env.ref("social_secretariat.user_citizen_demo", raise_if_not_found=False)
        person = (
            self.env["social.person"].search([("partner_id", "=", citizen.partner_id.id)], limit=1)
            if citizen
            else None
        )
        if not person:
            return
        self = self.with_context(no_mail_to_attendees=True)  # the demo has no mail server
        ref = self.env.ref
        desk = ref("social_secretariat.desk_pioltello_demo")
        now = fields.Datetime.now()
        for topic_xmlid, channel, days in (
            ("appointment_topic_bonus_demo", "portal", 3),
            ("appointment_topic_first_interview_demo", "phone", 10),
        ):
            topic = ref(f"social_secretariat.{topic_xmlid}").with_env(self.env)
            slots = topic._get_free_slots(
                desk, now + timedelta(days=days), now + timedelta(days=days + 14), person=person
            )
            if slots:
                topic._book(person, desk, slots[0]["start"], channel)
        topic = ref("social_secretariat.appointment_topic_bonus_demo")
        operator = ref("social_secretariat.user_operator_demo")
        tz = pytz.timezone(desk._tz())
        for weeks, state in ((3, "done"), (6, "no_show")):
            day = (now - timedelta(weeks=weeks)).date()
            day -= timedelta(days=day.weekday())  # a Monday: the desk is open 9-12:30
            start = tz.localize(datetime.combine(day, time(10, 0))).astimezone(pytz.utc)
            appointment = self.create(
                {
                    "person_id": person.id,
                    "topic_id": topic.id,
                    "desk_id": desk.id,
                    "start": start.replace(tzinfo=None),
                    "operator_ids": [Command.set(operator.ids)],
                    "booking_channel": "desk",
                }
            )
            appointment.write({"state": state})

    # ------------------------------------------------------------
    # Portal (called by the controller, on behalf of a citizen)
    # ------------------------------------------------------------
    # The citizen has no access right on these staff models: the controller checks that the
    # person is the user's own, then calls these methods, which run the business checks and
    # sudo inside. They never trust the page: every slot is re-validated here.

    @api.model
    def _portal_person(self):
        """The person file of the current portal user (or an empty recordset)."""
        # the record rules give a citizen their own file, found by their partner
        return self.env["social.person"].search(
            [("partner_id", "=", self.env.user.partner_id.id)], limit=1
        )

    def _portal_check_owner(self):
        person = self._portal_person()
        if not person or any(appointment.person_id != person for appointment in self.sudo()):
            raise AccessError(self.env._("This appointment is not yours."))

    @api.model
    def _portal_book(self, person, topic, desk, start):
        """Book from the portal. `person` must be the user's own (checked here too)."""
        # the records may come from another environment: work in the caller's
        person, topic, desk = (record.with_env(self.env) for record in (person, topic, desk))
        if person.sudo() != self._portal_person():
            raise AccessError(self.env._("You can only book appointments for yourself."))
        topic = topic.sudo()
        if not topic.is_online_bookable or not topic.active:
            raise UserError(
                self.env._("The topic %(topic)s cannot be booked online.", topic=topic.name)
            )
        # sudo: the booking needs the desk's operators, agendas and the staff models, none of
        # which the citizen may read; the checks above and in _check_slot stand in for rights
        return topic._book(person.sudo(), desk.sudo(), start, "portal")

    def _portal_check_cancel_limit(self):
        for appointment in self.sudo():
            if appointment.state != "booked":
                raise UserError(
                    self.env._(
                        "This appointment is %(state)s: it can no longer be changed.",
                        state=dict(self._fields["state"]._description_selection(self.env))[
                            appointment.state
                        ],
                    )
                )
            limit = appointment.start - timedelta(hours=appointment.topic_id.cancel_limit_hours)
            if fields.Datetime.now() > limit:
                raise UserError(
                    self.env._(
                        "Appointments for %(topic)s can be cancelled or moved online until "
                        "%(hours)s hours before. Please call the desk.",
                        topic=appointment.topic_id.name,
                        hours=appointment.topic_id.cancel_limit_hours,
                    )
                )

    def action_portal_cancel(self, reason=None):
        self._portal_check_owner()
        self._portal_check_cancel_limit()
        # sudo: ownership and the topic's cancel limit were checked above
        return self.sudo().action_cancel(reason=reason)

    def _portal_reschedule(self, new_start):
        """Move the appointment to `new_start` (naive UTC), same topic and desk. The new time is
        taken before the old one is freed, in one transaction: on any failure nothing changes."""
        self.ensure_one()
        self._portal_check_owner()
        self._portal_check_cancel_limit()
        # sudo: ownership and the cancel limit were checked above
        appointment = self.sudo()
        return appointment._reschedule(new_start)

    def _reschedule(self, new_start, operator_ids=None):
        self.ensure_one()
        new_start = fields.Datetime.to_datetime(new_start)
        old_text = self._local_start_text()
        operators = self.topic_id._check_slot(
            self.desk_id, new_start, operator_ids, person=self.person_id, ignore_appointment=self
        )
        with self.env.cr.savepoint():
            # the slot was checked just above
            self._workflow_write({"start": new_start, "operator_ids": [Command.set(operators.ids)]})
        self._notify_staff(
            self.env._(
                "Appointment moved from %(old)s to %(new)s.",
                old=old_text,
                new=self._local_start_text(),
            )
        )
        return True
