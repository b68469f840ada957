from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import email_normalize

from odoo.addons.social_secretariat.tools import guard

KINDS = [("add", "Add an operator"), ("remove", "Remove an operator")]
STATES = [("pending", "Pending"), ("approved", "Approved"), ("refused", "Refused")]
# written by the transitions only (see social_secretariat/tools/guard.py)
WORKFLOW_FIELDS = {
    "state",
    "refuse_reason",
    "decision_date",
    "decided_by_id",
    "requested_by_id",
    "result_operator_id",
    "operator_name",
    "member_id",
}
# the relational fields a user sets: each target must be readable by them
LINKS = ("member_id", "operator_id")


class SocialNetworkOperatorRequest(models.Model):
    """The referente of a member organisation asks the Ambito, from the partner portal, to
    add an operator or to remove one; the coordinator approves (the access is granted or
    revoked at once) or refuses with a reason, and the referente is told."""

    _name = "social.network.operator.request"
    _description = "Request of a network member's referente about its operators"
    _inherit = ["mail.thread", "social.workflow.mixin"]
    _order = "create_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name")
    member_id = fields.Many2one(
        "social.network.member",
        string="Network member",
        required=True,
        index=True,
        readonly=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="member_id.company_id", store=True, index=True)
    kind = fields.Selection(KINDS, string="Request", required=True, readonly=True)
    state = fields.Selection(
        STATES,
        default="pending",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    requested_by_id = fields.Many2one("res.partner", string="Requested by", readonly=True)
    # to add
    person_name = fields.Char(string="Full name", readonly=True)
    email = fields.Char(readonly=True)
    phone = fields.Char(readonly=True)
    course = fields.Char(string="Training course", readonly=True)
    training_date = fields.Date(string="Trained on", readonly=True)
    # to remove (the name stays when the operator line is gone)
    operator_id = fields.Many2one(
        "social.network.operator", string="Operator", readonly=True, ondelete="set null"
    )
    operator_name = fields.Char(string="Operator to remove", readonly=True)
    reason = fields.Text(readonly=True, help="Why the operator should be removed.")
    # the decision
    refuse_reason = fields.Text(string="Reason for refusal", readonly=True, copy=False)
    decision_date = fields.Datetime(readonly=True, copy=False)
    decided_by_id = fields.Many2one("res.users", string="Decided by", readonly=True, copy=False)
    result_operator_id = fields.Many2one(
        "social.network.operator", string="Operator added", readonly=True, copy=False
    )

    # ------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------

    @api.depends("kind", "person_name", "operator_name")
    def _compute_name(self):
        for request in self:
            if request.kind == "add":
                request.name = self.env._("Add %(person)s", person=request.person_name or "")
            else:
                request.name = self.env._("Remove %(person)s", person=request.operator_name or "")

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if guard.trusted(self.env):
            return super().create(vals_list)
        member = self._referent_member()
        for vals, checked in zip(vals_list, guard.with_client_defaults(self, vals_list)):
            # with the defaults a client can send in the context: a request starts pending
            guard.check_protected(self, checked, WORKFLOW_FIELDS - {"state"})
            if checked.get("state", "pending") != "pending":
                raise UserError(self.env._("A request starts as pending: the Ambito decides."))
            guard.check_links(self, checked, LINKS)
            vals.update(self._prepare_request(member, checked))
        return super().create(vals_list)

    def write(self, vals):
        guard.check_protected(self, vals, WORKFLOW_FIELDS)
        guard.check_links(self, vals, LINKS)
        return super().write(vals)

    @api.model
    def _referent_member(self):
        """The organisation the signed-in user asks for: their own, in force, of which they
        are the referente. The record rules say the same; this says it in words."""
        member = self.env["social.network.member"]._of_current_partner()
        if not member or member.referent_id != self.env.user.partner_id:
            raise AccessError(
                self.env._("Only the referente of a member organisation can ask for this.")
            )
        member._check_active()
        return member

    def _prepare_request(self, member, vals):
        """Check what the referente asks and complete it: the organisation and who asks are
        set here, never taken from the client."""
        kind = vals.get("kind")
        result = {"member_id": member.id, "requested_by_id": self.env.user.partner_id.id}
        if kind == "add":
            if not (vals.get("person_name") or "").strip():
                raise UserError(self.env._("Full name: say who should become an operator."))
            email = email_normalize(vals.get("email") or "")
            if not email:
                raise UserError(
                    self.env._("Email: a valid address is needed to send the invitation.")
                )
            result.update(
                {
                    "person_name": vals["person_name"].strip(),
                    "email": email,
                    "operator_id": False,
                    "reason": False,
                }
            )
        elif kind == "remove":
            operator = self.env["social.network.operator"].browse(vals.get("operator_id"))
            if not operator or operator.member_id != member:
                raise UserError(
                    self.env._("Operator: choose one of your organisation's operators.")
                )
            if not (vals.get("reason") or "").strip():
                raise UserError(self.env._("Reason: say why the operator should be removed."))
            if operator.partner_id == self.env.user.partner_id:
                raise UserError(
                    self.env._(
                        "You cannot ask to remove yourself: the Ambito changes the referente."
                    )
                )
            result.update(
                {
                    "operator_name": operator.name,
                    "reason": vals["reason"].strip(),
                    "person_name": False,
                    "email": False,
                    "phone": False,
                    "course": False,
                    "training_date": False,
                }
            )
        else:
            raise UserError(self.env._("Request: say whether to add or to remove an operator."))
        return result

    # ------------------------------------------------------------
    # Transitions
    # ------------------------------------------------------------

    def _check_decision(self):
        if not guard.is_coordinator(self.env):
            raise AccessError(self.env._("Only a coordinator decides on operator requests."))
        self.check_access("write")
        guard.check_state(
            self,
            ("pending",),
            self.env._("%(name)s has been decided already."),
        )

    def action_approve(self):
        self._check_decision()
        for request in self:
            request.member_id._check_active()
            if request.kind == "add":
                request._approve_add()
            else:
                request._approve_remove()
        self._notify_decision()
        return True

    def _approve_add(self):
        """As the grant-access wizard does it: the contact, the portal user in the partners'
        group, the operator line and the invitation."""
        member = self.member_id
        contact = self.env["res.partner"].search(
            [
                ("parent_id", "=", member.partner_id.id),
                ("is_company", "=", False),
                ("email", "=ilike", self.email),
            ],
            limit=1,
        )
        wizard = self.env["social.network.grant.access"].create(
            {
                "member_id": member.id,
                "partner_id": contact.id,
                "name": self.person_name,
                "email": self.email,
                "course": self.course,
                "training_date": self.training_date,
            }
        )
        wizard.action_grant()
        operator = member.operator_ids.filtered(
            lambda line: email_normalize(line.partner_id.email or "") == self.email
        )[:1]
        if self.phone and not operator.partner_id.phone:
            # sudo: no ACL gives internal users write access on contacts (as in the wizard);
            # the phone of the new operator, on the contact just made or found
            operator.partner_id.sudo().phone = self.phone
        # the course of an operator line that was there already (the wizard leaves it)
        values = {"course": self.course, "training_date": self.training_date}
        operator.write({key: value for key, value in values.items() if value})
        self._workflow_write(self._decision_values("approved", result_operator_id=operator.id))

    def _approve_remove(self):
        operator = self.operator_id
        if not operator:
            raise UserError(
                self.env._(
                    "%(name)s: the operator is no longer in the organisation: refuse the request.",
                    name=self.name,
                )
            )
        self._workflow_write(self._decision_values("approved"))
        # the portal access ends with the line, at once (social.network.operator.unlink)
        operator.unlink()

    def action_refuse(self, reason):
        self._check_decision()
        if not reason or not reason.strip():
            raise UserError(self.env._("Reason: say why the request is refused."))
        self._workflow_write(self._decision_values("refused", refuse_reason=reason.strip()))
        self._notify_decision()
        return True

    def action_open_refuse_wizard(self):
        self._check_decision()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Refuse the request"),
            "res_model": "social.network.operator.request.refuse",
            "view_mode": "form",
            "target": "new",
            "context": {"default_request_ids": self.ids},
        }

    def _decision_values(self, state, **values):
        return {
            "state": state,
            "decision_date": fields.Datetime.now(),
            "decided_by_id": self.env.user.id,
            **values,
        }

    def _notify_decision(self):
        """Tell the referente who asked, by a message on the request (e-mailed to them)."""
        for request in self:
            if request.state == "approved":
                body = self.env._(
                    "Your request “%(name)s” has been approved.",
                    name=request.name,
                )
            else:
                body = self.env._(
                    "Your request “%(name)s” has been refused: %(reason)s",
                    name=request.name,
                    reason=request.refuse_reason,
                )
            request.message_post(
                body=body,
                partner_ids=request.requested_by_id.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
