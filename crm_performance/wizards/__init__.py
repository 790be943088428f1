from . import crm_appraisal_reason_wizard
