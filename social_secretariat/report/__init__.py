from . import ir_actions_report
from . import social_consent_report
from . import social_person_subject_data_report
