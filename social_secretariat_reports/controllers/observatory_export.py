from odoo import http
from odoo.http import request

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ObservatoryExport(http.Controller):
    # readonly: with a replica configured (db_replica_host) the aggregation runs there, not
    # on the primary that the desks write to; the link carries the wizard's choices, as the
    # replica may not have the wizard's row yet. An invalid link gets 400 (ValidationError),
    # a user outside the observatory and the coordinators 403 (AccessError).
    @http.route(
        "/social_secretariat_reports/export",
        type="http",
        auth="user",
        methods=["GET"],
        readonly=True,
    )
    def export(self, **params):
        wizard = request.env["social.report.export"]._from_params(params)
        name, content = wizard._export_file()
        return request.make_response(
            content,
            headers=[
                ("Content-Type", CONTENT_TYPES[wizard.file_format]),
                ("Content-Disposition", http.content_disposition(name)),
                ("Cache-Control", "no-store"),
            ],
        )
