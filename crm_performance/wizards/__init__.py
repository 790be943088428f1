from . import crm_kpi_target_grid
