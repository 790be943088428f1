from . import test_compute, test_groups
