from odoo import fields, models


class SocialAppointmentBusy(models.Model):
    """The time an appointment takes from each operator and from the person: one row per
    (appointment, operator) and (appointment, person). The table carries the exclusion
    constraint that makes double booking impossible in the database itself (see `init`):
    two transactions racing for the same slot cannot both commit, whatever the application
    checked before. Rows are written in SQL by `social.appointment._sync_busy` only."""

    _name = "social.appointment.busy"
    _description = "Time taken by an appointment"
    _log_access = False

    appointment_id = fields.Many2one(
        "social.appointment", required=True, ondelete="cascade", index=True
    )
    resource_key = fields.Char(required=True, help="user:<id>, person:<id> or desk:<id>:<room>")
    start = fields.Datetime(required=True)
    stop = fields.Datetime(required=True)

    def init(self):
        # btree_gist gives GiST the `=` of text and `<>` of integers; trusted since PostgreSQL 13,
        # so the database owner may create it.
        self.env.cr.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        self.env.cr.execute(
            "SELECT 1 FROM pg_constraint WHERE conname = 'social_appointment_busy_no_overlap'"
        )
        if not self.env.cr.fetchone():
            # No two rows of the same operator or person overlap in time, unless they belong to
            # the same appointment (a move inserts the new rows before deleting the old ones).
            # Half-open ranges: an appointment may start when the previous one ends.
            self.env.cr.execute(
                """
                ALTER TABLE social_appointment_busy
                  ADD CONSTRAINT social_appointment_busy_no_overlap
                  EXCLUDE USING gist (
                      resource_key WITH =,
                      tsrange(start, stop, '[)') WITH &&,
                      appointment_id WITH <>
                  )
                """
            )
