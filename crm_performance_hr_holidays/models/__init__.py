from . import crm_appraisal
from . import crm_appraisal_plan_line
from . import crm_performance_demo
from . import hr_leave
