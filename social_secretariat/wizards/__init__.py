from . import social_referral_transition
from . import social_phone_log
from . import social_person_anonymise
from . import social_appointment_booking
