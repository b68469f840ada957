from . import social_network_suspend
from . import social_network_grant_access
from . import social_digital_assistance_export
from . import social_network_operator_request_refuse
from . import social_person_anonymise
