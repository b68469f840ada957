import base64

from odoo import fields, http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request

from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.addons.social_secretariat.tools import fiscal_code, upload_policy

from .network_portal import NetworkPortal

OPEN_STATES = ("draft", "sent", "accepted", "in_progress")
# the filters of the list: code -> domain on state
STATE_FILTERS = {
    "open": [("state", "in", OPEN_STATES)],
    "sent": [("state", "=", "sent")],
    "accepted": [("state", "in", ("accepted", "in_progress"))],
    "closed": [("state", "=", "closed")],
    "rejected": [("state", "=", "rejected")],
    "all": [],
}
URGENCIES = ("normal", "urgent", "emergency")
MAX_DESCRIPTION_LENGTH = 10_000


def _late_domain():
    """Sent and not acknowledged in time: flagged by the cron, or past the deadline already
    (the cron runs now and then; the partner sees it at once)."""
    return [
        ("state", "=", "sent"),
        "|",
        ("is_overdue", "=", True),
        ("ack_deadline", "<", fields.Datetime.now()),
    ]


class NetworkReferralPortal(NetworkPortal):
    """Referrals from a network desk (segnalazioni): the organisation's list, the form to refer
    a case, and each referral with its answer. The partner's own environment throughout: the
    record rules give an operator their organisation's referrals, and the model fills in what
    the partner may not choose (origin, organisation, state)."""

    # ------------------------------------------------------------
    # Home card
    # ------------------------------------------------------------

    def _network_home_values(self, member):
        values = super()._network_home_values(member)
        Referral = request.env["social.referral"]
        domain = [("network_member_id", "=", member.id)]
        states = dict(Referral._fields["state"]._description_selection(request.env))
        counts = dict(
            Referral._read_group(domain + [("state", "in", OPEN_STATES)], ["state"], ["__count"])
        )
        values.update(
            {
                "network_referrals_open": [
                    (state, states[state], counts[state])
                    for state in OPEN_STATES
                    if counts.get(state)
                ],
                "network_referrals_late": Referral.search_count(domain + _late_domain()),
            }
        )
        return values

    # ------------------------------------------------------------
    # List
    # ------------------------------------------------------------

    @http.route(
        ["/my/network/referrals", "/my/network/referrals/page/<int:page>"],
        type="http",
        auth="user",
        methods=["GET"],
        website=True,
    )
    def portal_network_referrals(self, page=1, state="open", **kw):
        member = self._network_member()
        if not member:
            return self._network_denied()
        if state not in STATE_FILTERS:
            state = "open"
        Referral = request.env["social.referral"]
        domain = [("network_member_id", "=", member.id)] + STATE_FILTERS[state]
        count = Referral.search_count(domain)
        pager = portal_pager(
            url="/my/network/referrals",
            url_args={"state": state},
            total=count,
            page=page,
            step=self._items_per_page,
        )
        referrals = Referral.search(domain, limit=self._items_per_page, offset=pager["offset"])
        late = (
            Referral.search([("id", "in", referrals.ids)] + _late_domain())
            if referrals
            else Referral
        )
        values = self._network_values(
            member,
            "network_referrals",
            referrals=referrals,
            late_referrals=late,
            pager=pager,
            state_filter=state,
            state_filters=self._referral_state_filters(),
        )
        return request.render("social_secretariat_network.portal_network_referrals", values)

    def _referral_state_filters(self):
        env = request.env
        return [
            ("open", env._("Open")),
            ("sent", env._("Waiting for an answer")),
            ("accepted", env._("Accepted")),
            ("closed", env._("Closed")),
            ("rejected", env._("Rejected")),
            ("all", env._("All")),
        ]

    # ------------------------------------------------------------
    # One referral
    # ------------------------------------------------------------

    @http.route(
        "/my/network/referrals/<int:referral_id>",
        type="http",
        auth="user",
        methods=["GET"],
        website=True,
    )
    def portal_network_referral(self, referral_id, **kw):
        member = self._network_member()
        if not member:
            return self._network_denied()
        # searched, not browsed: the record rules answer "not found" for another organisation's
        referral = request.env["social.referral"].search([("id", "=", referral_id)])
        if not referral:
            raise request.not_found()
        values = self._network_values(
            member,
            "network_referral",
            referral=referral,
            is_late=bool(referral.search_count([("id", "=", referral.id)] + _late_domain())),
            reject_reason_label=self._selection_label(referral, "reject_reason"),
            messages=self._referral_messages(referral),
        )
        return request.render("social_secretariat_network.portal_network_referral", values)

    def _selection_label(self, record, name):
        field = record._fields.get(name)
        if not field or not record[name]:
            return ""
        return dict(field._description_selection(request.env)).get(record[name], "")

    def _referral_messages(self, referral):
        """The messages meant for the organisation: the discussion (answers, outcome), never
        the social workers' notes nor the tracking. Read as the partner: mail.message hides
        internal ones from a portal user as well."""
        messages = request.env["mail.message"].search(
            [
                ("model", "=", "social.referral"),
                ("res_id", "=", referral.id),
                # what the staff write and what the workflow posts as a discussion
                ("message_type", "in", ("comment", "notification")),
                ("subtype_id", "=", request.env.ref("mail.mt_comment").id),
                ("is_internal", "=", False),
            ],
            order="date desc, id desc",
        )
        # the author's name if the partner may read it (staff), else the service's
        return [
            {
                "author": message.author_id._filtered_access("read").name
                or request.env._("Social services"),
                "date": message.date,
                "body": message.body,
            }
            for message in messages
        ]

    # ------------------------------------------------------------
    # The form: refer a case
    # ------------------------------------------------------------

    def _referral_form_values(self, member, error=None, data=None):
        env = request.env
        areas = env["social.need"].search([("parent_id", "=", False)])
        needs = env["social.need"].search([("parent_id", "in", areas.ids)])
        urgency_labels = dict(env["social.referral"]._fields["urgency"]._description_selection(env))
        data = data or {}
        return self._network_values(
            member,
            "network_referral_new",
            error=error or {},
            data=data,
            need_groups=[
                (area, needs.filtered(lambda n, a=area: n.parent_id == a)) for area in areas
            ],
            chosen_needs={int(n) for n in data.get("need_ids", []) if str(n).isdigit()},
            municipalities=env["social.municipality"].search([]),
            services=env["social.service"].search([("is_published", "=", True)], order="name"),
            urgencies=[(code, urgency_labels[code]) for code in URGENCIES],
            max_size_mb=upload_policy.MAX_FILE_SIZE // (1024 * 1024),
            max_description=MAX_DESCRIPTION_LENGTH,
        )

    @http.route(
        "/my/network/referrals/new",
        type="http",
        auth="user",
        methods=["GET"],
        website=True,
    )
    def portal_network_referral_new(self, **kw):
        member = self._network_member()
        if not member:
            return self._network_denied()
        return request.render(
            "social_secretariat_network.portal_network_referral_new",
            self._referral_form_values(member),
        )

    @http.route(
        "/my/network/referrals/new",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
        # one signed form: its size and a little more (see the core's models/ir_http.py)
        social_form_memory_size=upload_policy.MAX_FILE_SIZE + 1024 * 1024,
    )
    def portal_network_referral_create(self, **post):
        member = self._network_member()
        if not member:
            return self._network_denied()
        env = request.env
        error = {}
        data = {key: value for key, value in post.items() if isinstance(value, str)}
        data["need_ids"] = request.httprequest.form.getlist("need_ids")
        consent = post.get("submitted_consent") == "1"
        name = (post.get("submitted_name") or "").strip()
        code = fiscal_code.normalise(post.get("submitted_fiscal_code"))
        phone = (post.get("submitted_phone") or "").strip()[:32]
        if consent and not name:
            error["submitted_name"] = env._(
                "Write the person's name, or untick the consent to send an anonymous report."
            )
        if not consent and (name or code or phone):
            # sent without consent, the name would be dropped without the sender knowing
            error["submitted_name"] = env._(
                "You wrote who the person is but did not tick their consent: tick it, or clear "
                "the name, codice fiscale and phone to send an anonymous report."
            )
        problem = fiscal_code.problem(code) if code and consent else None
        if problem:
            # the model's own words (it checks again): said at the field, not at the top
            error["submitted_fiscal_code"] = env["social.person"]._fiscal_code_problem_message(
                code, problem
            )
        municipality = self._pick(
            "social.municipality", post.get("submitted_municipality_id"), error,
            "submitted_municipality_id", env._("Choose the municipality from the list."),
        )  # fmt: skip
        service = self._pick(
            "social.service", post.get("target_service_id"), error, "target_service_id",
            env._("Choose the service from the list."), [("is_published", "=", True)],
        )  # fmt: skip
        if not service and "target_service_id" not in error:
            error["target_service_id"] = env._("Choose the service the case is referred to.")
        need_ids = [int(n) for n in data["need_ids"] if n.isdigit()]
        needs = env["social.need"].search([("id", "in", need_ids)])
        if len(needs) != len(set(need_ids)):
            error["need_ids"] = env._("Choose the needs from the list.")
        urgency = post.get("urgency") or "normal"
        if urgency not in URGENCIES:
            error["urgency"] = env._("Choose how urgent the case is.")
        description = (post.get("reason") or "").strip()
        if not description:
            error["reason"] = env._("Describe the situation and what the person needs.")
        elif len(description) > MAX_DESCRIPTION_LENGTH:
            error["reason"] = env._(
                "The description is too long: at most %(count)s characters.",
                count=MAX_DESCRIPTION_LENGTH,
            )
        signed = self._read_signed_form(post.get("consent_document"), consent, error)
        if not error:
            vals = {
                "submitted_consent": consent,
                "submitted_municipality_id": municipality.id,
                "target_service_id": service.id,
                "urgency": urgency,
                "reason": description,
                "need_ids": [fields.Command.set(needs.ids)],
            }
            if consent:
                vals.update(
                    submitted_name=name,
                    submitted_fiscal_code=code or False,
                    submitted_phone=phone or False,
                )
                if signed:
                    vals.update(
                        submitted_consent_filename=signed[0],
                        submitted_consent_document=base64.b64encode(signed[1]),
                    )
            try:
                # all or nothing: a refusal by the model leaves no referral behind
                with env.cr.savepoint():
                    # as the partner: the model sets the origin, the organisation and the
                    # receivers, checks the codice fiscale, and sends the referral
                    referral = env["social.referral"].create(vals)
            except (UserError, ValidationError, AccessError) as refused:
                error["form"] = refused.args[0]
        if error:
            # nothing lost: the form comes back with what was typed and the errors
            data.pop("consent_document", None)
            return request.render(
                "social_secretariat_network.portal_network_referral_new",
                self._referral_form_values(member, error=error, data=data),
            )
        return request.redirect(f"/my/network/referrals/{referral.id}?created=1")

    def _pick(self, model, value, error, key, message, domain=()):
        """The record chosen in a select, read as the partner (the rules decide what exists),
        or an empty recordset; a value that is not on the list fills `error`."""
        records = request.env[model]
        if not value:
            return records
        found = records.search([("id", "=", int(value) if value.isdigit() else 0), *domain])
        if not found:
            error[key] = message
        return found

    def _read_signed_form(self, upload, consent, error):
        """(name, data) of the signed consent form, checked by the core's upload policy, or
        None; a form without consent is not kept at all."""
        if not upload or not getattr(upload, "filename", None) or not consent:
            return None
        data = upload.read(upload_policy.MAX_FILE_SIZE + 1)
        try:
            mimetype = upload_policy.check_file(request.env, upload.filename, data)
        except UserError as refused:
            error["consent_document"] = refused.args[0]
            return None
        if mimetype not in ("application/pdf", "image/jpeg", "image/png"):
            error["consent_document"] = request.env._(
                "The signed form must be a PDF, JPEG or PNG file."
            )
            return None
        return (upload_policy.clean_name(request.env, upload.filename), data)

    # ------------------------------------------------------------
    # The Ambito's consent form, blank, to print
    # ------------------------------------------------------------

    @http.route(
        "/my/network/referrals/consent-form",
        type="http",
        auth="user",
        methods=["GET"],
        website=True,
    )
    def portal_network_consent_form(self, **kw):
        """The core's privacy notice and consent form (report/social_consent_report.xml) with
        no person: the organisation prints it and has the person fill it in and sign it."""
        member = self._network_member()
        if not member:
            return self._network_denied()
        env = request.env
        # the Ambito of the organisation: its privacy notice and letterhead
        company = member.company_id
        # a record in memory only, never saved: lines to write the name and the code on
        blank = env["social.person"].new(
            {"company_id": company.id, "first_name": "_" * 40, "fiscal_code": "_" * 22}
        )
        purposes = env["report.social_secretariat.report_social_consent_form"]._purposes()
        pdf, _type = env["ir.actions.report"]._render_qweb_pdf(
            "social_secretariat_network.report_network_consent_blank_action",
            member.ids,
            data={"forms": [(blank, purposes)]},
        )
        return request.make_response(
            pdf,
            headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Length", str(len(pdf))),
                ("Content-Disposition", http.content_disposition("modulo-consenso.pdf")),
            ],
        )
