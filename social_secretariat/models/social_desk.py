from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import single_email_re

from odoo.addons.base.models.res_partner import _tz_get

# the zone of a desk that says none (see _tz): the Ambiti are in Italy
DEFAULT_TZ = "Europe/Rome"


class SocialDesk(models.Model):
    _name = "social.desk"
    _description = "Social Secretariat Desk (Sportello)"
    _inherit = ["mail.thread"]
    _order = "sequence, name"

    name = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    kind = fields.Selection(
        [
            ("front_office", "Front office"),
            ("phone_line", "Phone line"),
            ("online", "Online desk"),
            ("outreach", "Outreach"),
            ("partner", "Partner desk"),
        ],
        required=True,
        default="front_office",
        tracking=True,
    )
    municipality_id = fields.Many2one(
        "social.municipality",
        string="Municipality",
        index=True,
        tracking=True,
        domain="[('company_id', '=', company_id)]",
    )
    company_id = fields.Many2one(
        "res.company",
        string="Ambito",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    street = fields.Char()
    city = fields.Char()
    location_note = fields.Char(
        string="Where", help="Building, floor, room: what a person needs to find the desk."
    )
    resource_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Opening hours",
        default=lambda self: self.env.company.resource_calendar_id,
        help="When the desk is open. Also used to count working days for referral deadlines.",
    )
    tz = fields.Selection(
        _tz_get,
        string="Time zone",
        compute="_compute_tz",
        help="Of the opening hours, else of the Ambito's working time: the desk's times are "
        "given in this zone everywhere.",
    )
    operator_ids = fields.Many2many(
        "res.users",
        "social_desk_res_users_rel",
        "desk_id",
        "user_id",
        string="Operators",
        domain="[('share', '=', False)]",
        # staff only: citizens and visitors read a desk's public data (address, hours, contacts)
        groups="social_secretariat.group_social_operator",
    )
    phone = fields.Char()
    email = fields.Char()
    language_ids = fields.Many2many(
        "res.lang",
        string="Languages spoken",
        context={"active_test": False},
    )
    accessibility_notes = fields.Text(
        help="Step-free access, hearing loop, sign language, private room…"
    )
    active = fields.Boolean(default=True, tracking=True)

    @api.depends("resource_calendar_id.tz", "company_id.resource_calendar_id.tz")
    def _compute_tz(self):
        for desk in self:
            desk.tz = desk._tz()

    @api.constrains("email")
    def _check_email(self):
        for desk in self:
            if desk.email and not single_email_re.match(desk.email):
                raise ValidationError(
                    self.env._(
                        "Email of desk %(desk)s: “%(email)s” is not a valid address.",
                        desk=desk.name,
                        email=desk.email,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        desks = super().create(vals_list)
        if any(vals.get("operator_ids") for vals in vals_list):
            self.env.registry.clear_cache()  # record rules cache the operators' desks
        return desks

    def write(self, vals):
        if vals.get("active") is False:
            self.filtered("active")._check_can_archive()
        res = super().write(vals)
        if "operator_ids" in vals:
            self.env.registry.clear_cache()  # record rules cache the operators' desks
        return res

    def _address_text(self):
        """The desk's address on one line (street, city, where in the building), or "": the
        one form the booking pages, the service pages, the calendar event and the appointment
        texts show."""
        return ", ".join(part for part in (self.street, self.city, self.location_note) if part)

    def _tz(self):
        """The desk's time zone (a name): that of its opening hours, else of the Ambito's
        working time, else Italy's. The one zone of the desk's times everywhere: the slot
        pages and the grid, the appointment texts, the e-mails and the reminders."""
        self.ensure_one()
        # sudo: the zone lives on the working times (resource.calendar), staff configuration
        # a citizen cannot read; only the zone's name comes out of it
        desk = self.sudo()
        return desk.resource_calendar_id.tz or desk.company_id.resource_calendar_id.tz or DEFAULT_TZ

    def _ensure_active(self, message):
        """Archived desks take no new work. `message` is translated and names %(desk)s."""
        for desk in self:
            if not desk.active:
                raise ValidationError(message % {"desk": desk.name})

    def _get_archive_blockers(self):
        """What keeps the desks open: [(label, records)]. Extended by other features."""
        sessions = (
            self.env["social.listening.session"]
            .sudo()
            .search([("desk_id", "in", self.ids), ("state", "=", "draft")])
        )
        referrals = (
            self.env["social.referral"]
            .sudo()
            .search(
                [
                    "|",
                    ("origin_desk_id", "in", self.ids),
                    ("target_desk_id", "in", self.ids),
                    ("state", "in", ("draft", "sent", "accepted", "in_progress")),
                ]
            )
        )
        return [
            (self.env._("open listening sessions"), sessions),
            (self.env._("open referrals"), referrals),
        ]

    def _check_can_archive(self):
        if not self:
            return
        # sudo: the blockers must be counted even where the user cannot read them
        lines = []
        for label, records in self._get_archive_blockers():
            if records:
                names = ", ".join(records[:5].mapped("display_name"))
                more = len(records) - 5
                lines.append(
                    "- %s %s: %s%s"
                    % (
                        len(records),
                        label,
                        names,
                        self.env._(" and %s more", more) if more > 0 else "",
                    )
                )
        if lines:
            raise UserError(
                self.env._(
                    "The desk %(desks)s cannot be archived while it still has:\n%(blockers)s\n"
                    "Close or move them first.",
                    desks=", ".join(self.mapped("name")),
                    blockers="\n".join(lines),
                )
            )
