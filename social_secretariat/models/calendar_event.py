from odoo import models

try:
    import vobject
except ImportError:  # pragma: no cover - calendar itself does without it
    vobject = None


class CalendarEvent(models.Model):
    _inherit = "calendar.event"

    def _get_mail_tz(self):
        return self._social_desk_tz() or super()._get_mail_tz()

    def _social_desk_tz(self):
        """The zone of the desk of the appointment behind the event (social.desk._tz), or
        None for another event."""
        if len(self) != 1 or self.res_model != "social.appointment" or not self.res_id:
            return None
        # sudo: only the desk's zone is read, for whoever gets the invitation or reminder
        appointment = self.env["social.appointment"].sudo().browse(self.res_id).exists()
        return appointment.desk_id._tz() if appointment else None

    def _get_ics_file(self):
        """The .ics of an appointment (portal download and the invitations) comes from the desk:
        the organizer is the desk with its public address (or the Ambito's), and the only
        attendee is the citizen, so that no operator's internal e-mail address goes out."""
        result = super()._get_ics_file()
        if not vobject or not result:
            return result
        # sudo: the appointment behind the event is read only for its desk and its citizen;
        # who may have the event's .ics (an attendee, the portal owner) may not read it
        appointments = (
            self.env["social.appointment"]
            .sudo()  # see the comment above: the reader of the .ics may not read the appointment
            .with_context(active_test=False)
            .search([("calendar_event_id", "in", list(result))])
        )
        for appointment in appointments:
            event_id = appointment.calendar_event_id.id
            result[event_id] = _desk_ics(appointment, result[event_id])
        return result


def _desk_ics(appointment, content):
    calendar = vobject.readOne(content.decode("utf-8"))
    vevent = calendar.vevent
    citizen_email = (appointment.person_id.partner_id.email or "").strip().lower()
    attendees = [
        line
        for line in vevent.contents.get("attendee", [])
        if citizen_email and line.value.lower() == f"mailto:{citizen_email}"
    ]
    if attendees:
        vevent.contents["attendee"] = attendees
    else:
        vevent.contents.pop("attendee", None)
    vevent.contents.pop("organizer", None)
    desk = appointment.desk_id
    email = desk.email or (desk.company_id or appointment.env.company).email
    if email:
        organizer = vevent.add("organizer")
        organizer.value = f"MAILTO:{email}"
        organizer.params["CN"] = [desk.name.replace('"', "'")]
    return calendar.serialize().encode("utf-8")
