import random
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from odoo.addons.crm_performance.models.crm_performance_demo import MONTHS_BACK, QUIET


class CrmPerformanceDemo(models.AbstractModel):
    """``make demo`` with Time Off: absences (days and half days, one refused) of the demo
    salespeople, counted by the attendance lines of the shipped plans."""

    _inherit = "crm.performance.demo"

    @api.model
    def _load_leaves(self):
        env = self.with_context(**QUIET, leave_skip_state_check=True).env
        rng = random.Random(20261201)
        today = fields.Date.context_today(self)
        first_month = today.replace(day=1) - relativedelta(months=MONTHS_BACK)
        absence = env["hr.leave.type"].create(
            {
                "name": "Absence",
                "requires_allocation": False,
                "request_unit": "half_day",
                "leave_validation_type": "hr",
            }
        )
        counted = absence | env.ref("hr_holidays.leave_type_unpaid")
        plans = env["crm.appraisal.plan"].search([])
        plans.line_ids.filtered(lambda line: line.scoring_rule == "deduction").leave_type_ids = counted
        employees = env["hr.employee"].search([("user_id", "!=", False), ("parent_id", "!=", False)])
        span = (today - first_month).days
        for employee in employees:
            days = sorted(
                {first_month + timedelta(days=rng.randrange(span)) for _i in range(rng.randint(0, 4))}
            )
            for day in (d for d in days if d.weekday() < 5):
                half = rng.choice(["am", "pm", None, None])
                leave = env["hr.leave"].create(
                    {
                        "name": "Absent",
                        "employee_id": employee.id,
                        "holiday_status_id": absence.id,
                        "request_date_from": day,
                        "request_date_to": day,
                        **(
                            {"request_date_from_period": half, "request_date_to_period": half} if half else {}
                        ),
                    }
                )
                if rng.random() < 0.15:
                    leave.action_refuse()
                else:
                    leave.action_approve()
        env["crm.appraisal"].search([("state", "=", "draft")])._compute_scores()
        return True
