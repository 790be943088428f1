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
        days = _leave_days(period, employees, lines.leave_type_ids)
        source = _("approved leave")
        for line in lines:
            for employee in employees:
                taken = sum(days[employee.id, leave_type] for leave_type in line.leave_type_ids.ids)
                fed[employee.id, line.id] = (taken, source)
        return fed

    @api.model
    def _target_factors(self, period, employees, plan_lines):
        """Lines prorated by leave: the share of the employee's working days in the period not
        on approved leave (one search and one calendar computation for the month)."""
        factors = super()._target_factors(period, employees, plan_lines)
        lines = plan_lines.filtered("prorate_by_leave")
        if not (lines and employees):
            return factors
        days = _leave_days(period, employees)
        start = datetime.combine(period.date_from, time.min)
        stop = datetime.combine(period.date_to + timedelta(days=1), time.min)
        working = employees._get_work_days_data_batch(start, stop, compute_leaves=False)
        for employee in employees:
            work = working[employee.id]["days"]
            away = sum(taken for (employee_id, _type), taken in days.items() if employee_id == employee.id)
            if not (work and away):
                continue
            factor = max(work - away, 0.0) / work
            note = _(
                "target prorated: %(away)s of %(work)s working days on leave",
                away=f"{away:g}",
                work=f"{work:g}",
            )
            factors.update({(employee.id, line.id): (factor, note) for line in lines})
        return factors


def _leave_days(period, employees, leave_types=None):
    """``{(employee id, leave type id): days}`` of approved leave inside ``period``."""
    domain = [
        ("state", "=", "validate"),
        ("employee_id", "in", employees.ids),
        ("request_date_from", "<=", period.date_to),
        ("request_date_to", ">=", period.date_from),
    ]
    if leave_types is not None:
        domain.append(("holiday_status_id", "in", leave_types.ids))
    days = defaultdict(float)
    for leave in employees.env["hr.leave"].sudo().search(domain):
        days[leave.employee_id.id, leave.holiday_status_id.id] += _days_in(leave, period)
    return days


def _days_in(leave, period):
    """The days of ``leave`` inside ``period``: all of them when it lies inside, else the working
    days of the part inside, on the employee's calendar."""
    if leave.request_date_from >= period.date_from and leave.request_date_to <= period.date_to:
        return leave.number_of_days
    start = max(leave.date_from, datetime.combine(period.date_from, time.min))
    stop = min(leave.date_to, datetime.combine(period.date_to + timedelta(days=1), time.min))
    employee = leave.employee_id
    return employee._get_work_days_data_batch(start, stop, compute_leaves=False)[employee.id]["days"]
