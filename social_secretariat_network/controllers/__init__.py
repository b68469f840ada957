from . import network_portal
from . import network_contact
from . import network_referral
