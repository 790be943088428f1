from . import test_account_kpis
