from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_datetime

from ..tools import guard

# written by the actions only (see tools/guard.py)
PROTECTED = {"state", "leave_id", "notified_date"}
# the relational fields a user sets: each target must be readable by them
LINKS = ("desk_id",)
# what the leave of a confirmed closure is made of: fixed once confirmed
CLOSED_FIELDS = {"desk_id", "date_from", "date_to"}


class SocialDeskClosure(models.Model):
    """A desk closed for a time (a strike, a move, staff training): on confirmation, a time off
    on the desk's opening hours (`resource.calendar.leaves`), which the slot engine and the
    booking checks honour at once. The closure cancels or moves nothing by itself: it lists
    the booked appointments it hits, tells their citizens on request, and leaves each one to
    the staff to move or cancel."""

    _name = "social.desk.closure"
    _description = "Desk closure"
    _inherit = ["mail.thread", "social.workflow.mixin"]
    _order = "date_from desc, id desc"

    # ------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------

    name = fields.Char(
        string="Reason", required=True, tracking=True, help="Shown to staff and to the citizens."
    )
    desk_id = fields.Many2one(
        "social.desk",
        string="Desk",
        required=True,
        index=True,
        tracking=True,
        domain="[('company_id', 'in', allowed_company_ids)]",
    )
    company_id = fields.Many2one(
        related="desk_id.company_id", string="Ambito", store=True, index=True
    )
    date_from = fields.Datetime(string="From", required=True, tracking=True)
    date_to = fields.Datetime(string="To", required=True, tracking=True)
    state = fields.Selection(
        [("draft", "Draft"), ("confirmed", "Confirmed"), ("cancelled", "Cancelled")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    leave_id = fields.Many2one(
        "resource.calendar.leaves",
        string="Time off",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="The time off on the desk's opening hours that closes it.",
    )
    appointment_ids = fields.Many2many(
        "social.appointment",
        string="Appointments hit",
        compute="_compute_appointment_ids",
        help="The booked appointments at the desk during the closure: nothing moves them by "
        "itself. Tell the citizens, then move or cancel each one.",
    )
    appointment_count = fields.Integer(
        string="Appointments hit count", compute="_compute_appointment_ids"
    )
    notified_date = fields.Datetime(
        string="Citizens told on", readonly=True, copy=False, tracking=True
    )

    # ------------------------------------------------------------
    # Computes and constraints
    # ------------------------------------------------------------

    @api.depends("desk_id", "date_from", "date_to")
    def _compute_appointment_ids(self):
        """One search for all the closures, as the user: the appointments they may read (the
        desk's staff and the coordinators read all those of the desk)."""
        closures = self.filtered(lambda c: c.desk_id and c.date_from and c.date_to)
        appointments = self.env["social.appointment"]
        if closures:
            appointments = appointments.search(
                [
                    ("desk_id", "in", closures.desk_id.ids),
                    ("state", "=", "booked"),
                    ("start", "<", max(closures.mapped("date_to"))),
                    ("stop", ">", min(closures.mapped("date_from"))),
                ],
                order="start, id",
            )
        for closure in self:
            hit = appointments.filtered(
                lambda a, c=closure: c in closures
                and a.desk_id == c.desk_id
                and a.start < c.date_to
                and a.stop > c.date_from
            )
            closure.appointment_ids = hit
            closure.appointment_count = len(hit)

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for closure in self:
            if closure.date_from >= closure.date_to:
                raise ValidationError(
                    self.env._(
                        "Closure %(name)s: the end must come after the start.", name=closure.name
                    )
                )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not guard.trusted(self.env):
            vals_list = [self._add_missing_default_values(vals) for vals in vals_list]
            for vals in vals_list:
                # a new closure is a draft: the rest comes from the workflow
                guard.check_protected(
                    self,
                    {k: v for k, v in vals.items() if v and (k, v) != ("state", "draft")},
                    PROTECTED,
                )
                guard.check_links(self, vals, LINKS)
        closures = super().create(vals_list)
        closures._check_desk_staff()
        return closures

    def write(self, vals):
        guard.check_protected(self, vals, PROTECTED)
        guard.check_links(self, vals, LINKS)
        if not guard.trusted(self.env):
            self._check_desk_staff()
            if CLOSED_FIELDS & set(vals) and any(c.state != "draft" for c in self):
                raise UserError(
                    self.env._(
                        "A confirmed or cancelled closure keeps its desk and times: cancel it "
                        "and make a new one."
                    )
                )
        res = super().write(vals)
        if "desk_id" in vals:
            self._check_desk_staff()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_confirmed(self):
        if any(closure.state == "confirmed" for closure in self):
            raise UserError(self.env._("Cancel a confirmed closure before deleting it."))
        self._check_desk_staff()

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def _check_desk_staff(self):
        """Closures are made and handled by the desk's staff and the coordinators."""
        for closure in self:
            guard.check_desk(
                self.env,
                closure.desk_id,
                self.env._("Only the staff of %(desk)s and the coordinators can close it."),
            )

    def action_confirm(self):
        """Close the desk: a time off on its opening hours, which the booking honours."""
        self._check_desk_staff()
        guard.check_state(
            self, ("draft",), self.env._("Only a draft closure can be confirmed (%(name)s).")
        )
        for closure in self:
            calendar = closure._own_calendar()
            # sudo: resource's rules keep leaves without a resource (a whole calendar's) to
            # administrators; the desk's staff may close their desk (checked above)
            leave = (
                self.env["resource.calendar.leaves"]
                .sudo()  # leaves of a whole calendar: administrators only (see above)
                .with_company(closure.company_id)
                .create(
                    {
                        "name": closure.name,
                        "calendar_id": calendar.id,
                        "date_from": closure.date_from,
                        "date_to": closure.date_to,
                        "time_type": "leave",
                    }
                )
            )
            closure._workflow_write({"state": "confirmed", "leave_id": leave.id})
            if closure.appointment_ids:
                closure.message_post(
                    body=self.env._(
                        "%(count)s booked appointments fall in this closure: nothing has moved "
                        "them. Tell the citizens, then move or cancel each one.",
                        count=closure.appointment_count,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
        return True

    def action_cancel(self):
        """Open the desk again: the time off goes, the appointments were never touched."""
        self._check_desk_staff()
        guard.check_state(
            self,
            ("draft", "confirmed"),
            self.env._("Closure %(name)s is already cancelled."),
        )
        # sudo: as in action_confirm, the leave without a resource is the closure's own
        self.leave_id.sudo().unlink()
        self._workflow_write({"state": "cancelled", "leave_id": False})
        return True

    def action_notify_citizens(self):
        """Tell the citizen of each appointment hit, in the appointment's conversation (by
        e-mail, and on the portal): the desk is closed, the appointment must move. Nothing is
        moved or cancelled: the staff do it from the list, appointment by appointment."""
        self._check_desk_staff()
        guard.check_state(
            self,
            ("confirmed",),
            self.env._("Confirm closure %(name)s before telling the citizens."),
        )
        for closure in self:
            appointments = closure.appointment_ids
            if not appointments:
                raise UserError(
                    self.env._(
                        "No booked appointment falls in closure %(name)s: nobody to tell.",
                        name=closure.name,
                    )
                )
            for appointment in appointments:
                closure._notify_citizen(appointment)
            closure._workflow_write({"notified_date": fields.Datetime.now()})
            # the appointments' numbers only: every member of staff reads the closure, not
            # every one may know who the citizens are
            body = self.env._(
                "The citizens of %(count)s appointments were told: %(names)s.",
                count=len(appointments),
                names=", ".join(appointments.mapped("name")),
            )
            unreachable = appointments.filtered(lambda a: not a.partner_id.email)
            if unreachable:
                body += " " + self.env._(
                    "Without an e-mail address (they see the message on the portal only, "
                    "call them): %(names)s.",
                    names=", ".join(unreachable.mapped("name")),
                )
            closure.message_post(body=body, subtype_xmlid="mail.mt_note")
        return True

    def action_view_appointments(self):
        """The appointments hit, in the appointments' own views: there each one is moved (a
        new time checked by the booking rules) or cancelled."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Appointments hit by %(name)s", name=self.name),
            "res_model": "social.appointment",
            "view_mode": "list,form",
            "domain": [("id", "in", self.appointment_ids.ids)],
        }

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _own_calendar(self):
        """The desk's opening hours, if closing them closes this desk only: not the Ambito's
        working time (its staff's), not hours shared with another desk."""
        self.ensure_one()
        desk = self.desk_id
        calendar = desk.resource_calendar_id
        if not calendar:
            raise UserError(
                self.env._(
                    "The desk %(desk)s has no opening hours: it takes no bookings to close.",
                    desk=desk.name,
                )
            )
        others = self.env["social.desk"].search(
            [("resource_calendar_id", "=", calendar.id), ("id", "!=", desk.id)]
        )
        if others or calendar == desk.company_id.resource_calendar_id:
            raise UserError(
                self.env._(
                    "The opening hours of %(desk)s (%(hours)s) are also those of %(others)s: "
                    "closing them would close those too. Give %(desk)s opening hours of its "
                    "own first.",
                    desk=desk.name,
                    hours=calendar.name,
                    others=", ".join(others.mapped("name"))
                    or self.env._("the Ambito's staff (its working time)"),
                )
            )
        return calendar

    def _local_period_text(self):
        """The closure's times on the desk's clock, for the citizen: "from 07/12/2026 08:00 to
        09/12/2026 18:00"."""
        self.ensure_one()
        tz = self.desk_id._tz()
        return self.env._(
            "from %(start)s to %(stop)s",
            start=format_datetime(self.env, self.date_from, tz=tz, dt_format="short"),
            stop=format_datetime(self.env, self.date_to, tz=tz, dt_format="short"),
        )

    def _notify_citizen(self, appointment):
        """Post the closure's message on `appointment`, sent to its citizen (by e-mail if they
        have one; on the portal in any case), in the Ambito's name and the citizen's
        language."""
        partner = appointment.partner_id
        appointment.with_context(lang=partner.lang or self.env.lang).message_post_with_source(
            "social_secretariat.message_desk_closure_citizen",
            render_values={"closure": self},
            author_id=appointment.company_id.partner_id.id,
            partner_ids=partner.ids if partner.email else [],
            message_type="comment",
            subtype_xmlid="social_secretariat.mt_appointment_closure_citizen",
        )
