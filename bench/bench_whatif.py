"""What-if of a plan over a year: how long the Plan What-if takes.

    python bench/bench_whatif.py --db crmperf_bench [--repeat 3] [--people 500]

In a scratch copy of a make_dataset.py database: the twelve months of the data window get their
appraisals under the standard Salesperson plan (untimed), then, as the administrator:

- the wizard (``crm.appraisal.simulation``): defaults (plan, months, people), one weight moved
  (won revenue 20 → 25, attendance 30 → 25) and *Simulate* (read the year's stored lines in one
  query, score every month under both plans through ``engine.score``, the roll-up, the pay,
  write the wizard's result rows): wall seconds and SQL queries;
- the engine alone (``engine.simulate.simulate``) on ``--people`` salespeople: the year's
  figures of the dataset's salespeople repeated under new keys up to that many people.

Medians of ``--repeat`` runs.
"""

import argparse
import statistics
import sys
import time
from datetime import date

from benchlib import WINDOW_PARAM, Stopwatch, environment, print_table, scratch_copy, switch_signals
from dateutil.relativedelta import relativedelta


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--db", default="crmperf_bench")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--people", type=int, default=500, help="people of the engine-only run (default 500)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    with scratch_copy(args.db) as db, environment(db, commit=True) as env:
        from odoo.addons.crm_performance import engine

        window = env["ir.config_parameter"].get_param(WINDOW_PARAM)
        if not window:
            sys.exit("this database was not made by bench/make_dataset.py (no data window)")
        start, end = (date.fromisoformat(day) for day in window.split("/"))
        switch_signals(env, False)
        plan = env.ref("crm_performance.plan_salesperson")
        plan.employee_ids = env["hr.employee"].search([("job_id.name", "=", "Salesperson (bench)")])
        Period = env["crm.appraisal.period"]
        months = Period.browse()
        day = start
        while day < end:
            months |= Period.search(
                [("period_type", "=", "month"), ("date_from", "=", day), ("company_id", "=", env.company.id)]
            ) or Period.create({"period_type": "month", "date_from": day})
            day += relativedelta(months=1)
        generated = env["crm.appraisal"]._generate(months)
        env.cr.commit()
        appraisals = env["crm.appraisal"].search([("period_id", "in", months.ids), ("plan_id", "=", plan.id)])
        print(
            f"{len(appraisals)} monthly appraisals of {len(plan.employee_ids)} salespeople"
            f" ({len(generated)} generated now)"
        )

        admin = env.ref("base.user_admin")
        admin.group_ids |= env.ref("crm_performance.crm_performance_group_hr")
        Simulation = env["crm.appraisal.simulation"].with_user(admin)
        wizard_runs = []
        for _run in range(args.repeat):
            with Stopwatch(env) as watch:
                wizard = Simulation.create({"plan_id": plan.id, "period_ids": [(6, 0, months.ids)]})
                for kpi, weight in (("kpi_won_revenue", 25), ("kpi_attendance", 25)):
                    wizard.line_ids.filtered(
                        lambda line, k=kpi: line.kpi_id == env.ref(f"crm_performance.{k}")
                    ).weight = weight
                wizard.action_simulate()
            wizard_runs.append(watch)
        results = wizard.result_ids
        print(
            f"wizard: {len(results)} people x {len(months)} months, payroll effect "
            f"{wizard.pay_difference:.2f} on a pay base of 0; grades now / simulated: "
            + ", ".join(f"{d.grade} {d.current_count}/{d.simulated_count}" for d in wizard.distribution_ids)
        )

        year = wizard.sudo()._months(appraisals.sudo())
        current, simulated = wizard._plans()
        # the dataset's salespeople again and again, each copy a person of its own
        copies = -(-args.people // len({month.employee for month in year}))
        keys = sorted({(copy, month.employee) for copy in range(copies) for month in year})[: args.people]
        wanted = set(keys)
        people = [
            engine.simulate.Month((copy, month.employee), month.month, month.lines)
            for copy in range(copies)
            for month in year
            if (copy, month.employee) in wanted
        ]
        engine_runs = []
        for _run in range(args.repeat):
            began = time.perf_counter()
            engine.simulate.simulate(people, current, simulated, len(months))
            engine_runs.append(time.perf_counter() - began)

    rows = [
        [
            f"wizard, {len(results)} people x {len(months)} months",
            f"{statistics.median(w.seconds for w in wizard_runs):.3f}",
            statistics.median(w.queries for w in wizard_runs),
        ],
        [
            f"engine alone, {len(keys)} people x {len(months)} months",
            f"{statistics.median(engine_runs):.3f}",
            0,
        ],
    ]
    print()
    print_table(["what-if of a year (two plans scored)", "seconds", "queries"], rows)


if __name__ == "__main__":
    main()
