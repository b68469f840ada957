from . import test_observatory_group
from . import test_session_need_aggregate
