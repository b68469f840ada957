from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.social_secretariat.tools import guard

STATES = [
    ("draft", "Draft"),
    ("active", "Active"),
    ("suspended", "Suspended"),
    ("expired", "Expired"),
]
# written by the transitions and the cron only (see social_secretariat/tools/guard.py)
WORKFLOW_FIELDS = {"state", "activation_date", "suspension_reason", "suspension_date"}
# the relational fields a user sets: each target must be readable by them
LINKS = ("partner_id", "company_id", "referent_id", "role_ids")


class SocialNetworkMember(models.Model):
    """A third-sector organisation that signed the protocol of the Segretariato Sociale
    Diffuso with the Ambito, and acts as a network desk."""

    _name = "social.network.member"
    _description = "Network member (Segretariato Sociale Diffuso)"
    _inherit = ["mail.thread", "mail.activity.mixin", "social.workflow.mixin"]
    _order = "name"
    _check_company_auto = True

    name = fields.Char(related="partner_id.name", store=True, index=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Organisation",
        required=True,
        index=True,
        tracking=True,
        domain="[('is_company', '=', True)]",
        ondelete="restrict",
    )
    company_id = fields.Many2one(
        "res.company",
        string="Ambito",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    state = fields.Selection(
        STATES,
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
        group_expand="_expand_states",
    )
    is_active = fields.Boolean(
        string="Can refer",
        compute="_compute_is_active",
        search="_search_is_active",
        help="Active with a protocol in force: only then can the organisation refer cases or "
        "receive them.",
    )
    role_ids = fields.Many2many("social.network.role", string="Roles", tracking=True)
    # the protocol
    protocol_date = fields.Date(string="Protocol signed on", tracking=True)
    protocol_expiry_date = fields.Date(
        string="Protocol expires on",
        tracking=True,
        help="The day after this date the protocol is expired by a daily job, and the "
        "organisation's operators lose their access.",
    )
    protocol_document = fields.Binary(string="Signed protocol", attachment=True, copy=False)
    protocol_filename = fields.Char(copy=False)
    activation_date = fields.Date(readonly=True, copy=False)
    suspension_reason = fields.Text(readonly=True, copy=False, tracking=True)
    suspension_date = fields.Date(readonly=True, copy=False)
    # its people and desks
    referent_id = fields.Many2one(
        "res.partner",
        string="Referente",
        tracking=True,
        domain="[('parent_id', '=', partner_id), ('is_company', '=', False)]",
        help="The organisation's primary contact for the Ambito.",
    )
    operator_ids = fields.One2many(
        "social.network.operator", "member_id", string="Trained operators"
    )
    operator_count = fields.Integer(compute="_compute_counts")
    desk_ids = fields.One2many("social.desk", "network_member_id", string="Desks")
    desk_count = fields.Integer(compute="_compute_counts")
    phone = fields.Char(related="partner_id.phone")
    email = fields.Char(related="partner_id.email")
    city = fields.Char(related="partner_id.city")
    notes = fields.Html()
    color = fields.Integer()

    _sql_constraints = [
        (
            "partner_company_unique",
            "unique(partner_id, company_id)",
            "This organisation is already a member of the network of this Ambito.",
        ),
        (
            "protocol_dates",
            "CHECK(protocol_expiry_date IS NULL OR protocol_date IS NULL "
            "OR protocol_expiry_date >= protocol_date)",
            "The protocol cannot expire before it is signed.",
        ),
    ]

    # ------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------

    @api.model
    def _expand_states(self, states, domain):
        return [key for key, _label in STATES]

    @api.depends("state", "protocol_expiry_date")
    def _compute_is_active(self):
        today = fields.Date.context_today(self)
        for member in self:
            member.is_active = member.state == "active" and not (
                member.protocol_expiry_date and member.protocol_expiry_date < today
            )

    def _search_is_active(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on “Can refer”."))
        today = fields.Date.context_today(self)
        domain = [
            ("state", "=", "active"),
            "|",
            ("protocol_expiry_date", "=", False),
            ("protocol_expiry_date", ">=", today),
        ]
        return domain if (operator == "=") == value else ["!", *domain]

    @api.depends("operator_ids", "desk_ids")
    def _compute_counts(self):
        for member in self:
            member.operator_count = len(member.operator_ids)
            member.desk_count = len(member.desk_ids)

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("partner_id", "referent_id")
    def _check_referent(self):
        for member in self:
            if not member.partner_id.is_company:
                raise ValidationError(
                    self.env._(
                        "Organisation: %(name)s is a person, not an organisation.",
                        name=member.partner_id.name,
                    )
                )
            referent = member.referent_id
            if referent and referent.commercial_partner_id != member.partner_id:
                raise ValidationError(
                    self.env._(
                        "Referente: %(person)s is not a contact of %(organisation)s.",
                        person=referent.name,
                        organisation=member.partner_id.name,
                    )
                )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def _check_user_links(self, vals):
        guard.check_links(self, vals, LINKS)

    @api.model_create_multi
    def create(self, vals_list):
        if not guard.trusted(self.env):
            for vals in guard.with_client_defaults(self, vals_list):
                guard.check_protected(self, vals, WORKFLOW_FIELDS - {"state"})
                if vals.get("state", "draft") != "draft":
                    raise UserError(
                        self.env._("A network member starts as a draft: activate it afterwards.")
                    )
                self._check_user_links(vals)
        return super().create(vals_list)

    def write(self, vals):
        guard.check_protected(self, vals, WORKFLOW_FIELDS)
        self._check_user_links(vals)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(member.state != "draft" for member in self):
            raise UserError(
                self.env._(
                    "Only a draft network member can be deleted: a member that has been active "
                    "keeps its history (suspend it instead)."
                )
            )

    # ------------------------------------------------------------
    # Transitions
    # ------------------------------------------------------------

    def _check_coordinator(self):
        if not guard.is_coordinator(self.env):
            raise AccessError(self.env._("Only a coordinator manages the members of the network."))
        self.check_access("write")

    def _check_protocol_in_force(self):
        today = fields.Date.context_today(self)
        for member in self:
            if not member.protocol_date:
                raise UserError(
                    self.env._(
                        "%(name)s: enter the date the protocol was signed first.",
                        name=member.name,
                    )
                )
            if member.protocol_expiry_date and member.protocol_expiry_date < today:
                raise UserError(
                    self.env._(
                        "%(name)s: the protocol expired on %(date)s. Enter the dates of the "
                        "renewed protocol first.",
                        name=member.name,
                        date=member.protocol_expiry_date,
                    )
                )

    def action_activate(self):
        self._check_coordinator()
        guard.check_state(
            self,
            ("draft",),
            self.env._("%(name)s cannot be activated: only a draft member can be activated."),
        )
        self._check_protocol_in_force()
        self._workflow_write(
            {"state": "active", "activation_date": fields.Date.context_today(self)}
        )
        self.operator_ids._grant_access()
        return True

    def action_suspend(self, reason):
        self._check_coordinator()
        guard.check_state(
            self,
            ("active",),
            self.env._("%(name)s cannot be suspended: only an active member can be suspended."),
        )
        if not reason or not reason.strip():
            raise UserError(
                self.env._("Reason: say why the organisation is suspended from the network.")
            )
        self._workflow_write(
            {
                "state": "suspended",
                "suspension_reason": reason.strip(),
                "suspension_date": fields.Date.context_today(self),
            }
        )
        self.operator_ids._revoke_access()
        for member in self:
            member.message_post(
                body=self.env._("Suspended from the network: %(reason)s", reason=reason.strip()),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_reactivate(self):
        self._check_coordinator()
        guard.check_state(
            self,
            ("suspended", "expired"),
            self.env._(
                "%(name)s cannot be reactivated: only a suspended or expired member can be "
                "reactivated."
            ),
        )
        self._check_protocol_in_force()
        self._workflow_write(
            {"state": "active", "suspension_reason": False, "suspension_date": False}
        )
        self.operator_ids._grant_access()
        return True

    def action_open_suspend_wizard(self):
        self._check_coordinator()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Suspend from the network"),
            "res_model": "social.network.suspend",
            "view_mode": "form",
            "target": "new",
            "context": {"default_member_ids": self.ids},
        }

    def action_open_grant_access_wizard(self):
        self.ensure_one()
        self._check_coordinator()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Grant portal access"),
            "res_model": "social.network.grant.access",
            "view_mode": "form",
            "target": "new",
            "context": {"default_member_id": self.id},
        }

    def action_view_desks(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Desks"),
            "res_model": "social.desk",
            "view_mode": "list,form",
            "domain": [("network_member_id", "=", self.id)],
            "context": {
                "default_network_member_id": self.id,
                "default_kind": "partner",
                "default_company_id": self.company_id.id,
            },
        }

    @api.model
    def _cron_expire_protocols(self):
        """Protocols past their expiry date: the member is expired and its operators lose
        their access (run daily)."""
        today = fields.Date.context_today(self)
        expired = self.search(
            [
                ("state", "in", ("active", "suspended")),
                ("protocol_expiry_date", "<", today),
            ]
        )
        if not expired:
            return
        with guard.workflow():
            expired.write({"state": "expired"})
        expired.operator_ids._revoke_access()
        for member in expired:
            member.message_post(
                body=self.env._(
                    "The protocol expired on %(date)s: the organisation's operators no longer "
                    "have access.",
                    date=member.protocol_expiry_date,
                ),
                subtype_xmlid="mail.mt_note",
            )

    # ------------------------------------------------------------
    # For the partner portal and the partners' records
    # ------------------------------------------------------------

    @api.model
    def _of_current_partner(self):
        """The organisation of the signed-in partner operator, or an empty recordset.

        No sudo: the partner rule on this model leaves an operator their own organisation
        only, so the search answers exactly that (staff users get nothing here)."""
        if not self.env.user.has_group("social_secretariat_network.group_social_partner"):
            return self.browse()
        return self.search([], limit=1)

    # ------------------------------------------------------------
    # For the referral code
    # ------------------------------------------------------------

    def _check_active(self):
        """An organisation refers cases and receives them only while its protocol is in
        force: raise otherwise. Called by the referral code on the members involved."""
        states = dict(self._fields["state"]._description_selection(self.env))
        for member in self:
            if not member.is_active:
                raise UserError(
                    self.env._(
                        "%(name)s cannot refer or receive cases: its protocol is not in force "
                        "(%(state)s).",
                        name=member.name,
                        state=states[member.state]
                        if member.state != "active"
                        else self.env._("expired on %(date)s", date=member.protocol_expiry_date),
                    )
                )
        return True

    @api.model
    def _check_partner_active(self, partner, company=None):
        """`partner` (an organisation or one of its contacts) belongs to an active member
        of the network of `company` (the current one by default): raise otherwise."""
        organisation = partner.commercial_partner_id
        company = company or self.env.company
        # sudo: the check answers for any organisation, whether or not the user may read it
        member = self.sudo().search(
            [("partner_id", "=", organisation.id), ("company_id", "=", company.id)], limit=1
        )
        if not member:
            raise UserError(
                self.env._(
                    "%(name)s is not a member of the network: it cannot refer or receive cases.",
                    name=organisation.name,
                )
            )
        return member._check_active()
