from odoo import models

from ..tools import upload_policy


class CalendarAttendee(models.Model):
    _inherit = "calendar.attendee"

    def _compute_mail_tz(self):
        # an appointment's invitations and reminders give its time in the desk's zone, as
        # its other texts do (social.desk._tz), not in the zone of each attendee's contact
        res = super()._compute_mail_tz()
        for attendee in self:
            attendee.mail_tz = attendee.event_id._social_desk_tz() or attendee.mail_tz
        return res

    def _send_mail_to_attendees(self, mail_template, force_send=False):
        # the invitation's .ics (and the template's files) are made by the server, also when
        # a citizen's booking from the portal sends it
        with upload_policy.server_generated():
            return super()._send_mail_to_attendees(mail_template, force_send=force_send)
