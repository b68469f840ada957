from . import social_report_aggregate  # before the three analyses that inherit it
from . import social_report_session_need
from . import social_report_contact  # after the line above: its SQL uses that one's
from . import social_report_person  # after social_report_session_need: its SQL uses its age band
from . import social_report_referral
from . import social_report_desk
from . import social_report_unmet_need
from . import res_company
from . import res_config_settings
from . import social_person
from . import social_municipality_population
from . import social_municipality
from . import social_hsds_mixin
from . import spreadsheet_dashboard
