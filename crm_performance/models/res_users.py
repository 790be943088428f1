from odoo import models


class ResUsers(models.Model):
    _name = "res.users"
    _inherit = ["res.users", "crm.appraisal.stat.mixin"]

    def _crm_appraisal_employees(self):
        return self.employee_ids
