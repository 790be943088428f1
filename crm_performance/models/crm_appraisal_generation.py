"""Generation of appraisals: every missing appraisal of a period inserted with one statement,
a month's already scored with its lines, through the hooks an inheriting module overrides."""

from odoo import api, fields, models

from ..tools import bulk
from .crm_appraisal import BATCH_CONTEXT, _name


class CrmAppraisal(models.Model):
    _inherit = "crm.appraisal"

    @api.model
    def _generate(self, periods):
        """Create the missing appraisals of ``periods`` for every plan and applicable employee.

        Inserts every appraisal of a period with one statement, a month's already scored with
        its KPI lines; quarters and years are then rolled up. Returns the created appraisals.
        """
        periods._check_open()
        self.check_access("create")
        # the plans' employees, who they are and what they sold are read whoever generates (as
        # the scores are computed)
        batch = self.sudo().with_context(**BATCH_CONTEXT)
        created = batch.browse()
        for period in periods:
            plans = batch.env["crm.appraisal.plan"].search([("company_id", "=", period.company_id.id)])
            existing = {
                (employee.id, plan.id)
                for employee, plan in batch._read_group(
                    [("period_id", "=", period.id)], ["employee_id", "plan_id"]
                )
            }
            created |= batch._insert(
                period,
                [
                    (employee, plan)
                    for plan in plans.filtered("line_ids")
                    for employee in plan._get_applicable_employees()
                    if (employee.id, plan.id) not in existing
                ],
            )
        created = created.with_env(self.env)
        created.check_access("create")  # the record rules, as create() checks them
        created.filtered(lambda a: a.period_type != "month")._compute_scores()
        return created

    @api.model
    def _insert(self, period, pairs):
        """Insert the draft appraisals of ``period`` for the (employee, plan) ``pairs`` with one
        statement (``tools.bulk``), a month's with their scores and KPI lines (one more
        statement), as ``_compute_month`` would store them. Every row is built by
        ``_prepare_appraisal_vals`` and ``crm.appraisal.line._prepare_line_vals`` (the hooks an
        inheriting module overrides), takes the defaults of what it does not give, and the
        constraints and company checks run on what was inserted. ``create`` would cost a
        statement per 100 appraisals and a Python round per record; what its override checks
        holds by construction: the pairs are new and the period is open."""
        employees = self.env["hr.employee"].union(*(employee for employee, _plan in pairs))
        organisation = self._organisation_values(employees)
        vals_list = [
            self._prepare_appraisal_vals(employee, period, plan, organisation[employee.id])
            for employee, plan in pairs
        ]
        if period.period_type != "month" or not pairs:
            return bulk.create(self, vals_list)
        scores = self._score_month(
            period, [(employee, employee.user_id.id, plan, []) for employee, plan in pairs]
        )
        now = fields.Datetime.now()
        appraisals = bulk.create(
            self,
            [
                {**vals, **totals, "computed_at": now}
                for vals, (_lines, totals) in zip(vals_list, scores, strict=True)
            ],
        )
        Line = self.env["crm.appraisal.line"]
        bulk.create(
            Line,
            [
                Line._prepare_line_vals(appraisal, plan_line_id, sequence, values)
                for appraisal, (lines, _totals) in zip(appraisals, scores, strict=True)
                for _line_id, plan_line_id, sequence, values in lines
            ],
        )
        appraisals._compute_signals(period)
        return appraisals

    @api.model
    def _prepare_appraisal_vals(self, employee, period, plan, organisation):
        """The values of the appraisal of ``employee`` for ``period`` under ``plan``, as generation
        inserts it: override to store more (the defaults of what is not given apply).
        ``organisation`` is the employee's department, job, manager and team
        (``_organisation_values``)."""
        return {
            "name": _name(employee, period, plan),
            "employee_id": employee.id,
            "user_id": employee.user_id.id,
            "plan_id": plan.id,
            "period_id": period.id,
            "period_type": period.period_type,
            "date_from": period.date_from,
            "date_to": period.date_to,
            "company_id": period.company_id.id,
            **organisation,
        }
