"""The observatory on a PostgreSQL streaming replica (issue 11).

A real hot standby of the test cluster (scripts/pg_replica.sh: pg_basebackup -R, its own socket
and port), an Odoo server with db_replica_host/db_replica_port, the coordinator opening the
observatory over HTTP as the web client does: the dashboard and its pivots and charts, the
analyses' groupings, the anonymised export. Proved:
- the reads ran on the replica: its statement log has them, from this server's connections;
- and not on the primary: the primary's scan counters of the observatory's tables did not move
  (they are flushed when a backend exits: the server is stopped before they are read), while
  they do move when the same calls are made on the primary (/jsonrpc runs there);
- the figures are the primary's.
"""

import configparser
import csv
import datetime
import io
import os
import re
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests
from odoo_client import OdooClient, RPCError

from conftest import ROOT, running_odoo

COORDINATOR = "coordinatrice"
APP_NAME = "ss-replica-e2e"  # the connections' application_name: whose statements they are
# what the observatory reads: its analyses' tables and aggregates (social_report_*) and the
# core's tables its SQL views read
WATCHED = (
    "relname LIKE 'social\\_report\\_%' "
    "OR relname IN ('social_referral', 'social_appointment', 'social_listening_session')"
)
ANALYSES = ["social.report.session.need", "social.report.referral", "social.report.desk"]
LATER_ANALYSES = ["social.report.contact", "social.report.person", "social.report.unmet.need"]
CONTEXT = {"lang": "it_IT", "tz": "Europe/Rome"}


def psql(host, port, db, sql, user="odoo"):
    out = subprocess.run(
        ["psql", "-h", host, "-p", str(port), "-U", user, "-d", db, "-tAX", "-F", "|", "-c", sql],
        capture_output=True,
        text=True,
        check=True,
    )
    return [line.split("|") for line in out.stdout.splitlines() if line]


def scans(host, port, db):
    """{table: seq + index scans} of the observatory's tables."""
    sql = (
        "SELECT relname, coalesce(seq_scan, 0) + coalesce(idx_scan, 0) "
        f"FROM pg_stat_user_tables WHERE {WATCHED}"
    )
    return {name: int(count) for name, count in psql(host, port, db, sql)}


def settled_scans(host, port, db):
    """scans() once the counters stop moving: an idle backend of another server (the
    previous end-to-end tests') flushes its pending statistics up to 10 s after its last
    query (PostgreSQL 15's PGSTAT_IDLE_INTERVAL), which would count here as this test's."""
    deadline = time.monotonic() + 90
    counts = scans(host, port, db)
    while True:
        time.sleep(11)
        again = scans(host, port, db)
        if again == counts:
            return counts
        assert time.monotonic() < deadline, "the primary's counters never settled"
        counts = again


def wait_gone(host, port):
    """Until the server's connections have ended: a backend flushes its statistics as it exits."""
    deadline = time.monotonic() + 30
    while psql(
        host,
        port,
        "postgres",
        f"SELECT pid FROM pg_stat_activity WHERE application_name LIKE '{APP_NAME}%'",
    ):
        assert time.monotonic() < deadline, "the server's connections did not end"
        time.sleep(0.2)


@pytest.fixture
def replica():
    """A streaming replica of the test cluster, torn down whatever happens."""
    # short: the socket's path must stay under 107 bytes
    directory = tempfile.mkdtemp(prefix="ss-replica-", dir="/tmp")
    script = ROOT / "scripts" / "pg_replica.sh"
    env = {**os.environ, "REPLICA_OPTS": "-c log_statement=all -c log_line_prefix='%a '"}
    try:
        started = subprocess.run(
            ["bash", str(script), "start", directory],
            capture_output=True,
            text=True,
            env=env,
            timeout=1200,
        )
        assert started.returncode == 0, f"the replica did not start:\n{started.stderr}"
        options = dict(re.findall(r"^(\w+) = (.*)$", started.stdout, re.M))
        yield {
            "host": options["db_replica_host"],
            "port": int(options["db_replica_port"]),
            "log": Path(directory) / "server.log",
        }
    finally:
        subprocess.run(["bash", str(script), "stop", directory], check=False, timeout=120)


@pytest.fixture
def replica_conf(replica, tmp_path, monkeypatch):
    """The test's Odoo configuration with the replica, and this server's application_name."""
    config = configparser.ConfigParser(interpolation=None)
    config.read(os.environ["SS_ODOO_CONF"])
    config["options"]["db_replica_host"] = replica["host"]
    config["options"]["db_replica_port"] = str(replica["port"])
    conf = tmp_path / "odoo-replica.conf"
    with conf.open("w") as file:
        config.write(file)
    monkeypatch.setenv("SS_ODOO_CONF", str(conf))
    monkeypatch.setenv("ODOO_PGAPPNAME", f"{APP_NAME}-{{pid}}")
    return config["options"]


def groupings(client):
    """What opening the observatory asks for: (model, method, kwargs), as the web client sends
    them: each pivot and chart of the dashboards that show an analysis, and each analysis's
    list grouped by month and Ambito."""
    calls = []
    dashboards = client.call(
        "spreadsheet.dashboard", "search_read", [], fields=["id"], context=CONTEXT
    )
    for dashboard in dashboards:
        data = client.call(
            "spreadsheet.dashboard", "get_readonly_dashboard", [dashboard["id"]], context=CONTEXT
        )
        snapshot = data["snapshot"]
        for pivot in snapshot.get("pivots", {}).values():
            if pivot.get("model", "").startswith("social.report."):
                groupby = [
                    f"{g['fieldName']}:{g['granularity']}"
                    if g.get("granularity")
                    else g["fieldName"]
                    for g in pivot.get("rows", []) + pivot.get("columns", [])
                ]
                measures = [f"{m['fieldName']}:{m['aggregator']}" for m in pivot["measures"]]
                kwargs = {"domain": pivot.get("domain", []), "fields": measures, "groupby": groupby}
                calls.append((pivot["model"], "read_group", {**kwargs, "lazy": False}))
        for sheet in snapshot.get("sheets", []):
            for figure in sheet.get("figures", []):
                meta = figure.get("data", {}).get("metaData") or {}
                if meta.get("resModel", "").startswith("social.report."):
                    domain = figure["data"].get("searchParams", {}).get("domain", [])
                    kwargs = {
                        "domain": domain,
                        "fields": [meta["measure"]],
                        "groupby": meta["groupBy"],
                    }
                    calls.append((meta["resModel"], "web_read_group", kwargs))
    assert calls, "no dashboard shows an analysis of the observatory"
    # every analysis of the observatory: the first three always, the others once installed
    for model in ANALYSES + LATER_ANALYSES:
        try:
            fields = client.call(model, "fields_get", attributes=["type", "aggregator"])
        except RPCError as error:  # an unknown model
            assert model in LATER_ANALYSES and error.name.endswith("NotFound"), error
            continue
        measures = [
            f"{name}:{field['aggregator']}"
            for name, field in fields.items()
            if field["type"] in ("integer", "float") and field.get("aggregator")
        ]
        dates = [
            name for name, field in sorted(fields.items()) if field["type"] in ("date", "datetime")
        ]
        groupby = [f"{date}:month" for date in dates[:1]] + ["company_id"]
        kwargs = {"domain": [], "fields": measures, "groupby": groupby}
        calls.append((model, "web_read_group", {**kwargs, "lazy": False}))
    return calls


def export_period():
    today = datetime.date.today()
    return today.replace(year=today.year - 1, month=1, day=1), today


def test_observatory_reads_on_the_replica(replica, replica_conf, tmp_path):
    db = os.environ["SS_E2E_DB"]
    primary = (replica_conf["db_host"], replica_conf["db_port"])
    standby = (replica["host"], replica["port"])
    before = settled_scans(*primary, db)
    assert before, "none of the observatory's tables found"
    log_start = replica["log"].stat().st_size
    date_from, date_to = export_period()
    export_params = {
        "date_from": date_from.isoformat(),
        "date_to": date_to.isoformat(),
        "row_field": "municipality_id",
        "column_field": "gender",
        "threshold": 5,
        "file_format": "csv",
    }

    # 1. the coordinator opens the observatory, on a server with the replica
    server_log = tmp_path / "replica-server.log"
    with running_odoo(db, server_log) as server:
        client = OdooClient(server["url"], db)
        client.login(COORDINATOR, COORDINATOR)
        calls = groupings(client)
        on_replica = [
            client.call(model, method, **kw, context=CONTEXT) for model, method, kw in calls
        ]
        response = client.get("/social_secretariat_reports/export", params=export_params)
        assert response.status_code == 200, response.text[:500]
        exported = response.content.decode("utf-8-sig")
    wait_gone(*primary)
    wait_gone(*standby)
    after = scans(*primary, db)
    replica_after = scans(*standby, db)

    log = server_log.read_text()
    assert "retrying with a read/write cursor" not in log, "a read-only request wrote"
    assert "Failed to open a readonly cursor" not in log
    # the replica's log entries (a statement spans lines) from this server's connections
    entries = re.split(
        r"\n(?=\S* [A-Z]+:  )", replica["log"].read_bytes()[log_start:].decode(errors="replace")
    )
    statements = [entry for entry in entries if entry.startswith(APP_NAME)]
    for model in {model for model, __, __ in calls}:
        table = model.replace(".", "_")
        assert any(f'"{table}"' in entry for entry in statements), f"{model} not on the replica"
    # the dashboard's spreadsheet too (its file, an attachment)
    assert any(
        '"ir_attachment"' in entry and "'spreadsheet.dashboard'" in entry for entry in statements
    ), "the dashboard was not read on the replica"
    assert sum(replica_after.values()) > 0, "the replica's counters did not move"
    moved = {
        table: after[table] - count for table, count in before.items() if after[table] != count
    }
    assert not moved, f"the primary read the observatory's tables too: {moved}"

    # 2. the same calls on the primary (/jsonrpc runs there): the same figures
    with running_odoo(db, tmp_path / "primary-server.log") as server:
        uid = jsonrpc(server["url"], "common", "login", db, COORDINATOR, COORDINATOR)
        for (model, method, kw), figures in zip(calls, on_replica, strict=True):
            args = [db, uid, COORDINATOR, model, method, [], {**kw, "context": CONTEXT}]
            assert jsonrpc(server["url"], "object", "execute_kw", *args) == figures, (
                f"{model}.{method}({kw}) differs between the replica and the primary"
            )
        by_municipality = jsonrpc(
            server["url"],
            "object",
            "execute_kw",
            db,
            uid,
            COORDINATOR,
            "social.report.session.need",
            "read_group",
            [[("date", ">=", date_from.isoformat()), ("date", "<=", date_to.isoformat())]],
            {"fields": ["contacts:sum"], "groupby": ["municipality_id"], "context": CONTEXT},
        )
    wait_gone(*primary)
    # the primary's counters do count the observatory's reads: step 1's silence means something
    assert scans(*primary, db) != after

    lines = list(csv.reader(io.StringIO(exported), delimiter=";"))
    end = next(i for i, line in enumerate(lines) if not line)
    rows = {line[0]: int(line[-1]) for line in lines[1 : end - 1]}  # totals are exact
    expected = {
        g["municipality_id"][1]: g["contacts"] for g in by_municipality if g["municipality_id"]
    }
    assert expected and {name: rows.get(name) for name in expected} == expected
    assert int(lines[end - 1][-1]) == sum(g["contacts"] for g in by_municipality) > 0


def jsonrpc(url, service, method, *args):
    response = requests.post(
        f"{url}/jsonrpc",
        json={
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"service": service, "method": method, "args": args},
        },
        timeout=120,
    )
    response.raise_for_status()
    body = response.json()
    assert "error" not in body, body.get("error")
    return body["result"]
