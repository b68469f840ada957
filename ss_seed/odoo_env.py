"""Opening an Odoo database from a plain script (no server): the configuration file, then
the registry of the database."""

import odoo
from odoo.tools import config


def open_registry(conf, db, logfile=None, log_level="warn"):
    args = ["-c", conf, "-d", db, f"--log-level={log_level}"]
    if logfile:
        args.append(f"--logfile={logfile}")
    config.parse_config(args, setup_logging=True)
    return odoo.modules.registry.Registry(db)
