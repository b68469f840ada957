from odoo import fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.errors import SlotTakenError


class SocialDesk(models.Model):
    _inherit = "social.desk"

    appointment_topic_ids = fields.Many2many(
        "social.appointment.topic",
        "social_appointment_topic_desk_rel",
        "desk_id",
        "topic_id",
        string="Appointment topics",
    )
    appointment_seats = fields.Integer(
        string="Rooms for appointments",
        default=0,
        help="How many appointments the desk can hold at the same time (interview rooms, "
        "seats at the counter). 0: no limit other than the free operators.",
    )

    _sql_constraints = [
        (
            "appointment_seats_positive",
            "CHECK(appointment_seats >= 0)",
            "The rooms for appointments cannot be negative.",
        ),
    ]

    def write(self, vals):
        if (vals.get("appointment_seats") or 0) < 0:
            # before the reseating below, which would read a negative number as "no room"
            raise ValidationError(self.env._("The rooms for appointments cannot be negative."))
        res = super().write(vals)
        if "appointment_seats" in vals:
            self.flush_recordset(["appointment_seats"])
            self._reseat_future_appointments()
        return res

    def _booked_appointments_ahead(self):
        """The desks' booked appointments not over yet, in time order. Sudo: all of them count
        (rooms, archiving), whoever may read them."""
        return (
            self.env["social.appointment"]
            .sudo()
            .search(
                [
                    ("desk_id", "in", self.ids),
                    ("state", "=", "booked"),
                    ("stop", ">", fields.Datetime.now()),
                ],
                order="start, id",
            )
        )

    def _reseat_future_appointments(self):
        """A new number of rooms applies to the appointments already booked ahead: each takes
        a room again, in time order; refused when more are booked at once than the rooms."""
        for appointment in self._booked_appointments_ahead():
            try:
                appointment._sync_busy()
            except SlotTakenError:
                raise UserError(
                    self.env._(
                        "%(desk)s has more appointments booked at the same time than rooms "
                        "(%(when)s): move or cancel some before lowering the number of rooms.",
                        desk=appointment.desk_id.name,
                        when=appointment._local_start_text(),
                    )
                ) from None

    def _get_archive_blockers(self):
        return [
            *super()._get_archive_blockers(),
            (self.env._("future appointments"), self._booked_appointments_ahead()),
        ]
