from . import test_observatory_group
from . import test_session_need_aggregate
from . import test_report_referral
from . import test_report_desk
from . import test_suppression
from . import test_report_export
from . import test_municipality_population
from . import test_report_periodic
