from . import sale_order
from . import crm_performance_demo
from . import sale_order_line
