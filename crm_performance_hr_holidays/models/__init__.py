from . import crm_appraisal
from . import crm_appraisal_plan_line
from . import hr_leave
