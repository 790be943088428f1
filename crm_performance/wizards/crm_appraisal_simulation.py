import dataclasses

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, float_compare

from .. import engine
from ..tools import bulk

simulate = engine.simulate
RULES = [
    ("linear", "Linear"),
    ("banded", "Banded table"),
    ("deduction", "Deduction"),
    ("manual", "Manual points"),
]
# months offered by default: the year before the current month
DEFAULT_MONTHS = 12


class CrmAppraisalSimulation(models.TransientModel):
    """What-if of a plan (定期调整考核指标和权重): its past months scored again under changed
    weights, rules, floors, caps, targets and grade bands (``engine.simulate``, through the same
    scoring as the appraisals), beside the plan as it is, with the pay each gives. Writes no
    appraisal, line, plan or target: only this wizard's own rows."""

    _name = "crm.appraisal.simulation"
    _description = "Plan What-if"

    plan_id = fields.Many2one(
        "crm.appraisal.plan", string="Plan", required=True, default=lambda self: self._default_plan_id()
    )
    company_id = fields.Many2one(related="plan_id.company_id")
    period_ids = fields.Many2many(
        "crm.appraisal.period",
        string="Months",
        compute="_compute_period_ids",
        store=True,
        readonly=False,
        domain="[('company_id', '=', company_id), ('period_type', '=', 'month')]",
        help="The past months whose appraisals under the plan are scored again.",
    )
    # the employees' users: a manager need not read employees (HR) to choose whom to simulate
    user_ids = fields.Many2many(
        "res.users",
        string="Employees",
        compute="_compute_user_ids",
        compute_sudo=False,  # whom the caller may see
        store=True,
        readonly=False,
        help="Whose appraisals are scored again: by default everyone with an appraisal of the plan "
        "in these months that you may see.",
    )
    line_ids = fields.One2many(
        "crm.appraisal.simulation.line",
        "simulation_id",
        string="KPI Lines",
        compute="_compute_plan_copy",
        store=True,
        readonly=False,
    )
    grade_ids = fields.One2many(
        "crm.appraisal.simulation.grade",
        "simulation_id",
        string="Grade Bands",
        compute="_compute_plan_copy",
        store=True,
        readonly=False,
    )
    total_weight = fields.Float(compute="_compute_total_weight", digits=(16, 2))
    pay_base = fields.Float(
        string="Monthly Pay Base",
        help="The pay base of every employee (change it per employee in the results).",
    )
    base_share = fields.Float(string="Base Pay (%)", default=50.0)
    completion_share = fields.Float(string="Plan-Completion Pay (%)", default=35.0)
    daily_share = fields.Float(string="Daily-Work Pay (%)", default=15.0)
    bonus_rate = fields.Float(
        string="Over-Plan Bonus (%)", default=10.0, help="Paid per 100 % of completion above the plan."
    )
    bonus_cap = fields.Float(
        string="Bonus Cap (%)", default=50.0, help="Completion above 100 % counted for the bonus at most."
    )
    result_ids = fields.One2many("crm.appraisal.simulation.result", "simulation_id", string="Results")
    distribution_ids = fields.One2many(
        "crm.appraisal.simulation.distribution", "simulation_id", string="Grade Distribution"
    )
    current_pay = fields.Float(compute="_compute_pay_totals", string="Pay Now")
    simulated_pay = fields.Float(compute="_compute_pay_totals", string="Pay Simulated")
    pay_difference = fields.Float(compute="_compute_pay_totals", string="Payroll Effect")

    def _default_plan_id(self):
        """The plan of the most monthly appraisals the user may see in the company."""
        counts = self.env["crm.appraisal"]._read_group(
            [("period_type", "=", "month"), ("company_id", "=", self.env.company.id)],
            ["plan_id"],
            ["__count"],
            order="__count desc",
            limit=1,
        )
        return counts[0][0] if counts else self.env["crm.appraisal.plan"]

    @api.depends("plan_id")
    def _compute_period_ids(self):
        start = fields.Date.context_today(self).replace(day=1)
        for simulation in self:
            simulation.period_ids = self.env["crm.appraisal.period"].search(
                [
                    ("company_id", "=", simulation.plan_id.company_id.id),
                    ("period_type", "=", "month"),
                    ("date_from", ">=", start - relativedelta(months=DEFAULT_MONTHS)),
                    ("date_from", "<", start),
                ]
            )

    @api.depends("plan_id", "period_ids")
    def _compute_user_ids(self):
        for simulation in self:
            simulation.user_ids = simulation._appraisals(check=False).user_id

    @api.depends("plan_id")
    def _compute_plan_copy(self):
        for simulation in self:
            plan = simulation.plan_id
            simulation.line_ids = [(5, 0, 0)] + [
                (
                    0,
                    0,
                    {
                        "plan_line_id": line.id,
                        "sequence": line.sequence,
                        "weight": line.weight,
                        "scoring_rule": line.scoring_rule,
                        "floor": line.floor,
                        "cap": line.cap,
                        "max_points": line.max_points,
                        "penalty": line.penalty,
                    },
                )
                for line in plan.line_ids
            ]
            simulation.grade_ids = [(5, 0, 0)] + [
                (0, 0, {"name": grade.name, "min_score": grade.min_score}) for grade in plan.grade_ids
            ]

    @api.depends("line_ids.weight")
    def _compute_total_weight(self):
        for simulation in self:
            simulation.total_weight = sum(simulation.line_ids.mapped("weight"))

    @api.depends("result_ids.current_pay", "result_ids.simulated_pay")
    def _compute_pay_totals(self):
        for simulation in self:
            simulation.current_pay = sum(simulation.result_ids.mapped("current_pay"))
            simulation.simulated_pay = sum(simulation.result_ids.mapped("simulated_pay"))
            simulation.pay_difference = simulation.simulated_pay - simulation.current_pay

    def _appraisals(self, check=True):
        """The monthly appraisals of the plan in the months and of the employees, as the caller
        may see them (the record rules). ``check``: refuse employees the caller may not see."""
        self.ensure_one()
        if not self.plan_id or not self.period_ids:
            return self.env["crm.appraisal"]
        domain = [
            ("plan_id", "=", self.plan_id.id),
            ("period_id", "in", self.period_ids.ids),
            ("period_type", "=", "month"),
        ]
        if check:
            domain.append(("user_id", "in", self.user_ids.ids))
        appraisals = self.env["crm.appraisal"].search(domain)
        if check:
            hidden = self.user_ids - appraisals.user_id
            if hidden:
                raise AccessError(
                    _(
                        "You may not see an appraisal of %(employees)s under this plan in these months: "
                        "remove them to simulate.",
                        employees=", ".join(hidden.mapped("name")),
                    )
                )
        return appraisals

    def _check_plan(self):
        if float_compare(self.total_weight, 100.0, precision_digits=2):
            raise ValidationError(
                _(
                    "The simulated weights add up to %(total)s; they must add up to 100.",
                    total=round(self.total_weight, 2),
                )
            )
        for line in self.line_ids:
            entered = line.plan_line_id.scoring_rule in engine.score.ENTERED_RULES
            if entered != (line.scoring_rule in engine.score.ENTERED_RULES):
                raise ValidationError(
                    _(
                        "“%(kpi)s”: a KPI measured from data keeps a linear or banded rule, an entered "
                        "item its manual or deduction rule.",
                        kpi=line.kpi_id.name,
                    )
                )
            if line.scoring_rule == "banded" and not line.plan_line_id.band_ids:
                raise ValidationError(
                    _("“%(kpi)s” has no scoring bands in the plan: keep it linear.", kpi=line.kpi_id.name)
                )
            if line.cap <= 0 or line.floor < 0 or line.target_factor <= 0 or line.max_points <= 0:
                raise ValidationError(
                    _(
                        "“%(kpi)s”: the cap, the target (%%) and the max points must be greater than 0, "
                        "the floor 0 or more.",
                        kpi=line.kpi_id.name,
                    )
                )

    def _pay_rule(self):
        def share(percent):
            return engine.pay.to_decimal(percent) / engine.pay.HUNDRED

        return engine.pay.PayRule(
            base_share=share(self.base_share),
            completion_share=share(self.completion_share),
            daily_share=share(self.daily_share),
            bonus_rate=share(self.bonus_rate),
            bonus_cap=share(self.bonus_cap),
        )

    def _plans(self):
        """The plan as it is and as simulated, as the engine reads them."""
        plan = self.plan_id
        current = simulate.Plan(
            rules={line.id: line._line_rule() for line in plan.line_ids},
            bands=tuple(plan._grade_bands()),
            missing=plan.rollup_missing,
        )
        simulated = simulate.Plan(
            rules={line.plan_line_id.id: line._line_rule() for line in self.line_ids.sorted("sequence")},
            bands=tuple((grade.min_score, grade.name) for grade in self.grade_ids),
            target_factors={line.plan_line_id.id: line.target_factor / 100.0 for line in self.line_ids},
            missing=plan.rollup_missing,
        )
        return current, simulated

    def _months(self, appraisals):
        """The stored figures of ``appraisals`` (one query), as ``simulate.Month``."""
        self.env["crm.appraisal.line"].flush_model()
        rows = self.env.execute_query(
            SQL(
                "SELECT appraisal_id, plan_line_id, actual, has_data, target, manual_points"
                " FROM crm_appraisal_line WHERE appraisal_id = ANY(%s) ORDER BY appraisal_id, sequence, id",
                appraisals.ids,
            )
        )
        lines = {}
        for appraisal_id, plan_line_id, actual, has_data, target, points in rows:
            _rule, *inputs = engine.score.stored_inputs(None, actual, has_data, target, points)
            lines.setdefault(appraisal_id, []).append((plan_line_id, *inputs))
        return [
            simulate.Month(appraisal.user_id.id, appraisal.date_from, tuple(lines.get(appraisal.id, ())))
            for appraisal in appraisals
        ]

    def action_simulate(self):
        """Score the months again under the plan as it is and as simulated; keep per-employee pay
        bases typed in the results."""
        self.ensure_one()
        if not self.env.user.has_group("crm_performance.crm_performance_group_manager"):
            raise AccessError(_("The what-if of a plan is for managers, reviewers and HR."))
        if not self.period_ids or not self.user_ids:
            raise UserError(_("Choose the months and the employees to simulate."))
        self._check_plan()
        appraisals = self._appraisals()
        current, simulated = self._plans()
        stored = bulk.converter(self.env["crm.appraisal.line"], "weighted_score")
        # the figures of the appraisals the caller may see, read whoever stored them
        months = self.sudo()._months(appraisals.sudo())
        people, distribution = simulate.simulate(months, current, simulated, len(self.period_ids), stored)
        bases = {result.user_id.id: result.pay_base for result in self.result_ids}
        names = {appraisal.user_id.id: appraisal.employee_id.name for appraisal in appraisals.sudo()}
        self.result_ids = [(5, 0, 0)] + [
            (
                0,
                0,
                {
                    "user_id": user_id,
                    "employee_name": names[user_id],
                    "months": len(now.monthly),
                    "current_total": now.total_score,
                    "current_grade": now.grade,
                    "simulated_total": then.total_score,
                    "simulated_grade": then.grade,
                    "pay_base": bases.get(user_id, self.pay_base),
                    "monthly": {"current": now.monthly, "simulated": then.monthly},
                },
            )
            for user_id, (now, then) in sorted(people.items(), key=lambda item: names[item[0]])
        ]
        self.distribution_ids = [(5, 0, 0)] + [
            (0, 0, {"grade": grade or _("No grade"), "current_count": before, "simulated_count": after})
            for grade, (before, after) in distribution.items()
        ]
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": _("What-if of %(plan)s", plan=self.plan_id.name),
            "context": {**self.env.context, "dialog_size": "extra-large"},
        }


class CrmAppraisalSimulationLine(models.TransientModel):
    _name = "crm.appraisal.simulation.line"
    _description = "Plan What-if KPI Line"
    _order = "sequence, id"

    simulation_id = fields.Many2one("crm.appraisal.simulation", required=True, ondelete="cascade")
    plan_line_id = fields.Many2one("crm.appraisal.plan.line", required=True, ondelete="cascade")
    kpi_id = fields.Many2one(related="plan_line_id.kpi_id", string="KPI")
    direction = fields.Selection(related="plan_line_id.direction")
    is_completion_line = fields.Boolean(related="plan_line_id.is_completion_line")
    sequence = fields.Integer()
    weight = fields.Float(digits=(16, 2))
    scoring_rule = fields.Selection(RULES, required=True)
    floor = fields.Float(string="Floor (%)")
    cap = fields.Float(string="Cap (%)")
    target_factor = fields.Float(
        string="Target (%)",
        default=100.0,
        help="The targets of the months as a percentage of those the appraisals used: 110 raises "
        "every target of this KPI by a tenth.",
    )
    max_points = fields.Float(string="Max Points")
    penalty = fields.Float(string="Penalty per Occurrence")
    changed = fields.Boolean(compute="_compute_changed")

    @api.depends("weight", "scoring_rule", "floor", "cap", "target_factor", "max_points", "penalty")
    def _compute_changed(self):
        for line in self:
            plan_line = line.plan_line_id
            line.changed = line.target_factor != 100.0 or any(
                line[fname] != plan_line[fname]
                for fname in ("weight", "scoring_rule", "floor", "cap", "max_points", "penalty")
            )

    def _line_rule(self):
        """The plan line's rule with this line's changes."""
        self.ensure_one()
        return dataclasses.replace(
            self.plan_line_id._line_rule(),
            weight=self.weight,
            rule=self.scoring_rule,
            floor=self.floor,
            cap=self.cap,
            max_points=self.max_points,
            penalty=self.penalty,
        )


class CrmAppraisalSimulationGrade(models.TransientModel):
    _name = "crm.appraisal.simulation.grade"
    _description = "Plan What-if Grade Band"
    _order = "min_score desc, id"

    simulation_id = fields.Many2one("crm.appraisal.simulation", required=True, ondelete="cascade")
    name = fields.Char(string="Grade", required=True)
    min_score = fields.Float(string="Minimum Score", digits=(16, 2))


class CrmAppraisalSimulationResult(models.TransientModel):
    _name = "crm.appraisal.simulation.result"
    _description = "Plan What-if Result"
    _order = "employee_name, id"

    simulation_id = fields.Many2one("crm.appraisal.simulation", required=True, ondelete="cascade")
    user_id = fields.Many2one("res.users", string="User", readonly=True)
    employee_name = fields.Char(string="Employee", readonly=True)
    months = fields.Integer(string="Months", readonly=True)
    current_total = fields.Float(string="Now", readonly=True)
    current_grade = fields.Char(string="Grade Now", readonly=True)
    simulated_total = fields.Float(string="Simulated", readonly=True)
    simulated_grade = fields.Char(string="Grade Simulated", readonly=True)
    difference = fields.Float(compute="_compute_difference")
    monthly = fields.Json(readonly=True)
    pay_base = fields.Float(string="Pay Base")
    current_pay = fields.Float(string="Pay Now", compute="_compute_pay", digits=(16, 2))
    simulated_pay = fields.Float(string="Pay Simulated", compute="_compute_pay", digits=(16, 2))
    pay_difference = fields.Float(string="Pay Difference", compute="_compute_pay", digits=(16, 2))

    @api.depends("current_total", "simulated_total")
    def _compute_difference(self):
        for result in self:
            result.difference = result.simulated_total - result.current_total

    @api.depends(
        "pay_base",
        "monthly",
        "simulation_id.base_share",
        "simulation_id.completion_share",
        "simulation_id.daily_share",
        "simulation_id.bonus_rate",
        "simulation_id.bonus_cap",
    )
    def _compute_pay(self):
        for result in self:
            rule = result.simulation_id._pay_rule()
            monthly = result.monthly or {"current": [], "simulated": []}
            result.current_pay = float(simulate.pay_of(monthly["current"], result.pay_base, rule))
            result.simulated_pay = float(simulate.pay_of(monthly["simulated"], result.pay_base, rule))
            result.pay_difference = result.simulated_pay - result.current_pay


class CrmAppraisalSimulationDistribution(models.TransientModel):
    _name = "crm.appraisal.simulation.distribution"
    _description = "Plan What-if Grade Distribution"
    _order = "id"

    simulation_id = fields.Many2one("crm.appraisal.simulation", required=True, ondelete="cascade")
    grade = fields.Char(readonly=True)
    current_count = fields.Integer(string="Now", readonly=True)
    simulated_count = fields.Integer(string="Simulated", readonly=True)
