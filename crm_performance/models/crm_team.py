from odoo import models


class CrmTeam(models.Model):
    _name = "crm.team"
    _inherit = ["crm.team", "crm.appraisal.stat.mixin"]

    def _crm_appraisal_employees(self):
        """The employees of the team's current members."""
        return self.member_ids.employee_ids
