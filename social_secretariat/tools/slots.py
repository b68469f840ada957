"""The interval arithmetic of the booking: plain Python, no Odoo environment, no database.

Times are naive datetimes in UTC (as the ORM stores them) unless said otherwise; "local" means
the desk's wall clock, naive. The grid of start times is laid in the desk's time zone, so that
slots keep their wall-clock times across daylight-saving changes. The Odoo side (reading the
agendas, the working times, the busy rows) is `social.appointment.slot.engine`.
"""

import bisect
import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import pytz


def utc_naive(dt):
    """An aware datetime as a naive UTC datetime (the ORM's storage)."""
    return dt.astimezone(pytz.utc).replace(tzinfo=None)


def to_local(start, tz):
    """A naive UTC datetime as a naive datetime on the wall clock of `tz`."""
    return pytz.utc.localize(start).astimezone(tz).replace(tzinfo=None)


def local_midnight(day, tz):
    """When the local `day` begins in `tz`, naive UTC."""
    return utc_naive(tz.localize(datetime.combine(day, time.min)))


def window_bound(value, tz, end=False):
    """A bound of a search window: a date is a local day of `tz` (its start, or with `end`
    the start of the next day); a datetime is already naive UTC."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return local_midnight(value + timedelta(days=1) if end else value, tz)
    raise TypeError(f"a date or a datetime, not {value!r}")


def allday_span(start_date, stop_date, tz):
    """The time an all-day event takes: its whole local days, naive UTC."""
    return local_midnight(start_date, tz), local_midnight(stop_date + timedelta(days=1), tz)


def to_utc_intervals(intervals):
    """resource's Intervals ((start, stop, meta), aware, any time zone) -> [(start, stop)] in
    naive UTC."""
    return [(utc_naive(start), utc_naive(stop)) for start, stop, _meta in intervals]


class Spans:
    """Sorted disjoint [(start, stop)] with O(log n) containment and overlap tests; touching
    or overlapping spans are merged."""

    def __init__(self, spans=()):
        self.starts, self.stops = [], []
        for start, stop in sorted(spans):
            if self.stops and start <= self.stops[-1]:
                self.stops[-1] = max(self.stops[-1], stop)
            else:
                self.starts.append(start)
                self.stops.append(stop)

    def __iter__(self):
        return iter(zip(self.starts, self.stops, strict=True))

    def contains(self, start, stop):
        """Whether [start, stop) lies inside one span."""
        index = bisect.bisect_right(self.starts, start) - 1
        return index >= 0 and self.stops[index] >= stop

    def overlaps(self, start, stop):
        """Whether [start, stop) meets a span (half-open: touching is not overlapping)."""
        index = bisect.bisect_right(self.stops, start)  # the first span ending after `start`
        return index < len(self.starts) and self.starts[index] < stop


def on_grid(start, tz, step):
    """Whether `start` (naive UTC) falls on the grid of `step` (a timedelta) counted from
    local midnight in `tz`."""
    local = to_local(start, tz)
    return not (local - datetime.combine(local.date(), time.min)) % step


def grid_starts(opening, tz, step, duration):
    """Start times (naive UTC) on the grid inside the opening intervals [(start, stop)]:
    multiples of `step` from local midnight in `tz`, the whole `duration` inside the interval.
    A wall-clock time that does not exist (spring forward) is skipped by the check that it
    lies in the interval; one that exists twice (fall back) is taken in standard time."""
    for open_start, open_stop in opening:
        local = to_local(open_start, tz)
        midnight = datetime.combine(local.date(), time.min)
        current = midnight + step * math.ceil((local - midnight) / step)
        while True:
            start = utc_naive(tz.localize(current, is_dst=False))
            if start + duration > open_stop:
                break
            if start >= open_start:
                yield start
            current += step


def least_loaded(users, load):
    """The user with the fewest appointments in the period, then the lowest id."""
    return min(users, key=lambda user_id: (load.get(user_id, 0), user_id))


def choose_operators(free, workers, load, pair=False):
    """The operators for a slot among the `free` ones, or None: one (the least loaded), or
    with `pair` a social worker (in `workers`) and an educator (not in it)."""
    if not pair:
        return [least_loaded(free, load)] if free else None
    free_workers = [user_id for user_id in free if user_id in workers]
    free_educators = [user_id for user_id in free if user_id not in workers]
    if not free_workers or not free_educators:
        return None
    return [least_loaded(free_workers, load), least_loaded(free_educators, load)]


def pair_with(user_id, free, workers, load):
    """A pair containing `user_id` and the least loaded free colleague of the other role
    (social worker first), or None."""
    others = [u for u in free if (u in workers) != (user_id in workers)]
    if not others:
        return None
    other = least_loaded(others, load)
    return [user_id, other] if user_id in workers else [other, user_id]


@dataclass
class SlotContext:
    """What is known of a desk for a window: its opening hours, each operator's working time
    and busy time, the person's busy time, the rooms' busy time (empty: no limit of rooms),
    and each operator's load (appointments in the window)."""

    tz: pytz.BaseTzInfo
    opening: list = field(default_factory=list)
    work: dict = field(default_factory=dict)  # user id: Spans
    busy: dict = field(default_factory=dict)  # user id: Spans
    person_busy: Spans = field(default_factory=Spans)
    seats: list = field(default_factory=list)  # one Spans per room
    load: dict = field(default_factory=dict)  # user id: number of appointments

    def is_open(self, start, stop):
        return Spans(self.opening).contains(start, stop)

    def room_free(self, start, stop):
        """Whether a room of the desk is free (always, when the desk sets no limit)."""
        return not self.seats or any(not seat.overlaps(start, stop) for seat in self.seats)

    def is_working(self, user_id, start, stop):
        work = self.work.get(user_id)
        return bool(work) and work.contains(start, stop)

    def is_busy(self, user_id, start, stop):
        busy = self.busy.get(user_id)
        return bool(busy) and busy.overlaps(start, stop)

    def is_free(self, user_id, start, stop):
        return self.is_working(user_id, start, stop) and not self.is_busy(user_id, start, stop)

    def free_operators(self, staff, start, stop):
        return [user_id for user_id in staff if self.is_free(user_id, start, stop)]

    def operators_for(self, staff, workers, start, stop, pair=False, operator_id=None):
        """The operators who would hold [start, stop), or None: `operator_id` (with a free
        colleague when `pair`) when given, else the least loaded free ones."""
        free = self.free_operators(staff, start, stop)
        if not operator_id:
            return choose_operators(free, workers, self.load, pair=pair)
        if operator_id not in free:
            return None
        if pair:
            return pair_with(operator_id, free, workers, self.load)
        return [operator_id]


def free_slots(context, staff, workers, duration, step, bounds, pair=False, **options):
    """The free slots of `context` on the grid of `step`: [{start, stop (naive UTC),
    start_local (naive, desk time), operator_ids}] in time order. `staff`: the user ids who
    receive, `workers` those of them who are social workers; `bounds`: (earliest, latest)
    start allowed. `options`: `operator_id`, only slots this user can take; `person`, leave
    out the times the person is busy."""
    earliest, latest = bounds
    slots = []
    for start in grid_starts(context.opening, context.tz, step, duration):
        stop = start + duration
        if start < earliest or start > latest:
            continue
        if options.get("person") and context.person_busy.overlaps(start, stop):
            continue
        if not context.room_free(start, stop):
            continue
        chosen = context.operators_for(
            staff, workers, start, stop, pair=pair, operator_id=options.get("operator_id")
        )
        if chosen:
            slots.append(
                {
                    "start": start,
                    "stop": stop,
                    "start_local": to_local(start, context.tz),
                    "operator_ids": chosen,
                }
            )
    return slots
