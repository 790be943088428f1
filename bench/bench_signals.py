"""Integrity signals at company scale: their cost next to the month's appraisal recompute, and
whom they flag.

    python bench/bench_signals.py --db crmperf_bench          (a database from make_dataset.py)

In a scratch copy of the database (dropped at the end), for the dataset's last month, with the
standard "Salesperson" plan on every salesperson: the month's appraisals are generated, then
recomputed (``_compute_scores``, nothing changed since) with every signal switched off and with
every signal on at the shipped defaults, ``--repeat`` times each (median shown); each signal's
query is timed alone (together, the activity signals share one), and all of them with their
bookkeeping (``_compute_for``, what the recompute adds). Then who is flagged: the honest
salespeople (the flag rate) and the gamed ones make_dataset.py planted (each must be caught by
every signal planted on them)."""

import argparse
import json
import sys

from bench_compute import median, spans
from benchlib import GAMED_PARAM, Stopwatch, environment, print_table, scratch_copy, switch_signals


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--db", default="crmperf_bench")
    parser.add_argument("--repeat", type=int, default=5, help="runs of every timing; the median is shown")
    return parser.parse_args(argv)


def recompute(env, appraisals, repeat):
    watches = []
    for _run in range(repeat):
        env.invalidate_all()
        with Stopwatch(env) as watch:
            appraisals._compute_scores()
        env.cr.commit()
        watches.append(watch)
    return median(watches)


def main(argv=None):
    args = parse_args(argv)
    with scratch_copy(args.db) as db, environment(db, commit=True) as env:
        from odoo.addons.crm_performance.models.crm_appraisal_signal import KINDS
        from odoo.addons.crm_performance.tools import signals

        gamed = json.loads(env["ir.config_parameter"].get_param(GAMED_PARAM) or "{}")
        if not gamed:
            sys.exit("this database has no planted gamed salespeople: run bench/make_dataset.py again")
        month = spans(env)[0]
        plan = env.ref("crm_performance.plan_salesperson")
        plan.employee_ids = env["hr.employee"].search([("job_id.name", "=", "Salesperson (bench)")])
        period = env["crm.appraisal.period"].create({"period_type": "month", "date_from": month})
        switch_signals(env, False)
        appraisals = env["crm.appraisal"]._generate(period)
        env.cr.commit()
        without = recompute(env, appraisals, args.repeat)
        switch_signals(env, True)
        appraisals._compute_scores()  # raise the signals once: the timed runs find them stored
        env.cr.commit()
        with_signals = recompute(env, appraisals, args.repeat)
        watches = []
        for _run in range(args.repeat):
            env.invalidate_all()
            with Stopwatch(env) as watch:
                env["crm.appraisal.signal"]._compute_for(appraisals, period)
            watches.append(watch)
        alone = median(watches)
        scope = signals.Scope.of(period, appraisals.user_id.ids)
        rows = [
            ["month recompute, signals off", f"{without.seconds:.3f}", without.queries, ""],
            [
                "month recompute, every signal on",
                f"{with_signals.seconds:.3f}",
                with_signals.queries,
                f"+{with_signals.seconds - without.seconds:.3f} s",
            ],
            [
                "every signal alone (_compute_for)",
                f"{alone.seconds:.3f}",
                alone.queries,
                f"{alone.seconds / without.seconds:.2f} x the recompute",
            ],
        ]
        company = env.company
        for kind in KINDS:
            watches = []
            for _run in range(args.repeat):
                with Stopwatch(env) as watch:
                    signals.measure(scope, {kind: company[f"performance_signal_{kind}_threshold"]})
                watches.append(watch)
            watch = median(watches)
            rows.append([f"  {kind}", f"{watch.seconds:.3f}", watch.queries, ""])
        print(f"month {period.date_from} – {period.date_to}: {len(appraisals)} salespeople")
        print_table(["what", "seconds", "queries", "signals cost"], rows)

        raised = {}
        for signal in appraisals.signal_ids:
            raised.setdefault(signal.user_id.login, {})[signal.kind] = signal.count
        honest = [a.user_id.login for a in appraisals if a.user_id.login not in gamed]
        flagged = {login: raised[login] for login in honest if login in raised}
        print(
            f"\nhonest salespeople flagged: {len(flagged)} of {len(honest)}"
            f" ({100.0 * len(flagged) / len(honest):.1f} %) {flagged or ''}"
        )
        by_kind = {kind: sum(kind in found for found in flagged.values()) for kind in KINDS}
        print("  by signal: " + ", ".join(f"{kind} {count}" for kind, count in by_kind.items()))
        for login, planted in gamed.items():
            found = raised.get(login, {})
            print(f"gamed {login}: planted {', '.join(planted)}; raised {found}")
            missed = set(planted) - set(found)
            if missed:
                raise AssertionError(f"{login}: planted {sorted(missed)} not caught")
        print(f"every gamed salesperson caught by every signal planted on them ({len(gamed)})")


if __name__ == "__main__":
    main()
