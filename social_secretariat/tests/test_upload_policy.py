"""One upload policy for every file a citizen (or a partner, any non-internal user) sends:
the request form, the chatter's upload, a message posted with files, RPC."""

import base64
import io
import json
import re
import zipfile

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from ..tools import upload_policy
from .common import SocialCase

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)
HTML = b"<html><body><script>alert(1)</script></body></html>"
SCRIPT = b"#!/bin/sh\nrm -rf /\n"
PDF_JS = b"%PDF-1.4\n1 0 obj<</OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n%%EOF\n"


def docx(macros=False):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        if macros:
            archive.writestr("word/vbaProject.bin", b"\x00" * 10)
    return buffer.getvalue()


class TestUploadPolicy(SocialCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.citizen = new_test_user(cls.env, "citizen_up", groups="base.group_portal")
        cls.request = cls.env["social.online.request"].create(
            {"subject": "Documenti", "message": "…", "partner_id": cls.citizen.partner_id.id}
        )

    def test_type_by_content(self):
        env = self.env
        self.assertEqual(upload_policy.check_file(env, "a.pdf", PDF), "application/pdf")
        self.assertEqual(upload_policy.check_file(env, "a.exe", PNG), "image/png")
        self.assertEqual(
            upload_policy.check_file(env, "a.docx", docx()),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        for name, data in (
            ("virus.pdf", EXE),
            ("image.svg", SVG),
            ("page.html", HTML),
            ("run.sh", SCRIPT),
        ):
            with self.subTest(name=name), self.assertRaisesRegex(UserError, re.escape(name)):
                upload_policy.check_file(env, name, data)
        for name, data in (("form.pdf", PDF_JS), ("macro.docx", docx(macros=True))):
            with self.subTest(name=name), self.assertRaisesRegex(UserError, re.escape(name)):
                upload_policy.check_file(env, name, data)
        big = PDF + b"0" * upload_policy.MAX_FILE_SIZE
        with self.assertRaisesRegex(UserError, "big.pdf.* 10 MB"):
            upload_policy.check_file(env, "big.pdf", big)
        with self.assertRaisesRegex(UserError, "5"):
            upload_policy.check_count(env, 6)
        # bidi overrides and paths are dropped from the name
        self.assertEqual(upload_policy.clean_name(env, "../x/fdp.\u202eexe"), "fdp.exe")

    def _upload(self, name, data, user=None, **values):
        # as the routes do: sudo, the user stays the citizen
        return (
            self.env["ir.attachment"]
            .with_user(user or self.citizen)
            .sudo()
            .create(
                {
                    "name": name,
                    "raw": data,
                    "res_model": "social.online.request",
                    "res_id": self.request.id,
                    **values,
                }
            )
        )

    def test_enforced_on_every_attachment_of_a_citizen(self):
        for name, data in (("virus.exe", EXE), ("x.svg", SVG), ("x.html", HTML)):
            with self.subTest(name=name), self.assertRaises(UserError):
                self._upload(name, data)
        with self.assertRaisesRegex(UserError, "big.pdf"):
            self._upload("big.pdf", PDF + b"0" * upload_policy.MAX_FILE_SIZE)
        # the declared type does not count: the content does
        attachment = self._upload("isee.pdf", PDF, mimetype="text/html")
        self.assertEqual(attachment.mimetype, "application/pdf")
        with self.assertRaises(UserError):
            attachment.with_user(self.citizen).sudo().write({"raw": SVG})
        with self.assertRaises(UserError):
            self._upload("link", False, type="url", url="javascript:alert(1)")
        # the staff are not bound by it (an SVG logo, a spreadsheet...)
        staff = self._upload("logo.svg", SVG, user=self.operator_a)
        self.assertTrue(staff)

    def test_message_post_is_bound_too(self):
        Request = self.request.with_user(self.citizen).sudo()
        with self.assertRaises(UserError):
            Request.message_post(body="exe", attachments=[("virus.exe", EXE)])
        with self.assertRaisesRegex(UserError, "5"):
            Request.message_post(body="many", attachments=[(f"f{i}.pdf", PDF) for i in range(6)])
        message = Request.message_post(body="ok", attachments=[("a.pdf", PDF), ("b.png", PNG)])
        self.assertEqual(len(message.attachment_ids), 2)

    def test_hourly_limit(self):
        for index in range(upload_policy.MAX_UPLOADS_PER_HOUR):
            self._upload(f"f{index}.pdf", PDF)
        with self.assertRaisesRegex(UserError, str(upload_policy.MAX_UPLOADS_PER_HOUR)):
            self._upload("one-more.pdf", PDF)

    def test_server_generated_files_pass(self):
        # a citizen's booking sends the calendar invitation with its .ics: made by the server
        with upload_policy.server_generated():
            attachment = self._upload("invitation.ics", b"BEGIN:VCALENDAR\nEND:VCALENDAR\n")
        self.assertTrue(attachment)


@tagged("post_install", "-at_install")
class TestUploadRoutes(SocialCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.citizen = new_test_user(
            cls.env, "citizen_upr", groups="base.group_portal", email="upr@example.com"
        )
        cls.request = cls.env["social.online.request"].create(
            {"subject": "Documenti", "message": "…", "partner_id": cls.citizen.partner_id.id}
        )

    def _csrf(self, url="/my/social/requests/new"):
        return re.search(r'name="csrf_token" value="([^"]+)"', self.url_open(url).text).group(1)

    def _chatter_upload(self, name, data):
        response = self.url_open(
            "/mail/attachment/upload",
            data={
                "thread_id": self.request.id,
                "thread_model": "social.online.request",
                "csrf_token": self._csrf(),
                "is_pending": "true",
                "token": self.request._portal_ensure_token(),
            },
            files={"ufile": (name, data)},
        )
        self.assertEqual(response.status_code, 200)
        return json.loads(response.text)

    def test_chatter_upload(self):
        self.authenticate("citizen_upr", "citizen_upr")
        for name, data in (("virus.exe", EXE), ("x.svg", SVG), ("x.html", HTML)):
            with self.subTest(name=name):
                answer = self._chatter_upload(name, data)
                self.assertIn(name, answer.get("error", ""))
        self.assertFalse(
            self.env["ir.attachment"].search([("create_uid", "=", self.citizen.id)]),
            "nothing saved",
        )
        answer = self._chatter_upload("isee.pdf", PDF)
        self.assertNotIn("error", answer)

    def test_request_form_answers_an_oversize_file_in_the_form(self):
        self.authenticate("citizen_upr", "citizen_upr")
        count = self.env["social.online.request"].search_count([])
        big = PDF + b"0" * (11 * 1024 * 1024)
        response = self.url_open(
            "/my/social/requests/new",
            data={
                "subject": "Con un file grande",
                "message": "Vedi allegato",
                "csrf_token": self._csrf(),
            },
            files={"attachments": ("grande.pdf", big)},
        )
        self.assertEqual(response.status_code, 200, response.text[-3000:])
        self.assertIn("grande.pdf", response.text)
        self.assertIn("Con un file grande", response.text)  # nothing lost
        self.assertEqual(self.env["social.online.request"].search_count([]), count)

    def test_request_form_length_limits(self):
        self.authenticate("citizen_upr", "citizen_upr")
        count = self.env["social.online.request"].search_count([])
        response = self.url_open(
            "/my/social/requests/new",
            data={"subject": "x" * 201, "message": "y" * 10_001, "csrf_token": self._csrf()},
        )
        self.assertEqual(response.status_code, 200)
        # both fields marked, with their message
        self.assertIn('id="social_subject_error"', response.text)
        self.assertIn('id="social_message_error"', response.text)
        self.assertIn("x" * 201, response.text)  # what was typed comes back
        self.assertEqual(self.env["social.online.request"].search_count([]), count)

    def test_citizen_posts_in_the_chatter_with_a_file(self):
        """The portal chatter as the citizen uses it: a file uploaded (checked), then the
        message posted with it, in their own name."""
        self.authenticate("citizen_upr", "citizen_upr")
        answer = self._chatter_upload("isee.pdf", PDF)
        attachment = answer["data"]["ir.attachment"][0]
        result = self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "social.online.request",
                "thread_id": self.request.id,
                "post_data": {
                    "body": "Ecco il documento",
                    "attachment_ids": [attachment["id"]],
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_comment",
                },
                "attachment_tokens": [attachment["access_token"]],
            },
        )
        self.assertTrue(result)
        message = self.request.message_ids[:1]
        self.assertIn("Ecco il documento", message.body)
        self.assertEqual(message.author_id, self.citizen.partner_id)
        self.assertEqual(message.attachment_ids.name, "isee.pdf")


class TestPortalMessages(SocialCase):
    """Odoo gives portal users create and write on mail.message: directly (RPC), a citizen
    could re-sign or re-address a message, or move it onto another record."""

    def test_no_other_author_no_chosen_recipient_no_rewrite(self):
        citizen = new_test_user(self.env, "citizen_msg", groups="base.group_portal")
        request = self.env["social.online.request"].create(
            {"subject": "Mio", "message": "…", "partner_id": citizen.partner_id.id}
        )
        # as the chatter's routes post it
        Request = request.with_user(citizen).sudo()
        message = Request.message_post(
            body="Mio messaggio", message_type="comment", author_id=citizen.partner_id.id
        )
        self.assertEqual(message.author_id, citizen.partner_id)
        Message = self.env["mail.message"].with_user(citizen)
        values = {"model": request._name, "res_id": request.id, "body": "x"}
        with self.assertRaises(AccessError):
            Message.create(dict(values, author_id=self.operator_a.partner_id.id))
        with self.assertRaises(AccessError):
            Message.create(dict(values, partner_ids=[(4, self.operator_b.partner_id.id)]))
        for change in (
            {"author_id": self.operator_a.partner_id.id},
            {"partner_ids": [(4, self.operator_b.partner_id.id)]},
            {"res_id": request.id + 1},
        ):
            with self.subTest(change=change), self.assertRaises(AccessError):
                message.with_user(citizen).write(change)
