from . import crm_appraisal_report
