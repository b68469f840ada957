from . import social_report_periodic_report
