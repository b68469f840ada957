from . import suppression
from . import hsds
