"""Issue 14, faults: the filestore's disk is full when a user uploads a file.

A real full disk: the server runs in a mount namespace of its own (unshare) where the
database's filestore is a small tmpfs, holding a copy of the filestore and a little room; the
test fills that room with a file of its own, through /proc/<server pid>/root (the server's
view of the mounts: this works as root and as any user). Then the real users, with their own
sessions, upload where they do: a citizen with a request of the online desk, a social worker
in the chatter of a person's file and in a consent's file field, a partner's operator with the
signed consent of a referral. Each is told, in Italian, that the file could not be saved for
lack of space; no attachment row is left (Odoo's own _file_write logs the failed write and
saves the row pointing at a missing or empty file: models/ir_attachment.py stops that),
nothing else of the form is saved, no file is left on the disk; once the space is freed, the
same upload succeeds.
"""

import errno
import hashlib
import html
import os
import re
import uuid
from contextlib import contextmanager
from pathlib import Path

import polib
import pytest
from faults import cluster_copy  # noqa: F401  (the fixture)
from odoo_client import OdooClient

from conftest import ROOT, running_odoo

# the reason the server gives (models/ir_attachment.py), read in Italian as the users do
NO_SPACE = (
    "The file could not be saved because the server has no space left. Please try again "
    "later, or tell the office."
)
# the room left on the tmpfs above the filestore's copy: a few uploads of a few bytes
MARGIN = 2 * 1024 * 1024
PAGE = 4096


def italian(source):
    """The Italian of one of the core's strings, as it.po has it."""
    entry = polib.pofile(str(ROOT / "social_secretariat" / "i18n" / "it.po")).find(source)
    assert entry and entry.msgstr and entry.msgstr != source, f"it.po does not translate {source!r}"
    return entry.msgstr


def pdf():
    """A PDF of its own: the same content already stored would not be written at all."""
    return (
        b"%PDF-1.4\n% " + uuid.uuid4().hex.encode() + b"\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    )


def stored_path(data):
    sha = hashlib.sha1(data).hexdigest()  # the name Odoo gives the file
    return f"{sha[:2]}/{sha}"


def as_user(server, login):
    client = OdooClient(server["url"], server["db"])
    client.login(login, login)
    assert client.session_info()["uid"], f"{login} could not log in"
    return client


def files_of(root):
    """{relative path: size} of every file under the filestore."""
    return {
        str(path.relative_to(root)): path.stat().st_size
        for path in root.rglob("*")
        if path.is_file()
    }


@pytest.fixture(scope="module")
def full_disk(cluster_copy, tmp_path_factory):  # noqa: F811
    """The server on the copy, its filestore on a small tmpfs: {server, copy, root (the
    filestore as the server sees it)}."""
    filestore = cluster_copy.data_dir / "filestore" / cluster_copy.db
    original = filestore.with_name(filestore.name + ".orig")
    filestore.rename(original)
    filestore.mkdir()
    # tmpfs counts whole pages: the copy's size so counted, and the margin
    size = MARGIN + sum(
        -(-path.stat().st_size // PAGE) * PAGE for path in original.rglob("*") if path.is_file()
    )
    mount = 'mount -t tmpfs -o size="$1" tmpfs "$2" && cp -a "$3"/. "$2"/ && shift 3 && exec "$@"'
    # a mount namespace of the server's own (private: the mount is seen by no one else); a
    # user namespace too when not root, to be allowed to mount (as root, it would take away
    # the right to reach the database's socket, owned by another user)
    user = [] if os.geteuid() == 0 else ["--user", "--map-root-user"]
    prefix = [
        "unshare", "--mount", *user,
        "sh", "-c", mount, "sh", str(size), str(filestore), str(original),
    ]  # fmt: skip
    log = tmp_path_factory.mktemp("disk-full") / "server.log"
    try:
        with running_odoo(
            cluster_copy.db, log, workers=2, conf=cluster_copy.conf, prefix=prefix
        ) as server:
            root = Path(f"/proc/{server['process'].pid}/root{filestore}")
            stat = os.statvfs(root)
            # the server's filestore is the small tmpfs, with the copy in it
            assert stat.f_blocks * stat.f_frsize == -(-size // PAGE) * PAGE, "no tmpfs mounted"
            assert files_of(root), "the filestore was not copied into the tmpfs"
            yield {"server": server, "copy": cluster_copy, "root": root}
    finally:
        filestore.rmdir()
        original.rename(filestore)


@contextmanager
def disk_filled(root):
    """Fill the tmpfs until a write fails for lack of space; free it when the block ends.
    Yields what a failed upload must leave: the files on the disk at that moment."""
    filler = root / "filler.bin"
    chunk = b"\0" * (256 * 1024)
    try:
        with open(filler, "wb", buffering=0) as file:
            with pytest.raises(OSError) as full:
                while True:
                    # a short write means the end of the room: the next one fails
                    file.write(chunk)
            assert full.value.errno == errno.ENOSPC
        yield files_of(root)
    finally:
        filler.unlink(missing_ok=True)


class Attachments:
    """The attachment rows made since it was created, and the checks a failed upload passes."""

    def __init__(self, env, upload_name, row_name=None):
        """`upload_name`: the file's name; `row_name`: the row's, if another (a binary
        field's attachment is named after the field)."""
        self.copy, self.root = env["copy"], env["root"]
        self.upload_name, self.row_name = upload_name, row_name or upload_name
        self.last_id = self.copy.query("SELECT coalesce(max(id), 0) FROM ir_attachment")[0][0]

    def new_rows(self):
        return self.copy.query(
            "SELECT id, name, store_fname, file_size FROM ir_attachment WHERE id > %s ORDER BY id",
            (self.last_id,),
        )

    def assert_nothing_left(self, data, files_before):
        # no row at all for the upload (so none pointing at a missing or empty file)
        assert self.new_rows() == []
        named = self.copy.query("SELECT id FROM ir_attachment WHERE name = %s", (self.upload_name,))
        assert named == [], "an attachment row for the failed upload"
        # no file, whole or partial, on the disk: what was there, and the filler
        assert files_of(self.root) == files_before
        assert not (self.root / stored_path(data)).exists()

    def assert_stored(self, data):
        """The upload that succeeds once space is free: one row, its file whole on disk."""
        rows = [row for row in self.new_rows() if row[1] == self.row_name]
        assert len(rows) == 1, rows
        _id, _name, store_fname, size = rows[0]
        assert store_fname == stored_path(data)
        assert size == len(data)
        assert (self.root / store_fname).read_bytes() == data
        return rows[0][0]


def page_text(response):
    return html.unescape(response.text)


def test_citizen_request_with_a_document(full_disk):
    """The form comes back, with what the citizen typed and the reason; no request is saved
    (the desk's rule: a request arrives whole, with its documents, or not at all - the citizen
    may send it again later, or without the document, and nothing typed is lost)."""
    server = full_disk["server"]
    citizen = as_user(server, "cittadino")
    subject = f"Disco pieno {uuid.uuid4().hex[:8]}"
    message = "Allego l'ISEE per la domanda di contributo affitto, come mi avete chiesto."
    data = pdf()
    rows = Attachments(full_disk, "isee-disco-pieno.pdf")

    def send():
        return citizen.post(
            "/my/social/requests/new",
            data={
                "csrf_token": citizen.csrf_token("/my/social/requests/new"),
                "subject": subject,
                "message": message,
                "preferred_channel": "portal",
                "preferred_time": "any",
            },
            files=[("attachments", ("isee-disco-pieno.pdf", data, "application/pdf"))],
        )

    def requests_sent():
        return full_disk["copy"].query(
            "SELECT id FROM social_online_request WHERE subject = %s", (subject,)
        )

    with disk_filled(full_disk["root"]) as files_before:
        response = send()
        assert response.status_code == 200
        assert "/my/social/requests/new" in response.url  # the form again, not the request
        text = page_text(response)
        assert italian(NO_SPACE) in text
        assert "Traceback" not in text
        assert subject in text and message in text  # nothing typed is lost
        assert requests_sent() == []
        rows.assert_nothing_left(data, files_before)
    sent = send()
    match = re.search(r"/my/social/requests/(\d+)", sent.url)
    assert match, sent.url
    assert requests_sent() == [(int(match.group(1)),)]
    attachment_id = rows.assert_stored(data)
    linked = full_disk["copy"].query(
        "SELECT res_model, res_id FROM ir_attachment WHERE id = %s", (attachment_id,)
    )
    assert linked == [("social.online.request", int(match.group(1)))]


def test_staff_upload_in_the_chatter(full_disk):
    """The chatter's upload (as the web client posts it) answers with the reason, which the
    chatter shows; no attachment is made."""
    server = full_disk["server"]
    worker = as_user(server, "assistente")
    [person_id] = worker.call("social.person", "search", [], limit=1)
    token = re.search(r'csrf_token: "([^"]+)"', worker.get("/odoo").text).group(1)
    data = pdf()
    rows = Attachments(full_disk, "relazione-disco-pieno.pdf")

    def upload():
        return worker.post(
            "/mail/attachment/upload",
            data={
                "csrf_token": token,
                "thread_id": str(person_id),
                "thread_model": "social.person",
                "is_pending": "true",
            },
            files={"ufile": ("relazione-disco-pieno.pdf", data, "application/pdf")},
        )

    with disk_filled(full_disk["root"]) as files_before:
        response = upload()
        assert response.status_code == 200
        assert response.json() == {"error": italian(NO_SPACE)}
        rows.assert_nothing_left(data, files_before)
    response = upload()
    assert response.status_code == 200
    body = response.json()
    assert "error" not in body, body
    attachment_id = rows.assert_stored(data)
    assert [a["id"] for a in body["data"]["ir.attachment"]] == [attachment_id]


def test_partner_referral_with_the_signed_consent(full_disk):
    """The network portal's one upload: the signed consent of a referral. The form comes back
    with what was typed and the reason; no referral is saved (as any refusal by the model)."""
    server = full_disk["server"]
    copy = full_disk["copy"]
    operator = as_user(server, "partner")
    # a service the demo social worker receives referrals for (as test_network_referral_http)
    [service_id] = as_user(server, "admin").call(
        "social.service",
        "search",
        [("is_published", "=", True), ("desk_ids.operator_ids.login", "=", "assistente")],
        limit=1,
    )
    name = f"Mario Discopieno {uuid.uuid4().hex[:6]}"
    reason = "Ha bisogno di aiuto per l'affitto: allego il consenso firmato."
    data = pdf()
    rows = Attachments(full_disk, "consenso-disco-pieno.pdf", "submitted_consent_document")

    def refer():
        return operator.post(
            "/my/network/referrals/new",
            data={
                "csrf_token": operator.csrf_token("/my/network/referrals/new"),
                "submitted_consent": "1",
                "submitted_name": name,
                "submitted_phone": "3331112233",
                "target_service_id": str(service_id),
                "urgency": "normal",
                "reason": reason,
            },
            files={"consent_document": ("consenso-disco-pieno.pdf", data, "application/pdf")},
            allow_redirects=False,
        )

    def referrals():
        return copy.query("SELECT id FROM social_referral WHERE submitted_name = %s", (name,))

    with disk_filled(full_disk["root"]) as files_before:
        response = refer()
        assert response.status_code == 200, response.headers.get("Location")
        text = page_text(response)
        assert italian(NO_SPACE) in text
        assert "Traceback" not in text
        assert name in text and reason in text  # nothing typed is lost
        assert referrals() == []
        rows.assert_nothing_left(data, files_before)
    sent = refer()
    assert sent.status_code in (302, 303), page_text(sent)[-2000:]
    [(referral_id,)] = referrals()
    assert f"/my/network/referrals/{referral_id}" in sent.headers["Location"]
    attachment_id = rows.assert_stored(data)
    linked = copy.query(
        "SELECT res_model, res_id, res_field FROM ir_attachment WHERE id = %s", (attachment_id,)
    )
    assert linked == [("social.referral", referral_id, "submitted_consent_document")]


def test_staff_signed_consent_in_the_backend(full_disk):
    """The backend's file fields (the signed form of a consent: many2many_binary) upload
    through /web/binary/upload_attachment, as the web client posts it: the answer says why
    (Odoo's own says "Something horrible happened"), no attachment is made."""
    server = full_disk["server"]
    worker = as_user(server, "assistente")
    [consent_id] = worker.call("social.consent", "search", [], limit=1)
    token = re.search(r'csrf_token: "([^"]+)"', worker.get("/odoo").text).group(1)
    data = pdf()
    rows = Attachments(full_disk, "consenso-firmato-disco-pieno.pdf")

    def upload():
        return worker.post(
            "/web/binary/upload_attachment",
            data={"csrf_token": token, "model": "social.consent", "id": str(consent_id)},
            files={"ufile": ("consenso-firmato-disco-pieno.pdf", data, "application/pdf")},
        )

    with disk_filled(full_disk["root"]) as files_before:
        response = upload()
        assert response.status_code == 200
        assert response.json() == [{"error": italian(NO_SPACE)}]
        rows.assert_nothing_left(data, files_before)
    response = upload()
    assert response.status_code == 200
    [answer] = response.json()
    assert "error" not in answer, answer
    assert answer["id"] == rows.assert_stored(data)
