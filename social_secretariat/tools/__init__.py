from . import fiscal_code
from . import phone
