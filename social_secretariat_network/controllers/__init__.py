from . import network_portal
