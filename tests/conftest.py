"""End-to-end fixtures: a real Odoo server (several workers) on a copy of the
demo database that `make test` installed, reached over HTTP as real users."""

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from odoo_client import OdooClient

import odoo

ROOT = Path(__file__).resolve().parent.parent
# odoo-bin, not `python -m odoo`: the multi-worker server re-executes its own script
# for the live-notification (gevent) process.
ODOO_BIN = Path(odoo.__file__).resolve().parent.parent / "odoo-bin"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_odoo(db, log, workers=2, conf=None, options=(), prefix=()):
    """A real Odoo server (odoo-bin) on `db` with `workers` workers, on free loopback ports,
    until the block ends. `conf`: another configuration than the test run's; `options`: more
    command-line options (they win over the defaults below); `prefix`: a command the server
    runs under (e.g. unshare)."""
    conf = conf or os.environ.get("SS_ODOO_CONF")
    if not conf or not db:
        pytest.fail("run the end-to-end tests through `make test` (SS_ODOO_CONF/SS_E2E_DB unset)")
    port, gevent_port = _free_port(), _free_port()
    cmd = [
        *prefix,
        sys.executable,
        str(ODOO_BIN),
        "-c",
        conf,
        "-d",
        db,
        f"--db-filter=^{db}$",
        f"--http-port={port}",
        f"--gevent-port={gevent_port}",
        f"--workers={workers}",
        "--max-cron-threads=0",
        "--limit-time-real=300",
        "--log-level=warn",
        f"--logfile={log}",
        *options,
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL)
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(
                    f"the Odoo server exited ({proc.returncode}):\n{log.read_text()[-3000:]}"
                )
            try:
                if requests.get(f"{base_url}/web/login", timeout=5).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                pass  # not up yet, or busy loading the registry (a loaded machine)
            if time.monotonic() > deadline:
                pytest.fail(f"the Odoo server did not answer in 120 s:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield {
            "url": base_url,
            "db": db,
            "log": log,
            "gevent_url": f"http://127.0.0.1:{gevent_port}",
            "process": proc,
        }
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def odoo_server(tmp_path_factory):
    log = tmp_path_factory.mktemp("odoo") / "server.log"
    with running_odoo(os.environ.get("SS_E2E_DB"), log) as server:
        yield server


@pytest.fixture
def client(odoo_server):
    """A fresh anonymous browser-like session; call .login() to become a user."""
    return OdooClient(odoo_server["url"], odoo_server["db"])
