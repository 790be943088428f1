from odoo import api, models

# what moves a leave in or out of an employee's attendance
WATCHED = {
    "state",
    "employee_id",
    "holiday_status_id",
    "request_date_from",
    "request_date_to",
    "date_from",
    "date_to",
}


class HrLeave(models.Model):
    """An approved, refused or moved leave marks the employee's draft months (live scores)."""

    _inherit = "hr.leave"

    @api.model_create_multi
    def create(self, vals_list):
        leaves = super().create(vals_list)
        self.env["crm.appraisal"]._mark_dirty_later(leaves._performance_stamps())
        return leaves

    def write(self, vals):
        if not WATCHED.intersection(vals):
            return super().write(vals)
        before = self._performance_stamps()
        result = super().write(vals)
        self.env["crm.appraisal"]._mark_dirty_later(before | self._performance_stamps())
        return result

    def _performance_stamps(self):
        """``{(user id, day)}``: the first and last day of each leave of an employee with a user."""
        return {
            (leave.employee_id.user_id.id, day)
            for leave in self.sudo()
            if leave.employee_id.user_id
            for day in (leave.request_date_from, leave.request_date_to)
            if day
        }
