from . import test_partner_group
from . import test_network_member
from . import test_network_operator_access
from . import test_network_rules
from . import test_network_contact
from . import test_network_contact_portal
from . import test_network_referral
from . import test_network_referral_tour
