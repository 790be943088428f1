from . import test_expense_kpis
