from collections import namedtuple
from types import MappingProxyType

from odoo import _, api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.tools import float_compare

from ..engine import measure
from ..tools.trusted import TRUSTED
from .crm_appraisal_plan_line import PLAN_WRITE

# a plan's rules as computations read them: line ids in order, {line id: LineSpec}, grade bands,
# the ids of the KPI definitions its lines measure and those they are composed of
PlanRules = namedtuple("PlanRules", "line_ids lines bands kpi_ids")


class CrmAppraisalPlan(models.Model):
    """An appraisal template (考核方案) for a role: weighted KPI lines and grade bands."""

    _name = "crm.appraisal.plan"
    _inherit = ["crm.appraisal.rules.mixin"]
    _description = "Appraisal Plan"
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    description = fields.Html(translate=True)
    line_ids = fields.One2many("crm.appraisal.plan.line", "plan_id", string="KPI Lines", copy=True)
    grade_ids = fields.One2many("crm.appraisal.grade", "plan_id", string="Grade Bands", copy=True)
    total_weight = fields.Float(compute="_compute_total_weight", digits=(16, 2))
    job_ids = fields.Many2many("hr.job", string="Job Positions", check_company=True)
    department_ids = fields.Many2many("hr.department", string="Departments", check_company=True)
    employee_ids = fields.Many2many("hr.employee", string="Employees", check_company=True)
    rollup_missing = fields.Selection(
        [
            ("zero", "Count as zero (sum of months ÷ months in span)"),
            ("skip", "Leave out (mean of the months present)"),
        ],
        string="Missing Months",
        required=True,
        default="zero",
        help="How quarterly and annual scores treat months without an appraisal. Missing months "
        "are listed on the appraisal either way.",
    )
    coaching_threshold = fields.Float(
        string="Coaching Below Score",
        default=60.0,
        help="Plans without a plan-completion line: two consecutive months with a score below this "
        "flag the employee for a 1:1 coaching (0 = never). Plans with one follow its achievement "
        "(below 100 %) instead.",
    )

    @api.depends("line_ids.weight")
    def _compute_total_weight(self):
        for plan in self:
            plan.total_weight = sum(plan.line_ids.mapped("weight"))

    @api.constrains("line_ids")
    def _check_weights(self):
        for plan in self.filtered("line_ids"):
            if float_compare(plan.total_weight, 100.0, precision_digits=2):
                raise ValidationError(
                    _(
                        "The weights of plan “%(plan)s” add up to %(total)s; they must add up to 100.",
                        plan=plan.name,
                        total=round(plan.total_weight, 2),
                    )
                )
            if len(plan.line_ids.filtered("is_completion_line")) > 1:
                raise ValidationError(
                    _(
                        "Plan “%(plan)s”: only one KPI line can be the plan-completion line.",
                        plan=plan.name,
                    )
                )

    @api.constrains("grade_ids")
    def _check_grades(self):
        for plan in self:
            minimums = plan.grade_ids.mapped("min_score")
            if len(minimums) != len(set(minimums)):
                raise ValidationError(
                    _("Plan “%(plan)s”: two grade bands start at the same score.", plan=plan.name)
                )

    @api.model_create_multi
    def create(self, vals_list):
        plans = super(CrmAppraisalPlan, self.with_context(**{PLAN_WRITE: TRUSTED})).create(vals_list)
        return plans.with_env(self.env)

    def write(self, vals):
        result = super(CrmAppraisalPlan, self.with_context(**{PLAN_WRITE: TRUSTED})).write(vals)
        if "line_ids" in vals:
            self._check_weights()
        return result

    def _get_applicable_employees(self):
        """Active employees with a user the plan applies to (by job, department or by name)."""
        self.ensure_one()
        criteria = []
        if self.job_ids:
            criteria.append([("job_id", "in", self.job_ids.ids)])
        if self.department_ids:
            criteria.append([("department_id", "child_of", self.department_ids.ids)])
        if self.employee_ids:
            criteria.append([("id", "in", self.employee_ids.ids)])
        if not criteria:
            return self.env["hr.employee"]
        domain = fields.Domain.OR(criteria) & fields.Domain(
            [("user_id", "!=", False), ("company_id", "=", self.company_id.id)]
        )
        return self.env["hr.employee"].search(domain)

    @tools.ormcache("self.id", "self.env.lang")
    def _rules(self):
        """The plan's scoring rules as plain values (``PlanRules``): its KPI lines in order with
        each one's KPI, sequence, default target and rule, and its grade bands (names in the
        user's language). Computations, forecasts and displays read them once per server process;
        saving a plan, a line, a band, a grade or a KPI's direction clears them
        (``crm.appraisal.rules.mixin``)."""
        self.ensure_one()
        plan = self.sudo()  # the rules score everyone's appraisals alike, whoever reads first
        return PlanRules(
            line_ids=tuple(plan.line_ids.ids),
            lines=MappingProxyType({line.id: line._rule_spec() for line in plan.line_ids}),
            bands=tuple((grade.min_score, grade.name) for grade in plan.grade_ids),
            kpi_ids=tuple(measure.composition(plan.line_ids.kpi_id).ids),
        )

    def _kpis(self):
        """The KPI definitions these plans' lines measure and those they are composed of (a
        ratio's parts...), from their rules: read together, one query
        (``engine.measure.prefetch``)."""
        return self.env["crm.kpi.definition"].browse(
            sorted({kpi_id for plan in self for kpi_id in plan._rules().kpi_ids})
        )

    def _line_specs(self, line_ids=()):
        """``{plan line id: LineSpec}`` of these plans' lines and of ``line_ids`` (lines of stored
        appraisals whose plan line has moved to another plan since)."""
        specs = {line_id: spec for plan in self for line_id, spec in plan._rules().lines.items()}
        moved = self.env["crm.appraisal.plan.line"].browse(sorted(set(line_ids).difference(specs)))
        specs.update({line.id: line._rule_spec() for line in moved})
        return specs

    def _grade_bands(self):
        """``[(min score, grade)]``, highest first (``engine.score.grade``)."""
        self.ensure_one()
        return self._rules().bands
