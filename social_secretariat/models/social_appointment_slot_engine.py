from collections import defaultdict
from datetime import date, timedelta

import pytz

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools import slots as slot_tools
from ..tools.errors import SlotTakenError


class SocialAppointmentSlotEngine(models.AbstractModel):
    """Where an appointment of a topic can be placed: the free slots of a desk, and the check
    of a chosen time. The topic (`social.appointment.topic`) holds the rules (duration, step,
    notice, horizon, staffing) and delegates here.

    Everything is read in a few queries for the whole window, whatever the number of days and
    operators: the desk's opening hours and the operators' working time from one
    `_work_intervals_batch` per calendar (leaves included), the busy times from one query on
    the busy rows of appointments and the calendar events. The interval arithmetic is plain
    Python in `tools/slots.py`."""

    _name = "social.appointment.slot.engine"
    _description = "Appointment slot engine"

    # ------------------------------------------------------------
    # Free slots
    # ------------------------------------------------------------

    def _free_slots(
        self, topic, desk, date_from, date_to, operator=None, person=None, ignore_appointment=None
    ):
        """See `social.appointment.topic._get_free_slots`."""
        topic.ensure_one()
        desk.ensure_one()
        if not desk.active or not desk.resource_calendar_id:
            return []
        bounds = topic._booking_bounds()
        duration = topic._appointment_duration()
        tz = pytz.timezone(desk._tz())
        date_from, date_to = (
            value if isinstance(value, date) else fields.Datetime.to_datetime(value)
            for value in (date_from, date_to)
        )
        start = max(slot_tools.window_bound(date_from, tz), bounds[0])
        stop = min(slot_tools.window_bound(date_to, tz, end=True), bounds[1] + duration)
        if start >= stop:
            return []
        # all the desk's operators, even when one is asked for: a pair needs a colleague
        staff = self._desk_staff(topic, desk)
        if not staff or (operator and operator.id not in staff):
            return []
        context = self._slot_context(
            desk, start, stop, staff, person=person, ignore_appointment=ignore_appointment
        )
        return slot_tools.free_slots(
            context,
            staff,
            self._workers(staff),
            duration,
            timedelta(minutes=topic.slot_step),
            bounds,
            pair=topic.staffing == "pair",
            operator_id=operator.id if operator else None,
            person=bool(person),
        )

    # ------------------------------------------------------------
    # Check of a chosen time
    # ------------------------------------------------------------

    def _check_slot(
        self, topic, desk, start, operator_ids=None, person=None, ignore_appointment=None
    ):
        """See `social.appointment.topic._check_slot`."""
        topic.ensure_one()
        start = fields.Datetime.to_datetime(start)
        if not start:
            raise UserError(self.env._("Choose a time for the appointment."))
        stop = topic._appointment_stop(start)
        self._check_offered(topic, desk)
        self._check_bounds(topic, start)
        tz = pytz.timezone(desk._tz())
        local = slot_tools.to_local(start, tz)
        if not slot_tools.on_grid(start, tz, timedelta(minutes=topic.slot_step)):
            raise UserError(
                self.env._(
                    "Appointments for %(topic)s start every %(step)s minutes (for example at "
                    "9:00 or 9:30): %(time)s is not one of these times.",
                    topic=topic.name,
                    step=topic.slot_step,
                    time=local.strftime("%H:%M"),
                )
            )
        staff = self._desk_staff(topic, desk)
        operators = self._check_operators(topic, desk, staff, operator_ids)
        context = self._slot_context(
            desk,
            start,
            stop,
            {user_id: staff[user_id] for user_id in operators.ids} if operators else staff,
            person=person,
            ignore_appointment=ignore_appointment,
        )
        self._check_place(desk, context, start, stop, person, local)
        if operators:
            self._check_operators_free(operators, context, start, stop)
            return operators.with_env(topic.env)
        chosen = slot_tools.choose_operators(
            context.free_operators(staff, start, stop),
            self._workers(staff),
            context.load,
            pair=topic.staffing == "pair",
        )
        if not chosen:
            raise SlotTakenError(
                self.env._(
                    "No operator of %(desk)s is free at this time: choose another.",
                    desk=desk.name,
                )
            )
        return topic.env["res.users"].browse(chosen)

    def _check_offered(self, topic, desk):
        if not topic.active or desk not in topic.desk_ids:
            raise UserError(
                self.env._(
                    "The topic %(topic)s is not offered at %(desk)s.",
                    topic=topic.name,
                    desk=desk.name,
                )
            )
        if not desk.active:
            raise UserError(
                self.env._("The desk %(desk)s is archived: it takes no bookings.", desk=desk.name)
            )

    def _check_bounds(self, topic, start):
        """The start is not past, with the topic's notice, within its horizon."""
        earliest, latest = topic._booking_bounds()
        if start < fields.Datetime.now():
            raise UserError(self.env._("This time is in the past: choose another."))
        if start < earliest:
            raise UserError(
                self.env._(
                    "Appointments for %(topic)s must be booked at least %(hours)s hours ahead.",
                    topic=topic.name,
                    hours=topic.min_lead_hours,
                )
            )
        if start > latest:
            raise UserError(
                self.env._(
                    "Appointments for %(topic)s can be booked at most %(days)s days ahead.",
                    topic=topic.name,
                    days=topic.horizon_days,
                )
            )

    def _check_operators(self, topic, desk, staff, operator_ids):
        """The operators given (as sudo records), receiving at `desk` in the number and roles
        the topic's staffing asks; an empty recordset when none is given."""
        if not operator_ids:
            return self.env["res.users"]
        # sudo: the operators' names and groups, for the messages; nothing else is read
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
        workers = self._workers(staff)
        worker_count = len([user_id for user_id in operators.ids if user_id in workers])
        if topic.staffing == "one" and len(operators) != 1:
            raise UserError(
                self.env._("The topic %(topic)s is held by one operator.", topic=topic.name)
            )
        if topic.staffing == "pair" and (worker_count != 1 or len(operators) != 2):
            raise UserError(
                self.env._(
                    "The topic %(topic)s is held by a social worker and an educator together.",
                    topic=topic.name,
                )
            )
        return operators

    def _check_place(self, desk, context, start, stop, person, local):
        """The desk open, the person free, a room free."""
        if not context.is_open(start, stop):
            raise UserError(
                self.env._(
                    "The desk %(desk)s is not open at this time (%(time)s).",
                    desk=desk.name,
                    time=local.strftime("%H:%M"),
                )
            )
        if person and context.person_busy.overlaps(start, stop):
            raise UserError(
                self.env._(
                    "%(person)s already has an appointment at this time.", person=person.name
                )
            )
        if not context.room_free(start, stop):
            raise SlotTakenError(
                self.env._(
                    "All the rooms of %(desk)s are taken at this time: choose another.",
                    desk=desk.name,
                )
            )

    def _check_operators_free(self, operators, context, start, stop):
        for operator in operators:
            if not context.is_working(operator.id, start, stop):
                raise UserError(
                    self.env._(
                        "%(name)s is not working at this time (leave or day off).",
                        name=operator.name,
                    )
                )
            if context.is_busy(operator.id, start, stop):
                raise UserError(
                    self.env._(
                        "%(name)s already has an appointment or a meeting at this time.",
                        name=operator.name,
                    )
                )

    # ------------------------------------------------------------
    # Reading the desk, its staff and their time
    # ------------------------------------------------------------

    @staticmethod
    def _workers(staff):
        """The social workers among `staff` (see `_desk_staff`)."""
        return {user_id for user_id, (_partner, worker) in staff.items() if worker}

    def _desk_staff(self, topic, desk):
        """{user id: (partner id, is a social worker)} of the operators who receive `topic` at
        `desk`: active internal users among the desk's operators; empty when the topic is not
        offered there. One query, so that the count stays fixed whatever the number of
        operators (the ORM would read the relation, the users and their groups one query
        each)."""
        topic.ensure_one()
        # the id from the registry's cache: no query to check that the group exists
        worker_group_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "social_secretariat.group_social_worker", raise_if_not_found=True
        )
        self.env["social.desk"].flush_model(["operator_ids"])
        self.env["res.users"].flush_model(["active", "share", "partner_id", "groups_id"])
        topic.flush_recordset(["desk_ids"])
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
                topic=topic.id,
            )
        )
        return {
            user_id: (partner_id, is_worker)
            for user_id, partner_id, is_worker in self.env.cr.fetchall()
        }

    def _slot_context(self, desk, start, stop, staff, person=None, ignore_appointment=None):
        """A `tools.slots.SlotContext` for placing appointments at `desk` between `start` and
        `stop` (naive UTC) with the operators of `staff` (see `_desk_staff`). Queries: a
        constant number, whatever the window and the number of operators."""
        tz = pytz.timezone(desk._tz())
        opening, work = self._working_times(desk, start, stop, staff)
        seat_keys = [f"desk:{desk.id}:{seat}" for seat in range(1, desk.appointment_seats + 1)]
        busy, person_busy, seat_busy, load = self._busy_times(
            desk, start, stop, staff, seat_keys, person, ignore_appointment, tz
        )
        return slot_tools.SlotContext(
            tz=tz,
            opening=opening,
            work={user_id: slot_tools.Spans(spans) for user_id, spans in work.items()},
            busy={user_id: slot_tools.Spans(spans) for user_id, spans in busy.items()},
            person_busy=slot_tools.Spans(person_busy),
            seats=[slot_tools.Spans(seat_busy[key]) for key in seat_keys],
            load=load,
        )

    def _working_times(self, desk, start, stop, staff):
        """(the desk's opening intervals, {user id: working intervals}) between `start` and
        `stop` (naive UTC), leaves removed; an operator without working time of their own
        works when the desk is open."""
        desk_calendar = desk.resource_calendar_id
        # sudo: working times, leaves and agendas of colleagues are needed to find a free slot,
        # whoever books (a portal citizen, an operator of another desk); nothing is disclosed
        resources = (
            self.env["resource.resource"]
            .sudo()  # colleagues' working times: see above
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
        leave_domain = [
            ("time_type", "=", "leave"),
            ("company_id", "in", [False, desk.company_id.id]),
        ]
        opening = []
        work = {}
        for calendar, calendar_resources in by_calendar.items():
            if not calendar:
                continue
            # sudo: the calendars and leaves of colleagues (see above); only intervals come out
            intervals = calendar.sudo()._work_intervals_batch(
                pytz.utc.localize(start),
                pytz.utc.localize(stop),
                resources=calendar_resources,
                domain=leave_domain,
            )
            for resource in calendar_resources:
                work[resource.user_id.id] = slot_tools.to_utc_intervals(intervals[resource.id])
            if calendar == desk_calendar:
                opening = slot_tools.to_utc_intervals(intervals[False])
        for user_id in staff:
            # no personal working time: the operator works when the desk is open
            work.setdefault(user_id, opening)
        return opening, work

    def _busy_times(self, desk, start, stop, staff, seat_keys, person, ignore_appointment, tz):
        """The time taken between `start` and `stop` (naive UTC): ({user id: [(start, stop)]},
        the person's [(start, stop)], {room key: [(start, stop)]}, {user id: number of
        appointments}), in one query."""
        keys = {f"user:{user_id}": user_id for user_id in staff}
        if person:
            keys[f"person:{person.id}"] = False
        # a desk with a limited number of rooms: each room is taken like an operator
        keys.update(dict.fromkeys(seat_keys, False))
        partner_user = {partner_id: user_id for user_id, (partner_id, _worker) in staff.items()}
        self.env["calendar.attendee"].flush_model(["partner_id", "event_id", "state"])
        self.env["calendar.event"].flush_model(
            ["active", "show_as", "start", "stop", "allday", "start_date", "stop_date", "res_model"]
        )
        # The time taken by appointments (their busy rows), and the operators' own agendas:
        # events they attend and have not declined, shown as busy, other than the
        # appointments' own events (already counted by their rows). Both halves are written
        # for the indexes of `social.appointment.init`: the range expression of the exclusion
        # constraint, the agenda index without appointments' events; so the cost follows the
        # window, not the years of history.
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
        busy = defaultdict(list)
        person_busy = []
        seat_busy = defaultdict(list)
        load = defaultdict(int)
        for (
            key,
            partner_id,
            busy_start,
            busy_stop,
            allday,
            start_date,
            stop_date,
        ) in self.env.cr.fetchall():
            if not key:
                if allday:
                    # an all-day event takes the whole local days
                    busy_start, busy_stop = slot_tools.allday_span(start_date, stop_date, tz)
                busy[partner_user[partner_id]].append((busy_start, busy_stop))
            elif keys[key]:
                busy[keys[key]].append((busy_start, busy_stop))
                load[keys[key]] += 1
            elif key.startswith("desk:"):
                seat_busy[key].append((busy_start, busy_stop))
            else:
                person_busy.append((busy_start, busy_stop))
        return busy, person_busy, seat_busy, load
