from . import sale_order
from . import crm_performance_demo
