from . import controllers
from . import models
from . import report
from . import tools
from . import wizards

# before the server answers any request: see tools/ast_guard.py
tools.ast_guard.install()
