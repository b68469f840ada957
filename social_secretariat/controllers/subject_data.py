from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "pdf": "application/pdf",
}


class SocialSubjectData(http.Controller):
    def _stream(self, person, kind):
        """The export of `person` as `kind` (json, pdf), checked and logged by the model;
        404 for whoever may not have it (nothing tells them the file exists)."""
        subject_data = request.env["social.person.subject.data"]
        try:
            if kind == "pdf":
                name, content = subject_data._export_pdf(person)
            else:
                name, text = subject_data._export_json(person)
                content = text.encode()
        except (AccessError, MissingError, UserError):
            raise request.not_found() from None
        return request.make_response(
            content,
            headers=[
                ("Content-Type", CONTENT_TYPES[kind]),
                ("Content-Disposition", f'attachment; filename="{name}"'),
                ("Cache-Control", "no-store"),
            ],
        )

    @http.route(
        [
            "/social/person/<int:person_id>/subject-data",
            "/social/person/<int:person_id>/subject-data/<any(json,pdf):kind>",
        ],
        type="http",
        auth="user",
    )
    def subject_data(self, person_id, kind="json", **kw):
        """The data-subject export, streamed to a coordinator (checked by the model)."""
        person = request.env["social.person"].browse(person_id)
        try:
            person.check_access("read")
            person._check_coordinator()
        except (AccessError, MissingError, UserError):
            raise request.not_found() from None
        return self._stream(person, kind)

    @http.route("/my/social/personal-data/<any(json,pdf):kind>", type="http", auth="user")
    def my_subject_data(self, kind, **kw):
        """The citizen's own export (art. 15 and 20 GDPR): the file whose contact is theirs,
        found by the record rules (a portal user reads that one file only)."""
        user = request.env.user
        if not user.share:
            raise request.not_found()
        person = request.env["social.person"].search(
            [("partner_id", "=", user.partner_id.id)], limit=1
        )
        if not person:
            raise request.not_found()
        return self._stream(person, kind)
