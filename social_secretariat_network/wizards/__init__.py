from . import social_network_suspend
from . import social_network_grant_access
