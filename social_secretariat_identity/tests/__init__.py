from . import test_claims, test_second_factor
