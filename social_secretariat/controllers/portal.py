from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.portal.controllers import portal
from odoo.addons.portal.controllers.attachment import PortalAttachmentController
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..tools import upload_policy

# the form's own limits, said in the form; the model refuses longer texts from any client
MAX_SUBJECT_LENGTH = 200
MAX_MESSAGE_LENGTH = 10_000


class SocialPortal(portal.CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "social_request_count" in counters:
            Request = request.env["social.online.request"]
            values["social_request_count"] = (
                Request.search_count([]) if Request.has_access("read") else 0
            )
        if "social_appointment_count" in counters:
            Appointment = request.env["social.appointment"]
            # the record rules leave a citizen their own appointments only
            values["social_appointment_count"] = (
                Appointment.search_count(
                    [("state", "=", "booked"), ("start", ">=", fields.Datetime.now())]
                )
                if Appointment.has_access("read")
                else 0
            )
        return values

    # ------------------------------------------------------------
    # Online desk: the citizen's requests
    # ------------------------------------------------------------

    @http.route(
        ["/my/social/requests", "/my/social/requests/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_social_requests(self, page=1, **kw):
        Request = request.env["social.online.request"]
        # record rules restrict a portal user to the requests they sent
        domain = []
        count = Request.search_count(domain)
        pager = portal_pager(
            url="/my/social/requests", total=count, page=page, step=self._items_per_page
        )
        requests_ = Request.search(domain, limit=self._items_per_page, offset=pager["offset"])
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "social_requests": requests_,
                "pager": pager,
                "page_name": "social_requests",
                "default_url": "/my/social/requests",
            }
        )
        return request.render("social_secretariat.portal_my_social_requests", values)

    @http.route("/my/social/requests/<int:request_id>", type="http", auth="public", website=True)
    def portal_my_social_request(self, request_id, access_token=None, **kw):
        try:
            record = self._document_check_access("social.online.request", request_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._get_page_view_values(
            record, access_token, {"social_request": record, "page_name": "social_request"},
            "my_social_requests_history", False, **kw,
        )  # fmt: skip
        return request.render("social_secretariat.portal_my_social_request", values)

    def _social_request_form_values(self, error=None, data=None):
        values = self._prepare_portal_layout_values()
        areas = request.env["social.need"].search([("parent_id", "=", False)])
        fields_ = request.env["social.online.request"]._fields
        values.update(
            {
                # the labels of the model's choices, in the user's language
                "channels": fields_["preferred_channel"]._description_selection(request.env),
                "times": fields_["preferred_time"]._description_selection(request.env),
                "page_name": "social_request_new",
                "areas": areas,
                "error": error or {},
                "data": data or {},
                "max_files": upload_policy.MAX_FILES,
                "max_size_mb": upload_policy.MAX_FILE_SIZE // (1024 * 1024),
                "allowed_types": upload_policy.allowed_types(),
                "max_subject": MAX_SUBJECT_LENGTH,
                "max_message": MAX_MESSAGE_LENGTH,
            }
        )
        return values

    @http.route("/my/social/requests/new", type="http", auth="user", methods=["GET"], website=True)
    def portal_social_request_new(self, **kw):
        return request.render(
            "social_secretariat.portal_social_request_new", self._social_request_form_values()
        )

    def _read_attachments(self, files, error):
        """[(name, data)], or fills `error`: the upload policy, checked here first to answer in
        the form (ir.attachment checks it again, whatever the route)."""
        files = [f for f in files if f and f.filename]
        try:
            upload_policy.check_count(request.env, len(files))
            result = []
            for upload in files:
                # one byte more than allowed is enough to know the file is too large
                data = upload.read(upload_policy.MAX_FILE_SIZE + 1)
                upload_policy.check_file(request.env, upload.filename, data)
                result.append((upload_policy.clean_name(request.env, upload.filename), data))
        except UserError as refused:
            error["attachments"] = refused.args[0]
            return []
        return result

    @http.route(
        "/my/social/requests/new",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
        # room for the files the form accepts, and a little more: a file over the limit is
        # answered by the form itself (models/ir_http.py)
        social_form_memory_size=(upload_policy.MAX_FILES + 1)
        * (upload_policy.MAX_FILE_SIZE + 1024 * 1024),
    )
    def portal_social_request_create(self, **post):
        error = {}
        subject = (post.get("subject") or "").strip()
        message = (post.get("message") or "").strip()
        if not subject:
            error["subject"] = request.env._("Write what your request is about.")
        elif len(subject) > MAX_SUBJECT_LENGTH:
            error["subject"] = request.env._(
                "The subject is too long: at most %(count)s characters.", count=MAX_SUBJECT_LENGTH
            )
        if not message:
            error["message"] = request.env._("Write your message.")
        elif len(message) > MAX_MESSAGE_LENGTH:
            error["message"] = request.env._(
                "The message is too long: at most %(count)s characters. Send the rest as a "
                "document, or in the conversation once the request is sent.",
                count=MAX_MESSAGE_LENGTH,
            )
        area = request.env["social.need"]
        need_id = post.get("need_id") or ""
        if need_id:
            # only a top-level area may be chosen
            area = area.search(
                [("id", "=", int(need_id) if need_id.isdigit() else 0), ("parent_id", "=", False)]
            )
            if not area:
                error["need_id"] = request.env._("Choose an area from the list.")
        channel = post.get("preferred_channel") or "portal"
        if channel not in ("phone", "email", "portal"):
            error["preferred_channel"] = request.env._("Choose how we should contact you.")
        phone = self._social_callback_phone(channel, post, error)
        time = post.get("preferred_time") or "any"
        if time not in ("morning", "afternoon", "any"):
            error["preferred_time"] = request.env._("Choose when we should contact you.")
        attachments = self._read_attachments(
            request.httprequest.files.getlist("attachments"), error
        )
        if not error:
            partner = request.env.user.partner_id
            # the citizen's own file, if any (the record rules give them that one only)
            person = request.env["social.person"].search([("partner_id", "=", partner.id)], limit=1)
            try:
                # all or nothing: a refusal by the model (a limit, the upload policy) leaves
                # no request without its documents
                with request.env.cr.savepoint():
                    record = self._social_create_request(
                        {
                            "subject": subject,
                            "message": message,
                            "need_id": area.id,
                            "preferred_channel": channel,
                            "preferred_time": time,
                            "callback_phone": phone,
                            "partner_id": partner.id,
                            "person_id": person.id,
                            "company_id": request.env.user.company_id.id,
                        },
                        attachments,
                    )
            except UserError as refused:
                # ValidationError is a UserError: a text too long for the model, say
                error["form"] = refused.args[0]
        if error:
            # nothing lost: the form comes back with what was typed and the errors
            data = {key: value for key, value in post.items() if isinstance(value, str)}
            return request.render(
                "social_secretariat.portal_social_request_new",
                self._social_request_form_values(error=error, data=data),
            )
        return request.redirect(f"{record.access_url}?created=1")

    def _social_callback_phone(self, channel, post, error):
        """The number to call back: typed on the form, else the citizen's own (their contact);
        required when they chose to be called."""
        partner = request.env.user.partner_id
        phone = (post.get("callback_phone") or "").strip()[:32]
        if not phone and channel == "phone":
            phone = partner.phone or partner.mobile or ""
        if channel == "phone" and sum(char.isdigit() for char in phone) < 6:
            error["callback_phone"] = request.env._(
                "You chose to be called: write the phone number to call you back on."
            )
        return phone or False

    def _social_create_request(self, values, attachments):
        partner = request.env.user.partner_id
        # sudo: creating a request sets staff fields a portal user may not write (number,
        # answer deadline, online desk, the desk's followers); the values come from the form,
        # checked above, and the request is the user's own (their partner, their person file)
        record = request.env["social.online.request"].sudo().create(values)
        record.message_subscribe(partner_ids=partner.ids)
        if attachments:
            # the attachments are checked again by ir.attachment: the user is still the citizen
            record.message_post(
                body=request.env._("Documents attached to the request."),
                attachments=attachments,
                author_id=partner.id,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        return record.with_env(request.env)

    # ------------------------------------------------------------
    # The appointment slip (PDF)
    # ------------------------------------------------------------

    @http.route(
        "/my/social/appointments/<int:appointment_id>/slip",
        type="http",
        auth="user",
        methods=["GET"],
        website=True,
    )
    def portal_my_social_appointment_slip(self, appointment_id, access_token=None, **kw):
        """The appointment slip of report/social_appointment_report.xml, for who may read the
        appointment (a citizen, their own): rendered in the user's environment, so the record
        rules decide; the appointment's access token alone opens no slip (the PDF is not
        rendered with sudo, as the appointment page is for such a link)."""
        try:
            self._document_check_access("social.appointment", appointment_id, access_token)
        except (AccessError, MissingError) as refused:
            raise request.not_found() from refused
        appointment = request.env["social.appointment"].browse(appointment_id)
        if not appointment.has_access("read"):
            raise request.not_found()
        pdf, _type = request.env["ir.actions.report"]._render_qweb_pdf(
            "social_secretariat.social_appointment_report_action", appointment.ids
        )
        return request.make_response(
            pdf,
            headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Length", str(len(pdf))),
                (
                    "Content-Disposition",
                    http.content_disposition(f"{appointment.name.replace('/', '-')}.pdf"),
                ),
            ],
        )


class SocialAttachmentController(PortalAttachmentController):
    @http.route()
    def mail_attachment_upload(self, ufile, thread_id, thread_model, is_pending=False, **kwargs):
        """The chatter's upload, answered as Odoo answers a refused upload (the chatter shows
        the message) when the upload policy refuses the file (models/ir_attachment.py)."""
        try:
            with request.env.cr.savepoint():
                return super().mail_attachment_upload(
                    ufile, thread_id, thread_model, is_pending=is_pending, **kwargs
                )
        except UserError as refused:
            return request.make_json_response({"error": refused.args[0]})
