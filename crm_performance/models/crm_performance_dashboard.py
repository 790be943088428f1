from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from ..tools import scoring
from ..tools.kpi_display import CUMULATIVE_MODES, ENTERED_MODES, line_pace, line_status

# months shown on the trend, the selected one included
TREND_MONTHS = 12


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
        current._fetch_line_display()
        months = [first + relativedelta(months=n) for n in range(TREND_MONTHS)]
        by_plan_month = {(a.plan_id.id, a.date_from): a for a in appraisals}
        # only the month in progress has a forecast
        forecasts = current._forecast(today) if start == today.replace(day=1) else {}
        return {
            **self._month_data(start, today),
            "employee": current[:1].employee_id.name or self.env.user.name,
            "appraisals": [
                self._appraisal_data(appraisal, months, by_plan_month, today, forecasts.get(appraisal.id))
                for appraisal in current
            ],
        }

    @api.model
    def _month_data(self, start, today):
        """The month shown, its neighbours (no month after the current one) and the currency."""
        currency = self.env.company.currency_id
        following = start + relativedelta(months=1)
        return {
            "month": fields.Date.to_string(start),
            "previous_month": fields.Date.to_string(start - relativedelta(months=1)),
            "next_month": fields.Date.to_string(following) if following <= today else False,
            "currency": {"symbol": currency.symbol, "position": currency.position},
        }

    @api.model
    def _appraisal_data(self, appraisal, months, by_plan_month, today, forecast=None):
        previous = by_plan_month.get((appraisal.plan_id.id, months[-2]))
        pace = appraisal.period_id._elapsed_ratio(today)
        forecast = forecast or {"lines": {}}
        return {
            "id": appraisal.id,
            "name": appraisal.display_name,
            "plan": appraisal.plan_id.name,
            "state": appraisal.state,
            "state_label": dict(appraisal._fields["state"]._description_selection(self.env))[appraisal.state],
            "total_score": appraisal.total_score,
            "grade": appraisal.grade or "",
            "rank": appraisal.rank,
            "rank_count": appraisal.rank_count,
            "previous_total": previous.total_score if previous else None,
            "pace": pace,
            "forecast": {
                "total_score": forecast["total_score"],
                "grade": forecast["grade"],
                "completion_rate": forecast["completion_rate"],
                "pay": forecast["pay"],
            }
            if "total_score" in forecast
            else None,
            "lines": [
                self._line_data(line, pace, forecast["lines"].get(line.id)) for line in appraisal.line_ids
            ],
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
    def _line_data(self, line, pace, forecast=None):
        kpi = line.kpi_id
        mode = kpi.measure_mode
        due = line_pace(mode, pace)
        return {
            "id": line.id,
            "name": line.name,
            "measure_mode": mode,
            "scoring_rule": line.scoring_rule,
            "direction": line.direction,
            "unit": line.unit or "",
            "is_money": line._is_money(),
            "weight": line.weight,
            "target": line.target,
            "actual": line.actual,
            "gap": line.gap,
            "has_data": line.has_data,
            "achievement": line.achievement,
            "pace": due,
            "score": line.score,
            "weighted_score": line.weighted_score,
            "max_points": line.max_points,
            "status": line_status(mode, line.has_data, line.target, line.achievement, due),
            "can_open": line.scoring_rule not in ENTERED_MODES,
            "forecast": self._forecast_data(forecast),
            # a ratio opens the records of each side: the won deals and the closed ones
            "parts": [
                {"part": "numerator", "label": kpi.numerator_id.name},
                {"part": "denominator", "label": kpi.denominator_id.name},
            ]
            if mode == "ratio"
            else [],
        }

    @api.model
    def _forecast_data(self, forecast):
        """A line's forecast as the screens show it: the value at the period's end and its parts
        (actual, what the open pipeline, the deals outside it and the pace add, how many
        opportunities), the achievement
        and score it would give, and its state (on track, at risk, off track)."""
        if not forecast or forecast["forecast"] is None:
            return None
        return {
            "method": forecast["method"],
            "value": forecast["forecast"],
            "actual": forecast["actual"] or 0.0,
            "pipeline": forecast["pipeline"],
            "arriving": forecast["arriving"],
            "pace": forecast["pace"],
            "opportunity_count": len(forecast["opportunity_ids"]),
            "achievement": forecast["achievement"],
            "score": forecast["score"],
            "status": forecast["status"],
        }

    @api.readonly
    @api.model
    def get_team_board(self, month=None, plan_id=None):
        """Managers' and the VP's board of ``month`` for one plan (default: the plan with the most
        appraisals): members × KPIs with each line's achievement and state, and each team's totals.

        Reads with the caller's rights: the record rules decide whose appraisals appear (a manager
        sees the subordinates and the led team, the VP and HR everybody).
        """
        if not self.env.user.has_group("crm_performance.crm_performance_group_manager"):
            raise AccessError(_("The team board is for managers, reviewers and HR."))
        today = fields.Date.context_today(self)
        start = fields.Date.to_date(month or today).replace(day=1)
        appraisals = self.env["crm.appraisal"].search(
            [("period_type", "=", "month"), ("date_from", "=", start)], order="team_id, total_score desc, id"
        )
        plans = sorted(
            appraisals.grouped("plan_id").items(),
            key=lambda item: (-len(item[1]), item[0].sequence, item[0].id),
        )
        plan = next(
            (p for p, _rows in plans if p.id == plan_id),
            plans[0][0] if plans else self.env["crm.appraisal.plan"],
        )
        rows = appraisals.filtered(lambda a: a.plan_id == plan)
        rows._fetch_line_display()
        pace = rows[:1].period_id._elapsed_ratio(today) if rows else 0.0
        forecasts = rows._forecast(today)
        members = [
            {
                "id": appraisal.id,
                "employee": appraisal.employee_id.name,
                "team": appraisal.team_id.name or "",
                "team_id": appraisal.team_id.id,
                "state": appraisal.state,
                "total_score": appraisal.total_score,
                "grade": appraisal.grade or "",
                # integrity signals to explain, as the reader may see them (none of their own)
                "signals": appraisal.signal_count,
                "signal_summary": appraisal.signal_summary or "",
                "forecast_total": forecasts[appraisal.id]["total_score"]
                if appraisal.id in forecasts
                else None,
                "forecast_grade": forecasts[appraisal.id]["grade"] if appraisal.id in forecasts else "",
                # the pay parts forecast as percentages of the pay base (HR's, not shown)
                "forecast_pay": forecasts[appraisal.id]["pay"] if appraisal.id in forecasts else None,
                "lines": {
                    line.plan_line_id.id: self._line_data(
                        line, pace, forecasts.get(appraisal.id, {}).get("lines", {}).get(line.id)
                    )
                    for line in appraisal.line_ids
                },
            }
            for appraisal in rows
        ]
        columns = plan.line_ids.filtered(lambda line: line.id in {pl for m in members for pl in m["lines"]})
        return {
            **self._month_data(start, today),
            "plans": [{"id": p.id, "name": p.name, "count": len(rows_)} for p, rows_ in plans],
            "plan_id": plan.id,
            "columns": [{"id": line.id, "name": line.kpi_id.name, "weight": line.weight} for line in columns],
            "members": members,
            "teams": self._team_totals(members, columns),
        }

    @api.model
    def _team_totals(self, members, columns):
        """Per team, best mean total first: members, mean total, integrity signals to explain and,
        per KPI, the team's achievement: the sums of the actuals and targets for KPIs that add up
        (counts, sums), else the members' mean."""
        teams = {}
        for member in members:
            teams.setdefault((member["team_id"], member["team"]), []).append(member)
        totals = []
        for (team_id, name), rows in teams.items():
            kpis = {}
            for column in columns:
                lines = [row["lines"][column.id] for row in rows if column.id in row["lines"]]
                measured = [line for line in lines if line["has_data"] and line["target"]]
                if column.kpi_id.measure_mode in CUMULATIVE_MODES and measured:
                    value = scoring.achievement(
                        sum(line["actual"] for line in measured),
                        sum(line["target"] for line in measured),
                        column.kpi_id.direction,
                        column.cap,
                    )
                    kpis[column.id] = 100.0 * value if value is not None else None
                elif column.scoring_rule in ENTERED_MODES:
                    entered = [line["score"] for line in lines if line["has_data"]]
                    kpis[column.id] = sum(entered) / len(entered) if entered else None
                else:
                    kpis[column.id] = (
                        sum(line["achievement"] for line in measured) / len(measured) if measured else None
                    )
            totals.append(
                {
                    "team_id": team_id,
                    "team": name,
                    "count": len(rows),
                    "total_score": sum(row["total_score"] for row in rows) / len(rows),
                    "signals": sum(row["signals"] for row in rows),
                    "kpis": kpis,
                }
            )
        return sorted(totals, key=lambda team: -team["total_score"])
