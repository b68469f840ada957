from . import network_portal
from . import network_contact
from . import network_referral
from . import network_operators
from . import network_catalogue
from . import network_assistance
