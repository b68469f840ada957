import logging
from datetime import datetime, time

import pytz

from odoo import api, fields, models

from ..tools.holidays import italian_holidays
from .social_desk import DEFAULT_TZ

_logger = logging.getLogger(__name__)


class SocialHolidaySync(models.AbstractModel):
    """The days the desks are closed by the calendar, written as Odoo's own time off
    (`resource.calendar.leaves`), which the slot engine, the booking checks and the working-day
    counts already remove:

    - the national holidays: one leave for the whole Ambito (no calendar: every working time of
      the company), the whole Italian day (Europe/Rome);
    - the patron saint's day of each municipality: one leave on the opening hours of its desks.

    Run at install and by a monthly cron, for the current and the next year; it only adds what
    is missing, so it can run again at will. Leaves an Ambito deletes by hand (a holiday it
    keeps open) come back on the next run: to open on a holiday, give that day hours as an
    extra attendance or close the leave for part of the day only."""

    _name = "social.holiday.sync"
    _description = "Public holidays of the desks"

    @api.model
    def _sync_holidays(self, companies=None, years=None):
        """Create the missing leaves of `companies` (default: every company) for `years`
        (default: the current and the next one)."""
        if companies is None:
            companies = self.env["res.company"].search([])
        if years is None:
            this_year = fields.Date.context_today(self).year
            years = (this_year, this_year + 1)
        for company in companies:
            self._sync_national(company, years)
            self._sync_patrons(company, years)

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    @staticmethod
    def _day_span(day, tz):
        """A whole local day of `tz`, naive UTC, as Odoo's public time off has it (from
        midnight to 23:59:59)."""
        return tuple(
            tz.localize(datetime.combine(day, moment)).astimezone(pytz.utc).replace(tzinfo=None)
            for moment in (time.min, time(23, 59, 59))
        )

    def _existing(self, company, calendar_ids, years):
        """{calendar id or False: [(start, stop)]} of the leaves for the whole company or a
        resource-less leave on one of `calendar_ids`, in `years`. One query."""
        leaves = self.env["resource.calendar.leaves"].search_fetch(
            [
                ("company_id", "=", company.id),
                ("resource_id", "=", False),
                ("calendar_id", "in", [False, *calendar_ids]),
                ("date_to", ">=", datetime(min(years) - 1, 12, 31)),
                ("date_from", "<=", datetime(max(years) + 1, 1, 2)),
            ],
            ["calendar_id", "date_from", "date_to"],
        )
        existing = {}
        for leave in leaves:
            existing.setdefault(leave.calendar_id.id, []).append((leave.date_from, leave.date_to))
        return existing

    @staticmethod
    def _covered(spans, start, stop):
        """Whether the middle of the day [start, stop] is already off: an Ambito that entered a
        holiday by hand, with other hours, gets no second one."""
        middle = start + (stop - start) / 2
        return any(span_start <= middle <= span_stop for span_start, span_stop in spans)

    @staticmethod
    def _italian_tz():
        """The zone of the holidays' days: Italian law, Italian calendar days, whatever zone
        an Ambito's working time was left in (Odoo's default calendar may say UTC)."""
        return pytz.timezone(DEFAULT_TZ)

    # ------------------------------------------------------------
    # National holidays
    # ------------------------------------------------------------

    def _sync_national(self, company, years):
        tz = self._italian_tz()
        existing = self._existing(company, [], years).get(False, [])
        vals_list = []
        for year in years:
            for day, name in italian_holidays(year):
                start, stop = self._day_span(day, tz)
                if not self._covered(existing, start, stop):
                    vals_list.append(
                        {
                            "name": name,
                            "calendar_id": False,
                            "date_from": start,
                            "date_to": stop,
                            "time_type": "leave",
                        }
                    )
        if vals_list:
            # the leave's company is computed from the environment's company (no calendar)
            self.env["resource.calendar.leaves"].with_company(company).create(vals_list)

    # ------------------------------------------------------------
    # Patron saints
    # ------------------------------------------------------------

    def _patron_calendars(self, company):
        """{calendar: municipality} of the opening hours that the patron days close: those of
        the desks of a municipality with a patron day. A calendar shared with a desk elsewhere
        (another municipality, or none, such as the Ambito's phone line), and the Ambito's own
        working time (that of its staff), are left alone with a warning: closing them would
        close the other desks or the staff's whole day. Such a desk needs opening hours of its
        own to close on its patron day."""
        desks = self.env["social.desk"].search(
            [("company_id", "=", company.id), ("resource_calendar_id", "!=", False)]
        )
        municipalities_of = {}
        for desk in desks:
            municipalities_of.setdefault(desk.resource_calendar_id, set()).add(desk.municipality_id)
        calendars = {}
        for calendar, municipalities in municipalities_of.items():
            with_patron = {m for m in municipalities if m and m.patron_day and m.patron_month}
            if not with_patron:
                continue
            if len(municipalities) > 1 or calendar == company.resource_calendar_id:
                _logger.warning(
                    "Patron saint's day not set on the opening hours %r (%s): they are shared "
                    "by desks of %s, or are the Ambito's working time. Give each desk "
                    "opening hours of its own.",
                    calendar.name,
                    company.name,
                    ", ".join(sorted(m.name if m else "no municipality" for m in municipalities)),
                )
                continue
            calendars[calendar] = with_patron.pop()
        return calendars

    def _sync_patrons(self, company, years):
        calendars = self._patron_calendars(company)
        if not calendars:
            return
        existing = self._existing(company, [calendar.id for calendar in calendars], years)
        vals_list = []
        for calendar, municipality in calendars.items():
            spans = existing.get(calendar.id, []) + existing.get(False, [])
            # the desk's clock (see social.desk._tz), Italy's when the hours give none
            calendar_tz = pytz.timezone(calendar.tz or DEFAULT_TZ)
            for year in years:
                day = municipality._patron_date(year)
                if not day:
                    continue
                start, stop = self._day_span(day, calendar_tz)
                if not self._covered(spans, start, stop):
                    vals_list.append(
                        {
                            "name": municipality._patron_leave_name(),
                            "calendar_id": calendar.id,
                            "date_from": start,
                            "date_to": stop,
                            "time_type": "leave",
                        }
                    )
        if vals_list:
            self.env["resource.calendar.leaves"].with_company(company).create(vals_list)
