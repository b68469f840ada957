from . import test_observatory_group
