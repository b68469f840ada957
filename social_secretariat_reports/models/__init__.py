from . import social_report_session_need
from . import social_report_referral
from . import social_report_desk
from . import social_municipality_population
from . import social_municipality
