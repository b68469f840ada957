from . import test_partner_group
