"""Project-wide pytest rules: a skipped test is a failed run, and so is an
Odoo ERROR logged while a test runs (Odoo's own runner treats it that way;
pytest-odoo alone would not)."""

import logging

import pytest

# pytest-odoo imports odoo.tests before it turns test mode on (it cannot turn
# it on globally: loading the registry would then run every at_install test),
# and Odoo logs an error with a stack trace for that import. Drop that one
# message; every other error still reaches the collector below.
logging.getLogger("odoo.tests.common").addFilter(
    lambda record: not record.getMessage().startswith("Importing test framework")
)


class _OdooErrorCollector(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.records = []

    def emit(self, record):
        if record.name.startswith(("odoo", "werkzeug")):
            self.records.append(record)


@pytest.fixture(autouse=True)
def _fail_on_odoo_error_logs(request):
    collector = _OdooErrorCollector()
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        yield
    finally:
        root.removeHandler(collector)
    if collector.records and "allow_odoo_errors" not in request.keywords:
        messages = "\n".join(f"{r.name}: {r.getMessage()}" for r in collector.records[:10])
        pytest.fail(f"Odoo logged errors during the test:\n{messages}", pytrace=False)


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    skipped = len(reporter.stats.get("skipped", []))
    xfailed = len(reporter.stats.get("xfailed", []))
    if (skipped or xfailed) and exitstatus == 0:
        reporter.write_line(
            f"FAILED: {skipped} skipped and {xfailed} xfailed tests: a skipped test "
            "is not a passing test here (missing Chromium or websocket-client?).",
            red=True,
            bold=True,
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
