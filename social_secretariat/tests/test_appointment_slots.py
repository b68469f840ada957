import logging
from datetime import date

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user

from .common_appointment import AppointmentCase, local_times, utc

_logger = logging.getLogger(__name__)

MONDAY = "2026-03-23 08:10:00"  # Monday 23 March 2026, 09:10 in Rome (CET, UTC+1)
MORNING = ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]


@freeze_time(MONDAY)
class TestAppointmentSlots(AppointmentCase):
    # ------------------------------------------------------------
    # Grid, time zones, daylight saving
    # ------------------------------------------------------------

    def test_slots_desk_time_stored_utc(self):
        slots = self.topic._get_free_slots(self.desk_b, date(2026, 3, 25), date(2026, 3, 25))
        self.assertEqual(local_times(slots), MORNING)
        self.assertEqual(slots[0]["start"], fields.Datetime.to_datetime("2026-03-25 08:00:00"))
        self.assertEqual(slots[0]["stop"], fields.Datetime.to_datetime("2026-03-25 08:30:00"))
        self.assertEqual(slots[0]["operator_ids"], self.operator_b.ids)

    def test_slots_longer_topic_fit_inside_opening(self):
        self.topic.duration = 1.25
        slots = self.topic._get_free_slots(self.desk_b, date(2026, 3, 25), date(2026, 3, 25))
        self.assertEqual(local_times(slots), ["09:00", "09:30", "10:00", "10:30"])

    def test_dst_spring_keeps_wall_clock(self):
        # Summer time starts on Sunday 29 March 2026: 9:00 is 8:00 UTC before, 7:00 UTC after
        slots = self.topic._get_free_slots(self.desk_b, date(2026, 3, 27), date(2026, 3, 30))
        friday = [s for s in slots if s["start_local"].date() == date(2026, 3, 27)]
        monday = [s for s in slots if s["start_local"].date() == date(2026, 3, 30)]
        self.assertEqual(local_times(friday), MORNING)
        self.assertEqual(local_times(monday), MORNING)
        self.assertEqual(friday[0]["start"].hour, 8)
        self.assertEqual(monday[0]["start"].hour, 7)
        self.assertEqual(len(slots), 12, "nothing on the weekend")

    def test_dst_autumn_keeps_wall_clock(self):
        with freeze_time("2026-10-19 08:00:00"):
            # Winter time from Sunday 25 October 2026: 9:00 is 7:00 UTC before, 8:00 UTC after
            slots = self.topic._get_free_slots(self.desk_b, date(2026, 10, 23), date(2026, 10, 26))
        friday = [s for s in slots if s["start_local"].date() == date(2026, 10, 23)]
        monday = [s for s in slots if s["start_local"].date() == date(2026, 10, 26)]
        self.assertEqual(local_times(friday), MORNING)
        self.assertEqual(local_times(monday), MORNING)
        self.assertEqual(friday[0]["start"].hour, 7)
        self.assertEqual(monday[0]["start"].hour, 8)

    def test_step_aligned_from_midnight(self):
        self.hours.attendance_ids.filtered(lambda a: a.dayofweek == "2").hour_from = 9.25
        slots = self.topic._get_free_slots(self.desk_b, date(2026, 3, 25), date(2026, 3, 25))
        self.assertEqual(local_times(slots), MORNING[1:], "9:15 opening: the first slot is 9:30")

    def test_one_zone_for_slots_and_texts(self):
        """The desk's zone, not the reader's: the hour of the slot list is the hour of the
        confirmation; a desk without hours of its own has the Ambito's zone everywhere."""
        self.env.user.tz = "America/New_York"  # who reads is 5 or 6 hours behind the desk
        day = date(2026, 3, 25)
        slot = self.topic._get_free_slots(self.desk_b, day, day)[2]
        self.assertEqual(slot["start_local"].strftime("%H:%M"), "10:00")
        appointment = self.topic._book(self.person, self.desk_b, slot["start"], "phone")
        self.assertIn(" at 10:00.", appointment._confirmation_text())
        self.assertTrue(appointment._local_when_text().endswith(", 10:00"))
        self.assertTrue(appointment._local_start_text().endswith("10:00"))
        # the invitations and reminders (calendar's templates): the desk's zone too
        self.person.partner_id.tz = "America/New_York"
        event = appointment.calendar_event_id
        self.assertIn(self.person.partner_id, event.attendee_ids.partner_id)
        self.assertEqual(set(event.attendee_ids.mapped("mail_tz")), {"Europe/Rome"})
        self.assertEqual(event._get_mail_tz(), "Europe/Rome")
        # a desk without opening hours of its own: the Ambito's working time gives the zone
        self.company.resource_calendar_id = self.hours.copy({"tz": "Europe/London"})
        desk = self.env["social.desk"].create(
            {"name": "Sportello senza orario (test)", "resource_calendar_id": False}
        )
        self.assertEqual((desk._tz(), desk.tz), ("Europe/London", "Europe/London"))
        self.topic.desk_ids = [Command.link(desk.id)]
        # the slot engine reads its times in that zone (and finds the desk closed) ...
        with self.assertRaisesRegex(UserError, r"is not open at this time \(09:00\)"):
            self.topic._check_slot(desk, utc("2026-03-26 10:00"))
        # ... as the texts of an appointment booked there outside the rules do
        appointment = self.env["social.appointment"].create(
            {
                "person_id": self.person_2.id,
                "topic_id": self.topic.id,
                "desk_id": desk.id,
                "start": utc("2026-03-26 10:00"),
                "operator_ids": [Command.set(self.operator_b.ids)],
            }
        )
        self.assertIn(" at 09:00.", appointment._confirmation_text())
        self.assertTrue(appointment._local_start_text().endswith("09:00"))

    # ------------------------------------------------------------
    # Notice and horizon
    # ------------------------------------------------------------

    def test_lead_time(self):
        # now is Monday 9:10: with 24 hours' notice, Tuesday 9:00 is too early, 9:30 is fine
        slots = self.topic._get_free_slots(self.desk_b, date(2026, 3, 23), date(2026, 3, 24))
        self.assertEqual(local_times(slots), MORNING[1:])
        self.assertTrue(all(s["start_local"].date() == date(2026, 3, 24) for s in slots))

    def test_horizon(self):
        self.topic.horizon_days = 3
        slots = self.topic._get_free_slots(self.desk_b, date(2026, 3, 23), date(2026, 4, 30))
        self.assertEqual(slots[-1]["start_local"].strftime("%d %H:%M"), "26 09:00")
        self.assertEqual(len(slots), 5 + 6 + 1)

    # ------------------------------------------------------------
    # Leaves, agendas, appointments
    # ------------------------------------------------------------

    def test_operator_leave_removes_slots(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Dentist",
                "resource_id": self.resource_a.id,
                "calendar_id": self.hours.id,
                "date_from": utc("2026-03-25 10:00"),
                "date_to": utc("2026-03-25 11:00"),
            }
        )
        day = date(2026, 3, 25)
        slots = self.topic._get_free_slots(self.desk_a, day, day, operator=self.operator_a)
        self.assertEqual(local_times(slots), ["09:00", "09:30", "11:00", "11:30"])
        # the desk is still open: Worker takes those times
        slots = self.topic._get_free_slots(self.desk_a, day, day)
        self.assertEqual(local_times(slots), MORNING)
        by_time = {s["start_local"].strftime("%H:%M"): s["operator_ids"] for s in slots}
        self.assertEqual(by_time["10:00"], self.worker.ids)

    def test_public_holiday_removes_day(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Festa del patrono",
                "calendar_id": self.hours.id,
                "date_from": utc("2026-03-25 00:00"),
                "date_to": utc("2026-03-25 23:59"),
            }
        )
        slots = self.topic._get_free_slots(self.desk_a, date(2026, 3, 24), date(2026, 3, 26))
        days = {s["start_local"].day for s in slots}
        self.assertEqual(days, {24, 26})

    def _event(self, user, start_local, stop_local, **values):
        return (
            self.env["calendar.event"]
            .with_context(no_mail_to_attendees=True)
            .create(
                {
                    "name": "Riunione d'équipe",
                    "start": utc(start_local),
                    "stop": utc(stop_local),
                    "user_id": user.id,
                    "partner_ids": [Command.set(user.partner_id.ids)],
                    **values,
                }
            )
        )

    def test_busy_event_removes_slot(self):
        self._event(self.operator_b, "2026-03-25 10:15", "2026-03-25 11:00")
        day = date(2026, 3, 25)
        slots = self.topic._get_free_slots(self.desk_b, day, day)
        self.assertEqual(local_times(slots), ["09:00", "09:30", "11:00", "11:30"])

    def test_free_or_declined_event_keeps_slot(self):
        self._event(self.operator_b, "2026-03-25 09:00", "2026-03-25 10:00", show_as="free")
        declined = self._event(self.operator_b, "2026-03-25 11:00", "2026-03-25 12:00")
        declined.attendee_ids.filtered(
            lambda a: a.partner_id == self.operator_b.partner_id
        ).state = "declined"
        day = date(2026, 3, 25)
        self.assertEqual(local_times(self.topic._get_free_slots(self.desk_b, day, day)), MORNING)

    def test_all_day_event_removes_day(self):
        self._event(
            self.operator_b,
            "2026-03-25 09:00",
            "2026-03-25 10:00",
            allday=True,
            start_date="2026-03-25",
            stop_date="2026-03-25",
        )
        slots = self.topic._get_free_slots(self.desk_b, date(2026, 3, 24), date(2026, 3, 26))
        self.assertEqual({s["start_local"].day for s in slots}, {24, 26})

    def test_existing_appointment_removes_slot(self):
        self.book("2026-03-25 10:00")
        day = date(2026, 3, 25)
        slots = self.topic._get_free_slots(self.desk_b, day, day, person=self.person_2)
        self.assertNotIn("10:00", local_times(slots))
        self.assertEqual(len(slots), 5)

    def test_person_cannot_be_in_two_places(self):
        self.book("2026-03-25 10:00")  # at desk B
        day = date(2026, 3, 25)
        slots = self.topic._get_free_slots(self.desk_a, day, day, person=self.person)
        self.assertNotIn("10:00", local_times(slots))

    def test_load_is_spread(self):
        day = date(2026, 3, 25)
        first = self.topic._get_free_slots(self.desk_a, day, day)[0]
        self.assertEqual(first["operator_ids"], [min(self.operator_a.id, self.worker.id)])
        taken = self.env["res.users"].browse(first["operator_ids"])
        self.topic._book(self.person, self.desk_a, first["start"], "phone")
        slots = self.topic._get_free_slots(self.desk_a, day, day)
        other = (self.operator_a | self.worker) - taken
        self.assertEqual(slots[0]["operator_ids"], other.ids)
        self.assertEqual(
            {u for s in slots for u in s["operator_ids"]},
            set(other.ids),
            "the least loaded operator is offered everywhere",
        )

    # ------------------------------------------------------------
    # Two operators
    # ------------------------------------------------------------

    def test_pair_needs_worker_and_educator(self):
        day = date(2026, 3, 25)
        slots = self.topic_pair._get_free_slots(self.desk_a, day, day)
        self.assertEqual(local_times(slots), ["09:00", "09:30", "10:00", "10:30", "11:00"])
        self.assertEqual(slots[0]["operator_ids"], [self.worker.id, self.operator_a.id])
        # the educator is busy at 10:00: the slots overlapping it go
        self._event(self.operator_a, "2026-03-25 10:00", "2026-03-25 10:30")
        slots = self.topic_pair._get_free_slots(self.desk_a, day, day)
        self.assertEqual(local_times(slots), ["09:00", "10:30", "11:00"])

    def test_pair_without_educator_has_no_slot(self):
        self.desk_a.operator_ids = [Command.set([self.worker.id, self.coordinator.id])]
        day = date(2026, 3, 25)
        self.assertFalse(self.topic_pair._get_free_slots(self.desk_a, day, day))

    def test_topic_not_at_desk(self):
        day = date(2026, 3, 25)
        self.assertFalse(self.topic_pair._get_free_slots(self.desk_b, day, day))

    # ------------------------------------------------------------
    # Server-side validation of a chosen time
    # ------------------------------------------------------------

    def assertSlotRefused(self, start_local, message, desk=None, topic=None, operators=None):
        with self.assertRaisesRegex(UserError, message):
            (topic or self.topic)._check_slot(
                desk or self.desk_b, utc(start_local), operators.ids if operators else None
            )

    def test_check_slot(self):
        operators = self.topic._check_slot(self.desk_b, utc("2026-03-25 10:00"))
        self.assertEqual(operators, self.operator_b)
        self.assertSlotRefused("2026-03-20 10:00", "in the past")
        self.assertSlotRefused("2026-03-24 09:00", "at least 24 hours ahead")
        self.assertSlotRefused("2026-05-25 10:00", "at most 30 days ahead")
        self.assertSlotRefused("2026-03-25 10:10", "start every 30 minutes")
        self.assertSlotRefused("2026-03-25 14:00", "is not open at this time")
        self.assertSlotRefused("2026-03-28 10:00", "is not open at this time")  # Saturday
        self.assertSlotRefused("2026-03-25 11:45", "start every 30 minutes")
        self.topic.slot_step = 15
        self.assertSlotRefused("2026-03-25 11:45", "is not open at this time")  # ends 12:15
        self.assertSlotRefused("2026-03-25 10:00", "not offered at", desk=self.phone_desk)
        self.assertSlotRefused("2026-03-25 10:00", "does not receive at", operators=self.operator_a)
        self.assertSlotRefused(
            "2026-03-25 10:00",
            "held by a social worker and an educator",
            desk=self.desk_a,
            topic=self.topic_pair,
            operators=self.worker,
        )

    def test_check_slot_operator_leave_and_busy(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Ferie",
                "resource_id": self.resource_a.id,
                "calendar_id": self.hours.id,
                "date_from": utc("2026-03-25 00:00"),
                "date_to": utc("2026-03-25 23:59"),
            }
        )
        self.assertSlotRefused(
            "2026-03-25 10:00",
            "Operator A is not working",
            desk=self.desk_a,
            operators=self.operator_a,
        )
        self._event(self.worker, "2026-03-26 10:00", "2026-03-26 11:00")
        self.assertSlotRefused(
            "2026-03-26 10:00",
            "Worker already has an appointment or a meeting",
            desk=self.desk_a,
            operators=self.worker,
        )
        self.book("2026-03-26 11:00")
        self.assertSlotRefused("2026-03-26 11:00", "No operator of .* is free")

    # ------------------------------------------------------------
    # Performance
    # ------------------------------------------------------------

    def test_query_count_does_not_grow(self):
        """28 days of slots at a desk with 10 operators: a fixed number of queries, with 0 or
        200 more appointments in the period."""
        users = self.env["res.users"]
        for index in range(10):
            users |= new_test_user(
                self.env,
                f"perf_op_{index}",
                groups="social_secretariat.group_social_operator"
                if index % 2
                else "social_secretariat.group_social_worker",
                name=f"Perf operator {index}",
            )
        self.env["resource.resource"].create(
            [
                {"name": u.name, "user_id": u.id, "calendar_id": self.hours.id, "tz": "Europe/Rome"}
                for u in users[:4]
            ]
        )
        self.desk_b.operator_ids = [Command.set(users.ids)]
        day_from, day_to = date(2026, 3, 25), date(2026, 4, 21)
        # four plain weeks: without the public holidays the module ships (Easter Monday, 6
        # April, falls in them; the holidays are tested in test_holidays)
        self.env["resource.calendar.leaves"].search(
            [("resource_id", "=", False), ("date_from", "<", "2026-04-22")]
        ).unlink()

        def measure():
            self.env.flush_all()
            self.env.invalidate_all()  # cold: every record is read again
            before = self.env.cr.sql_log_count
            slots = self.topic._get_free_slots(self.desk_b, day_from, day_to)
            return self.env.cr.sql_log_count - before, slots

        measure()  # warm the registry caches (xml ids, model ids), as in a running server
        empty_count, slots = measure()
        self.assertEqual(len(slots), 20 * 6)
        persons = self.env["social.person"].create(
            [{"first_name": f"P{index}", "last_name": "Perf"} for index in range(10)]
        )
        # 200 appointments: 10 per operator... spread over the 28 days
        vals_list = []
        for index, slot in enumerate(slots[:100]):
            for offset in range(2):
                user = users[(index + offset * 5) % 10]
                vals_list.append(
                    {
                        "person_id": persons[(index + offset * 5) % 10].id,
                        "topic_id": self.topic.id,
                        "desk_id": self.desk_b.id,
                        "start": slot["start"],
                        "operator_ids": [Command.set(user.ids)],
                    }
                )
        self.env["social.appointment"].with_context(no_mail_to_attendees=True).create(vals_list)
        full_count, slots = measure()
        self.assertEqual(len(slots), 20 * 6, "8 operators still free at each time")
        self.assertEqual(full_count, empty_count, "the query count does not grow")
        _logger.info(
            "28 days, 10 operators: %s queries; +200 appointments: %s", empty_count, full_count
        )
        self.assertLessEqual(empty_count, 10)  # the target of the issue
        # 9: desk, topic, calendar, operators (one SQL), resources, attendances (2), leaves,
        # busy times (one SQL); leaves found in the window add their read
        with self.assertQueryCount(9):
            self.env.invalidate_all()
            self.topic._get_free_slots(self.desk_b, day_from, day_to)
