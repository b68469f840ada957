from odoo import fields, http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request
from odoo.tools.mimetypes import guess_mimetype

from odoo.addons.portal.controllers import portal
from odoo.addons.portal.controllers.portal import pager as portal_pager

MAX_FILES = 5
MAX_FILE_SIZE = 10 * 1024 * 1024  # bytes
ALLOWED_MIMETYPES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/msword": "DOC",
    "application/vnd.oasis.opendocument.text": "ODT",
}


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
            person = Appointment._portal_person()
            # sudo: citizens have no access right on appointments; only their own person's
            # upcoming appointments are counted
            values["social_appointment_count"] = (
                Appointment.sudo().search_count(
                    [
                        ("person_id", "=", person.id),
                        ("state", "=", "booked"),
                        ("start", ">=", fields.Datetime.now()),
                    ]
                )
                if person
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
        # sudo: the areas of need are public reference data, portal users have no ACL on them
        areas = request.env["social.need"].sudo().search([("parent_id", "=", False)])
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
                "max_files": MAX_FILES,
                "max_size_mb": MAX_FILE_SIZE // (1024 * 1024),
                "allowed_types": ", ".join(sorted(set(ALLOWED_MIMETYPES.values()))),
            }
        )
        return values

    @http.route("/my/social/requests/new", type="http", auth="user", methods=["GET"], website=True)
    def portal_social_request_new(self, **kw):
        return request.render(
            "social_secretariat.portal_social_request_new", self._social_request_form_values()
        )

    def _read_attachments(self, files, error):
        """[(name, data, mimetype)], or fills `error`: files over the limits are refused."""
        files = [f for f in files if f and f.filename]
        if len(files) > MAX_FILES:
            error["attachments"] = request.env._("At most %(count)s files.", count=MAX_FILES)
            return []
        result = []
        for upload in files:
            data = upload.read(MAX_FILE_SIZE + 1)
            if len(data) > MAX_FILE_SIZE:
                error["attachments"] = request.env._(
                    "“%(name)s” is larger than %(size)s MB.",
                    name=upload.filename,
                    size=MAX_FILE_SIZE // (1024 * 1024),
                )
                return []
            mimetype = guess_mimetype(data)
            if mimetype not in ALLOWED_MIMETYPES:
                error["attachments"] = request.env._(
                    "“%(name)s” is not an accepted file type (%(types)s).",
                    name=upload.filename,
                    types=", ".join(sorted(set(ALLOWED_MIMETYPES.values()))),
                )
                return []
            result.append((upload.filename, data, mimetype))
        return result

    @http.route("/my/social/requests/new", type="http", auth="user", methods=["POST"], website=True)
    def portal_social_request_create(self, **post):
        error = {}
        subject = (post.get("subject") or "").strip()
        message = (post.get("message") or "").strip()
        if not subject:
            error["subject"] = request.env._("Write what your request is about.")
        if not message:
            error["message"] = request.env._("Write your message.")
        area = False
        if post.get("need_id"):
            # sudo: reference data; only a top-level area may be chosen
            area = (
                request.env["social.need"]
                .sudo()
                .search(
                    [
                        ("id", "=", int(post["need_id"]) if post["need_id"].isdigit() else 0),
                        ("parent_id", "=", False),
                    ]
                )
            )
            if not area:
                error["need_id"] = request.env._("Choose an area from the list.")
        channel = post.get("preferred_channel") or "portal"
        if channel not in ("phone", "email", "portal"):
            error["preferred_channel"] = request.env._("Choose how we should contact you.")
        time = post.get("preferred_time") or "any"
        if time not in ("morning", "afternoon", "any"):
            error["preferred_time"] = request.env._("Choose when we should contact you.")
        attachments = self._read_attachments(
            request.httprequest.files.getlist("attachments"), error
        )
        if error:
            # nothing lost: the form comes back with what was typed and the errors
            return request.render(
                "social_secretariat.portal_social_request_new",
                self._social_request_form_values(error=error, data=post),
            )
        partner = request.env.user.partner_id
        # sudo: portal users cannot create staff records; the request belongs to their own partner
        # and the person is looked up by that partner only
        person = (
            request.env["social.person"].sudo().search([("partner_id", "=", partner.id)], limit=1)
        )
        record = (
            request.env["social.online.request"]
            .sudo()
            .create(
                {
                    "subject": subject,
                    "message": message,
                    "need_id": area.id if area else False,
                    "preferred_channel": channel,
                    "preferred_time": time,
                    "partner_id": partner.id,
                    "person_id": person.id,
                    "company_id": request.env.user.company_id.id,
                }
            )
        )
        record.message_subscribe(partner_ids=partner.ids)
        if attachments:
            record.message_post(
                body=request.env._("Documents attached to the request."),
                attachments=[(name, data) for name, data, _mimetype in attachments],
                author_id=partner.id,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        return request.redirect(f"{record.access_url}?created=1")
