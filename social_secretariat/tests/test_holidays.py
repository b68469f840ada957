"""Public holidays, patron saints' days and desk closures: the days the desks are closed, as
Odoo's time off (resource.calendar.leaves) that the slot list, the booking checks, the
assistant and the rescheduling honour."""

from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError

from ..tools.holidays import italian_holidays
from .common_appointment import AppointmentCase, local_times, utc

NOW = "2026-12-01 08:00:00"  # Tuesday 1 December 2026, 9:00 in Rome
MORNING = ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]


# ------------------------------------------------------------
# The calendar of national holidays (plain Python, no database)
# ------------------------------------------------------------


def test_easter_monday_computed():
    assert dict(italian_holidays(2026))[date(2026, 4, 6)] == "Lunedì dell'Angelo (Pasquetta)"
    assert date(2027, 3, 29) in dict(italian_holidays(2027))
    assert date(2025, 4, 21) in dict(italian_holidays(2025))


def test_fixed_holidays_in_order():
    days = italian_holidays(2026)
    assert days == sorted(days)
    names = dict(days)
    assert names[date(2026, 12, 8)] == "Immacolata Concezione"
    assert names[date(2026, 12, 25)] == "Natale"
    assert names[date(2026, 12, 26)] == "Santo Stefano"
    assert names[date(2026, 4, 25)] == "Festa della Liberazione"
    assert names[date(2026, 6, 2)] == "Festa della Repubblica"
    assert len(days) == 12


def test_saint_francis_from_2026():
    """Law 151/2025: 4 October a national holiday again from 2026."""
    assert date(2025, 10, 4) not in dict(italian_holidays(2025))
    assert date(2026, 10, 4) in dict(italian_holidays(2026))
    assert len(italian_holidays(2025)) == 11


# ------------------------------------------------------------
# In the booking
# ------------------------------------------------------------


@freeze_time(NOW)
class TestHolidays(AppointmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["social.holiday.sync"]._sync_holidays(cls.company)

    def _national_leaves(self):
        return self.env["resource.calendar.leaves"].search(
            [
                ("company_id", "=", self.company.id),
                ("calendar_id", "=", False),
                ("resource_id", "=", False),
                ("date_from", ">=", "2025-12-31"),
                ("date_to", "<=", "2028-01-01"),
            ]
        )

    def test_sync_idempotent(self):
        leaves = self._national_leaves()
        christmas = leaves.filtered(lambda leave: leave.name == "Natale")
        self.assertEqual(len(christmas), 2, "this year's and next year's")
        self.assertEqual(
            christmas[0].date_from.strftime("%Y-%m-%d %H:%M"),
            "2026-12-24 23:00",
            "the whole day in Rome",
        )
        self.assertEqual(len(leaves.filtered(lambda leave: leave.name == "Capodanno")), 2)
        self.env["social.holiday.sync"]._sync_holidays()
        self.env["social.holiday.sync"]._sync_holidays(self.company, years=(2026,))
        self.assertEqual(self._national_leaves(), leaves, "nothing added twice")

    def test_demo_desk_closed_on_holidays(self):
        """8 and 25 December are not offered, refused when chosen, and refused when moving an
        appointment there: the demo topic at the demo desk of Pioltello."""
        ref = self.env.ref
        topic = ref("social_secretariat.appointment_topic_bonus_demo")
        desk = ref("social_secretariat.desk_pioltello_demo")
        slots = topic._get_free_slots(desk, date(2026, 12, 7), date(2026, 12, 31))
        days = {slot["start_local"].date() for slot in slots}
        self.assertIn(date(2026, 12, 7), days)
        self.assertIn(date(2026, 12, 9), days)
        self.assertIn(date(2026, 12, 24), days)
        self.assertNotIn(date(2026, 12, 8), days)
        self.assertNotIn(date(2026, 12, 25), days)
        for day in ("2026-12-08", "2026-12-25"):
            with self.assertRaisesRegex(UserError, "is not open at this time"):
                topic._check_slot(desk, utc(f"{day} 10:00"))
        # moving an appointment there, by the citizen or at the desk
        slot = next(s for s in slots if s["start_local"].date() == date(2026, 12, 7))
        appointment = topic._book(self.person, desk, slot["start"], "phone")
        with self.assertRaisesRegex(UserError, "is not open at this time"):
            appointment._reschedule(utc("2026-12-08 10:00"))
        coordinator = ref("social_secretariat.user_coordinator_demo")
        with (
            self.assertRaisesRegex(UserError, "is not open at this time"),
            self.env.cr.savepoint(),
        ):
            appointment.with_user(coordinator).write({"start": utc("2026-12-25 10:00")})
        appointment.invalidate_recordset()
        self.assertEqual(appointment.start, slot["start"])

    def test_wizard_skips_holiday(self):
        ref = self.env.ref
        wizard = (
            self.env["social.appointment.booking.wizard"]
            .with_user(ref("social_secretariat.user_coordinator_demo"))
            .create(
                {
                    "person_id": self.person.id,
                    "topic_id": ref("social_secretariat.appointment_topic_bonus_demo").id,
                    "desk_id": ref("social_secretariat.desk_pioltello_demo").id,
                    "day": "2026-12-08",
                }
            )
        )
        wizard.action_search_slots()
        self.assertEqual(wizard.day, date(2026, 12, 9), "the next day with free times")
        self.assertIn("No free time on", wizard.search_message)
        self.assertTrue(wizard.slot_ids)

    def test_patron_day_closes_only_its_municipality(self):
        self.desk_a.resource_calendar_id = self.hours.copy({"name": "Orari Pioltello (test)"})
        self.desk_b.resource_calendar_id = self.hours.copy({"name": "Orari Segrate (test)"})
        # the write closes the desks at once, no need to wait for the monthly run
        self.pioltello.with_user(self.coordinator).write(
            {"patron_saint": "Sant'Andrea", "patron_day": 9, "patron_month": "12"}
        )
        leave = self.env["resource.calendar.leaves"].search(
            [("calendar_id", "=", self.desk_a.resource_calendar_id.id)]
        )
        self.assertEqual(leave.mapped("name"), ["Festa patronale di Pioltello (Sant'Andrea)"] * 2)
        day = date(2026, 12, 9)
        self.assertFalse(self.topic._get_free_slots(self.desk_a, day, day))
        self.assertEqual(local_times(self.topic._get_free_slots(self.desk_b, day, day)), MORNING)
        self.env["social.holiday.sync"]._sync_holidays(self.company)
        self.assertEqual(
            len(
                self.env["resource.calendar.leaves"].search(
                    [("calendar_id", "=", self.desk_a.resource_calendar_id.id)]
                )
            ),
            2,
            "nothing added twice",
        )

    def test_demo_patron_days(self):
        """The demo desks close on their municipality's patron day; Segrate's (26 December)
        is a national holiday already, and gets no second closed day."""
        Leave = self.env["resource.calendar.leaves"]
        pioltello = Leave.search(
            [
                (
                    "calendar_id",
                    "=",
                    self.env.ref("social_secretariat.calendar_desk_pioltello_demo").id,
                )
            ]
        )
        self.assertIn(
            "Festa patronale di Pioltello (Sant'Andrea apostolo)", pioltello.mapped("name")
        )
        self.assertFalse(
            Leave.search(
                [
                    (
                        "calendar_id",
                        "=",
                        self.env.ref("social_secretariat.calendar_desk_segrate_demo").id,
                    ),
                    ("name", "like", "Festa patronale"),
                ]
            )
        )

    def test_patron_day_not_on_shared_hours(self):
        """Desks A (Pioltello) and B (Segrate) share their opening hours: Pioltello's patron
        day must not close Segrate's desk; nothing is closed, and the log says why."""
        with self.assertLogs(
            "odoo.addons.social_secretariat.models.social_holiday_sync", "WARNING"
        ) as logs:
            self.pioltello.write({"patron_day": 9, "patron_month": "12"})
        self.assertTrue(
            any("shared by desks of Pioltello, Segrate" in line for line in logs.output)
        )
        day = date(2026, 12, 9)
        self.assertEqual(local_times(self.topic._get_free_slots(self.desk_b, day, day)), MORNING)

    def test_patron_day_must_exist(self):
        with self.assertRaisesRegex(Exception, "Patron saint's day of Segrate"):
            self.segrate.write({"patron_day": 31, "patron_month": "11"})


# ------------------------------------------------------------
# Desk closures
# ------------------------------------------------------------


@freeze_time(NOW)
class TestDeskClosure(AppointmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.desk_a.resource_calendar_id = cls.hours.copy({"name": "Orari Pioltello (test)"})
        cls.person.partner_id.email = "mario.rossi@example.com"

    def _closure(self, user=None, desk=None):
        return (
            self.env["social.desk.closure"]
            .with_user(user or self.operator_a)
            .create(
                {
                    "name": "Formazione del personale",
                    "desk_id": (desk or self.desk_a).id,
                    "date_from": utc("2026-12-09 00:00"),
                    "date_to": utc("2026-12-10 23:59"),
                }
            )
        )

    def test_closure_lists_tells_and_moves_nothing(self):
        hit = self.book("2026-12-09 10:00", desk=self.desk_a)
        hit_2 = self.book("2026-12-10 11:00", person=self.person_2, desk=self.desk_a)
        elsewhere = self.book("2026-12-09 10:00", person=self.person_3, desk=self.desk_b)
        later = self.book("2026-12-11 10:00", person=self.person_2, desk=self.desk_a)
        closure = self._closure()
        self.assertEqual(closure.appointment_ids, hit | hit_2, "listed before confirming")
        self.assertEqual(closure.appointment_count, 2)

        closure.action_confirm()
        self.assertEqual(closure.state, "confirmed")
        self.assertEqual(closure.leave_id.calendar_id, self.desk_a.resource_calendar_id)
        self.assertEqual(closure.appointment_ids, hit | hit_2, "listed after confirming")
        self.assertTrue(
            closure.message_ids.filtered(
                lambda m: "2 booked appointments fall in this closure" in m.body
            )
        )
        # the desk takes no new booking then; the other desk is open
        day = date(2026, 12, 9)
        self.assertFalse(self.topic._get_free_slots(self.desk_a, day, day))
        self.assertTrue(self.topic._get_free_slots(self.desk_b, day, day))
        with self.assertRaisesRegex(UserError, "is not open at this time"):
            self.book("2026-12-10 09:00", person=self.person_3, desk=self.desk_a)

        closure.action_notify_citizens()
        self.assertTrue(closure.notified_date)
        subtype = self.env.ref("social_secretariat.mt_appointment_closure_citizen")
        for appointment in hit | hit_2:
            message = appointment.message_ids.filtered(lambda m, s=subtype: m.subtype_id == s)
            self.assertEqual(len(message), 1, "a message on each appointment hit")
            self.assertIn("Formazione del personale", message.body)
            self.assertIn(appointment.desk_id.name, message.body)
            self.assertEqual(message.author_id, self.company.partner_id)
        note = closure.message_ids.filtered(lambda m: "were told" in m.body)
        self.assertIn(
            f"Without an e-mail address (they see the message on the portal only, "
            f"call them): {hit_2.name}.",
            note.body,
            "Lucia has no e-mail",
        )
        self.assertNotIn("Mario", note.body, "numbers, not names")
        mario_message = hit.message_ids.filtered(lambda m: m.subtype_id == subtype)
        self.assertEqual(mario_message.partner_ids, self.person.partner_id, "sent to Mario")
        for appointment in elsewhere | later:
            self.assertFalse(appointment.message_ids.filtered(lambda m: m.subtype_id == subtype))
        # nothing moved or cancelled
        for appointment in hit | hit_2 | elsewhere | later:
            self.assertEqual(appointment.state, "booked")
        self.assertEqual(hit.start, utc("2026-12-09 10:00"))

        # the staff move one and cancel the other, from the list
        hit.with_user(self.operator_a)._reschedule(utc("2026-12-14 10:00"))
        hit_2.with_user(self.operator_a).action_cancel()
        closure.invalidate_recordset(["appointment_ids"])  # as the form reloads
        self.assertFalse(closure.appointment_ids)

        # cancelled, the desk opens again
        closure.action_cancel()
        self.assertFalse(closure.leave_id)
        self.assertEqual(local_times(self.topic._get_free_slots(self.desk_a, day, day)), MORNING)

    def test_closure_rights(self):
        """An operator closes their own desk only; all staff read the closures."""
        with self.assertRaises(AccessError):
            self._closure(user=self.operator_b)
        closure = self._closure()
        as_b = closure.with_user(self.operator_b)
        self.assertEqual(as_b.name, "Formazione del personale", "staff read every closure")
        with self.assertRaises(AccessError):
            as_b.action_confirm()
        with self.assertRaises(AccessError):
            as_b.write({"name": "Chiuso"})
        with self.assertRaisesRegex(UserError, "change only through the buttons"):
            closure.write({"state": "confirmed"})
        with self.assertRaises(AccessError):
            self.env["social.desk.closure"].with_user(self.operator_a).create(
                {
                    "name": "Chiuso",
                    "desk_id": self.desk_b.id,
                    "date_from": utc("2026-12-09 00:00"),
                    "date_to": utc("2026-12-09 23:59"),
                }
            )
        # the coordinator closes any desk of the Ambito
        closure.with_user(self.coordinator).action_confirm()
        self.assertEqual(closure.state, "confirmed")
        with self.assertRaisesRegex(UserError, "keeps its desk and times"):
            closure.with_user(self.operator_a).write({"date_to": utc("2026-12-11 23:59")})

    def test_closure_not_on_shared_hours(self):
        """Desk B shares the opening hours of the test desks: closing them would close
        another desk; refused, with what to do."""
        self.desk_a.resource_calendar_id = self.hours
        closure = self._closure()
        with self.assertRaisesRegex(UserError, "are also those of Sportello Segrate"):
            closure.action_confirm()
        self.assertEqual(closure.state, "draft")

    def test_linked_desk_must_be_readable(self):
        other = self.env["res.company"].create({"name": "Altro Ambito"})
        desk = self.env["social.desk"].create({"name": "Sportello altrove", "company_id": other.id})
        with self.assertRaises(AccessError):
            self._closure(user=self.coordinator, desk=desk)
