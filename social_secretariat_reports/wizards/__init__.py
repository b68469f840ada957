from . import social_person_anonymise
