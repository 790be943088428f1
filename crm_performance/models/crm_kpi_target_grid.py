import math

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain

MANAGER = "crm_performance.crm_performance_group_manager"
REVIEWER = "crm_performance.crm_performance_group_reviewer"
# the KPIs whose targets of several people add up to a team's (a count or an amount): rates,
# averages and growths do not, and no sum is ever made across KPIs (their units differ)
SUMMABLE_MODES = ("count", "sum")


class CrmKpiTargetGrid(models.AbstractModel):
    """Set Targets: the employees × measured KPIs of a plan for a month, each cell a target.

    A manager sets the targets of his subordinates and of the members of the sales teams he
    leads, never his own; reviewers, HR and administrators set everybody's. The targets are
    written as superuser once the caller and every cell are checked: a manager has no right on
    the targets themselves.
    """

    _name = "crm.kpi.target.grid"
    _description = "Set Targets"

    @api.readonly
    @api.model
    def get_grid(self, period_id=None, plan_id=None):
        """The grid of ``plan_id`` for ``period_id`` (default: the current month and the plan
        with the most employees the caller may set): the open months, the plans, one column per
        KPI measured from data (unit, default target, whether a column total means anything), one
        row per employee with the targets set (None: the plan's default applies)."""
        self._check_setter()
        company = self.env.company
        periods = self.env["crm.appraisal.period"].search(
            [("company_id", "=", company.id), ("period_type", "=", "month"), ("state", "=", "open")],
            order="date_from desc",
        )
        period = periods.browse(period_id) if period_id else self._current_period(periods)
        plans = self.env["crm.appraisal.plan"].search([("company_id", "=", company.id)])
        plan = plans.browse(plan_id) if plan_id else plans[:1]
        data = {
            "periods": [{"id": p.id, "name": p.display_name} for p in periods],
            "period_id": period.id,
            "plans": [{"id": p.id, "name": p.name} for p in plans],
            "plan_id": plan.id,
            "columns": [],
            "rows": [],
        }
        if not (period and plan):
            return data
        period.check_access("read")
        plan.check_access("read")
        lines = self._measured_lines(plan)
        employees = self._settable_employees(plan)
        targets = self.env["crm.kpi.target"].sudo()._lookup(period, lines.kpi_id, employees)
        currency = company.currency_id
        data["currency"] = {"symbol": currency.symbol, "position": currency.position}
        data["columns"] = [
            {
                "kpi_id": line.kpi_id.id,
                "name": line.kpi_id.name,
                "measure_mode": line.kpi_id.measure_mode,
                "unit": line.kpi_id.unit or "",
                "is_money": line.kpi_id.measure_mode == "sum"
                and line.kpi_id.sudo().field_id.ttype == "monetary",
                "direction": line.kpi_id.direction,
                "default": line.default_target,
                "summable": line.kpi_id.measure_mode in SUMMABLE_MODES,
            }
            for line in lines
        ]
        data["rows"] = [
            {
                "employee_id": employee.id,
                "name": employee.name,
                "department": employee.department_id.name or "",
                "cells": {kpi.id: targets.get((kpi.id, employee.id)) for kpi in lines.kpi_id},
            }
            for employee in employees.sudo()
        ]
        return data

    @api.model
    def save_grid(self, period_id, plan_id, cells):
        """Write the ``cells`` typed in the grid: ``[{"employee_id", "kpi_id", "value"}]``, a
        value of None (an emptied cell) removes the target, the plan's default applies again.

        All or nothing: a cell the caller may not set, a KPI not in the plan, a closed month or a
        value the targets refuse stops the save with the reason and writes none of the cells."""
        self._check_setter()
        period = self.env["crm.appraisal.period"].browse(period_id).exists()
        plan = self.env["crm.appraisal.plan"].browse(plan_id).exists()
        if not (period and plan):
            raise UserError(_("Choose the month and the plan of the targets."))
        period.check_access("read")
        plan.check_access("read")
        if period.period_type != "month" or plan.company_id != period.company_id:
            raise UserError(_("Targets are set month by month: choose a month of the plan's company."))
        period._check_open()
        kpis = self._measured_lines(plan).kpi_id
        employees = self._settable_employees(plan)
        for cell in cells:
            if cell["kpi_id"] not in kpis.ids:
                raise UserError(_("This KPI is not measured from data in plan “%(plan)s”.", plan=plan.name))
            if cell["employee_id"] not in employees.ids:
                raise AccessError(_("You may set the targets of your team members only, not your own."))
        Target = self.env["crm.kpi.target"].sudo()
        existing = {
            (target.kpi_id.id, target.employee_id.id): target
            for target in Target.search(
                [
                    ("period_id", "=", period.id),
                    ("kpi_id", "in", kpis.ids),
                    ("employee_id", "in", [cell["employee_id"] for cell in cells]),
                ]
            )
        }
        to_create, to_remove = [], Target
        for cell in cells:
            key = (cell["kpi_id"], cell["employee_id"])
            value = cell["value"]
            target = existing.get(key, Target)
            if value is None:
                to_remove |= target
                continue
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise ValidationError(_("A target is a number, not “%(value)s”.", value=value))
            if target:
                target.value = value
            else:
                to_create.append(
                    {
                        "kpi_id": key[0],
                        "period_id": period.id,
                        "target_type": "employee",
                        "employee_id": key[1],
                        "value": value,
                    }
                )
        to_remove.unlink()
        Target.create(to_create)
        return self.get_grid(period.id, plan.id)

    def _check_setter(self):
        if not self.env.user.has_group(MANAGER):
            raise AccessError(_("Targets are set by managers, reviewers, HR and administrators."))

    @api.model
    def _current_period(self, periods):
        today = fields.Date.context_today(self)
        return periods.filtered(lambda p: p.date_from <= today <= p.date_to)[:1] or periods[:1]

    @api.model
    def _measured_lines(self, plan):
        """The plan lines measured from data: the ones that take a target."""
        return plan.line_ids.filtered(lambda line: line.scoring_rule not in ("manual", "deduction"))

    @api.model
    def _settable_employees(self, plan):
        """The employees of ``plan`` whose targets the caller may set: all for reviewers, HR and
        administrators; for a manager his subordinates down the chain and the members of the
        sales teams he leads, himself excluded (nobody sets his own target)."""
        employees = plan.sudo()._get_applicable_employees()
        if self.env.user.has_group(REVIEWER):
            return employees
        own = self.env.user.employee_ids
        domain = (
            Domain("id", "in", employees.ids)
            & Domain("id", "not in", own.ids)
            & (
                Domain("parent_id", "child_of", own.ids)
                | Domain("user_id.crm_team_member_ids.crm_team_id.user_id", "=", self.env.uid)
            )
        )
        return self.env["hr.employee"].sudo().search(domain, order="name, id")
