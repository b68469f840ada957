from . import test_access
from . import test_groups
from . import test_need
from . import test_performance
from . import test_person
from . import test_referral
from . import test_session
from . import test_ui
