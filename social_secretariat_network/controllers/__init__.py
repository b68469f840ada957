from . import network_portal
from . import network_contact
