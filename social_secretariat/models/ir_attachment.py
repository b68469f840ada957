import base64
import contextlib
import errno
import logging
import os
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.sql import create_index

from ..tools import upload_policy

_logger = logging.getLogger(__name__)

# the filestore's disk (or the Odoo user's quota on it) is full
NO_SPACE = (errno.ENOSPC, errno.EDQUOT)


class IrAttachment(models.Model):
    """The upload policy (tools/upload_policy.py) for every attachment a non-internal user
    creates or rewrites, by whatever route: the portal form, the chatter's upload, a message
    posted with files, RPC. The routes create attachments with sudo; the user, who decides
    whether the policy applies, stays the same."""

    _inherit = "ir.attachment"

    def init(self):
        # the hourly count of a user's uploads (below) on an index, not a scan of all files
        create_index(
            self.env.cr,
            "social_ir_attachment_create_uid_date_idx",
            "ir_attachment",
            ["create_uid", "create_date"],
            where="res_field IS NULL",
        )

    def _check_contents(self, values):
        if upload_policy.applies(self.env):
            values = self._social_check_upload(values)
        return super()._check_contents(values)

    def _social_check_upload(self, values):
        # in place, as Odoo's _check_contents: create() goes on with the same dictionaries
        if values.get("type") == "url" or values.get("url"):
            raise UserError(self.env._("Only files can be attached, not links."))
        if "name" in values:
            values["name"] = upload_policy.clean_name(self.env, values["name"])
        raw, datas = values.get("raw"), values.get("datas")
        if raw or datas:
            if isinstance(raw, str):
                raw = raw.encode()
            data = raw or base64.b64decode(datas)
            # the type found in the content, whatever the client declared
            values["mimetype"] = upload_policy.check_file(
                self.env, values.get("name") or (self[:1].name if self else ""), data
            )
        elif values.get("mimetype") and values["mimetype"] not in upload_policy.ALLOWED_MIMETYPES:
            raise UserError(
                self.env._(
                    "Only these file types are accepted: %(types)s.",
                    types=upload_policy.allowed_types(),
                )
            )
        return values

    @api.model_create_multi
    def create(self, vals_list):
        if upload_policy.applies(self.env):
            self._social_check_hourly_uploads(len(vals_list))
        return super().create(vals_list)

    def _social_check_hourly_uploads(self, count):
        """At most MAX_UPLOADS_PER_HOUR files per user and hour: the chatter uploads one file
        per request, so the per-message limit alone would not stop a script."""
        # the files of the accepted types: not the invitations (.ics) the server sent for them
        self.env.cr.execute(
            SQL(
                "SELECT count(*) FROM ir_attachment WHERE create_uid = %s AND create_date >= %s "
                "AND res_field IS NULL AND mimetype = ANY(%s)",
                self.env.uid,
                fields.Datetime.now() - timedelta(hours=1),
                list(upload_policy.ALLOWED_MIMETYPES),
            )
        )
        if self.env.cr.fetchone()[0] + count > upload_policy.MAX_UPLOADS_PER_HOUR:
            raise UserError(
                self.env._(
                    "You have sent too many files in the last hour (at most %(count)s). Please "
                    "try again later.",
                    count=upload_policy.MAX_UPLOADS_PER_HOUR,
                )
            )

    def _file_write(self, bin_value, checksum):
        """Odoo's, except that a file that cannot be written stops the upload: Odoo logs the
        error and goes on, and the attachment is saved pointing at a file that is missing or
        cut short (a full disk). Here the partial file is removed and a UserError rolls the
        transaction back, so no row is left, and the user is told why."""
        full_path = None
        try:
            # it may create the folder: on a full disk, that fails too
            fname, full_path = self._get_path(bin_value, checksum)
            if os.path.exists(full_path):
                return fname  # the same content is stored already
            created = False
            try:
                with open(full_path, "wb") as fp:
                    created = True
                    fp.write(bin_value)
                # add fname to checklist, in case the transaction aborts (as Odoo does)
                self._mark_for_gc(fname)
            except OSError:
                if created:
                    # this write made the file: remove what was written of it
                    with contextlib.suppress(OSError):
                        os.unlink(full_path)
                raise
        except OSError as error:
            if error.errno in NO_SPACE:
                _logger.warning("The filestore is full: %s not written (%s)", full_path, error)
                raise UserError(
                    self.env._(
                        "The file could not be saved because the server has no space left. "
                        "Please try again later, or tell the office."
                    )
                ) from error
            _logger.warning("The filestore refused %s (%s)", full_path, error)
            raise UserError(
                self.env._(
                    "The file could not be saved on the server. Please try again later, or "
                    "tell the office."
                )
            ) from error
        return fname
