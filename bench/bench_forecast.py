"""Backtest of the period-end forecast on a make_dataset.py database.

    python bench/bench_forecast.py --db crmperf_bench [--months 6] [--days 10 20]

For each of the dataset's last ``--months`` months (each with six months of closed deals before
it) and each day of ``--days``, every salesperson's month is forecast as it stood at the end of
that day, through the module's own forecast (``engine.forecast.forecast_kpi`` with the KPIs'
``_forecast_spec``, the stage win rates and slippage of ``crm.appraisal._forecast_history``,
the deals outside the pipeline of ``_arrivals``, ``engine.forecast``'s pace over a month of working
days, ``engine.score`` for the total), and compared with the month's final actual: mean
absolute percentage error (MAPE) per KPI of the standard Salesperson plan and for the total of
its measured lines (targets: the plan's default targets), beside two naive baselines: the
linear pace (actual so far x days of the month / days elapsed) and last month's final value.

The pipeline is rebuilt as it stood on that day: opportunities created by then and not closed
by then (whatever happened later), expected to close by the month's end, in the stage the
tracked stage changes (``mail.tracking.value``) had them in that day. The actuals so far are the
KPIs measured from the first of the month to that day (``crm.kpi.definition._measure``). Reads
only (the transaction is rolled back).
"""

import argparse
import statistics
import sys
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

from benchlib import WINDOW_PARAM, environment, print_table
from dateutil.relativedelta import relativedelta

CUMULATIVE = ("count", "sum", "customers")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--db", default="crmperf_bench")
    parser.add_argument(
        "--months", type=int, default=6, help="last months of the dataset backtested (default 6)"
    )
    parser.add_argument("--days", type=int, nargs="+", default=[10, 20], help="days of the month forecast on")
    return parser.parse_args(argv)


def open_as_of(env, forecast, moment, month, users, company, history_months):
    """The opportunities of ``users`` open at ``moment`` expected to close by the end of ``month``
    (as far back as the slippage history goes, as ``crm.appraisal._open_opportunities``),
    in the stage they were in at ``moment`` (the last tracked change by then; before any change,
    the stage the first change left; without changes, the stage they are in)."""
    field = env["ir.model.fields"]._get("crm.lead", "stage_id").id
    env.cr.execute(
        """
        SELECT l.id, l.user_id, l.team_id, COALESCE(s.sequence, 0), COALESCE(l.expected_revenue, 0),
               l.date_deadline
          FROM crm_lead l
          LEFT JOIN LATERAL (
                SELECT v.new_value_integer AS stage
                  FROM mail_message m JOIN mail_tracking_value v ON v.mail_message_id = m.id
                 WHERE m.model = 'crm.lead' AND m.res_id = l.id AND v.field_id = %(field)s
                   AND m.date <= %(moment)s
                 ORDER BY m.date DESC, m.id DESC LIMIT 1) done ON TRUE
          LEFT JOIN LATERAL (
                SELECT v.old_value_integer AS stage
                  FROM mail_message m JOIN mail_tracking_value v ON v.mail_message_id = m.id
                 WHERE m.model = 'crm.lead' AND m.res_id = l.id AND v.field_id = %(field)s
                 ORDER BY m.date, m.id LIMIT 1) first ON TRUE
          LEFT JOIN crm_stage s ON s.id = COALESCE(done.stage, first.stage, l.stage_id)
         WHERE l.type = 'opportunity' AND l.user_id = ANY(%(users)s)
           AND (l.company_id = %(company)s OR l.company_id IS NULL)
           AND l.create_date <= %(moment)s AND (l.date_closed IS NULL OR l.date_closed > %(moment)s)
           AND l.date_deadline BETWEEN %(since)s AND %(end)s
         ORDER BY l.id
        """,
        {
            "field": field,
            "moment": moment,
            "users": list(users),
            "company": company.id,
            "since": month - relativedelta(months=history_months + 1),
            "end": month + relativedelta(months=1, days=-1),
        },
    )
    return [
        # no probability: the win rates always have history here (none would be a look-ahead)
        forecast.Opportunity(lead, user, team, sequence, 0.0, {"expected_revenue": revenue}, deadline)
        for lead, user, team, sequence, revenue, deadline in env.cr.fetchall()
    ]


def measure(kpis, date_from, date_to, company, users):
    """``{kpi id: {user id: value}}`` of ``kpis`` and their ratio parts over the span."""
    from odoo.addons.crm_performance.engine.measure import Measurement

    every = kpis | kpis.numerator_id | kpis.denominator_id
    measurement = Measurement(kpis.env, company, users).need(every, date_from, date_to).run()
    return {kpi.id: measurement.values(kpi, date_from, date_to) for kpi in every}


def ape(value, final):
    return abs(value - final) / abs(final) * 100.0


def main(argv=None):
    args = parse_args(argv)
    with environment(args.db) as env:
        from odoo.addons.crm_performance import engine
        from odoo.addons.crm_performance.models import crm_appraisal_forecast

        forecast, score = engine.forecast, engine.score
        window = env["ir.config_parameter"].get_param(WINDOW_PARAM)
        if not window:
            sys.exit("this database was not made by bench/make_dataset.py (no data window)")
        end = date.fromisoformat(window.split("/")[1])
        company = env.company
        plan = env.ref("crm_performance.plan_salesperson")
        lines = plan.line_ids.filtered(lambda line: line.scoring_rule not in engine.score.ENTERED_RULES)
        kpis = lines.kpi_id
        specs = {kpi.id: kpi._forecast_spec() for kpi in kpis}
        pace_kpis = env["crm.kpi.definition"].browse(sorted(forecast.pace_parts(specs.values())))
        history_months = crm_appraisal_forecast.HISTORY_MONTHS
        rules = [(line, line._line_rule()) for line in lines]
        users = set(env["hr.employee"].search([("job_id.name", "=", "Salesperson (bench)")]).user_id.ids)
        appraisals = env["crm.appraisal"]
        errors = {}  # (kpi id or "total", day, method) -> [APE]
        skipped = 0

        def total(values):
            inputs = [
                (rule, values.get(line.kpi_id.id), line.default_target, 0.0, 0.0, False)
                for line, rule in rules
            ]
            return score.score_appraisal(inputs, plan._grade_bands())[1]["total_score"]

        for back in range(args.months, 0, -1):
            month = end - relativedelta(months=back)
            last = month + relativedelta(months=1, days=-1)
            final = measure(kpis, month, last, company, users)
            before = measure(kpis, month - relativedelta(months=1), month - timedelta(days=1), company, users)
            period = SimpleNamespace(date_from=month, date_to=last, company_id=company)
            rates, slippage = appraisals._forecast_history(company.id, month)
            for day in args.days:
                today = month + timedelta(days=day - 1)
                so_far = measure(kpis, month, today, company, users)
                opportunities = open_as_of(
                    env, forecast, datetime.combine(today, time.max), month, users, company, history_months
                )
                expectations = forecast.pipeline_expectations(
                    specs.values(),
                    opportunities,
                    rates,
                    lambda opportunity, s=slippage, t=today, e=last: s.closing(opportunity.deadline, t, e),
                )
                arrivals = forecast.arriving(
                    specs.values(),
                    appraisals._arrivals(period, users, ["expected_revenue"], today),
                    history_months,
                )
                factor = forecast.pace_factor(month, last, today)
                tail = forecast.window_tail(month, last, today)
                tails = measure(pace_kpis, *tail, company, users) if tail else {}
                linear = (last.day) / day
                for uid in users:
                    projected = {
                        kpi.id: forecast.forecast_kpi(
                            specs[kpi.id],
                            uid,
                            so_far[kpi.id].get(uid),
                            so_far,
                            expectations,
                            factor,
                            tails,
                            arrivals,
                        ).forecast
                        for kpi in kpis
                    }
                    methods = {
                        "forecast": projected,
                        "linear pace": {
                            kpi.id: (so_far[kpi.id].get(uid) or 0.0) * linear
                            if kpi.measure_mode in CUMULATIVE
                            else so_far[kpi.id].get(uid)
                            for kpi in kpis
                        },
                        "last month": {kpi.id: before[kpi.id].get(uid) for kpi in kpis},
                    }
                    finals = {kpi.id: final[kpi.id].get(uid) for kpi in kpis}
                    for kpi in kpis:
                        if not finals[kpi.id]:
                            skipped += 1
                            continue
                        for method, values in methods.items():
                            errors.setdefault((kpi.id, day, method), []).append(
                                ape(values[kpi.id] or 0.0, finals[kpi.id])
                            )
                    final_total = total(finals)
                    for method, values in methods.items():
                        if final_total:
                            errors.setdefault(("total", day, method), []).append(
                                ape(total(values), final_total)
                            )

        names = {kpi.id: kpi.name for kpi in kpis} | {"total": "Total of the measured lines"}
        rows = []
        for key in [*kpis.ids, "total"]:
            method = specs[key].method if key != "total" else "engine.score"
            row = [names[key], method]
            for day in args.days:
                row += [
                    f"{statistics.fmean(errors[key, day, m]):.2f}"
                    for m in ("forecast", "linear pace", "last month")
                ]
            row.append(len(errors[key, args.days[0], "forecast"]))
            rows.append(row)
    headers = ["KPI", "forecast by"]
    for day in args.days:
        headers += [f"day {day}: forecast", f"day {day}: linear", f"day {day}: last month"]
    headers.append("salesperson-months")
    print(f"\nMAPE (%) over the last {args.months} months, {len(users)} salespeople")
    print_table(headers, rows)
    print(f"\n{skipped} salesperson-month-day-KPIs with a final actual of 0 left out (no percentage error).")


if __name__ == "__main__":
    main()
