from . import portal
from . import catalogue
from . import subject_data
