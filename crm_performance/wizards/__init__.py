from . import crm_appraisal_reason_wizard
from . import crm_appraisal_bulk_wizard
from . import crm_appraisal_simulation
