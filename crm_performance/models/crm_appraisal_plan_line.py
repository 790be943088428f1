from collections import namedtuple

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .. import engine
from ..tools.trusted import trusted

PLAN_WRITE = "crm_performance_plan_write"
# a KPI line as computations read it: its KPI's id, its place, its default target, its rule, the
# forecast achievement below which its manager is alerted
LineSpec = namedtuple("LineSpec", "kpi_id sequence default_target rule alert_threshold")


class CrmAppraisalPlanLine(models.Model):
    """A weighted KPI of a plan with the rule that turns its achievement into a score."""

    _name = "crm.appraisal.plan.line"
    _inherit = ["crm.appraisal.rules.mixin"]
    _description = "Appraisal Plan KPI Line"
    _order = "plan_id, sequence, id"
    _check_company_auto = True

    plan_id = fields.Many2one("crm.appraisal.plan", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    kpi_id = fields.Many2one(
        "crm.kpi.definition", string="KPI", required=True, ondelete="restrict", check_company=True
    )
    measure_mode = fields.Selection(related="kpi_id.measure_mode")
    direction = fields.Selection(related="kpi_id.direction")
    weight = fields.Float(required=True, default=10.0, digits=(16, 2))
    scoring_rule = fields.Selection(
        [
            ("linear", "Linear"),
            ("banded", "Banded table"),
            ("deduction", "Deduction"),
            ("manual", "Manual points"),
        ],
        compute="_compute_scoring_rule",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
    )
    floor = fields.Float(
        string="Floor (%)", default=0.0, help="Achievement below this percentage scores 0 (linear rule)."
    )
    cap = fields.Float(
        string="Cap (%)",
        default=120.0,
        help="Achievement counted at most up to this percentage; for lower-is-better KPIs an actual "
        "of 0 is worth the cap.",
    )
    band_ids = fields.One2many("crm.appraisal.plan.band", "plan_line_id", string="Bands", copy=True)
    max_points = fields.Float(
        compute="_compute_points", store=True, readonly=False, precompute=True, string="Max Points"
    )
    penalty = fields.Float(
        compute="_compute_points",
        store=True,
        readonly=False,
        precompute=True,
        string="Penalty per Occurrence",
    )
    default_target = fields.Float(help="Target used when no target is set for the employee and period.")
    is_completion_line = fields.Boolean(
        string="Plan Completion",
        help="The achievement of this line is the plan completion rate used for pay.",
    )
    alert_threshold = fields.Float(
        string="Alert Below (%)",
        default=0.0,
        help="During the period, alert the manager when the forecast achievement at the period's "
        "end (open pipeline, own pace) falls below this percentage (0 = no alert); below it the "
        "forecast reads Off track.",
    )

    _weight_positive = models.Constraint("CHECK(weight > 0)", "A KPI line weight must be greater than 0.")
    _cap_positive = models.Constraint("CHECK(cap > 0)", "The cap of a KPI line must be greater than 0 %.")
    _floor_range = models.Constraint("CHECK(floor >= 0)", "The floor of a KPI line cannot be negative.")
    _default_target_positive = models.Constraint(
        "CHECK(default_target >= 0)", "A default target cannot be negative."
    )
    _kpi_unique = models.UniqueIndex("(plan_id, kpi_id)", "A KPI can appear only once in a plan.")

    @api.depends("kpi_id.measure_mode")
    def _compute_scoring_rule(self):
        for line in self:
            mode = line.kpi_id.measure_mode
            line.scoring_rule = mode if mode in ("manual", "deduction") else line.scoring_rule or "linear"

    @api.depends("kpi_id")
    def _compute_points(self):
        for line in self:
            line.max_points = line.kpi_id.max_points or 100.0
            line.penalty = line.kpi_id.penalty

    @api.constrains("scoring_rule", "kpi_id", "max_points", "band_ids")
    def _check_rule(self):
        for line in self:
            manual_kpi = line.kpi_id.measure_mode in ("manual", "deduction")
            if manual_kpi != (line.scoring_rule in ("manual", "deduction")):
                raise ValidationError(
                    _(
                        "Plan “%(plan)s”, KPI “%(kpi)s”: manual and deduction KPIs use the manual or "
                        "deduction rule, measured KPIs the linear or banded rule.",
                        plan=line.plan_id.name,
                        kpi=line.kpi_id.name,
                    )
                )
            if line.scoring_rule in ("manual", "deduction") and line.max_points <= 0:
                raise ValidationError(
                    _(
                        "Plan “%(plan)s”, KPI “%(kpi)s”: Max Points must be greater than 0.",
                        plan=line.plan_id.name,
                        kpi=line.kpi_id.name,
                    )
                )
            if line.scoring_rule == "banded" and not line.band_ids:
                raise ValidationError(
                    _(
                        "Plan “%(plan)s”, KPI “%(kpi)s”: a banded rule needs at least one band.",
                        plan=line.plan_id.name,
                        kpi=line.kpi_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._check_plan_weights()
        return lines

    def write(self, vals):
        if "kpi_id" in vals:  # appraisal lines show the KPI of their plan line
            self._check_not_used()
        result = super().write(vals)
        if {"weight", "plan_id", "is_completion_line"} & set(vals):
            self._check_plan_weights()
        return result

    def unlink(self):
        self._check_not_used()
        plans = self.plan_id
        result = super().unlink()
        if not trusted(self.env, PLAN_WRITE):
            plans.exists()._check_weights()
        return result

    def action_edit_bands(self):
        """Open the line in a dialog to edit its banded scoring table."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Scoring Bands of %(kpi)s", kpi=self.kpi_id.name),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(self.env.ref("crm_performance.crm_appraisal_plan_line_view_form").id, "form")],
            "target": "new",
        }

    def _check_not_used(self):
        """Lines of submitted or approved appraisals keep their KPI: refuse to change or remove it."""
        used = (
            self.env["crm.appraisal.line"]
            .sudo()
            .search_count([("plan_line_id", "in", self.ids), ("appraisal_id.state", "!=", "draft")], limit=1)
        )
        if used:
            raise UserError(
                _(
                    "This KPI line is part of appraisals already submitted or approved. Archive the plan "
                    "and create a new one instead of changing or removing the line."
                )
            )

    def _check_plan_weights(self):
        """Lines edited on their own keep their plan at 100; the plan form checks once on save."""
        if not trusted(self.env, PLAN_WRITE):
            self.plan_id._check_weights()

    def _line_rule(self):
        """This line's rule as the engine reads it (``engine.score.LineRule``)."""
        self.ensure_one()
        return engine.score.LineRule(
            weight=self.weight,
            rule=self.scoring_rule,
            direction=self.direction,
            cap=self.cap,
            floor=self.floor,
            bands=tuple((band.min_achievement, band.points) for band in self.band_ids),
            max_points=self.max_points,
            penalty=self.penalty,
            is_completion=self.is_completion_line,
        )

    def _rule_spec(self):
        """This line as computations read it (``LineSpec``)."""
        self.ensure_one()
        return LineSpec(
            self.kpi_id.id, self.sequence, self.default_target, self._line_rule(), self.alert_threshold
        )

    def _scorer(self):
        """This line's rule as a plain function, its fields read once (the computation calls it
        for every employee): ``scorer(actual, target, manual_points, occurrences, entered)``
        returns the result values of an appraisal line (``engine.score.score_line``) with its
        note in the user's language."""
        return self._scorer_for(self._line_rule())

    @api.model
    def _scorer_for(self, line_rule):
        """``_scorer`` of a line whose rule is ``line_rule`` (``engine.score.LineRule``)."""
        notes = self._note_texts()

        def scorer(actual, target, manual_points, occurrences, entered):
            values = engine.score.score_line(line_rule, actual, target, manual_points, occurrences, entered)
            if values["note"]:
                code, params = values["note"]
                values["note"] = notes[code] % params if params else notes[code]
            return values

        return scorer

    @api.model
    def _note_texts(self):
        """What a line says about its figure, per ``engine.score`` note code."""
        return {
            engine.score.NO_TARGET: _("No target"),
            engine.score.NO_DATA: _("No data"),
            engine.score.NOT_ENTERED: _("Not entered"),
            engine.score.COUNTED_AS: _("%(entered)s entered, counted as %(counted)s"),
        }
