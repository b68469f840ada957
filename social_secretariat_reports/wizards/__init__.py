from . import social_person_anonymise
from . import social_report_export
from . import social_report_periodic
from . import social_hsds_export
from . import social_hsds_import
