import math

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..tools import drilldown
from ..tools.trusted import trusted
from ..tools.workflow import WORKFLOW
from .crm_appraisal import INPUT_FIELDS

# share of a page filled by inserts: the rest keeps a line's next versions on its page
FILLFACTOR = 70
# the two measures a ratio line opens the records of
RATIO_PARTS = ("numerator", "denominator")


class CrmAppraisalLine(models.Model):
    """One KPI of an appraisal: target, actual, achievement, score and weighted score."""

    _name = "crm.appraisal.line"
    _description = "Appraisal KPI Line"
    _order = "appraisal_id, sequence, id"

    # a line stores its own results only: who, when and which KPI come from its appraisal and its
    # plan line (searched and grouped by through them), which keeps the thousands of lines a
    # generation inserts at two foreign keys besides the magic ones
    appraisal_id = fields.Many2one("crm.appraisal", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="appraisal_id.company_id")
    employee_id = fields.Many2one(related="appraisal_id.employee_id")
    period_id = fields.Many2one(related="appraisal_id.period_id")
    plan_line_id = fields.Many2one("crm.appraisal.plan.line", required=True, ondelete="cascade", index=True)
    kpi_id = fields.Many2one(related="plan_line_id.kpi_id", string="KPI")
    name = fields.Char(related="kpi_id.name", string="KPI Name")
    sequence = fields.Integer(related="plan_line_id.sequence", store=True)
    scoring_rule = fields.Selection(related="plan_line_id.scoring_rule")
    measure_mode = fields.Selection(related="kpi_id.measure_mode")
    direction = fields.Selection(related="kpi_id.direction")
    unit = fields.Char(related="kpi_id.unit")
    max_points = fields.Float(related="plan_line_id.max_points")
    is_completion_line = fields.Boolean(related="plan_line_id.is_completion_line")
    state = fields.Selection(related="appraisal_id.state")

    weight = fields.Float(readonly=True, digits=(16, 2))
    target = fields.Float(readonly=True)
    actual = fields.Float(readonly=True)
    has_data = fields.Boolean(
        readonly=True, help="False when there was nothing to measure (no records, nothing to divide by)."
    )
    gap = fields.Float(
        string="Gap to Target",
        compute="_compute_gap",
        help="How far the actual is from the target: target − actual, or actual − target when lower "
        "is better. Positive: still behind the target; zero or negative: target reached.",
    )
    achievement = fields.Float(string="Achievement (%)", readonly=True, digits=(16, 2))
    score = fields.Float(readonly=True, digits=(16, 2))
    weighted_score = fields.Float(readonly=True, digits=(16, 2))
    note = fields.Char(readonly=True)
    fed = fields.Boolean(
        string="Fed from Data",
        readonly=True,
        help="The occurrences of this deduction come from data (approved leave with the Time Off "
        "bridge): the item counts as entered; a value entered by hand overrides them, and the note "
        "says so.",
    )
    manual_points = fields.Float(string="Points")
    occurrences = fields.Float(
        string="Occurrences Entered",
        help="Deduction: occurrences entered for the period (e.g. 1.5 days absent); the Actual is "
        "what is counted (every started day: 2).",
    )
    entered = fields.Boolean(
        help="The points or occurrences of this manual or deduction item have been entered (0 "
        "included). Until then the item is “Not entered”: no score, and the appraisal cannot be "
        "submitted.",
    )

    def init(self):
        """The recomputes rewrite lines in place, all month long: with room left on their page,
        PostgreSQL keeps the new row versions there (HOT updates: no new index entries, less
        bloat; a month's recompute rewriting every line takes about a sixth less time)."""
        options = f"fillfactor={FILLFACTOR}"
        self.env.cr.execute(SQL("SELECT reloptions FROM pg_class WHERE oid = %s::regclass", self._table))
        if options not in (self.env.cr.fetchone()[0] or []):
            self.env.cr.execute(
                SQL("ALTER TABLE %s SET (fillfactor = %s)", SQL.identifier(self._table), FILLFACTOR)
            )

    @api.depends("target", "actual", "kpi_id.direction", "plan_line_id.scoring_rule")
    def _compute_gap(self):
        for line in self:
            if line.scoring_rule in ("manual", "deduction") or not line.target:
                line.gap = 0.0
            elif line.direction == "lower":
                line.gap = line.actual - line.target
            else:
                line.gap = line.target - line.actual

    @api.constrains("manual_points", "occurrences")
    def _check_manual_input(self):
        for line in self:
            if line.scoring_rule == "manual" and not 0 <= line.manual_points <= line.max_points:
                raise ValidationError(
                    _(
                        "“%(kpi)s”: points must be between 0 and %(max)s, not %(points)s.",
                        kpi=line.name,
                        max=line.max_points,
                        points=line.manual_points,
                    )
                )
            if not 0 <= line.occurrences < math.inf:  # NaN fails both comparisons
                raise ValidationError(
                    _("“%(kpi)s”: occurrences must be a number of 0 or more.", kpi=line.name)
                )

    @api.model
    def _prepare_line_vals(self, appraisal, plan_line_id, sequence, results):
        """The values of a KPI line the computation inserts on ``appraisal`` for the plan line
        ``plan_line_id``: its ``results`` (``LINE_RESULTS``); override to store more (the
        defaults of what is not given apply)."""
        return {**results, "appraisal_id": appraisal.id, "plan_line_id": plan_line_id, "sequence": sequence}

    @api.onchange("manual_points", "occurrences")
    def _onchange_input(self):
        self.entered = True

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.appraisal_id.filtered(lambda a: a.state != "draft")._check_editable()
        return lines

    def write(self, vals):
        if not trusted(self.env, WORKFLOW) and self.appraisal_id.filtered(lambda a: a.state != "draft"):
            self.appraisal_id._check_editable()
        if set(INPUT_FIELDS) & set(vals):
            if "entered" not in vals:  # a value written is a value entered, 0 included
                vals = {**vals, "entered": True}
            not_manual = self.filtered(lambda line: line.scoring_rule not in ("manual", "deduction"))
            if not_manual:
                raise UserError(
                    _(
                        "“%(kpi)s” is measured from CRM data; it has no points to enter.",
                        kpi=not_manual[0].name,
                    )
                )
            self.appraisal_id._check_editable()
        result = super().write(vals)
        if set(INPUT_FIELDS) & set(vals):
            self._rescore()
        return result

    def unlink(self):
        self.appraisal_id.filtered(lambda a: a.state != "draft")._check_editable()
        return super().unlink()

    def _rescore(self):
        """Apply the scoring rule to the stored inputs and update the appraisal totals."""
        fed = self.filtered("fed")  # the feed and the override are weighed by the month's computation
        fed.appraisal_id._compute_scores()
        for line in self - fed:
            line.write(line._result_values(line.actual if line.has_data else None, line.target))
        (self - fed).appraisal_id._compute_totals()

    def _result_values(self, actual, target):
        """Values of the line for a measured ``actual`` (None: no data) and ``target``."""
        self.ensure_one()
        return self.plan_line_id._scorer()(actual, target, self.manual_points, self.occurrences, self.entered)

    def action_open_records(self, part="numerator"):
        """Drill-down: the exact records counted for this line, opened with the user's own rights;
        when these rights hide some of them, the user is told how many. A ratio opens the records
        of its numerator or of its denominator (``part``): the 3 won deals or the 5 closed ones
        behind 60 %."""
        self.ensure_one()
        self.check_access("read")
        if part not in RATIO_PARTS:
            raise UserError(_("Open the records of the numerator or of the denominator."))
        appraisal = self.appraisal_id
        period = appraisal.period_id
        if period.period_type != "month":
            raise UserError(_("Open the monthly appraisals to see the records behind a quarter or a year."))
        # the KPI's source fields (ir.model.fields) are readable by administrators only
        kpi = self.kpi_id.sudo()._records_kpi(part)
        span = (period.date_from, period.date_to, period.company_id)
        if kpi.measure_mode == "customers":  # the customers counted; their records from their form
            model_name = "res.partner"
            domain = [("id", "in", kpi._cohort_customer_ids(*span, appraisal.user_id.id))]
        else:
            model_name = kpi.model_name
            domain = list(kpi._span_domain(*span, appraisal.user_id.ids))
        parts = {"employee": appraisal.employee_id.name, "period": period.display_name}
        if self.measure_mode == "ratio":
            title = _("%(kpi)s: %(part)s – %(employee)s – %(period)s", kpi=self.name, part=kpi.name, **parts)
        else:
            title = _("%(kpi)s – %(employee)s – %(period)s", kpi=self.name, **parts)
        return drilldown.records_action(self.env, model_name, domain, title)

    def action_open_denominator_records(self):
        """Drill-down of a ratio's denominator: the 5 closed deals behind a 60 % win rate."""
        return self.action_open_records("denominator")
