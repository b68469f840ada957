from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

STAFFING = [
    ("one", "One operator"),
    ("pair", "A social worker and an educator"),
]


class SocialAppointmentTopic(models.Model):
    _name = "social.appointment.topic"
    _description = "Appointment topic (Argomento)"
    _order = "sequence, name, id"

    # ------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(
        string="Text for citizens",
        translate=True,
        help="Shown on the booking page: what the appointment is for, in plain words.",
    )
    company_id = fields.Many2one(
        "res.company",
        string="Ambito",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    duration = fields.Float(string="Duration (hours)", default=0.5, required=True)
    slot_step = fields.Integer(
        string="Slot step (minutes)",
        default=30,
        required=True,
        help="Appointments start at multiples of this step from midnight, desk time "
        "(30: 9:00, 9:30, 10:00…).",
    )
    min_lead_hours = fields.Integer(
        string="Minimum notice (hours)",
        default=24,
        help="How long before the start an appointment can still be booked.",
    )
    horizon_days = fields.Integer(
        string="Booking horizon (days)",
        default=30,
        help="How far ahead appointments can be booked.",
    )
    cancel_limit_hours = fields.Integer(
        string="Cancel limit (hours)",
        default=24,
        help="Citizens may cancel or move their appointment until this many hours before it.",
    )
    desk_ids = fields.Many2many(
        "social.desk",
        "social_appointment_topic_desk_rel",
        "topic_id",
        "desk_id",
        string="Desks",
        domain="[('company_id', '=', company_id)]",
    )
    staffing = fields.Selection(
        STAFFING,
        required=True,
        default="one",
        help="A social worker is a desk operator in the Social worker group; an educator is a "
        "desk operator who is not.",
    )
    is_online_bookable = fields.Boolean(
        string="Bookable online", help="Citizens can book it from the portal."
    )
    need_ids = fields.Many2many(
        "social.need",
        "social_appointment_topic_need_rel",
        "topic_id",
        "need_id",
        string="Needs",
    )
    service_ids = fields.Many2many(
        "social.service",
        "social_appointment_topic_service_rel",
        "topic_id",
        "service_id",
        string="Services",
        help="The services this appointment is about: their documents are listed in the "
        "confirmation.",
    )
    appointment_ids = fields.One2many(
        "social.appointment",
        "topic_id",
        string="Appointments",
        groups="social_secretariat.group_social_operator",
    )

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("duration", "slot_step", "min_lead_hours", "horizon_days", "cancel_limit_hours")
    def _check_numbers(self):
        for topic in self:
            if not 0 < topic.duration <= 8:
                raise ValidationError(
                    self.env._(
                        "%(field)s of topic %(topic)s: more than 0 and at most 8 hours.",
                        field=self._fields["duration"].string,
                        topic=topic.name,
                    )
                )
            if not 0 < topic.slot_step <= 24 * 60:
                raise ValidationError(
                    self.env._(
                        "%(field)s of topic %(topic)s: between 1 and 1440 minutes.",
                        field=self._fields["slot_step"].string,
                        topic=topic.name,
                    )
                )
            if not 1 <= topic.horizon_days <= 366:
                raise ValidationError(
                    self.env._(
                        "%(field)s of topic %(topic)s: between 1 and 366 days.",
                        field=self._fields["horizon_days"].string,
                        topic=topic.name,
                    )
                )
            for name in ("min_lead_hours", "cancel_limit_hours"):
                if topic[name] < 0:
                    raise ValidationError(
                        self.env._(
                            "%(field)s of topic %(topic)s cannot be negative.",
                            field=self._fields[name].string,
                            topic=topic.name,
                        )
                    )

    @api.constrains("desk_ids", "company_id")
    def _check_desk_company(self):
        for topic in self:
            other = topic.desk_ids.filtered(lambda d, t=topic: d.company_id != t.company_id)
            if other:
                raise ValidationError(
                    self.env._(
                        "%(field)s of topic %(topic)s: %(desk)s belongs to another Ambito.",
                        field=self._fields["desk_ids"].string,
                        topic=topic.name,
                        desk=other[0].name,
                    )
                )

    # ------------------------------------------------------------
    # Booking rules (the slot engine, social.appointment.slot.engine, applies them)
    # ------------------------------------------------------------

    def _appointment_duration(self):
        """How long an appointment of this topic lasts (a timedelta): the one place that says
        it. Half an hour while no topic is chosen yet."""
        return timedelta(hours=self.duration or 0.5)

    def _appointment_stop(self, start):
        """When an appointment of this topic starting at `start` (naive UTC) ends (the
        appointment's compute, the slot check, the pages)."""
        return fields.Datetime.to_datetime(start) + self._appointment_duration()

    def _booking_bounds(self):
        """(earliest, latest) start allowed now, naive UTC."""
        now = fields.Datetime.now()
        return (
            now + timedelta(hours=self.min_lead_hours),
            now + timedelta(days=self.horizon_days),
        )

    def _documents_to_bring(self):
        """The documents asked by the topic's services, each once: two services often ask for
        the same one (an ID card), and the person should hear it once. Same name, same
        document; the first one with a note keeps it."""
        seen = {}
        for document in self.service_ids.document_ids:
            key = " ".join((document.name or "").split()).casefold()
            if key not in seen or (document.note and not seen[key].note):
                seen[key] = document
        return self.env["social.service.document"].union(*seen.values())

    def _bookable_desks(self):
        """The desks where this topic can be booked online: open, with working hours (the
        booking pages and the service pages offer these)."""
        return self.desk_ids.filtered(lambda d: d.active and d.resource_calendar_id)

    def _get_free_slots(
        self, desk, date_from, date_to, operator=None, person=None, ignore_appointment=None
    ):
        """Free slots of this topic at `desk` between `date_from` and `date_to` (dates: local
        days of the desk, both included; datetimes: naive UTC), within the topic's notice and
        horizon. `operator`: only slots this user can take. `person`: leave out the times the
        person already has an appointment. Returns [{start, stop (naive UTC), start_local (naive,
        desk time), operator_ids (list of ids)}] in time order."""
        return self.env["social.appointment.slot.engine"]._free_slots(
            self,
            desk,
            date_from,
            date_to,
            operator=operator,
            person=person,
            ignore_appointment=ignore_appointment,
        )

    def _check_slot(self, desk, start, operator_ids=None, person=None, ignore_appointment=None):
        """Validate a booking of this topic at `desk` at `start` (naive UTC), as the server must
        whatever the page sent; return the operators (given, or chosen). Raise UserError with
        the reason otherwise (SlotTakenError when the time went to someone else)."""
        return self.env["social.appointment.slot.engine"]._check_slot(
            self,
            desk,
            start,
            operator_ids=operator_ids,
            person=person,
            ignore_appointment=ignore_appointment,
        )

    # ------------------------------------------------------------
    # Booking
    # ------------------------------------------------------------

    def _book(self, person, desk, start, channel, operator_ids=None, **values):
        """Book this topic for `person` at `desk` at `start` (naive UTC) through `channel`,
        after validating the slot; the operators are chosen if not given. All or nothing: a
        refused booking leaves no record behind."""
        self.ensure_one()
        person.ensure_one()
        start = fields.Datetime.to_datetime(start)
        operators = self._check_slot(desk, start, operator_ids, person=person)
        with self.env.cr.savepoint():
            self.env["social.appointment"]._check_open_limit(person)
            return self.env["social.appointment"].create(
                {
                    "person_id": person.id,
                    "topic_id": self.id,
                    "desk_id": desk.id,
                    "start": start,
                    "operator_ids": [fields.Command.set(operators.ids)],
                    "booking_channel": channel,
                    **values,
                }
            )
