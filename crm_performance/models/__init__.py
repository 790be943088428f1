from . import (
    crm_appraisal,
    crm_appraisal_grade,
    crm_appraisal_line,
    crm_appraisal_period,
    crm_appraisal_plan,
    crm_appraisal_plan_band,
    crm_appraisal_plan_line,
    crm_kpi_definition,
    crm_kpi_target,
    crm_lead,
    crm_team_member,
    mail_activity,
)
