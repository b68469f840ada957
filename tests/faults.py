"""What the fault tests (issue 14) share: a throwaway copy of the test cluster that a test may
restart or crash without harming the other tests, an Odoo configuration on it, and the means to
find and kill the worker that serves a given request.

The copy (scripts/pg_replica.sh copy) is a base backup of the test cluster started as a server
of its own: the end-to-end database is there as `make test` left it, under the same name. Its
Odoo servers tag their connections (application_name `ss-fault-<pid>`), so that a test can tell
from pg_stat_activity which worker process runs a statement, and kill that process.
"""

import configparser
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg2
import pytest

from conftest import ROOT

APP_NAME = "ss-fault"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ClusterCopy:
    """A started copy of the test cluster: `host`, `port`, `db` (the end-to-end database's
    copy), `conf` (an Odoo configuration on it, with a data_dir of its own holding a copy of
    that database's filestore), `dsn(db)`, `restart()`."""

    def __init__(self, directory, host, port, db, conf, data_dir):
        self.directory, self.host, self.port = directory, host, port
        self.db, self.conf, self.data_dir = db, conf, data_dir

    def connect(self, db=None, autocommit=True):
        # the superuser: it may read every backend's row of pg_stat_activity and lock any row
        conn = psycopg2.connect(
            host=self.host, port=self.port, dbname=db or self.db, user="postgres"
        )
        conn.autocommit = autocommit
        return conn

    def query(self, sql, params=None, db=None):
        conn = self.connect(db)
        try:
            with conn.cursor() as cr:
                cr.execute(sql, params)
                return cr.fetchall() if cr.description else None
        finally:
            conn.close()

    def restart(self):
        script = ROOT / "scripts" / "pg_replica.sh"
        subprocess.run(["bash", str(script), "restart", self.directory], check=True, timeout=180)


@pytest.fixture(scope="module")
def cluster_copy(tmp_path_factory):
    """A copy of the test cluster for this test module, torn down whatever happens."""
    db = os.environ.get("SS_E2E_DB")
    base_conf = os.environ.get("SS_ODOO_CONF")
    if not db or not base_conf:
        pytest.fail("run the fault tests through `make test` (SS_ODOO_CONF/SS_E2E_DB unset)")
    # short: the socket's path must stay under 107 bytes
    directory = tempfile.mkdtemp(prefix="ss-fault-", dir="/tmp")
    os.rmdir(directory)  # the script makes it, and refuses an existing data folder
    script = ROOT / "scripts" / "pg_replica.sh"
    try:
        started = subprocess.run(
            ["bash", str(script), "copy", directory, str(_free_port())],
            capture_output=True,
            text=True,
            timeout=1200,
        )
        assert started.returncode == 0, f"the copy did not start:\n{started.stderr}"
        options = dict(re.findall(r"^(\w+) = (.*)$", started.stdout, re.M))
        tmp = tmp_path_factory.mktemp("fault")
        config = configparser.ConfigParser(interpolation=None)
        config.read(base_conf)
        data_dir = tmp / "data"
        source = Path(config["options"]["data_dir"]) / "filestore" / db
        if source.is_dir():
            shutil.copytree(source, data_dir / "filestore" / db, symlinks=True)
        else:
            (data_dir / "filestore" / db).mkdir(parents=True)
        config["options"].update(
            db_host=options["db_host"], db_port=options["db_port"], data_dir=str(data_dir)
        )
        conf = tmp / "odoo.conf"
        with conf.open("w") as file:
            config.write(file)
        yield ClusterCopy(
            directory, options["db_host"], int(options["db_port"]), db, str(conf), data_dir
        )
    finally:
        subprocess.run(["bash", str(script), "stop", directory], check=False, timeout=120)


@pytest.fixture
def tagged_connections(monkeypatch):
    """The servers started by this test name their connections `ss-fault-<worker pid>`."""
    monkeypatch.setenv("ODOO_PGAPPNAME", f"{APP_NAME}-{{pid}}")


def backends(copy, where="TRUE"):
    """[(worker pid, backend pid, state, wait_event_type, query)] of the fault servers'
    connections, filtered by an SQL condition on pg_stat_activity."""
    rows = copy.query(
        "SELECT application_name, pid, state, wait_event_type, query FROM pg_stat_activity "
        f"WHERE application_name LIKE %s AND ({where})",
        (f"{APP_NAME}-%",),
    )
    return [
        (int(app.rsplit("-", 1)[1]), pid, state, wait, query)
        for app, pid, state, wait, query in rows
    ]


def wait_for_backend(copy, where, timeout=60):
    """The first fault server's connection matching `where`, once there is one."""
    deadline = time.monotonic() + timeout
    while True:
        found = backends(copy, where)
        if found:
            return found[0]
        assert time.monotonic() < deadline, f"no server connection where {where}"
        time.sleep(0.1)


def kill_worker(pid):
    """kill -9 the worker process: no handler runs, its transaction is never committed."""
    os.kill(pid, signal.SIGKILL)


@contextmanager
def row_lock(copy, table, row_id):
    """Hold a lock on one row, from a connection of the test's own, until the block ends: a
    transaction that writes that row waits there, in the middle of its work."""
    conn = copy.connect(autocommit=False)
    try:
        with conn.cursor() as cr:
            cr.execute(f'SELECT id FROM "{table}" WHERE id = %s FOR UPDATE', (row_id,))
            assert cr.fetchone(), f"{table} has no row {row_id}"
        yield conn
    finally:
        conn.rollback()
        conn.close()


def pg_outage(copy, seconds):
    """Stop the copy's PostgreSQL (fast: open transactions rolled back, clients cut off), leave
    it down `seconds`, then start it again with the options it was started with (pg_ctl start,
    unlike restart, does not reuse them by itself)."""
    data = Path(copy.directory) / "data"
    words = shlex.split((data / "postmaster.opts").read_text())
    pg_ctl = str(Path(words[0]).parent / "pg_ctl")
    # the server's own options, without its data folder (pg_ctl -D gives it)
    options = [w for i, w in enumerate(words) if i and w != "-D" and words[i - 1] != "-D"]
    owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []  # as pg_replica.sh
    pg_ctl = [*owner, pg_ctl, "-D", str(data), "-l", str(Path(copy.directory) / "server.log")]
    quiet = {"check": True, "timeout": 180, "stdout": subprocess.DEVNULL}
    subprocess.run([*pg_ctl, "-m", "fast", "-w", "-t", "120", "stop"], **quiet)
    time.sleep(seconds)
    subprocess.run([*pg_ctl, "-o", shlex.join(options), "-w", "-t", "120", "start"], **quiet)


# running_odoo(..., options=NO_PRELOAD): no registry loaded by the master before it forks its
# workers (running_odoo's -d makes it preload one). A registry loaded there keeps the master's
# pid in its connections' application_name, in every worker, so that backends() names the
# master instead of the worker to kill; loaded by each worker (the database is found by
# --db-filter), the connections name their worker.
NO_PRELOAD = ("--database=",)
