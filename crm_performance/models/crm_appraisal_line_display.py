from odoo import _, api, fields, models
from odoo.tools.misc import formatLang

from ..tools.kpi_display import ENTERED_MODES, STATUSES, line_pace, line_status


def _short(env, value):
    """20, 12.5, 104.3: at most one decimal, none when it is zero (in the user's language)."""
    number = formatLang(env, value, digits=1)
    decimal_point = env["res.lang"]._get_data(code=env.lang or "en_US").decimal_point
    return number.removesuffix(f"{decimal_point}0")


def _percent(env, value):
    """Rates and weights: 20%, 12.5%, 104.3%."""
    return f"{_short(env, value)}%"


class CrmAppraisalLine(models.Model):
    """How an appraisal line reads in lists and forms: its state (the only coloured thing), its
    numbers with their unit (counts as integers, money with the currency), the gap in words, and
    one Input for the points or occurrences a reviewer enters, scored as it is typed."""

    _inherit = "crm.appraisal.line"

    status = fields.Selection(STATUSES, compute="_compute_display")
    target_display = fields.Char(string="Target in Unit", compute="_compute_display")
    actual_display = fields.Char(string="Actual in Unit", compute="_compute_display")
    weight_display = fields.Char(string="Weight (%)", compute="_compute_display")
    achievement_display = fields.Char(string="Achievement", compute="_compute_display")
    gap_display = fields.Char(
        string="Gap",
        compute="_compute_display",
        help="Distance to the target: what is still to go, or how far ahead (lower is better aware).",
    )
    entry = fields.Float(
        string="Input",
        compute="_compute_entry",
        inverse="_inverse_entry",
        help="Points of a manual item, occurrences of a deduction (e.g. days absent).",
    )

    @api.depends_context("lang")
    @api.depends(
        "weight", "target", "actual", "has_data", "achievement", "gap", "kpi_id", "appraisal_id.period_id"
    )
    def _compute_display(self):
        today = fields.Date.context_today(self)
        elapsed = {period: period._elapsed_ratio(today) for period in self.period_id}
        for line in self:
            mode = line.measure_mode
            line.status = line_status(
                mode,
                line.has_data,
                line.target,
                line.achievement,
                line_pace(mode, elapsed.get(line.period_id, 1.0)),
            )
            measured = mode not in ENTERED_MODES
            line.weight_display = _percent(self.env, line.weight)
            line.achievement_display = (
                _percent(self.env, line.achievement) if measured and line.has_data and line.target else False
            )
            line.target_display = line._format_value(line.target) if measured and line.target else False
            line.actual_display = line._actual_text() if line.has_data else False
            line.gap_display = line._gap_text() if measured and line.has_data and line.target else False

    @api.depends("manual_points", "occurrences", "plan_line_id.scoring_rule")
    def _compute_entry(self):
        for line in self:
            line.entry = line.occurrences if line.scoring_rule == "deduction" else line.manual_points

    def _inverse_entry(self):
        for line in self:
            if line.scoring_rule == "deduction":
                line.occurrences = line.entry
            elif line.scoring_rule == "manual":
                line.manual_points = line.entry

    @api.onchange("entry")
    def _onchange_entry(self):
        """The line's score while the reviewer types (stored by the write when saved)."""
        if self.scoring_rule not in ENTERED_MODES:
            return
        deduction = self.scoring_rule == "deduction"
        values = self.plan_line_id._scorer()(
            None,
            self.target,
            self.manual_points if deduction else self.entry,
            self.entry if deduction else self.occurrences,
            True,  # a value typed is a value entered, 0 included
        )
        self.score, self.weighted_score = values["score"], values["weighted_score"]

    def _is_money(self):
        """A sum of a monetary field: shown with the company's currency."""
        self.ensure_one()
        # the KPI's source fields (ir.model.fields) are readable by administrators only
        return self.measure_mode == "sum" and self.kpi_id.sudo().field_id.ttype == "monetary"

    def _format_value(self, value):
        """``value`` in the KPI's unit: integers for counts, money with the currency symbol,
        one decimal for rates, averages and durations."""
        self.ensure_one()
        if self._is_money():
            currency = self.company_id.currency_id or self.env.company.currency_id
            number = formatLang(self.env, value, digits=0)
            return (
                f"{currency.symbol} {number}"
                if currency.position == "before"
                else f"{number} {currency.symbol}"
            )
        number = formatLang(self.env, value, digits=0 if self.measure_mode == "count" else 1)
        if not self.unit:
            return number
        return f"{number}%" if self.unit == "%" else f"{number} {self.unit}"

    def _actual_text(self):
        """The actual in its unit; for entered items the points out of the maximum, or the
        occurrences."""
        self.ensure_one()
        if self.scoring_rule == "manual":
            return _(
                "%(points)s / %(max)s points",
                points=_short(self.env, self.manual_points),
                max=formatLang(self.env, self.max_points, digits=0),
            )
        if self.scoring_rule == "deduction" and self.actual != self.occurrences:
            return _(
                "%(entered)s entered, %(counted)s counted",
                entered=_short(self.env, self.occurrences),
                counted=_short(self.env, self.actual),
            )
        if self.scoring_rule == "deduction":
            return _("%(count)s ×", count=_short(self.env, self.occurrences))
        return self._format_value(self.actual)

    def _gap_text(self):
        """ "21,000 to go", "+79,000 ahead"; lower is better: "2.0 days over target" or under."""
        self.ensure_one()
        value = self._format_value(abs(self.gap))
        if not self.gap:
            return _("On target")
        if self.direction == "lower":
            if self.gap > 0:
                return _("%(value)s over target", value=value)
            return _("%(value)s under target", value=value)
        return _("%(value)s to go", value=value) if self.gap > 0 else _("+%(value)s ahead", value=value)
