"""A file the filestore cannot take (issue 14): the upload stops with the reason and leaves no
attachment row pointing at a file that is not there (Odoo's own _file_write logs the failed
write and saves the row). The full disk itself, a real one: tests/test_fault_disk_full.py."""

import hashlib
import os
import uuid

from odoo.exceptions import UserError
from odoo.tests import TransactionCase


class TestUploadFilestoreError(TransactionCase):
    def test_a_file_that_cannot_be_written_saves_nothing(self):
        Attachment = self.env["ir.attachment"]
        data = b"%PDF-1.4\n% " + uuid.uuid4().hex.encode() + b"\n%%EOF\n"
        sha = hashlib.sha1(data).hexdigest()
        full_path = Attachment._full_path(f"{sha[:2]}/{sha}")
        os.makedirs(os.path.dirname(full_path), exist_ok=True)
        # where the file goes, a link to where no file can be made: the write fails, as on a
        # broken or read-only disk (even for root)
        os.symlink("/proc/ss-no-such-folder/file", full_path)
        # the link, or the file written in its place at the end (its row is rolled back)
        self.addCleanup(lambda: os.path.lexists(full_path) and os.unlink(full_path))
        values = {
            "name": "unwritable.pdf",
            "raw": data,
            "res_model": "res.partner",
            "res_id": self.env.user.partner_id.id,
        }
        with (
            self.assertLogs("odoo.addons.social_secretariat.models.ir_attachment", "WARNING"),
            self.assertRaisesRegex(UserError, "could not be saved on the server"),
        ):
            Attachment.create(values)
        self.assertFalse(Attachment.search([("name", "=", "unwritable.pdf")]))
        # what the write did not make is not removed
        self.assertTrue(os.path.islink(full_path))
        os.unlink(full_path)
        attachment = Attachment.create(values)
        self.assertEqual(attachment.store_fname, f"{sha[:2]}/{sha}")
        self.assertEqual(attachment.raw, data)
