from . import social_report_session_need
from . import social_report_referral
from . import social_report_desk
