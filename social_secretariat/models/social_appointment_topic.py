import bisect
import math
from collections import defaultdict
from datetime import date, datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..tools.errors import SlotTakenError

STAFFING = [
    ("one", "One operator"),
    ("pair", "A social worker and an educator"),
]


def _utc_naive(dt):
    """An aware datetime as a naive UTC datetime (the ORM's storage)."""
    return dt.astimezone(pytz.utc).replace(tzinfo=None)


def _to_utc_intervals(intervals):
    """resource's Intervals (aware, any time zone) -> sorted [(start, stop)] in naive UTC."""
    return [(_utc_naive(start), _utc_naive(stop)) for start, stop, _meta in intervals]


class _Spans:
    """Sorted disjoint [(start, stop)] (naive UTC) with O(log n) containment and overlap tests."""

    def __init__(self, spans):
        self.starts, self.stops = [], []
        for start, stop in sorted(spans):
            if self.stops and start <= self.stops[-1]:
                self.stops[-1] = max(self.stops[-1], stop)
            else:
                self.starts.append(start)
                self.stops.append(stop)

    def contains(self, start, stop):
        index = bisect.bisect_right(self.starts, start) - 1
        return index >= 0 and self.stops[index] >= stop

    def overlaps(self, start, stop):
        index = bisect.bisect_right(self.stops, start)  # the first span ending after `start`
        return index < len(self.starts) and self.starts[index] < stop


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
    # Slot engine
    # ------------------------------------------------------------
    # Everything is computed in a few queries for the whole window, whatever the number of
    # days and operators: the desk's opening hours and the operators' working time come from
    # one `_work_intervals_batch` per calendar (leaves included), the busy times from one query
    # on the busy rows of appointments and one on calendar events. The rest is interval
    # arithmetic in Python, in UTC; the grid is laid in the desk's time zone, so that slots keep
    # their wall-clock times across daylight-saving changes.

    def _desk_tz(self, desk):
        return pytz.timezone(
            desk.resource_calendar_id.tz or desk.company_id.resource_calendar_id.tz or "UTC"
        )

    def _to_utc_window(self, desk, value, end=False):
        """A date (desk's local day; `end`: the end of that day) or a naive UTC datetime."""
        if isinstance(value, datetime):
            return value
        if isinstance(value, date):
            day = value + timedelta(days=1) if end else value
            return _utc_naive(self._desk_tz(desk).localize(datetime.combine(day, time.min)))
        return fields.Datetime.to_datetime(value)

    def _desk_staff(self, desk):
        """{user id: (partner id, is a social worker)} of the operators who receive this topic
        at `desk`: active internal users among the desk's operators; empty when the topic is
        not offered there. One query, so that the slot engine's count stays fixed whatever
        the number of operators (the ORM would read the relation, the users and their groups
        one query each)."""
        self.ensure_one()
        # the id from the registry's cache: no query to check that the group exists
        worker_group_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "social_secretariat.group_social_worker", raise_if_not_found=True
        )
        self.env["social.desk"].flush_model(["operator_ids"])
        self.env["res.users"].flush_model(["active", "share", "partner_id", "groups_id"])
        self.flush_recordset(["desk_ids"])
        self.env.cr.execute(
            SQL(
                """
                SELECT u.id, u.partner_id,
                       EXISTS(SELECT 1 FROM res_groups_users_rel g
                               WHERE g.uid = u.id AND g.gid = %(worker_group)s)
                  FROM social_desk_res_users_rel rel
                  JOIN res_users u ON u.id = rel.user_id
                 WHERE rel.desk_id = %(desk)s
                   AND u.active AND NOT u.share
                   AND EXISTS(SELECT 1 FROM social_appointment_topic_desk_rel td
                               WHERE td.topic_id = %(topic)s AND td.desk_id = %(desk)s)
                 ORDER BY u.id
                """,
                worker_group=worker_group_id,
                desk=desk.id,
                topic=self.id,
            )
        )
        return {
            user_id: (partner_id, is_worker)
            for user_id, partner_id, is_worker in self.env.cr.fetchall()
        }

    def _slot_context(self, desk, start, stop, staff, person=None, ignore_appointment=None):
        """Everything needed to place appointments of this topic at `desk` between `start` and
        `stop` (naive UTC) with the operators of `staff` (see `_desk_staff`): opening hours,
        each operator's working time (leaves removed) and busy times, the person's busy times,
        and each operator's load (appointments in the window). Queries: a constant number,
        whatever the window and the number of operators."""
        self.ensure_one()
        tz = self._desk_tz(desk)
        start_aware = pytz.utc.localize(start)
        stop_aware = pytz.utc.localize(stop)
        leave_domain = [
            ("time_type", "=", "leave"),
            ("company_id", "in", [False, desk.company_id.id]),
        ]
        desk_calendar = desk.resource_calendar_id
        # sudo: working times, leaves and agendas of colleagues are needed to find a free slot,
        # whoever books (a portal citizen, an operator of another desk); nothing is disclosed
        resources = (
            self.env["resource.resource"]
            .sudo()
            .search_fetch(
                [
                    ("user_id", "in", list(staff)),
                    ("company_id", "in", [False, desk.company_id.id]),
                ],
                ["user_id", "calendar_id", "company_id", "tz"],
            )
        )
        resource_of = {}
        for resource in resources:
            resource_of.setdefault(resource.user_id.id, resource)
        by_calendar = defaultdict(lambda: self.env["resource.resource"])
        for resource in resource_of.values():
            by_calendar[resource.calendar_id or desk_calendar] |= resource
        by_calendar.setdefault(desk_calendar, self.env["resource.resource"])

        opening = []
        work = {}
        for calendar, calendar_resources in by_calendar.items():
            if not calendar:
                continue
            intervals = calendar.sudo()._work_intervals_batch(
                start_aware, stop_aware, resources=calendar_resources, domain=leave_domain
            )
            for resource in calendar_resources:
                work[resource.user_id.id] = _to_utc_intervals(intervals[resource.id])
            if calendar == desk_calendar:
                opening = _to_utc_intervals(intervals[False])
        for user_id in staff:
            # no personal working time: the operator works when the desk is open
            work.setdefault(user_id, opening)

        keys = {f"user:{user_id}": user_id for user_id in staff}
        if person:
            keys[f"person:{person.id}"] = False
        # a desk with a limited number of rooms: each room is taken like an operator
        seat_keys = [f"desk:{desk.id}:{seat}" for seat in range(1, desk.appointment_seats + 1)]
        keys.update(dict.fromkeys(seat_keys, False))
        partner_user = {partner_id: user_id for user_id, (partner_id, _worker) in staff.items()}
        busy = defaultdict(list)
        person_busy = []
        seat_busy = defaultdict(list)
        load = defaultdict(int)
        self.env["calendar.attendee"].flush_model(["partner_id", "event_id", "state"])
        self.env["calendar.event"].flush_model(
            [
                "active",
                "show_as",
                "start",
                "stop",
                "allday",
                "start_date",
                "stop_date",
                "res_model",
            ]
        )
        # One query for all the busy times: the time taken by appointments (their busy rows),
        # and the operators' own agendas: events they attend and have not declined, shown as
        # busy, other than the appointments' own events (already counted by their rows).
        # Both halves are written for the indexes of `social.appointment.init`: the range
        # expression of the exclusion constraint, the agenda index without appointments'
        # events; so the cost follows the window, not the years of history.
        self.env.cr.execute(
            SQL(
                """
                SELECT resource_key, NULL, start, stop, FALSE, NULL::date, NULL::date
                  FROM social_appointment_busy
                 WHERE resource_key = ANY(%(keys)s)
                   AND tsrange(start, stop, '[)') && tsrange(%(start)s, %(stop)s, '[)')
                   AND appointment_id != %(ignore)s
                 UNION ALL
                SELECT NULL, a.partner_id, e.start, e.stop, e.allday, e.start_date, e.stop_date
                  FROM calendar_attendee a
                  JOIN calendar_event e ON e.id = a.event_id
                 WHERE a.partner_id = ANY(%(partners)s)
                   AND a.state != 'declined'
                   AND e.active
                   AND e.show_as = 'busy'
                   AND e.start < %(stop)s
                   AND e.stop > %(start)s - interval '1 day'
                   AND e.res_model IS DISTINCT FROM 'social.appointment'
                """,
                keys=list(keys),
                partners=list(partner_user),
                start=start,
                stop=stop,
                ignore=ignore_appointment.id if ignore_appointment else 0,
            )
        )
        for (
            key,
            partner_id,
            busy_start,
            busy_stop,
            allday,
            start_date,
            stop_date,
        ) in self.env.cr.fetchall():
            if key:
                user_id = keys[key]
                if user_id:
                    busy[user_id].append((busy_start, busy_stop))
                    load[user_id] += 1
                elif key.startswith("desk:"):
                    seat_busy[key].append((busy_start, busy_stop))
                else:
                    person_busy.append((busy_start, busy_stop))
                continue
            if allday:
                # an all-day event takes the whole local days
                busy_start = _utc_naive(tz.localize(datetime.combine(start_date, time.min)))
                busy_stop = _utc_naive(
                    tz.localize(datetime.combine(stop_date + timedelta(days=1), time.min))
                )
            busy[partner_user[partner_id]].append((busy_start, busy_stop))

        return {
            "tz": tz,
            "opening": opening,
            "work": {user_id: _Spans(spans) for user_id, spans in work.items()},
            "busy": {user_id: _Spans(spans) for user_id, spans in busy.items()},
            "person_busy": _Spans(person_busy),
            "seats": [_Spans(seat_busy[key]) for key in seat_keys],
            "load": load,
        }

    def _room_free(self, context, start, stop):
        """Whether a room of the desk is free (always, when the desk sets no limit)."""
        seats = context["seats"]
        return not seats or any(not seat.overlaps(start, stop) for seat in seats)

    def _grid_starts(self, opening, tz):
        """Start times (naive UTC) on the topic's grid inside the opening intervals: multiples of
        the step from midnight, local time of the desk, the whole appointment inside the
        interval."""
        step = timedelta(minutes=self.slot_step)
        duration = timedelta(hours=self.duration)
        for open_start, open_stop in opening:
            local = pytz.utc.localize(open_start).astimezone(tz).replace(tzinfo=None)
            midnight = datetime.combine(local.date(), time.min)
            current = midnight + step * math.ceil((local - midnight) / step)
            while True:
                start = _utc_naive(tz.localize(current, is_dst=False))
                if start + duration > open_stop:
                    break
                if start >= open_start:
                    yield start
                current += step

    def _choose_operators(self, free, workers, context):
        """The operators for a slot among the free ones, or None: the least loaded (fewest
        appointments in the period), then the lowest id, so that work is spread evenly."""

        def least_loaded(users):
            return min(users, key=lambda user_id: (context["load"][user_id], user_id))

        if self.staffing == "pair":
            free_workers = [u for u in free if u in workers]
            free_educators = [u for u in free if u not in workers]
            if not free_workers or not free_educators:
                return None
            return [least_loaded(free_workers), least_loaded(free_educators)]
        return [least_loaded(free)] if free else None

    def _is_free(self, context, user_id, start, stop):
        busy = context["busy"].get(user_id)
        return context["work"][user_id].contains(start, stop) and not (
            busy and busy.overlaps(start, stop)
        )

    def _booking_bounds(self):
        """(earliest, latest) start allowed now, naive UTC."""
        now = fields.Datetime.now()
        return (
            now + timedelta(hours=self.min_lead_hours),
            now + timedelta(days=self.horizon_days),
        )

    def _get_free_slots(
        self, desk, date_from, date_to, operator=None, person=None, ignore_appointment=None
    ):
        """Free slots of this topic at `desk` between `date_from` and `date_to` (dates: local
        days of the desk, both included; datetimes: naive UTC), within the topic's notice and
        horizon. `operator`: only slots this user can take. `person`: leave out the times the
        person already has an appointment. Returns [{start, stop (naive UTC), start_local (naive,
        desk time), operator_ids (list of ids)}] in time order."""
        self.ensure_one()
        desk.ensure_one()
        if not desk.active or not desk.resource_calendar_id:
            return []
        earliest, latest = self._booking_bounds()
        duration = timedelta(hours=self.duration)
        start = max(self._to_utc_window(desk, date_from), earliest)
        stop = min(self._to_utc_window(desk, date_to, end=True), latest + duration)
        if start >= stop:
            return []
        # all the desk's operators, even when one is asked for: a pair needs a colleague
        staff = self._desk_staff(desk)
        if not staff or (operator and operator.id not in staff):
            return []
        worker_ids = {user_id for user_id, (_partner, worker) in staff.items() if worker}
        context = self._slot_context(
            desk, start, stop, staff, person=person, ignore_appointment=ignore_appointment
        )
        slots = []
        for slot_start in self._grid_starts(context["opening"], context["tz"]):
            slot_stop = slot_start + duration
            if slot_start < earliest or slot_start > latest:
                continue
            if person and context["person_busy"].overlaps(slot_start, slot_stop):
                continue
            if not self._room_free(context, slot_start, slot_stop):
                continue
            free = [u for u in staff if self._is_free(context, u, slot_start, slot_stop)]
            if not operator:
                chosen = self._choose_operators(free, worker_ids, context)
            elif operator.id not in free:
                chosen = None
            elif self.staffing == "pair":
                chosen = self._pair_with(operator.id, free, worker_ids, context)
            else:
                chosen = [operator.id]
            if not chosen:
                continue
            slots.append(
                {
                    "start": slot_start,
                    "stop": slot_stop,
                    "start_local": pytz.utc.localize(slot_start)
                    .astimezone(context["tz"])
                    .replace(tzinfo=None),
                    "operator_ids": chosen,
                }
            )
        return slots

    def _pair_with(self, user_id, free, worker_ids, context):
        """A pair containing `user_id` and a free colleague of the other role, or None."""
        others = [u for u in free if (u in worker_ids) != (user_id in worker_ids)]
        if not others:
            return None
        other = min(others, key=lambda u: (context["load"][u], u))
        return [user_id, other] if user_id in worker_ids else [other, user_id]

    def _bookable_desks(self):
        """The desks where this topic can be booked online: open, with working hours (the
        booking pages and the service pages offer these)."""
        return self.desk_ids.filtered(lambda d: d.active and d.resource_calendar_id)

    def _appointment_stop(self, start):
        """When an appointment of this topic starting at `start` (naive UTC) ends: the one
        place that says it (the appointment's form and creation, the slot check, the pages).
        Half an hour while no topic is chosen yet."""
        return fields.Datetime.to_datetime(start) + timedelta(hours=self.duration or 0.5)

    def _check_slot(self, desk, start, operator_ids=None, person=None, ignore_appointment=None):
        """Validate a booking of this topic at `desk` at `start` (naive UTC), as the server must
        whatever the page sent; return the operators (given, or chosen). Raise UserError with
        the reason otherwise."""
        self.ensure_one()
        start = fields.Datetime.to_datetime(start)
        if not start:
            raise UserError(self.env._("Choose a time for the appointment."))
        stop = self._appointment_stop(start)
        if not self.active or desk not in self.desk_ids:
            raise UserError(
                self.env._(
                    "The topic %(topic)s is not offered at %(desk)s.",
                    topic=self.name,
                    desk=desk.name,
                )
            )
        if not desk.active:
            raise UserError(
                self.env._("The desk %(desk)s is archived: it takes no bookings.", desk=desk.name)
            )
        now = fields.Datetime.now()
        earliest, latest = self._booking_bounds()
        if start < now:
            raise UserError(self.env._("This time is in the past: choose another."))
        if start < earliest:
            raise UserError(
                self.env._(
                    "Appointments for %(topic)s must be booked at least %(hours)s hours ahead.",
                    topic=self.name,
                    hours=self.min_lead_hours,
                )
            )
        if start > latest:
            raise UserError(
                self.env._(
                    "Appointments for %(topic)s can be booked at most %(days)s days ahead.",
                    topic=self.name,
                    days=self.horizon_days,
                )
            )
        tz = self._desk_tz(desk)
        local = pytz.utc.localize(start).astimezone(tz).replace(tzinfo=None)
        since_midnight = local - datetime.combine(local.date(), time.min)
        if since_midnight % timedelta(minutes=self.slot_step):
            raise UserError(
                self.env._(
                    "Appointments for %(topic)s start every %(step)s minutes (for example at "
                    "9:00 or 9:30): %(time)s is not one of these times.",
                    topic=self.name,
                    step=self.slot_step,
                    time=local.strftime("%H:%M"),
                )
            )
        staff = self._desk_staff(desk)
        worker_ids = {user_id for user_id, (_partner, worker) in staff.items() if worker}
        operators = self.env["res.users"]
        if operator_ids:
            operators = self.env["res.users"].browse(operator_ids).sudo()
            strangers = operators.filtered(lambda user: user.id not in staff)
            if strangers:
                raise UserError(
                    self.env._(
                        "%(name)s does not receive at %(desk)s.",
                        name=strangers[0].name,
                        desk=desk.name,
                    )
                )
            workers = [user_id for user_id in operators.ids if user_id in worker_ids]
            educators = [user_id for user_id in operators.ids if user_id not in worker_ids]
            if self.staffing == "one" and len(operators) != 1:
                raise UserError(
                    self.env._("The topic %(topic)s is held by one operator.", topic=self.name)
                )
            if self.staffing == "pair" and (len(workers) != 1 or len(educators) != 1):
                raise UserError(
                    self.env._(
                        "The topic %(topic)s is held by a social worker and an educator together.",
                        topic=self.name,
                    )
                )
        context = self._slot_context(
            desk,
            start,
            stop,
            {user_id: staff[user_id] for user_id in operators.ids} if operators else staff,
            person=person,
            ignore_appointment=ignore_appointment,
        )
        if not _Spans(context["opening"]).contains(start, stop):
            raise UserError(
                self.env._(
                    "The desk %(desk)s is not open at this time (%(time)s).",
                    desk=desk.name,
                    time=local.strftime("%H:%M"),
                )
            )
        if person and context["person_busy"].overlaps(start, stop):
            raise UserError(
                self.env._(
                    "%(person)s already has an appointment at this time.", person=person.name
                )
            )
        if not self._room_free(context, start, stop):
            raise SlotTakenError(
                self.env._(
                    "All the rooms of %(desk)s are taken at this time: choose another.",
                    desk=desk.name,
                )
            )
        if operators:
            for operator in operators:
                if not context["work"][operator.id].contains(start, stop):
                    raise UserError(
                        self.env._(
                            "%(name)s is not working at this time (leave or day off).",
                            name=operator.name,
                        )
                    )
                busy = context["busy"].get(operator.id)
                if busy and busy.overlaps(start, stop):
                    raise UserError(
                        self.env._(
                            "%(name)s already has an appointment or a meeting at this time.",
                            name=operator.name,
                        )
                    )
            return operators.with_env(self.env)
        free = [u for u in staff if self._is_free(context, u, start, stop)]
        chosen = self._choose_operators(free, worker_ids, context)
        if not chosen:
            raise SlotTakenError(
                self.env._(
                    "No operator of %(desk)s is free at this time: choose another.",
                    desk=desk.name,
                )
            )
        return self.env["res.users"].browse(chosen)

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
