"""A tiny real SMTP server for the fault tests: it records each message it ACCEPTS (the
final "250" to DATA), and can hold a chosen message before that answer, the way a slow
relay does, so that a test can crash the sender while it waits, or drop the connection.

Plain sockets (socketserver), no authentication, no TLS: what Odoo speaks to a relay on the
loopback (`--smtp=127.0.0.1 --smtp-port=...`).
"""

import email
import email.header
import email.policy
import os
import select
import socket
import socketserver
import threading
import time


def _decoded(value):
    return str(email.header.make_header(email.header.decode_header(value or "")))


class Message:
    """One accepted message: the envelope and the headers a test counts by."""

    def __init__(self, mail_from, rcpt_tos, data):
        parsed = email.message_from_bytes(data, policy=email.policy.compat32)
        self.mail_from, self.rcpt_tos = mail_from, list(rcpt_tos)
        self.subject = _decoded(parsed.get("Subject"))
        self.to = _decoded(parsed.get("To"))
        self.message_id = (parsed.get("Message-Id") or "").strip()
        self.data = data

    def __repr__(self):
        return f"<Message to={self.rcpt_tos} subject={self.subject!r}>"


class _Handler(socketserver.StreamRequestHandler):
    timeout = 120

    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        sink = self.server.sink
        self.reply("220 sink ESMTP")
        mail_from, rcpt_tos = None, []
        while True:
            line = self.rfile.readline()
            if not line:
                return  # the client went away
            command = line.decode("utf-8", "replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                self.reply("250-sink")
                self.reply("250-8BITMIME")
                self.reply("250 SMTPUTF8")
            elif verb == "HELO":
                self.reply("250 sink")
            elif verb == "MAIL":
                mail_from, rcpt_tos = command.split(":", 1)[1].split()[0].strip("<>"), []
                self.reply("250 OK")
            elif verb == "RCPT":
                rcpt_tos.append(command.split(":", 1)[1].split()[0].strip("<>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = self.read_data()
                if data is None:
                    return
                message = Message(mail_from, rcpt_tos, data)
                if not sink._deliver(self.connection, message):
                    return  # held and dropped, or the client died meanwhile: not accepted
                self.reply("250 OK queued")
                mail_from, rcpt_tos = None, []
            elif verb in ("RSET", "NOOP"):
                mail_from, rcpt_tos = (None, []) if verb == "RSET" else (mail_from, rcpt_tos)
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")

    def read_data(self):
        lines = []
        while True:
            line = self.rfile.readline()
            if not line:
                return None
            if line in (b".\r\n", b".\n"):
                return b"".join(lines)
            lines.append(line[1:] if line.startswith(b"..") else line)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def _peer_closed(sock):
    """Whether the client closed its end (a killed process's socket is closed by the kernel)."""
    readable, _w, _x = select.select([sock], [], [], 0)
    if not readable:
        return False
    try:
        return sock.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


class SmtpSink:
    """`accepted`: the messages answered "250" to DATA, in order. `hold(match)`: the next
    message for which match(message) is true waits before that answer until `release()`
    (accept it, if its sender is still there) or `release(drop=True)` (close the connection
    instead: never accepted); `held` is set while it waits."""

    def __init__(self, host="127.0.0.1"):
        self._server = _Server((host, 0), _Handler)
        self._server.sink = self
        self.host, self.port = self._server.server_address
        self._lock = threading.Lock()
        self.accepted = []
        self.dropped = []
        self._match = None
        self._release = threading.Event()
        self._drop = False
        self.held = threading.Event()
        self.held_peer = None  # (host, port) of the client whose message is held
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self.release()
        self._server.shutdown()
        self._server.server_close()

    def hold(self, match):
        with self._lock:
            self._match, self._drop = match, False
            self._release.clear()
            self.held.clear()

    def release(self, drop=False):
        with self._lock:
            self._drop = drop
            self._match = None
        self._release.set()

    def wait_held(self, timeout=60):
        assert self.held.wait(timeout), "no message reached the SMTP sink to be held"

    def _deliver(self, connection, message):
        with self._lock:
            held = self._match is not None and self._match(message)
            if held:
                self._match = None  # one message only
                self.held_peer = connection.getpeername()
                self.held.set()
        if held:
            while not self._release.wait(0.05):
                if _peer_closed(connection):
                    break
            if self._drop or _peer_closed(connection):
                with self._lock:
                    self.dropped.append(message)
                time.sleep(0.05)
                return False
        with self._lock:
            self.accepted.append(message)
        return True

    def held_sender(self):
        """The pid of the process whose message is held (the owner of the client socket)."""
        port = self.held_peer[1]
        inodes = set()
        with open("/proc/net/tcp") as table:
            for line in table.readlines()[1:]:
                fields = line.split()
                if int(fields[1].split(":")[1], 16) == port:
                    inodes.add(fields[9])
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                links = [
                    os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")
                ]
            except OSError:
                continue  # gone, or not ours to read
            if any(link in {f"socket:[{inode}]" for inode in inodes} for link in links):
                return int(pid)
        raise AssertionError(f"no process owns the SMTP client socket on port {port}")

    def count(self, match):
        with self._lock:
            return sum(1 for message in self.accepted if match(message))
