from . import test_sale_kpis
