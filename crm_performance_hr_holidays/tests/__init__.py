from . import test_attendance
