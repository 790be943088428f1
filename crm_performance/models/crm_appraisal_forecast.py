from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models, tools
from odoo.tools import SQL

from .. import engine
from ..engine import measure
from ..engine.measure import Measurement, Unmeasured
from ..tools import bulk, drilldown

forecast = engine.forecast
# months of closed deals the stage win rates are observed on, before the forecast month; the
# slippage is observed on the opportunities expected to close in as many months before last month
HISTORY_MONTHS = 6


class CrmAppraisal(models.Model):
    """The forecast of a month in progress (``engine.forecast``): each measured line at the
    period's end, and the total and grade it would give."""

    _inherit = "crm.appraisal"

    def _forecast(self, today):
        """``{appraisal id: forecast}`` of the months among these appraisals that ``today`` falls
        in (others get none). A forecast is ``{"total_score", "grade", "completion_rate", "pay":
        {base, completion, daily, bonus, total}, "lines": {line id: {method, actual, forecast,
        pipeline, pace, opportunity_ids, achievement, score, weighted_score, status}}}``; its pay
        parts are the documented pay rule's (``engine.pay``) as percentages of the pay base.

        The caller reads these appraisals; like their scores, the forecasts count every record of
        their salespeople (as superuser), and only theirs: the opportunities of a line are its
        salesperson's own. A fixed number of queries per month, whatever the salespeople.
        """
        self.check_access("read")
        running = self.sudo().filtered(
            lambda a: a.period_type == "month" and a.date_from <= today <= a.date_to
        )
        result = {}
        for period, appraisals in running.grouped("period_id").items():
            result.update(appraisals._forecast_month(period, today))
        return result

    def _forecast_month(self, period, today):
        company = period.company_id
        user_ids = frozenset(self.user_id.ids)
        lines = self.line_ids
        specs = self._forecast_specs()
        parts = self.env["crm.kpi.definition"].browse(
            {part.id for spec in specs.values() if spec.method == "ratio" for part in spec.parts()}
        )
        amounts = _amount_fields(specs.values())
        measured, tails, arrived = self._forecast_inputs(
            period, today, parts, forecast.pace_parts(specs.values()), amounts
        )
        expectations, arrivals = {}, {}
        if amounts is not None:
            win_rates, slippage = self._forecast_history(company.id, period.date_from)
            expectations = forecast.pipeline_expectations(
                specs.values(),
                self._open_opportunities(period, user_ids, amounts),
                win_rates,
                lambda opportunity: slippage.closing(opportunity.deadline, today, period.date_to),
            )
            arrivals = forecast.arriving(specs.values(), arrived, HISTORY_MONTHS)
        factor = forecast.pace_factor(period.date_from, period.date_to, today)

        stored = bulk.converter(lines, "weighted_score")
        line_specs = self.plan_id._line_specs(lines.plan_line_id.ids)
        result = {}
        for appraisal in self:
            uid = appraisal.user_id.id
            inputs, forecasts = [], []
            for line in appraisal.line_ids:
                line_rule = line_specs[line.plan_line_id.id].rule
                inputs.append(
                    engine.score.stored_inputs(
                        line_rule, line.actual, line.has_data, line.target, line.manual_points
                    )
                )
                forecasts.append(
                    None
                    if line_rule.rule in engine.score.ENTERED_RULES
                    else forecast.forecast_kpi(
                        specs[line.kpi_id.id],
                        uid,
                        inputs[-1][1],
                        measured,
                        expectations,
                        factor,
                        tails,
                        arrivals,
                    )
                )
            results, totals = forecast.score_forecast(
                inputs, forecasts, appraisal.plan_id._grade_bands(), stored
            )
            pay = engine.pay.shares(
                engine.pay.PayRule(), round(totals["total_score"], 2), round(totals["completion_rate"], 2)
            )
            result[appraisal.id] = {
                "total_score": totals["total_score"],
                "grade": totals["grade"] or "",
                "completion_rate": totals["completion_rate"],
                "pay": {
                    "base": float(pay.base_pay),
                    "completion": float(pay.completion_pay),
                    "daily": float(pay.daily_pay),
                    "bonus": float(pay.bonus),
                    "total": float(pay.monthly_pay),
                },
                "lines": {
                    line.id: {
                        **vars(projected),
                        "achievement": values["achievement"],
                        "score": values["score"],
                        "weighted_score": values["weighted_score"],
                        "status": forecast.status(
                            values["achievement"],
                            bool(line.target),
                            line_specs[line.plan_line_id.id].alert_threshold,
                        ),
                    }
                    for line, projected, values in zip(appraisal.line_ids, forecasts, results, strict=True)
                    if projected
                },
            }
        return result

    def _forecast_specs(self):
        """``{kpi id: engine.forecast.KpiSpec}`` of the KPIs of these appraisals' lines."""
        kpis = self.line_ids.kpi_id
        measure.prefetch(kpis)
        return {kpi.id: kpi._forecast_spec() for kpi in kpis}

    def _forecast_inputs(self, period, today, parts, pace_ids, amounts):
        """``(measured, tails, arrivals)`` for these appraisals' salespeople: the ratio ``parts``
        so far in the period and the tails of the pace KPIs ``pace_ids`` (as
        ``_measure_parts_and_tails``), and the deals expected to arrive outside the pipeline with
        the sums of ``amounts`` (``_arrivals``; None: no pipeline KPI, none read). The tails and
        arrivals are the same all day: read from what the daily job stored for the day
        (``_stored_forecast_day``) when it holds them, else now."""
        user_ids = frozenset(self.user_id.ids)
        if not forecast.window_tail(period.date_from, period.date_to, today):
            pace_ids = frozenset()
        if amounts is not None and today >= period.date_to:  # no day left: nothing can arrive
            amounts = None
        if pace_ids or amounts is not None:
            stored = self._stored_forecast_day(period.company_id.id, period.date_from, today)
            if stored and stored.covers(user_ids, pace_ids, amounts):
                measured = self._measure_parts_and_tails(period, today, parts, frozenset())[0]
                return measured, *stored.of(user_ids)
        measured, tails = self._measure_parts_and_tails(period, today, parts, pace_ids)
        return measured, tails, [] if amounts is None else self._arrivals(period, user_ids, amounts, today)

    def _forecast_day(self, period, today):
        """The ``engine.forecast.DayInputs`` of ``today`` for the salespeople of these appraisals
        of ``period``: what the daily job stores for the day on the month
        (``crm.appraisal.period._store_forecast_day``)."""
        specs = self._forecast_specs()
        pace_ids = frozenset(forecast.pace_parts(specs.values()))
        amounts = _amount_fields(specs.values())
        _measured, tails, arrivals = self._forecast_inputs(
            period, today, self.env["crm.kpi.definition"], pace_ids, amounts
        )
        return forecast.DayInputs(
            frozenset(self.user_id.ids),
            pace_ids,
            None if amounts is None else frozenset(amounts),
            None if amounts is None else tuple(arrivals),
            {kpi_id: dict(values) for kpi_id, values in tails.items()},
        )

    @api.model
    @tools.ormcache("company_id", "date_from", "today")
    def _stored_forecast_day(self, company_id, date_from, today):
        """The ``engine.forecast.DayInputs`` the daily job stored for ``today`` on the company's
        month starting ``date_from``, or None; read once a day in each server process."""
        self.env["crm.appraisal.period"].flush_model(
            ["forecast_day", "company_id", "period_type", "date_from"]
        )
        rows = self.env.execute_query(
            SQL(
                "SELECT forecast_day FROM crm_appraisal_period WHERE company_id = %s"
                " AND period_type = 'month' AND date_from = %s AND forecast_day->>'day' = %s",
                company_id,
                date_from,
                str(today),
            )
        )
        return forecast.DayInputs.from_json(rows[0][0]) if rows else None

    def _measure_parts_and_tails(self, period, today, parts, pace_ids):
        """``({kpi id: {user id: value}}, {kpi id: {user id: value}})``, measured in one run: the
        ``parts`` of ratio KPIs so far in the period, and the pace KPIs ``pace_ids`` over the days
        before the period that complete the pace's window (``engine.forecast.window_tail``) for
        the salespeople of these appraisals appraised the month before (someone new or back has
        only their own pace)."""
        tail = forecast.window_tail(period.date_from, period.date_to, today)
        present = set()
        if tail and pace_ids:
            present = set(
                self.search(
                    [
                        ("employee_id", "in", self.employee_id.ids),
                        ("period_type", "=", "month"),
                        ("date_from", "=", period.date_from - relativedelta(months=1)),
                    ]
                ).user_id.ids
            )
        paced = self.env["crm.kpi.definition"].browse(sorted(pace_ids) if present else [])
        measurement = Measurement(self.env, period.company_id, set(self.user_id.ids))
        measurement.need(parts, period.date_from, period.date_to)
        if paced:
            measurement.need(paced, *tail)
        measurement.run()
        measured = {kpi.id: measurement.values(kpi, period.date_from, period.date_to) for kpi in parts}
        return measured, {kpi.id: _only(measurement.values(kpi, *tail), present) for kpi in paced}

    @api.model
    def _open_opportunities(self, period, user_ids, amount_fields):
        """The open opportunities of ``user_ids`` in the period's company (or shared) expected to
        close by the period's end, those overdue included as far back as the slippage history
        (``_lateness``) goes: one query."""
        rows = self.env.execute_query(
            SQL(
                "SELECT l.id, l.user_id, l.team_id, COALESCE(s.sequence, 0), COALESCE(l.probability, 0),"
                " l.date_deadline%s"
                " FROM crm_lead l LEFT JOIN crm_stage s ON s.id = l.stage_id"
                " WHERE l.active AND l.type = 'opportunity' AND l.won_status = 'pending'"
                " AND l.user_id = ANY(%s) AND (l.company_id = %s OR l.company_id IS NULL)"
                " AND l.date_deadline BETWEEN %s AND %s ORDER BY l.id",
                SQL("").join(SQL(", COALESCE(l.%s, 0)", SQL.identifier(fname)) for fname in amount_fields),
                sorted(user_ids),
                period.company_id.id,
                period.date_from - relativedelta(months=HISTORY_MONTHS + 1),
                period.date_to,
            )
        )
        return [
            forecast.Opportunity(
                id=lead_id,
                user_id=user_id,
                team_id=team_id,
                stage_sequence=sequence,
                probability=probability,
                amounts=dict(zip(amount_fields, amounts, strict=True)),
                deadline=deadline,
            )
            for lead_id, user_id, team_id, sequence, probability, deadline, *amounts in rows
        ]

    @api.model
    def _stage_times(self, company_id, date_from):
        """Days the deals of the company (or shared) closed in the ``HISTORY_MONTHS`` before
        ``date_from`` spent in each stage other than a won one, per salesperson, team, stage and
        outcome, from their tracked stage changes (a deal without any spent its life in its
        stage); none when no deal has a tracked stage change (the stage history is unknown:
        ``_closed_deals`` decides): one query, rows of ``engine.forecast.StageTime``."""
        rows = self.env.execute_query(
            SQL(
                """
                WITH closed AS (
                    SELECT l.id, l.user_id, l.team_id, l.stage_id, l.create_date, l.date_closed,
                           l.won_status = 'won' AS won
                      FROM crm_lead l
                     WHERE l.type = 'opportunity' AND l.won_status IN ('won', 'lost')
                       AND (l.company_id = %(company)s OR l.company_id IS NULL)
                       AND l.date_closed >= %(since)s AND l.date_closed < %(until)s
                ), moves AS (
                    SELECT m.res_id AS id, m.date, v.old_value_integer AS stage,
                           LAG(m.date) OVER (PARTITION BY m.res_id ORDER BY m.date, m.id) AS since,
                           ROW_NUMBER() OVER (PARTITION BY m.res_id ORDER BY m.date DESC, m.id DESC)
                               AS from_last
                      FROM mail_tracking_value v
                      JOIN ir_model_fields f
                        ON f.id = v.field_id AND f.model = 'crm.lead' AND f.name = 'stage_id'
                      JOIN mail_message m ON m.id = v.mail_message_id AND m.model = 'crm.lead'
                     WHERE m.res_id IN (SELECT id FROM closed)
                ), spans AS (
                    SELECT mv.id, mv.stage, COALESCE(mv.since, c.create_date) AS since, mv.date AS until
                      FROM moves mv JOIN closed c ON c.id = mv.id
                     UNION ALL
                    SELECT c.id, c.stage_id, mv.date, c.date_closed
                      FROM moves mv JOIN closed c ON c.id = mv.id
                     WHERE mv.from_last = 1
                     UNION ALL
                    SELECT c.id, c.stage_id, c.create_date, c.date_closed
                      FROM closed c
                     WHERE NOT EXISTS (SELECT 1 FROM moves mv WHERE mv.id = c.id)
                       AND EXISTS (SELECT 1 FROM moves)
                )
                SELECT c.user_id, c.team_id, s.sequence, c.won, COUNT(DISTINCT c.id),
                       SUM(EXTRACT(EPOCH FROM sp.until - sp.since)) / 86400
                  FROM spans sp
                  JOIN closed c ON c.id = sp.id
                  JOIN crm_stage s ON s.id = sp.stage
                 WHERE s.is_won IS NOT TRUE AND sp.until > sp.since
                 GROUP BY 1, 2, 3, 4
                """,
                company=company_id,
                since=date_from - relativedelta(months=HISTORY_MONTHS),
                until=date_from,
            )
        )
        return [list(row) for row in rows]

    @api.model
    def _lateness(self, company_id, date_from):
        """``[(days late, opportunities)]`` of the opportunities of the company (or shared)
        expected to close in the ``HISTORY_MONTHS`` before the month before ``date_from`` (each
        had a month to close): days from their *Expected Closing* to their closing, None for
        those still open on ``date_from``: one query."""
        rows = self.env.execute_query(
            SQL(
                "SELECT CASE WHEN l.won_status IN ('won', 'lost') AND l.date_closed < %s"
                " THEN l.date_closed::date - l.date_deadline END, COUNT(*)"
                " FROM crm_lead l WHERE l.type = 'opportunity' AND (l.active OR l.won_status = 'lost')"
                " AND (l.company_id = %s OR l.company_id IS NULL)"
                " AND l.date_deadline >= %s AND l.date_deadline < %s GROUP BY 1",
                date_from,
                company_id,
                date_from - relativedelta(months=HISTORY_MONTHS + 1),
                date_from - relativedelta(months=1),
            )
        )
        return [list(row) for row in rows]

    @api.model
    def _arrivals(self, period, user_ids, amount_fields, today):
        """Leads and opportunities of ``user_ids`` in the period's company (or shared) closed in
        the ``HISTORY_MONTHS`` before it in the days of their month after ``today``'s day (as
        many as the period has left) that the pipeline did not hold on that day (created later,
        a lead, or no *Expected Closing* by the month's end), counted per salesperson, type and
        outcome, with the sums of ``amount_fields``: one query."""
        rows = self.env.execute_query(
            SQL(
                "SELECT l.user_id, l.type, l.won_status = 'won', COUNT(*)%s FROM crm_lead l"
                " WHERE l.won_status IN ('won', 'lost')"
                " AND l.user_id = ANY(%s) AND (l.company_id = %s OR l.company_id IS NULL)"
                " AND l.date_closed >= %s AND l.date_closed < %s"
                " AND EXTRACT(DAY FROM l.date_closed) BETWEEN %s AND %s"
                " AND NOT (l.type = 'opportunity'"
                " AND l.create_date < date_trunc('month', l.date_closed) + make_interval(days => %s)"
                " AND l.date_deadline IS NOT NULL"
                " AND l.date_deadline < date_trunc('month', l.date_closed) + INTERVAL '1 month')"
                " GROUP BY 1, 2, 3",
                SQL("").join(
                    SQL(", SUM(COALESCE(l.%s, 0))", SQL.identifier(fname)) for fname in amount_fields
                ),
                sorted(user_ids),
                period.company_id.id,
                period.date_from - relativedelta(months=HISTORY_MONTHS),
                period.date_from,
                today.day + 1,
                today.day + (period.date_to - today).days,
                today.day,
            )
        )
        return [
            forecast.Arrivals(user_id, lead_type, won, count, dict(zip(amount_fields, amounts, strict=True)))
            for user_id, lead_type, won, count, *amounts in rows
        ]

    @api.model
    @tools.ormcache("company_id", "date_from")
    def _forecast_history(self, company_id, date_from):
        """What the forecasts of a month learn from the company's past, the same all month long
        (deals closed or expected before the month): ``(stage win rates, slippage)``, once per
        month and company in each server process. Read from the month, where the daily job
        stores it (``crm.appraisal.period._store_forecast_history``: seconds of queries on a
        million leads, paid once); computed here while the month has none."""
        past = self.env["crm.appraisal.period"]._stored_forecast_history(
            company_id, date_from
        ) or self._forecast_past(company_id, date_from)
        return (
            forecast.WinRates(
                [forecast.ClosedDeals(*row) for row in past["closed_deals"]],
                [forecast.StageTime(*row) for row in past["stage_times"]],
            ),
            forecast.Slippage(dict(past["lateness"])),
        )

    @api.model
    def _forecast_past(self, company_id, date_from):
        """What the forecasts of the month starting ``date_from`` learn from the past, as plain
        rows (JSON as stored on the month): the deals closed (``_closed_deals``), their time in
        each stage (``_stage_times``), the lateness of the opportunities expected before
        (``_lateness``)."""
        return {
            "closed_deals": self._closed_deals(company_id, date_from),
            "stage_times": self._stage_times(company_id, date_from),
            "lateness": self._lateness(company_id, date_from),
        }

    @api.model
    def _closed_deals(self, company_id, date_from):
        """Deals of the company (or shared) closed in the ``HISTORY_MONTHS`` before ``date_from``,
        counted per salesperson, team, stage and outcome: one query, rows of
        ``engine.forecast.ClosedDeals``."""
        rows = self.env.execute_query(
            SQL(
                "SELECT l.user_id, l.team_id, COALESCE(s.sequence, 0), l.won_status = 'won', COUNT(*)"
                " FROM crm_lead l LEFT JOIN crm_stage s ON s.id = l.stage_id"
                " WHERE l.type = 'opportunity' AND l.won_status IN ('won', 'lost')"
                " AND (l.company_id = %s OR l.company_id IS NULL)"
                " AND l.date_closed >= %s AND l.date_closed < %s GROUP BY 1, 2, 3, 4",
                company_id,
                date_from - relativedelta(months=HISTORY_MONTHS),
                date_from,
            )
        )
        return [list(row) for row in rows]


class CrmAppraisalLine(models.Model):
    _inherit = "crm.appraisal.line"

    def action_open_forecast(self):
        """The open opportunities the line's forecast counted, opened with the user's own rights."""
        self.ensure_one()
        self.check_access("read")
        appraisal = self.appraisal_id
        today = fields.Date.context_today(self)
        line = appraisal._forecast(today).get(appraisal.id, {}).get("lines", {}).get(self.id)
        title = _(
            "Forecast of %(kpi)s – %(employee)s – %(period)s",
            kpi=self.name,
            employee=appraisal.employee_id.name,
            period=appraisal.period_id.name,
        )
        ids = list(line["opportunity_ids"]) if line else []
        return drilldown.records_action(self.env, "crm.lead", [("id", "in", ids)], title)


def _amount_fields(specs):
    """The amount fields the pipeline KPIs among ``specs`` and their parts sum, sorted; None
    when there is no pipeline KPI."""
    parts = [part for spec in specs for part in spec.parts() if part.method in forecast.PIPELINE_METHODS]
    return sorted({part.field for part in parts if part.field}) if parts else None


def _only(values, user_ids):
    """``values`` (``{user id: value}``) of ``user_ids`` alone; a KPI not measured stays so."""
    if isinstance(values, Unmeasured):
        return values
    return {uid: value for uid, value in values.items() if uid in user_ids}
