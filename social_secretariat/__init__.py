from . import controllers
from . import models
from . import report
from . import tools
from . import wizards

# before the server answers any request: see tools/ast_guard.py
tools.ast_guard.install()
# a database restart fails requests with 503, not Odoo's sign-out: see tools/db_outage.py
tools.db_outage.install()
