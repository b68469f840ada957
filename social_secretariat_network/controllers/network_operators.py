from odoo import fields, http
from odoo.exceptions import AccessError, UserError
from odoo.http import request
from odoo.tools import email_normalize

from .network_portal import NetworkPortal

ADD_FIELDS = ("person_name", "email", "phone", "course", "training_date")
MAX_TEXT = 200


class NetworkOperatorsPortal(NetworkPortal):
    """`/my/network/operators`: the organisation's operators. Its referente asks the Ambito to
    add or remove one; the other operators read the list only (no link in the navigation)."""

    def _network_home_values(self, member):
        values = super()._network_home_values(member)
        values["network_operator_count"] = request.env["social.network.operator"].search_count(
            [("member_id", "=", member.id)]
        )
        if self._network_is_referent(member):
            values["network_operator_pending"] = request.env[
                "social.network.operator.request"
            ].search_count([("member_id", "=", member.id), ("state", "=", "pending")])
        return values

    def _network_operators_values(self, member, error=None, data=None, form=None, **values):
        # the partner's own environment: the rules leave them their organisation's lines and
        # requests; the page shows no staff-only field (the portal users are not readable)
        operators = request.env["social.network.operator"].search([("member_id", "=", member.id)])
        is_referent = self._network_is_referent(member)
        requests = request.env["social.network.operator.request"]
        if is_referent:
            requests = requests.search([("member_id", "=", member.id)], limit=20)
        return self._network_values(
            member,
            "network_operators",
            operators=operators,
            removable=operators.filtered(
                lambda line: line.partner_id != request.env.user.partner_id
            ),
            operator_requests=requests,
            error=error or {},
            data=data or {},
            form=form,
            **values,
        )

    @http.route("/my/network/operators", type="http", auth="user", website=True)
    def portal_network_operators(self, sent=None, **kw):
        member = self._network_member()
        if not member:
            return self._network_denied()
        values = self._network_operators_values(member, sent=sent == "1")
        return request.render("social_secretariat_network.portal_network_operators", values)

    def _network_operators_submit(self, member, form, vals, error, data):
        """Create the request, or render the page again with what was typed and the errors."""
        if not self._network_is_referent(member):
            error["form"] = request.env._("Only the referente of the organisation can ask this.")
        if not error:
            try:
                # all or nothing: a refusal by the model leaves no request behind
                with request.env.cr.savepoint():
                    request.env["social.network.operator.request"].create(vals)
            except (UserError, AccessError) as refused:
                error["form"] = refused.args[0]
        if error:
            values = self._network_operators_values(member, error=error, data=data, form=form)
            return request.render("social_secretariat_network.portal_network_operators", values)
        return request.redirect("/my/network/operators?sent=1")

    @http.route(
        "/my/network/operators/add", type="http", auth="user", website=True, methods=["POST"]
    )
    def portal_network_operators_add(self, **post):
        member = self._network_member()
        if not member:
            return self._network_denied()
        data = {key: (post.get(key) or "").strip()[:MAX_TEXT] for key in ADD_FIELDS}
        error = {}
        if not data["person_name"]:
            error["person_name"] = request.env._("Write the person's full name.")
        email = email_normalize(data["email"])
        if not email:
            error["email"] = request.env._(
                "Write a valid e-mail address: the invitation is sent there."
            )
        training_date = False
        if data["training_date"]:
            try:
                training_date = fields.Date.to_date(data["training_date"])
            except ValueError:
                training_date = None
            if not training_date or training_date > fields.Date.context_today(member):
                error["training_date"] = request.env._(
                    "Write the date of the training (not in the future)."
                )
        vals = {
            "kind": "add",
            "person_name": data["person_name"],
            "email": email,
            "phone": data["phone"] or False,
            "course": data["course"] or False,
            "training_date": training_date or False,
        }
        return self._network_operators_submit(member, "add", vals, error, data)

    @http.route(
        "/my/network/operators/remove", type="http", auth="user", website=True, methods=["POST"]
    )
    def portal_network_operators_remove(self, **post):
        member = self._network_member()
        if not member:
            return self._network_denied()
        data = {
            "operator_id": (post.get("operator_id") or "").strip(),
            "reason": (post.get("reason") or "").strip()[:2000],
        }
        error = {}
        operator = request.env["social.network.operator"]
        if data["operator_id"].isdigit():
            # the rules: a line of another organisation is not found
            operator = operator.search(
                [("id", "=", int(data["operator_id"])), ("member_id", "=", member.id)]
            )
        if not operator:
            error["operator_id"] = request.env._("Choose the operator to remove.")
        if not data["reason"]:
            error["reason"] = request.env._("Write why the operator should be removed.")
        vals = {"kind": "remove", "operator_id": operator.id, "reason": data["reason"]}
        return self._network_operators_submit(member, "remove", vals, error, data)
