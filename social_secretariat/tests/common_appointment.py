from datetime import datetime

import pytz

from odoo import Command

from .common import SocialCase

ROME = pytz.timezone("Europe/Rome")


def utc(local_string):
    """'2026-03-25 09:00' in Rome -> naive UTC datetime (as stored)."""
    local = ROME.localize(datetime.strptime(local_string, "%Y-%m-%d %H:%M"))
    return local.astimezone(pytz.utc).replace(tzinfo=None)


def local_times(slots):
    return [slot["start_local"].strftime("%H:%M") for slot in slots]


class AppointmentCase(SocialCase):
    """Desk A (Pioltello) is open Monday to Friday 9:00-12:00, Rome time; its operators are
    Operator A (an educator: not a social worker) and Worker (a social worker). Desk B (Segrate)
    has the same hours and Operator B alone. Operator A has working time of her own (a
    resource), so that she can take leave."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.hours = cls.env["resource.calendar"].create(
            {
                "name": "Desk mornings (test)",
                "tz": "Europe/Rome",
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": f"Day {day}",
                            "dayofweek": str(day),
                            "hour_from": 9,
                            "hour_to": 12,
                            "day_period": "morning",
                        }
                    )
                    for day in range(5)
                ],
            }
        )
        (cls.desk_a | cls.desk_b).resource_calendar_id = cls.hours
        cls.resource_a = cls.env["resource.resource"].create(
            {
                "name": "Operator A",
                "user_id": cls.operator_a.id,
                "calendar_id": cls.hours.id,
                "tz": "Europe/Rome",
            }
        )
        Topic = cls.env["social.appointment.topic"]
        cls.topic = Topic.create(
            {
                "name": "Informazioni (test)",
                "duration": 0.5,
                "slot_step": 30,
                "min_lead_hours": 24,
                "horizon_days": 30,
                "cancel_limit_hours": 24,
                "staffing": "one",
                "is_online_bookable": True,
                "desk_ids": [Command.set((cls.desk_a | cls.desk_b).ids)],
                "service_ids": [Command.set(cls.service_rent.ids)],
            }
        )
        cls.topic_pair = Topic.create(
            {
                "name": "Primo colloquio (test)",
                "duration": 0.75,
                "slot_step": 30,
                "staffing": "pair",
                "desk_ids": [Command.set(cls.desk_a.ids)],
            }
        )
        Person = cls.env["social.person"]
        cls.person_2 = Person.create({"first_name": "Lucia", "last_name": "Verdi"})
        cls.person_3 = Person.create({"first_name": "Ahmed", "last_name": "Sayed"})

    def book(self, start_local, person=None, desk=None, topic=None, operators=None):
        return (topic or self.topic)._book(
            person or self.person,
            desk or self.desk_b,
            utc(start_local),
            "phone",
            operator_ids=operators.ids if operators else None,
        )
