"""The slot arithmetic (tools/slots.py) on its own: plain pytest, no database, no Odoo
environment. The engine's behaviour with agendas and bookings is in test_appointment_slots."""

from datetime import date, datetime, timedelta

import pytz

from ..tools import slots

ROME = pytz.timezone("Europe/Rome")
HALF_HOUR = timedelta(minutes=30)


def dt(text):
    return datetime.fromisoformat(text)


def local(texts):
    return [slots.to_local(start, ROME).strftime("%H:%M") for start in texts]


def opening(day):
    """The same desk, as the resource calendar gives it: 9:00-12:00 on the local wall clock."""
    start = ROME.localize(dt(f"{day} 09:00"))
    stop = ROME.localize(dt(f"{day} 12:00"))
    return slots.to_utc_intervals([(start, stop, None)])


# ------------------------------------------------------------
# Spans
# ------------------------------------------------------------


def test_spans_merge_touching_and_overlapping():
    spans = slots.Spans(
        [
            (dt("2026-03-25 10:00"), dt("2026-03-25 11:00")),
            (dt("2026-03-25 08:00"), dt("2026-03-25 09:00")),
            (dt("2026-03-25 09:00"), dt("2026-03-25 09:30")),  # touches the first
            (dt("2026-03-25 10:30"), dt("2026-03-25 10:45")),  # inside another
        ]
    )
    assert list(spans) == [
        (dt("2026-03-25 08:00"), dt("2026-03-25 09:30")),
        (dt("2026-03-25 10:00"), dt("2026-03-25 11:00")),
    ]


def test_spans_contains():
    spans = slots.Spans([(dt("2026-03-25 08:00"), dt("2026-03-25 11:00"))])
    assert spans.contains(dt("2026-03-25 08:00"), dt("2026-03-25 11:00"))
    assert spans.contains(dt("2026-03-25 10:30"), dt("2026-03-25 11:00"))
    assert not spans.contains(dt("2026-03-25 10:45"), dt("2026-03-25 11:15"))
    assert not spans.contains(dt("2026-03-25 07:45"), dt("2026-03-25 08:15"))
    assert not slots.Spans().contains(dt("2026-03-25 08:00"), dt("2026-03-25 08:30"))


def test_spans_overlaps_half_open():
    spans = slots.Spans([(dt("2026-03-25 09:00"), dt("2026-03-25 10:00"))])
    assert spans.overlaps(dt("2026-03-25 09:30"), dt("2026-03-25 10:30"))
    assert spans.overlaps(dt("2026-03-25 08:30"), dt("2026-03-25 09:30"))
    assert spans.overlaps(dt("2026-03-25 08:00"), dt("2026-03-25 11:00"))
    # an appointment may start when the previous one ends, and end when the next starts
    assert not spans.overlaps(dt("2026-03-25 10:00"), dt("2026-03-25 10:30"))
    assert not spans.overlaps(dt("2026-03-25 08:30"), dt("2026-03-25 09:00"))
    assert not slots.Spans().overlaps(dt("2026-03-25 08:00"), dt("2026-03-25 08:30"))


# ------------------------------------------------------------
# Local days, windows, all-day events
# ------------------------------------------------------------


def test_window_bounds_are_local_days():
    day = date(2026, 3, 25)  # CET, UTC+1
    assert slots.window_bound(day, ROME) == dt("2026-03-24 23:00")
    assert slots.window_bound(day, ROME, end=True) == dt("2026-03-25 23:00")
    assert slots.window_bound(dt("2026-03-25 10:00"), ROME, end=True) == dt("2026-03-25 10:00")


def test_window_bound_across_spring_forward():
    # Sunday 29 March 2026 lasts 23 hours in Rome
    start = slots.window_bound(date(2026, 3, 29), ROME)
    stop = slots.window_bound(date(2026, 3, 29), ROME, end=True)
    assert stop - start == timedelta(hours=23)


def test_allday_event_takes_whole_local_days():
    start, stop = slots.allday_span(date(2026, 3, 25), date(2026, 3, 26), ROME)
    assert (start, stop) == (dt("2026-03-24 23:00"), dt("2026-03-26 23:00"))


# ------------------------------------------------------------
# The grid
# ------------------------------------------------------------


def test_grid_inside_opening():
    starts = list(slots.grid_starts(opening("2026-03-25"), ROME, HALF_HOUR, HALF_HOUR))
    assert local(starts) == ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]
    assert starts[0] == dt("2026-03-25 08:00")


def test_grid_longer_appointments_fit_inside():
    starts = slots.grid_starts(opening("2026-03-25"), ROME, HALF_HOUR, timedelta(hours=1.25))
    assert local(starts) == ["09:00", "09:30", "10:00", "10:30"]


def test_grid_aligned_from_midnight():
    start, stop = opening("2026-03-25")[0]
    late = [(start + timedelta(minutes=15), stop)]  # opens at 9:15
    starts = slots.grid_starts(late, ROME, HALF_HOUR, HALF_HOUR)
    assert local(starts) == ["09:30", "10:00", "10:30", "11:00", "11:30"]


def test_grid_keeps_wall_clock_across_daylight_saving():
    spring = opening("2026-03-27") + opening("2026-03-30")  # summer time from 29 March
    starts = list(slots.grid_starts(spring, ROME, HALF_HOUR, HALF_HOUR))
    assert local(starts) == ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"] * 2
    assert (starts[0].hour, starts[6].hour) == (8, 7)
    autumn = opening("2026-10-23") + opening("2026-10-26")  # winter time from 25 October
    starts = list(slots.grid_starts(autumn, ROME, HALF_HOUR, HALF_HOUR))
    assert local(starts) == ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"] * 2
    assert (starts[0].hour, starts[6].hour) == (7, 8)


def test_grid_over_the_night_of_the_change():
    # open all night from Saturday 24 to Sunday 25 October 2026 (2:00-3:00 happens twice):
    # the hourly grid gives each wall-clock hour once, in standard time for the repeated one
    night = [(dt("2026-10-24 21:00"), dt("2026-10-25 04:00"))]  # 23:00 to 5:00 local
    starts = list(slots.grid_starts(night, ROME, timedelta(hours=1), timedelta(hours=1)))
    assert local(starts) == ["23:00", "00:00", "01:00", "02:00", "03:00", "04:00"]
    assert starts == sorted(set(starts))


def test_on_grid():
    assert slots.on_grid(dt("2026-03-25 08:30"), ROME, HALF_HOUR)
    assert not slots.on_grid(dt("2026-03-25 08:10"), ROME, HALF_HOUR)
    # a 45-minute step counts from local midnight, not from UTC midnight
    assert slots.on_grid(dt("2026-03-24 23:45"), ROME, timedelta(minutes=45))


# ------------------------------------------------------------
# Choosing the operators
# ------------------------------------------------------------


def test_choose_least_loaded_then_lowest_id():
    assert slots.choose_operators([3, 1, 2], set(), {1: 2, 2: 1, 3: 1}) == [2]
    assert slots.choose_operators([3, 1, 2], set(), {}) == [1]
    assert slots.choose_operators([], set(), {}) is None


def test_choose_pair():
    workers = {1, 2}
    assert slots.choose_operators([1, 2, 3, 4], workers, {1: 5}, pair=True) == [2, 3]
    assert slots.choose_operators([1, 2], workers, {}, pair=True) is None
    assert slots.choose_operators([3, 4], workers, {}, pair=True) is None


def test_pair_with_a_given_operator():
    workers = {1, 2}
    assert slots.pair_with(3, [1, 2, 3], workers, {1: 1}) == [2, 3]  # the worker first
    assert slots.pair_with(1, [1, 3, 4], workers, {3: 2}) == [1, 4]
    assert slots.pair_with(1, [1, 2], workers, {}) is None


# ------------------------------------------------------------
# Free slots
# ------------------------------------------------------------


def context_for(day, **values):
    hours = opening(day)
    values.setdefault("work", {1: slots.Spans(hours), 2: slots.Spans(hours)})
    return slots.SlotContext(tz=ROME, opening=hours, **values)


def free(context, staff=(1, 2), workers=(), bounds=None, **options):
    bounds = bounds or (dt("2026-01-01 00:00"), dt("2027-01-01 00:00"))
    found = slots.free_slots(
        context, list(staff), set(workers), HALF_HOUR, HALF_HOUR, bounds, **options
    )
    return [(slots.to_local(s["start"], ROME).strftime("%H:%M"), s["operator_ids"]) for s in found]


def test_free_slots_spread_the_work():
    context = context_for("2026-03-25", load={1: 1})
    assert free(context)[:2] == [("09:00", [2]), ("09:30", [2])]


def test_free_slots_busy_operators_and_leave():
    day = "2026-03-25"
    hours = opening(day)
    start = hours[0][0]
    context = context_for(
        day,
        # operator 2 on leave from 10:00
        work={1: slots.Spans(hours), 2: slots.Spans([(start, start + timedelta(hours=1))])},
        # operator 1 in a meeting 9:00-10:00
        busy={1: slots.Spans([(start, start + timedelta(hours=1))])},
    )
    assert free(context) == [
        ("09:00", [2]),
        ("09:30", [2]),
        ("10:00", [1]),
        ("10:30", [1]),
        ("11:00", [1]),
        ("11:30", [1]),
    ]
    assert [time for time, _ops in free(context, operator_id=2)] == ["09:00", "09:30"]


def test_free_slots_person_rooms_and_bounds():
    day = "2026-03-25"
    start = opening(day)[0][0]
    first_hour = slots.Spans([(start, start + timedelta(hours=1))])
    context = context_for(day, person_busy=first_hour)
    assert free(context, person=True)[0][0] == "10:00"
    assert free(context)[0][0] == "09:00", "the person's time counts only when asked"
    # one room, taken 9:00-10:00
    context = context_for(day, seats=[first_hour])
    assert free(context)[0][0] == "10:00"
    context = context_for(day, seats=[first_hour, slots.Spans()])
    assert free(context)[0][0] == "09:00", "a second room is free"
    # the notice and the horizon
    bounds = (start + timedelta(hours=2), start + timedelta(hours=2, minutes=30))
    assert [time for time, _ops in free(context_for(day), bounds=bounds)] == ["11:00", "11:30"]


def test_free_slots_pairs():
    context = context_for("2026-03-25")
    assert free(context, workers={1}, pair=True)[0] == ("09:00", [1, 2])
    assert free(context, workers={1, 2}, pair=True) == []
