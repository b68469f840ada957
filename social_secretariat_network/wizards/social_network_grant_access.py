from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize

from odoo.addons.social_secretariat.tools import guard

from ..models.social_network_operator import PARTNER_GROUP


class SocialNetworkGrantAccess(models.TransientModel):
    """Make a person of a member organisation a partner operator: their contact, their
    portal user in the network partners' group, the operator line that links the user to
    the organisation, and the invitation to choose a password."""

    _name = "social.network.grant.access"
    _description = "Grant portal access to a network operator"

    member_id = fields.Many2one("social.network.member", required=True, ondelete="cascade")
    organisation_id = fields.Many2one(related="member_id.partner_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Existing contact",
        domain="[('parent_id', '=', organisation_id), ('is_company', '=', False)]",
        help="A contact of the organisation; leave empty to create one.",
    )
    name = fields.Char(
        compute="_compute_from_partner", store=True, readonly=False, string="Full name"
    )
    email = fields.Char(compute="_compute_from_partner", store=True, readonly=False)
    course = fields.Char(string="Training course")
    training_date = fields.Date(string="Trained on")

    @api.depends("partner_id")
    def _compute_from_partner(self):
        for wizard in self:
            wizard.name = wizard.partner_id.name or wizard.name
            wizard.email = wizard.partner_id.email or wizard.email

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            guard.check_links(self, vals, ("member_id", "partner_id"))
        return super().create(vals_list)

    def write(self, vals):
        guard.check_links(self, vals, ("member_id", "partner_id"))
        return super().write(vals)

    def action_grant(self):
        self.ensure_one()
        member = self.member_id
        member._check_coordinator()
        if not member.is_active:
            raise UserError(
                self.env._(
                    "%(name)s is not active: portal access is granted only while the "
                    "protocol is in force.",
                    name=member.name,
                )
            )
        email = email_normalize(self.email or "")
        if not email:
            raise UserError(self.env._("Email: a valid address is needed for the invitation."))
        partner = self._get_or_create_contact(email)
        user, created = self._get_or_create_user(partner, email)
        line = member.operator_ids.filtered(lambda op: op.partner_id == partner)
        with guard.workflow():
            if line:
                line.write({"user_id": user.id})
            else:
                line = self.env["social.network.operator"].create(
                    {
                        "member_id": member.id,
                        "partner_id": partner.id,
                        "user_id": user.id,
                        "course": self.course,
                        "training_date": self.training_date,
                    }
                )
        line._grant_access()
        if created:
            self._send_invitation(user)
        member.message_post(
            body=self.env._(
                "Portal access granted to %(person)s (%(login)s).",
                person=partner.name,
                login=user.sudo().login,  # sudo: a coordinator may not read users' logins
            ),
            subtype_xmlid="mail.mt_note",
        )
        return {"type": "ir.actions.act_window_close"}

    def _get_or_create_contact(self, email):
        organisation = self.member_id.partner_id
        # sudo: a coordinator need not hold Contact Creation; what is written is the person's
        # name and address only, on a contact of the member organisation (checked above)
        if self.partner_id:
            if self.partner_id.commercial_partner_id != organisation:
                raise UserError(
                    self.env._(
                        "%(person)s is not a contact of %(organisation)s.",
                        person=self.partner_id.name,
                        organisation=organisation.name,
                    )
                )
            if self.partner_id.email != email:
                # sudo: no ACL gives internal users write access on contacts (as in the core)
                self.partner_id.sudo().email = email
            return self.partner_id
        if not (self.name or "").strip():
            raise UserError(self.env._("Full name: say who gets the access."))
        return (
            self.env["res.partner"]
            .sudo()  # sudo: a coordinator has no right to create contacts
            .create(
                {
                    "name": self.name.strip(),
                    "email": email,
                    "parent_id": organisation.id,
                    "type": "contact",
                    "company_id": False,
                }
            )
            .sudo(False)
        )

    def _get_or_create_user(self, partner, email):
        """The person's portal user: reused if they have one (even archived), else created
        from the portal template, as the portal wizard does."""
        # sudo: reading and creating users needs the access-rights administrator; the
        # coordinator's right to grant was checked in action_grant
        Users = self.env["res.users"].sudo().with_context(active_test=False)
        user = Users.search([("partner_id", "=", partner.id)], limit=1)
        if user and not user.share:
            raise UserError(
                self.env._(
                    "%(person)s is an internal user: staff do not need a partner access.",
                    person=partner.name,
                )
            )
        if user:
            return user, False
        if Users.search_count([("login", "=", email)]):
            raise UserError(
                self.env._(
                    "The address %(email)s is already the login of another user: use another "
                    "address, or pick that person's contact.",
                    email=email,
                )
            )
        company = self.member_id.company_id
        user = Users.with_context(no_reset_password=True)._create_user_from_template(
            {
                "login": email,
                "email": email,
                "partner_id": partner.id,
                "company_id": company.id,
                "company_ids": [Command.set(company.ids)],
            }
        )
        user.write(
            {
                "groups_id": [
                    Command.link(self.env.ref("base.group_portal").id),
                    Command.unlink(self.env.ref("base.group_public").id),
                    Command.link(self.env.ref(PARTNER_GROUP).id),
                ]
            }
        )
        return user, True

    def _send_invitation(self, user):
        """The signup invitation of auth_signup (a link to choose a password), queued: the
        mail queue sends it, so a mail server down does not undo the access."""
        # sudo: the signup token and the mail of another user
        user = user.sudo()
        user.partner_id.signup_prepare(signup_type="signup")
        template = self.env.ref("auth_signup.set_password_email").sudo()  # a system template
        template.send_mail(
            user.id,
            email_values={"email_to": user.email, "recipient_ids": [], "partner_ids": []},
        )
