from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request


class SocialSubjectData(http.Controller):
    @http.route("/social/person/<int:person_id>/subject-data", type="http", auth="user")
    def subject_data(self, person_id, **kw):
        """The data-subject export, streamed to a coordinator (checked by the model)."""
        try:
            person = request.env["social.person"].browse(person_id)
            person.check_access("read")
            name, text = request.env["social.person.subject.data"]._export_json(person)
        except (AccessError, MissingError, UserError):
            raise request.not_found() from None
        return request.make_response(
            text.encode(),
            headers=[
                ("Content-Type", "application/json; charset=utf-8"),
                ("Content-Disposition", f'attachment; filename="{name}"'),
                ("Cache-Control", "no-store"),
            ],
        )
