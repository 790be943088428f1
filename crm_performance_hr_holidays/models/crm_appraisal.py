from collections import defaultdict
from datetime import datetime, time, timedelta

from odoo import _, api, models


class CrmAppraisal(models.Model):
    _inherit = "crm.appraisal"

    @api.model
    def _fed_occurrences(self, period, employees, plan_lines):
        """Deduction lines naming leave types: the employee's days of approved leave of those
        types in the period (one search for every employee and line of the month)."""
        fed = super()._fed_occurrences(period, employees, plan_lines)
        lines = plan_lines.filtered(lambda line: line.scoring_rule == "deduction" and line.leave_type_ids)
        if not (lines and employees):
            return fed
        leaves = (
            self.env["hr.leave"]
            .sudo()
            .search(
                [
                    ("state", "=", "validate"),
                    ("employee_id", "in", employees.ids),
                    ("holiday_status_id", "in", lines.leave_type_ids.ids),
                    ("request_date_from", "<=", period.date_to),
                    ("request_date_to", ">=", period.date_from),
                ]
            )
        )
        days = defaultdict(float)
        for leave in leaves:
            days[leave.employee_id.id, leave.holiday_status_id.id] += _days_in(leave, period)
        source = _("approved leave")
        for line in lines:
            for employee in employees:
                taken = sum(days[employee.id, leave_type] for leave_type in line.leave_type_ids.ids)
                fed[employee.id, line.id] = (taken, source)
        return fed


def _days_in(leave, period):
    """The days of ``leave`` inside ``period``: all of them when it lies inside, else the working
    days of the part inside, on the employee's calendar."""
    if leave.request_date_from >= period.date_from and leave.request_date_to <= period.date_to:
        return leave.number_of_days
    start = max(leave.date_from, datetime.combine(period.date_from, time.min))
    stop = min(leave.date_to, datetime.combine(period.date_to + timedelta(days=1), time.min))
    employee = leave.employee_id
    return employee._get_work_days_data_batch(start, stop, compute_leaves=False)[employee.id]["days"]
