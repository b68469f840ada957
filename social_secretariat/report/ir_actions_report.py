import functools
import logging
import subprocess

from odoo import api, models

from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin

_logger = logging.getLogger(__name__)


@functools.cache
def _wkhtmltopdf_prints_headers():
    """Whether wkhtmltopdf prints the header of Odoo's layouts (the letterhead): only its
    builds with patched Qt do (those of wkhtmltopdf.org); the packages of the distributions
    (apt's, which `make setup` installs) ignore --header-html. Asked once per process."""
    try:
        version = subprocess.run(
            [_get_wkhtmltopdf_bin(), "--version"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return True  # no PDF at all then: nothing to add to the body
    patched = "patched qt" in version.lower()
    if not patched:
        _logger.info("wkhtmltopdf without patched Qt: the forms print their letterhead in the body")
    return patched


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    @api.model
    def _social_letterhead_in_body(self):
        """Whether the forms of this addon print the Ambito's letterhead in their body
        (report/social_report_layout.xml), because wkhtmltopdf drops the layout's header."""
        return not _wkhtmltopdf_prints_headers()

    def _get_rendering_context(self, report, docids, data):
        """A printed person file, or a printed record of a person (a session, a referral), is
        a read of the file: every report passes here, whatever its format or route."""
        data = super()._get_rendering_context(report, docids, data)
        if docids and report.model in self.env:
            records = self.env[report.model].browse(docids)
            field = records._fields.get("person_id")
            if records._name == "social.person":
                persons = records
            elif field is not None and field.comodel_name == "social.person":
                persons = records.person_id
            else:
                persons = self.env["social.person"]
            persons._log_file_read("report", report.name)
        return data
