from . import social_report_session_need
