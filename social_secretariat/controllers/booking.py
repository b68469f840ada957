"""The citizen's booking portal.

`/social/book` leads the citizen through simple pages, one choice each, plain links and forms
(no script needed, large targets, fine on a phone): topic → desk → day → time → confirm. The
confirmation POST is the only step that writes; everything the page sent is validated again by
`social.appointment._portal_book` (which runs `_check_slot`), so a crafted request books nothing
the pages would not have offered.

`/my/social/appointments[/<id>]` lists the citizen's appointments and lets them download the
.ics, cancel or move an appointment within the topic's limits.

Every route reads in the citizen's own environment: the record rules
(security/social_secretariat_portal_rules.xml) give a portal user their own appointments and
person file (the person whose partner is the user's partner), the topics bookable online and the
desks; the detail routes go through `_document_check_access`. Writing (booking, moving,
cancelling) goes through the model's `_portal_*` methods, which check ownership and the topic's
limits and then write with sudo, because the booking writes staff records (the busy rows under
the exclusion constraint, the calendar event, the chatter). The few other sudo calls say why a
rule cannot express them.
"""

from datetime import date, datetime, timedelta
from urllib.parse import urlencode

import pytz

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request
from odoo.tools import format_date

from odoo.addons.portal.controllers import portal

from ..models.social_rate_limit import RateLimited
from ..tools.errors import SlotTakenError

MAX_NOTE_LENGTH = 1000
MAX_REASON_LENGTH = 500


def _url(path, **params):
    return f"{path}?{urlencode(params)}" if params else path


class SocialBookingPortal(portal.CustomerPortal):
    # ------------------------------------------------------------
    # Helpers: the citizen, the choices, the local times
    # ------------------------------------------------------------

    def _social_person(self):
        """The current user's person file, or an empty recordset."""
        return request.env["social.appointment"]._portal_person()

    def _social_create_person(self, company):
        """The person file of the current user, created from their name on their first booking."""
        user = request.env.user
        # lock the partner: two confirmations sent at once by the same user create one file
        request.env.cr.execute(
            "SELECT id FROM res_partner WHERE id = %s FOR NO KEY UPDATE", (user.partner_id.id,)
        )
        person = self._social_person()
        if person:
            return person
        # sudo: a citizen cannot create a person file (a staff model); this one holds only the
        # name of the user's own partner, linked to it, in the Ambito of the desk booked
        Person = request.env["social.person"].sudo()
        return Person._find_or_create_for_partner(user.partner_id, company)

    def _social_topics(self):
        """The topics the citizen can book online, with at least one desk."""
        # the record rules give citizens the online-bookable topics (and those of their own
        # appointments, which this domain leaves out)
        topics = request.env["social.appointment.topic"].search(
            [
                ("is_online_bookable", "=", True),
                ("company_id", "in", request.env.user.company_ids.ids),
            ]
        )
        return topics.filtered(lambda t: self._social_desks(t))

    def _social_topic(self, topic_id):
        topic_id = self._social_int(topic_id)
        return self._social_topics().filtered(lambda t: t.id == topic_id)[:1]

    def _social_desks(self, topic):
        return topic._bookable_desks()

    def _social_desk(self, topic, desk_id):
        desk_id = self._social_int(desk_id)
        return self._social_desks(topic).filtered(lambda d: d.id == desk_id)[:1]

    @staticmethod
    def _social_int(value):
        try:
            return int(value)
        except (TypeError, ValueError):
            return 0

    @staticmethod
    def _social_datetime(value):
        """A naive UTC datetime from the page ("2026-03-25 08:00:00"), or None."""
        try:
            return fields.Datetime.to_datetime(value) if value else None
        except ValueError:
            return None

    @staticmethod
    def _social_date(value):
        try:
            return date.fromisoformat(value) if value else None
        except (TypeError, ValueError):
            return None

    def _social_day_label(self, day):
        return format_date(request.env, day, date_format="EEEE d MMMM y")

    def _social_tz(self, topic, desk):
        # the desk's zone, as the slot engine and the appointment texts use it
        return pytz.timezone(desk._tz())

    def _social_local(self, topic, desk, start):
        return (
            pytz.utc.localize(start).astimezone(self._social_tz(topic, desk)).replace(tzinfo=None)
        )

    def _social_minutes(self, topic):
        return round(topic.duration * 60)

    def _social_address(self, desk):
        return desk._address_text()

    def _social_today(self, topic, desk):
        return datetime.now(self._social_tz(topic, desk)).date()

    def _social_free_slots(self, topic, desk, date_from, date_to, appointment=None):
        # sudo: the slot engine reads the operators' agendas and working times; only free
        # start times come out of it
        person = appointment.person_id if appointment else self._social_person()
        return topic.sudo()._get_free_slots(
            desk.sudo(),
            date_from,
            date_to,
            person=person or None,
            ignore_appointment=appointment,
        )

    def _social_days(self, topic, desk, appointment=None):
        """[(day, label, number of free times)] of the whole horizon, from ONE slot query."""
        today = self._social_today(topic, desk)
        slots = self._social_free_slots(
            topic, desk, today, today + timedelta(days=topic.horizon_days), appointment
        )
        days = {}
        for slot in slots:
            if appointment and slot["start"] == appointment.start:
                continue  # its own time: not a move
            days.setdefault(slot["start_local"].date(), []).append(slot)
        return [(day, self._social_day_label(day), len(found)) for day, found in days.items()]

    def _social_times(self, topic, desk, day, appointment=None):
        slots = self._social_free_slots(topic, desk, day, day, appointment)
        return [
            {"start": fields.Datetime.to_string(s["start"]), "label": s["start_local"]}
            for s in slots
            if not (appointment and s["start"] == appointment.start)
        ]

    def _social_values(self, **values):
        result = self._prepare_portal_layout_values()
        result.update(values)
        return result

    # ------------------------------------------------------------
    # Limits and errors
    # ------------------------------------------------------------

    def _social_too_many_attempts(self):
        """Count this attempt: the error message when the user went beyond the hourly limit,
        else None. Counted in the database for the user (every attempt, refused ones too),
        whatever the session or the worker (see social.rate.limit)."""
        try:
            request.env["social.rate.limit"]._take_booking_attempt()
        except RateLimited as error:
            return error.args[0]
        return None

    def _social_error(self, message, back_url, code="refused", status=200, back_label=None):
        values = self._social_values(
            page_name="social_booking",
            message=message,
            code=code,
            back_url=back_url,
            back_label=back_label or request.env._("Choose another time"),
        )
        return request.render("social_secretariat.portal_booking_error", values, status=status)

    def _social_too_many_response(self, back_url, message):
        return self._social_error(
            message,
            back_url,
            code="too_many",
            status=429,
            back_label=request.env._("Back"),
        )

    def _social_refused(self, error, back_url):
        if isinstance(error, AccessError):
            return request.redirect("/my")
        # lost to someone else (a concurrent request that won the database constraint, or a
        # booking made since the page was shown): told apart by type, not by its text
        if isinstance(error, SlotTakenError):
            return self._social_error(
                request.env._("This time has just been taken, please choose another."),
                back_url,
                code="taken",
                status=409,
            )
        return self._social_error(str(error.args[0] if error.args else error), back_url)

    # ------------------------------------------------------------
    # Booking: topic → desk → day → time → confirm
    # ------------------------------------------------------------

    @http.route("/social/book", type="http", auth="user", methods=["GET"], website=True)
    def social_book(self, **kw):
        topics = self._social_topics()
        items = [
            {
                "topic": topic,
                "minutes": self._social_minutes(topic),
                "url": _url("/social/book/desk", topic=topic.id),
            }
            for topic in topics
        ]
        return request.render(
            "social_secretariat.portal_booking_topics",
            self._social_values(page_name="social_booking", items=items, step=1),
        )

    @http.route("/social/book/desk", type="http", auth="user", methods=["GET"], website=True)
    def social_book_desk(self, topic=None, **kw):
        topic = self._social_topic(topic)
        if not topic:
            return request.redirect("/social/book")
        groups = {}
        for desk in self._social_desks(topic).sorted(
            lambda d: (d.municipality_id.name or "\uffff", d.sequence, d.name)
        ):
            label = desk.municipality_id.name or request.env._("Other desks")
            groups.setdefault(label, []).append(
                {
                    "desk": desk,
                    "address": self._social_address(desk),
                    "url": _url("/social/book/day", topic=topic.id, desk=desk.id),
                }
            )
        return request.render(
            "social_secretariat.portal_booking_desks",
            self._social_values(
                page_name="social_booking", topic=topic, groups=list(groups.items()), step=2
            ),
        )

    @http.route("/social/book/day", type="http", auth="user", methods=["GET"], website=True)
    def social_book_day(self, topic=None, desk=None, **kw):
        topic = self._social_topic(topic)
        desk = topic and self._social_desk(topic, desk)
        if not desk:
            return request.redirect(
                _url("/social/book/desk", topic=topic.id) if topic else "/social/book"
            )
        days = [
            {
                "day": day,
                "label": label,
                "count": count,
                "url": _url("/social/book/time", topic=topic.id, desk=desk.id, day=day.isoformat()),
            }
            for day, label, count in self._social_days(topic, desk)
        ]
        return request.render(
            "social_secretariat.portal_booking_days",
            self._social_values(
                page_name="social_booking",
                topic=topic,
                desk=desk,
                address=self._social_address(desk),
                days=days,
                back_url=_url("/social/book/desk", topic=topic.id),
                step=3,
            ),
        )

    @http.route("/social/book/time", type="http", auth="user", methods=["GET"], website=True)
    def social_book_time(self, topic=None, desk=None, day=None, **kw):
        topic = self._social_topic(topic)
        desk = topic and self._social_desk(topic, desk)
        day = self._social_date(day)
        if not desk or not day:
            return request.redirect("/social/book")
        times = [
            {
                "label": t["label"].strftime("%H:%M"),
                "url": _url("/social/book/confirm", topic=topic.id, desk=desk.id, start=t["start"]),
            }
            for t in self._social_times(topic, desk, day)
        ]
        return request.render(
            "social_secretariat.portal_booking_times",
            self._social_values(
                page_name="social_booking",
                topic=topic,
                desk=desk,
                day_label=self._social_day_label(day),
                times=times,
                back_url=_url("/social/book/day", topic=topic.id, desk=desk.id),
                step=4,
            ),
        )

    def _social_confirm_values(self, topic, desk, start, error=None, data=None):
        local = self._social_local(topic, desk, start)
        # sudo: the documents to bring are public catalogue data of the topic's services
        documents = topic.sudo()._documents_to_bring()  # sudo: see above
        return self._social_values(
            page_name="social_booking",
            topic=topic,
            desk=desk,
            address=self._social_address(desk),
            start=fields.Datetime.to_string(start),
            day_label=self._social_day_label(local.date()),
            time_label=local.strftime("%H:%M"),
            minutes=self._social_minutes(topic),
            documents=documents,
            error=error or {},
            data=data or {},
            back_url=_url(
                "/social/book/time", topic=topic.id, desk=desk.id, day=local.date().isoformat()
            ),
            max_note=MAX_NOTE_LENGTH,
            step=5,
        )

    @http.route("/social/book/confirm", type="http", auth="user", methods=["GET"], website=True)
    def social_book_confirm_page(self, topic=None, desk=None, start=None, **kw):
        topic = self._social_topic(topic)
        desk = topic and self._social_desk(topic, desk)
        start = self._social_datetime(start)
        if not desk or not start:
            return request.redirect("/social/book")
        free = self._social_free_slots(topic, desk, start, topic._appointment_stop(start))
        if start not in {slot["start"] for slot in free}:
            return self._social_error(
                request.env._("This time is no longer available, please choose another."),
                _url("/social/book/day", topic=topic.id, desk=desk.id),
                code="taken",
            )
        return request.render(
            "social_secretariat.portal_booking_confirm",
            self._social_confirm_values(topic, desk, start),
        )

    @http.route("/social/book/confirm", type="http", auth="user", methods=["POST"], website=True)
    def social_book_confirm(self, topic=None, desk=None, start=None, privacy=None, note=None, **kw):
        if too_many := self._social_too_many_attempts():
            return self._social_too_many_response("/social/book", too_many)
        topic_id, desk_id = self._social_int(topic), self._social_int(desk)
        # whether this topic may be booked at this desk at this time is decided by
        # _portal_book / _check_slot below, not by the page
        topic = request.env["social.appointment.topic"].search(
            [("id", "=", topic_id), ("company_id", "in", request.env.user.company_ids.ids)]
        )
        desk = request.env["social.desk"].search(
            [("id", "=", desk_id), ("company_id", "in", request.env.user.company_ids.ids)]
        )
        start = self._social_datetime(start)
        back_url = (
            _url("/social/book/day", topic=topic.id, desk=desk.id)
            if topic and desk and desk in self._social_desks(topic)
            else "/social/book"
        )
        if not topic or not desk or not start:
            return self._social_error(
                request.env._("This choice is not available: please start again."), "/social/book"
            )
        note = (note or "").strip()[:MAX_NOTE_LENGTH]
        if not privacy:
            error = {"privacy": request.env._("Tick the box to say you have read the notice.")}
            return request.render(
                "social_secretariat.portal_booking_confirm",
                self._social_confirm_values(topic, desk, start, error, {"note": note}),
            )
        try:
            # all or nothing: a refused booking leaves no person file and no appointment behind
            with request.env.cr.savepoint():
                person = self._social_person() or self._social_create_person(desk.company_id)
                appointment = request.env["social.appointment"]._portal_book(
                    person, topic, desk, start
                )
                if note:
                    # sudo: the citizen cannot write on the staff model; the note is their own
                    # message to the staff, on the appointment just booked for them
                    appointment.sudo().note = note
        except UserError as error:
            return self._social_refused(error, back_url)
        return request.redirect(f"/my/social/appointments/{appointment.id}?booked=1")

    # ------------------------------------------------------------
    # The citizen's appointments
    # ------------------------------------------------------------

    def _social_row(self, appointment):
        topic, desk = appointment.topic_id, appointment.desk_id
        local = self._social_local(topic, desk, appointment.start)
        return {
            "appointment": appointment,
            "day_label": self._social_day_label(local.date()),
            "time_label": local.strftime("%H:%M"),
            "minutes": round((appointment.stop - appointment.start).total_seconds() / 60),
            "address": self._social_address(desk),
        }

    @http.route("/my/social/appointments", type="http", auth="user", methods=["GET"], website=True)
    def portal_my_social_appointments(self, **kw):
        person = self._social_person()
        appointments = request.env["social.appointment"]
        if person:
            # the citizen's own (the record rules), also for staff who have a person file
            appointments = appointments.search(
                [("person_id", "=", person.id)], order="start desc", limit=200
            )
        now = fields.Datetime.now()
        upcoming = appointments.filtered(lambda a: a.state == "booked" and a.stop >= now)
        past = appointments - upcoming
        return request.render(
            "social_secretariat.portal_my_social_appointments",
            self._social_values(
                page_name="social_appointments",
                upcoming=[self._social_row(a) for a in upcoming.sorted("start")],
                past=[self._social_row(a) for a in past],
            ),
        )

    def _social_appointment(self, appointment_id, access_token=None):
        """The appointment if the user may see it, and whether it is their own; raises
        AccessError or MissingError otherwise."""
        record_sudo = self._document_check_access(
            "social.appointment", appointment_id, access_token
        )
        record = record_sudo.with_env(request.env)
        if not record.has_access("read"):
            # sudo: opened with the appointment's access token (a link shared by Odoo's portal),
            # which a record rule cannot express; the page shows it, without the changes
            return record_sudo, False
        person = self._social_person()
        return record, bool(person) and record.person_id == person

    def _social_can_change(self, appointment):
        try:
            appointment._portal_check_cancel_limit()
        except UserError as error:
            return False, str(error.args[0])
        return True, None

    @http.route(
        "/my/social/appointments/<int:appointment_id>",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
    )
    def portal_my_social_appointment(self, appointment_id, access_token=None, **kw):
        try:
            appointment, owner = self._social_appointment(appointment_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        can_change, change_note = self._social_can_change(appointment)
        row = self._social_row(appointment)
        values = self._social_values(
            page_name="social_appointment",
            appointment=appointment,
            row=row,
            owner=owner,
            can_change=owner and can_change,
            change_note=change_note if owner and appointment.state == "booked" else None,
            # sudo: the documents to bring are public catalogue data of the topic's services,
            # also of services without a published page (which the record rules hide)
            documents=appointment.sudo().topic_id._documents_to_bring(),  # sudo: see above
            ics_url=_url(f"/my/social/appointments/{appointment.id}/ics", access_token=access_token)
            if access_token
            else f"/my/social/appointments/{appointment.id}/ics",
            max_reason=MAX_REASON_LENGTH,
        )
        return request.render("social_secretariat.portal_my_social_appointment", values)

    @http.route(
        "/my/social/appointments/<int:appointment_id>/ics",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
    )
    def portal_my_social_appointment_ics(self, appointment_id, access_token=None, **kw):
        try:
            appointment, _owner = self._social_appointment(appointment_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        # sudo: the event is the appointment's own (see _sync_calendar_event), a staff field;
        # its .ics is the invitation the citizen also receives by e-mail
        event = appointment.sudo().calendar_event_id
        if appointment.state == "cancelled" or not event:
            return request.not_found()
        content = event._get_ics_file().get(event.id)
        if not content:
            return request.not_found()
        return request.make_response(
            content,
            headers=[
                ("Content-Type", "text/calendar; charset=utf-8"),
                ("Content-Length", str(len(content))),
                (
                    "Content-Disposition",
                    http.content_disposition(f"{appointment.name.replace('/', '-')}.ics"),
                ),
            ],
        )

    def _social_change_review(self, appointment, change, reason="", new_start=None):
        """The page that asks the owner to confirm a cancellation or a new time; nothing
        changes until they do. Refused (AccessError) for anyone but the owner."""
        appointment._portal_check_owner()
        appointment._portal_check_cancel_limit()
        topic, desk = appointment.topic_id, appointment.desk_id
        values = self._social_values(
            page_name="social_appointment_review",
            appointment=appointment,
            row=self._social_row(appointment),
            desk=desk,
            change=change,
            reason=reason,
            back_url=f"/my/social/appointments/{appointment.id}",
        )
        if new_start:
            local = self._social_local(topic, desk, new_start)
            values.update(
                start=fields.Datetime.to_string(new_start),
                new_day_label=self._social_day_label(local.date()),
                new_time_label=local.strftime("%H:%M"),
                back_url=_url(
                    f"/my/social/appointments/{appointment.id}/reschedule",
                    day=local.date().isoformat(),
                ),
            )
        return request.render("social_secretariat.portal_social_appointment_review", values)

    @http.route(
        "/my/social/appointments/<int:appointment_id>/cancel",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_social_appointment_cancel(self, appointment_id, reason=None, confirm=None, **kw):
        appointment = request.env["social.appointment"].browse(appointment_id)
        back_url = f"/my/social/appointments/{appointment_id}"
        reason = (reason or "").strip()[:MAX_REASON_LENGTH]
        try:
            if confirm != "1":
                # a cancelled time may be gone for good: ask once more before doing it
                return self._social_change_review(appointment, "cancel", reason=reason)
            appointment.action_portal_cancel(reason=reason or None)
        except (AccessError, MissingError):
            return request.redirect("/my")
        except UserError as error:
            return self._social_error(
                str(error.args[0]), back_url, back_label=request.env._("Back to the appointment")
            )
        return request.redirect(f"{back_url}?cancelled=1")

    @http.route(
        "/my/social/appointments/<int:appointment_id>/reschedule",
        type="http",
        auth="user",
        methods=["GET"],
        website=True,
    )
    def portal_my_social_appointment_reschedule_page(self, appointment_id, day=None, **kw):
        appointment = request.env["social.appointment"].browse(appointment_id)
        back_url = f"/my/social/appointments/{appointment_id}"
        try:
            appointment._portal_check_owner()
            appointment._portal_check_cancel_limit()
        except (AccessError, MissingError):
            return request.redirect("/my")
        except UserError as error:
            return self._social_error(
                str(error.args[0]), back_url, back_label=request.env._("Back to the appointment")
            )
        topic, desk = appointment.topic_id, appointment.desk_id
        day = self._social_date(day)
        path = f"/my/social/appointments/{appointment.id}/reschedule"
        values = self._social_values(
            page_name="social_appointment_reschedule",
            appointment=appointment,
            row=self._social_row(appointment),
            topic=topic,
            desk=desk,
            days=None,
            times=None,
        )
        if day:
            values.update(
                day_label=self._social_day_label(day),
                times=[
                    {"label": t["label"].strftime("%H:%M"), "start": t["start"]}
                    for t in self._social_times(topic, desk, day, appointment)
                ],
                back_url=path,
                action=path,
            )
        else:
            values.update(
                days=[
                    {"label": label, "count": count, "url": _url(path, day=d.isoformat())}
                    for d, label, count in self._social_days(topic, desk, appointment)
                ],
                back_url=back_url,
            )
        return request.render("social_secretariat.portal_social_appointment_reschedule", values)

    @http.route(
        "/my/social/appointments/<int:appointment_id>/reschedule",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_social_appointment_reschedule(
        self, appointment_id, start=None, confirm=None, **kw
    ):
        back_url = f"/my/social/appointments/{appointment_id}/reschedule"
        appointment = request.env["social.appointment"].browse(appointment_id)
        new_start = self._social_datetime(start)
        if not new_start:
            return self._social_error(request.env._("Choose a time for the appointment."), back_url)
        if confirm != "1":
            # the citizen sees the old and the new time side by side before anything moves
            try:
                return self._social_change_review(appointment, "reschedule", new_start=new_start)
            except (AccessError, MissingError):
                return request.redirect("/my")
            except UserError as error:
                return self._social_refused(error, back_url)
        if too_many := self._social_too_many_attempts():
            return self._social_too_many_response(back_url, too_many)
        try:
            # the new time is taken before the old one is freed; on any error nothing changes
            with request.env.cr.savepoint():
                appointment._portal_reschedule(new_start)
        except MissingError:
            return request.redirect("/my")
        except UserError as error:
            return self._social_refused(error, back_url)
        return request.redirect(f"/my/social/appointments/{appointment_id}?moved=1")
