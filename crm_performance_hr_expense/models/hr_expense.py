from odoo import models


class HrExpense(models.Model):
    """Expenses are measured by KPIs (through their employee): approving, refusing or re-dating
    one marks the employee's draft month (live scores)."""

    _name = "hr.expense"
    _inherit = ["hr.expense", "crm.performance.source"]
