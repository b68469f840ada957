from . import portal
from . import booking
from . import catalogue
from . import subject_data
from . import signup
from . import privacy
from . import binary
