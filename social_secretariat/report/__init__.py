from . import social_consent_report
