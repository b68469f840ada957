from . import ir_actions_report
from . import social_consent_report
