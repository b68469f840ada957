from odoo import fields, models


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

    def _get_archive_blockers(self):
        # sudo: as the other blockers, counted even where the user cannot read them
        appointments = (
            self.env["social.appointment"]
            .sudo()
            .search(
                [
                    ("desk_id", "in", self.ids),
                    ("state", "=", "booked"),
                    ("start", ">", fields.Datetime.now()),
                ]
            )
        )
        return [*super()._get_archive_blockers(), (self.env._("future appointments"), appointments)]
