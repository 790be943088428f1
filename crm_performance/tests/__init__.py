from . import (
    test_compute,
    test_groups,
    test_my_performance,
    test_report,
    test_reporting,
    test_target_grid,
    test_tour,
)
