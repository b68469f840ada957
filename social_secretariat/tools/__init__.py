from . import fiscal_code
from . import guard
from . import phone
from . import ast_guard
from . import db_outage
