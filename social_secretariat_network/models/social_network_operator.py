from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.social_secretariat.tools import guard

PARTNER_GROUP = "social_secretariat_network.group_social_partner"
# the portal user is linked by the grant-access wizard only: a link typed in by hand would
# hand the partner group to any user (see social_secretariat/tools/guard.py)
WORKFLOW_FIELDS = {"user_id"}
LINKS = ("member_id", "partner_id")


class SocialNetworkOperator(models.Model):
    """A person of a member organisation trained to work as a network desk; with a portal
    user, a partner operator."""

    _name = "social.network.operator"
    _description = "Network operator (trained person of a member organisation)"
    _order = "member_id, name"
    _rec_name = "name"

    member_id = fields.Many2one(
        "social.network.member",
        string="Network member",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="member_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Person",
        required=True,
        index=True,
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('is_company', '=', False)]",
        ondelete="restrict",
    )
    name = fields.Char(related="partner_id.name", store=True)
    email = fields.Char(related="partner_id.email")
    user_id = fields.Many2one(
        "res.users",
        string="Portal user",
        readonly=True,
        index="btree_not_null",
        copy=False,
        ondelete="set null",
        # staff only: a partner reads the users of no one but themselves (res.users rules)
        groups="social_secretariat.group_social_operator",
    )
    portal_access = fields.Boolean(
        string="Portal access",
        compute="_compute_portal_access",
        groups="social_secretariat.group_social_operator",
        help="The operator's portal user is active and in the network partners' group.",
    )
    course = fields.Char(string="Training course")
    training_date = fields.Date(string="Trained on")

    _sql_constraints = [
        (
            "member_partner_unique",
            "unique(member_id, partner_id)",
            "This person is already an operator of this organisation.",
        ),
    ]

    @api.depends("user_id")
    def _compute_partner_id(self):
        for line in self:
            if line.user_id:
                line.partner_id = line.user_id.partner_id

    @api.depends("user_id")
    def _compute_portal_access(self):
        # sudo: the user's active flag and groups, shown to the coordinator as a yes/no
        for line in self:
            user = line.user_id.sudo().with_context(active_test=False)  # as said above
            line.portal_access = bool(user.active and user.has_group(PARTNER_GROUP))

    @api.constrains("partner_id", "member_id", "user_id")
    def _check_person(self):
        for line in self:
            if line.partner_id.commercial_partner_id != line.member_id.partner_id:
                raise ValidationError(
                    self.env._(
                        "Operator %(person)s is not a contact of %(organisation)s: add the "
                        "person to the organisation's contacts first.",
                        person=line.partner_id.name,
                        organisation=line.member_id.partner_id.name,
                    )
                )
            # sudo: whether the linked user is a portal user, not shown
            user = line.user_id.sudo()
            if user and (not user.share or user.partner_id != line.partner_id):
                raise ValidationError(
                    self.env._(
                        "Operator %(person)s: the portal user must be the person's own portal "
                        "account (never an internal user).",
                        person=line.partner_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            guard.check_protected(self, vals, WORKFLOW_FIELDS)
            guard.check_links(self, vals, LINKS)
        return super().create(vals_list)

    def write(self, vals):
        guard.check_protected(self, vals, WORKFLOW_FIELDS)
        guard.check_links(self, vals, LINKS)
        if "member_id" in vals or "partner_id" in vals:
            if self.filtered("user_id"):
                raise UserError(
                    self.env._(
                        "An operator with a portal user cannot move to another person or "
                        "organisation: remove the line and grant the access again."
                    )
                )
        return super().write(vals)

    def unlink(self):
        # the operator leaves: the portal access ends with the line
        self._revoke_access()
        return super().unlink()

    # ------------------------------------------------------------
    # Portal access
    # ------------------------------------------------------------

    def _grant_access(self):
        """Give the lines' portal users the partner group (and reactivate them). For
        members in force only; called by the member's transitions and the wizard."""
        lines = self.filtered(lambda line: line.user_id and line.member_id.is_active)
        if not lines:
            return
        group = self.env.ref(PARTNER_GROUP)
        # sudo: changing a user's groups and active flag needs the access-rights
        # administrator; the callers checked that the user is a coordinator
        users = lines.user_id.sudo().with_context(active_test=False)
        users.write({"active": True, "groups_id": [Command.link(group.id)]})

    def _revoke_access(self):
        """End the portal access of the lines' users at once, unless they still work for
        another member in force. Archiving the user changes its session token: its open
        sessions end on their next request."""
        # sudo: the lines of other members (and their users) count, whether or not the
        # caller may read them
        lines = self.sudo().filtered("user_id")
        if not lines:
            return
        others = (
            self.sudo()  # other members' lines: see above
            .search([("user_id", "in", lines.user_id.ids), ("id", "not in", self.ids)])
            .filtered(lambda line: line.member_id.is_active)
        )
        users = (lines.user_id - others.user_id).with_context(active_test=False)
        users = users.filtered("share")  # never an internal user (see _check_person)
        if not users:
            return
        group = self.env.ref(PARTNER_GROUP)
        # sudo: as in _grant_access
        users.sudo().write({"groups_id": [Command.unlink(group.id)], "active": False})
        users.partner_id.sudo().signup_type = False  # a pending invitation no longer works
