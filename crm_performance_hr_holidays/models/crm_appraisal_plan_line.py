from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CrmAppraisalPlanLine(models.Model):
    _inherit = "crm.appraisal.plan.line"

    leave_type_ids = fields.Many2many(
        "hr.leave.type",
        string="Leave Types Counted",
        help="Deduction lines: the days of approved leave of these types in the period are the "
        "occurrences (e.g. unpaid leave, absence); the item is entered automatically and the "
        "manager can still override it. Half a day is 0.5, and the rule counts every started day "
        "of the total.",
    )

    prorate_by_leave = fields.Boolean(
        string="Prorate Target by Leave",
        help="Fairness option: the target is reduced in proportion to the employee's approved leave "
        "(of any type) in the period: target × (working days − days on leave) ÷ working days, on the "
        "employee's working calendar. For counts and sums where higher is better.",
    )

    @api.constrains("prorate_by_leave", "kpi_id")
    def _check_prorate_by_leave(self):
        for line in self.filtered("prorate_by_leave"):
            if line.kpi_id.measure_mode not in ("count", "sum") or line.kpi_id.direction != "higher":
                raise ValidationError(
                    _(
                        "Plan “%(plan)s”, KPI “%(kpi)s”: only the target of a count or a sum where higher "
                        "is better can be prorated by leave.",
                        plan=line.plan_id.name,
                        kpi=line.kpi_id.name,
                    )
                )

    @api.constrains("leave_type_ids", "scoring_rule")
    def _check_leave_types(self):
        for line in self:
            if line.leave_type_ids and line.scoring_rule != "deduction":
                raise ValidationError(
                    _(
                        "Plan “%(plan)s”, KPI “%(kpi)s”: only a deduction line can count leave types.",
                        plan=line.plan_id.name,
                        kpi=line.kpi_id.name,
                    )
                )
