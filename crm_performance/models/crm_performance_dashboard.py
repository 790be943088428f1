from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

# months shown on the trend, the selected one included
TREND_MONTHS = 12
# KPIs whose actual accumulates over the month (compared with the share of the target due by
# today); rates and averages are compared with the whole target
CUMULATIVE_MODES = ("count", "sum")
ENTERED_MODES = ("manual", "deduction")


def _line_status(measure_mode, has_data, target, achievement, pace):
    """State of a KPI line on the dashboard (the only thing its colour shows).

    ``not_entered``: points or occurrences a reviewer has not entered yet; ``no_data``: nothing
    measured; ``no_target``: measured without a target; ``entered``: points given;
    ``reached``: target reached; ``on_track``: at or above today's pace; ``behind``: below it.
    """
    if measure_mode in ENTERED_MODES:
        return "entered" if has_data else "not_entered"
    if not has_data:
        return "no_data"
    if not target:
        return "no_target"
    if achievement >= 100.0:
        return "reached"
    return "on_track" if achievement >= 100.0 * pace else "behind"


class CrmPerformanceDashboard(models.AbstractModel):
    """Data of the My Performance screen: the calling user's own appraisals, nobody else's."""

    _name = "crm.performance.dashboard"
    _description = "My Performance Dashboard"

    @api.readonly
    @api.model
    def get_my_performance(self, month=None):
        """The caller's monthly appraisals of ``month`` (any day of it, default today) with their
        KPI lines, pace and the 12-month trend of their totals.

        Reads with the caller's rights and only appraisals whose user is the caller: no argument
        selects another person. A fixed number of queries whatever the number of KPIs and months
        (appraisals, lines, their plan lines and KPIs, ranks are each read once).
        """
        today = fields.Date.context_today(self)
        start = fields.Date.to_date(month or today).replace(day=1)
        first = start - relativedelta(months=TREND_MONTHS - 1)
        appraisals = self.env["crm.appraisal"].search(
            [
                ("user_id", "=", self.env.uid),
                ("period_type", "=", "month"),
                ("date_from", ">=", first),
                ("date_from", "<=", start),
            ],
            order="date_from, id",
        )
        # ranks are computed per team, month and plan: for the selected month only
        current = appraisals.filtered(lambda a: a.date_from == start).with_prefetch()
        months = [first + relativedelta(months=n) for n in range(TREND_MONTHS)]
        by_plan_month = {(a.plan_id.id, a.date_from): a for a in appraisals}
        company = self.env.company
        return {
            "month": fields.Date.to_string(start),
            "previous_month": fields.Date.to_string(start - relativedelta(months=1)),
            "next_month": fields.Date.to_string(start + relativedelta(months=1)) if start <= today else False,
            "employee": current[:1].employee_id.name or self.env.user.name,
            "currency": {
                "symbol": company.currency_id.symbol,
                "position": company.currency_id.position,
            },
            "appraisals": [
                self._appraisal_data(appraisal, months, by_plan_month, today) for appraisal in current
            ],
        }

    @api.model
    def _appraisal_data(self, appraisal, months, by_plan_month, today):
        previous = by_plan_month.get((appraisal.plan_id.id, months[-2]))
        pace = appraisal.period_id._elapsed_ratio(today)
        return {
            "id": appraisal.id,
            "name": appraisal.name,
            "plan": appraisal.plan_id.name,
            "state": appraisal.state,
            "state_label": dict(appraisal._fields["state"]._description_selection(self.env))[appraisal.state],
            "total_score": appraisal.total_score,
            "grade": appraisal.grade or "",
            "rank": appraisal.rank,
            "rank_count": appraisal.rank_count,
            "previous_total": previous.total_score if previous else None,
            "pace": pace,
            "lines": [self._line_data(line, pace) for line in appraisal.line_ids],
            "trend": [
                {
                    "month": fields.Date.to_string(month),
                    "total_score": by_plan_month[appraisal.plan_id.id, month].total_score
                    if (appraisal.plan_id.id, month) in by_plan_month
                    else None,
                }
                for month in months
            ],
        }

    @api.model
    def _line_data(self, line, pace):
        kpi = line.kpi_id
        mode = kpi.measure_mode
        line_pace = pace if mode in CUMULATIVE_MODES else 1.0
        return {
            "id": line.id,
            "name": line.name,
            "measure_mode": mode,
            "scoring_rule": line.scoring_rule,
            "direction": line.direction,
            "unit": line.unit or "",
            "is_money": mode == "sum" and kpi.sudo().field_id.ttype == "monetary",
            "weight": line.weight,
            "target": line.target,
            "actual": line.actual,
            "gap": line.gap,
            "has_data": line.has_data,
            "achievement": line.achievement,
            "pace": line_pace,
            "score": line.score,
            "weighted_score": line.weighted_score,
            "max_points": line.max_points,
            "status": _line_status(mode, line.has_data, line.target, line.achievement, line_pace),
            "can_open": line.scoring_rule not in ENTERED_MODES,
        }
