from . import social_network_role
from . import social_network_member
from . import social_network_operator
from . import social_desk
from . import social_network_contact
from . import social_referral
from . import social_network_operator_request
from . import social_service
