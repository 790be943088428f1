"""Appraisal computation at company scale, side by side with Odoo's gamification and raw SQL.

    python bench/bench_compute.py --db crmperf_bench          (a database from make_dataset.py)

For the last month of the dataset, the last full quarter before it and the calendar year of
that month, in a scratch copy of the database (dropped at the end), committing between the steps
as the crons do:

- crm_performance: the standard "Salesperson" plan assigned to every salesperson, then
  ``_generate`` (create the appraisals with their lines and compute them) and full recomputes
  (``_compute_scores``) of the committed appraisals: once with nothing changed since, once after
  blanking every line's results (so every line is rewritten). A quarter or a year rolls up the
  stored months (the mean of their totals): its months are generated first, untimed, as every
  month is in its own month, and the quarter's or the year's appraisals are timed;
- gamification: a challenge over the same users and span with the 7 count/sum KPIs both can
  express, in batch mode; starting it creates and computes the goals, ``_update_all`` recomputes
  them (every participant gets a fresh mail_presence row and every goal is put back in progress,
  so all U x 7 goals are recomputed, which is checked): once with their values kept, once with
  every value reset to 0 (gamification writes a goal only when its value changed);
- raw SQL: one hand-written GROUP BY per measure, and one query computing them all, for the 7
  shared KPIs and for the measures of the standard plan.

Every timing of crm_performance and gamification is run ``--repeat`` times (default 5; the
generation in new appraisals and a new challenge each time) and the median run is shown; raw SQL
shows the best of 3 (the floor).

The numbers of the three sides are compared for every measure (the run fails on a difference).
The integrity signals are switched off: what they add is timed by bench_signals.py.
"""

import argparse
import sys
from datetime import date, datetime, time, timedelta
from unittest.mock import patch

from benchlib import WINDOW_PARAM, Stopwatch, environment, print_table, scratch_copy, switch_signals
from dateutil.relativedelta import relativedelta

# months in each span benchmarked
SPAN = {"month": 1, "quarter": 3, "year": 12}
# measure: (table, condition of the records counted, aggregate), as the KPI definitions of the
# standard catalogue say (with the ORM's implicit active = True where the model has `active`)
WON = "active AND won_status = 'won' AND date_closed >= %(start)s AND date_closed < %(stop)s"
CREATED = "create_date >= %(start)s AND create_date < %(stop)s"
MEASURES = {
    "won_deals": ("crm_lead", WON, "COUNT(*)"),
    "won_revenue": ("crm_lead", WON, "SUM(expected_revenue)"),
    "lost_deals": (
        "crm_lead",
        "NOT active AND won_status = 'lost' AND date_closed >= %(start)s AND date_closed < %(stop)s",
        "COUNT(*)",
    ),
    "closed_deals": (
        "crm_lead",
        "won_status IN ('won', 'lost') AND date_closed >= %(start)s AND date_closed < %(stop)s",
        "COUNT(*)",
    ),
    "days_to_close": ("crm_lead", WON, "AVG(EXTRACT(EPOCH FROM date_closed - create_date) / 86400)"),
    "leads_assigned": ("crm_lead", CREATED, "COUNT(*)"),
    "leads_followed_24h": (
        "crm_lead",
        f"{CREATED} AND first_followup_date IS NOT NULL AND first_followup_hours <= 24",
        "COUNT(*)",
    ),
    "complete_leads": (
        "crm_lead",
        f"{CREATED} AND COALESCE(phone, '') != '' AND COALESCE(email_from, '') != ''"
        " AND COALESCE(partner_name, '') != '' AND COALESCE(city, '') != ''",
        "COUNT(*)",
    ),
    "followups_done": (
        "mail_activity",
        "NOT active AND res_model = 'crm.lead' AND date_done >= %(day_from)s AND date_done <= %(day_to)s",
        "COUNT(*)",
    ),
    "meetings": ("calendar_event", "active AND start >= %(start)s AND start < %(stop)s", "COUNT(*)"),
    "new_customers": ("res_partner", f"active AND parent_id IS NULL AND {CREATED}", "COUNT(*)"),
}
# the KPIs gamification can express too: measure -> (model, domain, date field, summed field)
GAMIFIED = {
    "won_deals": ("crm.lead", [("won_status", "=", "won")], "date_closed", None),
    "won_revenue": ("crm.lead", [("won_status", "=", "won")], "date_closed", "expected_revenue"),
    "lost_deals": ("crm.lead", [("won_status", "=", "lost"), ("active", "=", False)], "date_closed", None),
    "leads_assigned": ("crm.lead", [("active", "in", (True, False))], "create_date", None),
    "followups_done": (
        "mail.activity",
        [("active", "=", False), ("res_model", "=", "crm.lead"), ("date_done", "!=", False)],
        "date_done",
        None,
    ),
    "meetings": ("calendar.event", [], "start", None),
    "new_customers": ("res.partner", [("parent_id", "=", False)], "create_date", None),
}
PLAN_MEASURES = [name for name in MEASURES if name != "lost_deals"]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--db", default="crmperf_bench")
    parser.add_argument("--repeat", type=int, default=5, help="runs of every timing; the median is shown")
    parser.add_argument("--profile", help="write a pyinstrument HTML profile of our month recompute here")
    return parser.parse_args(argv)


# ----------------------------------------------------------------------------------------------
# raw SQL
# ----------------------------------------------------------------------------------------------


def raw_per_measure(cr, names, params):
    """One GROUP BY per measure: {measure: {user id: value}}."""
    values = {}
    for name in names:
        table, condition, aggregate = MEASURES[name]
        cr.execute(
            f"SELECT user_id, {aggregate} FROM {table} WHERE user_id = ANY(%(users)s) AND {condition}"  # noqa: S608 - MEASURES is the constant above
            " GROUP BY user_id",
            params,
        )
        values[name] = dict(cr.fetchall())
    return values


def raw_one_query(cr, names, params):
    """All ``names`` in one statement: a CTE per table with FILTERed aggregates, joined on user."""
    tables = {}
    for name in names:
        tables.setdefault(MEASURES[name][0], []).append(name)
    ctes, columns, joins = [], [], []
    for table, measures in tables.items():
        aggregates = ", ".join(
            f"{MEASURES[name][2]} FILTER (WHERE {MEASURES[name][1]}) AS {name}" for name in measures
        )
        conditions = " OR ".join(f"({condition})" for condition in {MEASURES[n][1] for n in measures})
        ctes.append(
            f"{table} AS (SELECT user_id, {aggregates} FROM {table}"  # noqa: S608 - MEASURES is the constant above
            f" WHERE user_id = ANY(%(users)s) AND ({conditions}) GROUP BY user_id)"
        )
        joins.append(f"LEFT JOIN {table} ON {table}.user_id = u.id")
        columns.extend(f"{table}.{name}" for name in measures)
    cr.execute(
        f"WITH {', '.join(ctes)} SELECT u.id, {', '.join(columns)}"  # noqa: S608 - MEASURES is the constant above
        f" FROM unnest(%(users)s) AS u(id) {' '.join(joins)}",
        params,
    )
    values = {name: {} for name in names}
    for uid, *row in cr.fetchall():
        for name, value in zip([c.split(".")[1] for c in columns], row, strict=True):
            if value is not None:
                values[name][uid] = value
    return values


# ----------------------------------------------------------------------------------------------
# gamification
# ----------------------------------------------------------------------------------------------


def goal_definitions(env):
    """Batch-mode goal definitions of the 7 shared KPIs, {measure: definition}."""
    fields_model = env["ir.model.fields"]
    definitions = {}
    for name, (model, domain, date_field, summed) in GAMIFIED.items():
        definitions[name] = env["gamification.goal.definition"].create(
            {
                "name": f"Bench {name}",
                "computation_mode": "sum" if summed else "count",
                "model_id": env["ir.model"]._get_id(model),
                "domain": repr(domain),
                "field_date_id": fields_model._get(model, date_field).id,
                "field_id": summed and fields_model._get(model, summed).id,
                "batch_mode": True,
                "batch_distinctive_field": fields_model._get(model, "user_id").id,
                "batch_user_expression": "user.id",
            }
        )
    return definitions


def challenge(env, definitions, users, date_from, date_to):
    return env["gamification.challenge"].create(
        {
            "name": f"Bench {date_from}",
            "period": "once",
            "start_date": date_from,
            "end_date": date_to,
            "user_domain": False,  # only the salespeople, not every internal user
            "user_ids": [(6, 0, users.ids)],
            "report_message_frequency": "never",
            "line_ids": [(0, 0, {"definition_id": d.id, "target_goal": 1.0}) for d in definitions.values()],
        }
    )


def goal_values(challenge, definitions):
    names = {definition: name for name, definition in definitions.items()}
    values = {name: {} for name in definitions}
    goals = challenge.env["gamification.goal"].search([("challenge_id", "=", challenge.id)])
    for goal in goals:
        values[names[goal.definition_id]][goal.user_id.id] = goal.current
    return values, len(goals)


def prepare_update(env, challenge, users, reset):
    """Make ``_update_all`` recompute every goal: a fresh presence per user, goals in progress;
    with ``reset``, every goal back to 0 (batch mode writes only the goals whose value changed)."""
    env.flush_all()
    env.cr.execute(
        """INSERT INTO mail_presence (user_id, status, last_poll, last_presence)
           SELECT id, 'online', now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC' FROM unnest(%s) AS u(id)
           ON CONFLICT (user_id) WHERE user_id IS NOT NULL
           DO UPDATE SET last_presence = EXCLUDED.last_presence""",
        [users.ids],
    )
    env.cr.execute(
        "UPDATE gamification_goal SET state = 'inprogress', closed = false,"
        " current = CASE WHEN %s THEN 0 ELSE current END,"
        " write_date = now() AT TIME ZONE 'UTC' - interval '1 second' WHERE challenge_id = %s",
        [reset, challenge.id],
    )
    env.invalidate_all()


def reset_lines(env, appraisals):
    """Blank the stored results of the appraisals' lines (and totals): the next computation
    rewrites them all."""
    env.flush_all()
    env.cr.execute(
        "UPDATE crm_appraisal_line SET target = NULL, actual = NULL, has_data = NULL, achievement = NULL,"
        " score = NULL, weighted_score = NULL, weight = NULL, note = NULL WHERE appraisal_id = ANY(%s)",
        [appraisals.ids],
    )
    env.cr.execute(
        "UPDATE crm_appraisal SET total_score = NULL, computed_total = NULL, grade = NULL WHERE id = ANY(%s)",
        [appraisals.ids],
    )
    env.invalidate_all()


# ----------------------------------------------------------------------------------------------
# the benchmark
# ----------------------------------------------------------------------------------------------


def spans(env):
    """The month, the quarter and the year benchmarked: the dataset's last month, the full
    quarter before that month's quarter, and that month's calendar year."""
    window = env["ir.config_parameter"].get_param(WINDOW_PARAM)
    if not window:
        sys.exit("this database was not made by bench/make_dataset.py (no data window)")
    end = date.fromisoformat(window.split("/")[1])
    month = end - relativedelta(months=1)
    quarter = month.replace(month=(month.month - 1) // 3 * 3 + 1) - relativedelta(months=3)
    return month, quarter, month.replace(month=1)


def best_of(env, function, names, params, runs=3):
    """The fastest of ``runs`` runs of a raw SQL function (the floor): (stopwatch, values)."""
    best = None
    for _run in range(runs):
        with Stopwatch(env) as watch:
            values = function(env.cr, names, params)
        if best is None or watch.seconds < best.seconds:
            best = watch
    return best, values


def engine_values(env, names, date_from, date_to, users):
    """The engine's own measures (``_measure``, as the computation calls it)."""
    return {
        name: env.ref(f"crm_performance.kpi_{name}")._measure(date_from, date_to, env.company, set(users.ids))
        for name in names
    }


def compare(label, expected, found, names):
    """Assert equal values per measure and user (missing = 0 for counts and sums)."""
    for name in names:
        users = set(expected[name]) | set(found[name])
        for uid in users:
            a, b = float(expected[name].get(uid) or 0.0), float(found[name].get(uid) or 0.0)
            if abs(a - b) > 1e-6 * max(1.0, abs(a)):
                raise AssertionError(f"{label}: {name} of user {uid}: {a} != {b}")
    print(f"  same numbers: {label} ({len(names)} measures)")


def median(watches):
    """The run of median time (of an odd number of runs)."""
    return sorted(watches, key=lambda watch: watch.seconds)[len(watches) // 2]


def run_span(env, kind, date_from, repeat, profile=None):
    """Time every side over one span, ``repeat`` times; returns the table rows (medians).
    Commits (a scratch database)."""
    Period = env["crm.appraisal.period"]
    starts = [date_from + relativedelta(months=k) for k in range(SPAN[kind])]
    existing = Period.search([("period_type", "=", "month"), ("date_from", "in", starts)])
    months = existing | Period.create(
        [
            {"period_type": "month", "date_from": start}
            for start in starts
            if start not in existing.mapped("date_from")
        ]
    )
    periods = months
    if kind != "month":
        env["crm.appraisal"]._generate(months)  # stored, as every month is in its own month
        periods = Period.create({"period_type": kind, "date_from": date_from})
        env.cr.commit()
    date_to = periods.date_to
    employees = env.ref("crm_performance.plan_salesperson").employee_ids
    users = employees.user_id
    start, stop = (
        datetime.combine(date_from, time.min),
        datetime.combine(date_to + timedelta(days=1), time.min),
    )
    params = {"users": users.ids, "start": start, "stop": stop, "day_from": date_from, "day_to": date_to}
    print(f"{kind} {date_from} – {date_to}: {len(users)} salespeople")
    definitions = goal_definitions(env)
    raw_one_query(env.cr, PLAN_MEASURES, params)  # warm the caches of every side alike
    generations, starts, appraisals = [], [], env["crm.appraisal"]
    for _run in range(repeat):
        appraisals.unlink()  # generate anew, in a new challenge
        gamification = challenge(env, definitions, users, date_from, date_to)
        env.cr.commit()
        env.invalidate_all()
        with Stopwatch(env) as watch:
            appraisals = env["crm.appraisal"]._generate(periods)
        generations.append(watch)
        assert len(appraisals) == len(users) * len(periods), "one appraisal per salesperson and period"
        env.invalidate_all()
        with Stopwatch(env) as watch:
            gamification.action_start()
        starts.append(watch)
        started, goal_count = goal_values(gamification, definitions)
        assert goal_count == len(users) * len(GAMIFIED), "one goal per salesperson and KPI"
        env.cr.commit()  # a recompute updates committed rows, as the nightly one does

    def ours_recompute(reset, profiler=None):
        if reset:
            reset_lines(env, appraisals)
            env.cr.commit()
        if profiler:
            profiler.start()
        with Stopwatch(env) as watch:
            appraisals._compute_scores()
        if profiler:
            profiler.stop()
        env.cr.commit()
        return watch

    def game_update(reset):
        prepare_update(env, gamification, users, reset)
        env.cr.commit()
        goal_model, updated_goals = type(env["gamification.goal"]), []
        update_goal = goal_model.update_goal

        def spy(goals):
            updated_goals.append(goals)
            return update_goal(goals)

        with patch.object(goal_model, "update_goal", spy), Stopwatch(env) as watch:
            gamification._update_all()
        env.cr.commit()
        assert len(updated_goals[0]) == goal_count, "_update_all recomputes every goal"
        return watch

    profiler = _profiler(profile)
    ours_same, game_same, ours_changed, game_changed = [], [], [], []
    for run in range(repeat):
        ours_same.append(ours_recompute(False))
        game_same.append(game_update(False))
        ours_changed.append(ours_recompute(True, profiler if run == 0 else None))
        game_changed.append(game_update(True))
    if profiler:
        profiler.write_html(profile)
    updated, _count = goal_values(gamification, definitions)

    raw7_each, raw_each = best_of(env, raw_per_measure, GAMIFIED, params)
    raw7_one, raw_all = best_of(env, raw_one_query, GAMIFIED, params)
    plan_each, _values = best_of(env, raw_per_measure, PLAN_MEASURES, params)
    plan_one, raw_plan = best_of(env, raw_one_query, PLAN_MEASURES, params)

    engine = engine_values(env, MEASURES, date_from, date_to, users)
    compare("raw SQL, one query per measure = one query for all", raw_each, raw_all, GAMIFIED)
    compare("crm_performance engine = raw SQL", raw_plan, engine, PLAN_MEASURES)
    compare("gamification (start) = raw SQL", raw_all, started, GAMIFIED)
    compare("gamification (_update_all) = raw SQL", raw_all, updated, GAMIFIED)
    compare("crm_performance = gamification", updated, engine, GAMIFIED)
    if kind != "month":
        stored = months.appraisal_ids.grouped("employee_id")
        for appraisal in appraisals:
            mean = sum(stored[appraisal.employee_id].mapped("total_score")) / SPAN[kind]
            assert abs(appraisal.total_score - mean) <= 0.005 + 1e-9, (kind, appraisal.employee_id.name)
        print(f"  same numbers: {kind} = mean of its stored months ({len(appraisals)} appraisals)")
    if kind == "month":
        lines = appraisals.line_ids
        actual = {
            name: {line.appraisal_id.user_id.id: line.actual for line in lines if line.kpi_id == kpi}
            for name in GAMIFIED
            if (kpi := env.ref(f"crm_performance.kpi_{name}")) in lines.kpi_id
        }
        compare("appraisal line actuals = gamification", updated, actual, actual)

    def row(what, watches, floor, versus=None):
        watch, versus = median(watches), versus and median(versus)
        return [
            kind,
            what,
            f"{watch.seconds:.3f}",
            watch.queries,
            f"{watch.seconds / floor.seconds:.1f}",
            f"{versus.seconds / watch.seconds:.1f}" if versus else "",
        ]

    n_kpis = len(env.ref("crm_performance.plan_salesperson").line_ids)
    return [
        row(f"crm_performance: generate ({n_kpis} KPIs)", generations, plan_one, starts),
        row("crm_performance: recompute, nothing changed", ours_same, plan_one, game_same),
        row("crm_performance: recompute, every line changed", ours_changed, plan_one, game_changed),
        row("gamification: start challenge (7 KPIs)", starts, raw7_one),
        row("gamification: _update_all, nothing changed", game_same, raw7_one),
        row("gamification: _update_all, every goal changed", game_changed, raw7_one),
        row("raw SQL: 7 KPIs, a query each", [raw7_each], raw7_one),
        row("raw SQL: 7 KPIs, one query", [raw7_one], raw7_one),
        row(f"raw SQL: plan's {len(PLAN_MEASURES)} measures, a query each", [plan_each], plan_one),
        row(f"raw SQL: plan's {len(PLAN_MEASURES)} measures, one query", [plan_one], plan_one),
    ]


def _profiler(path):
    if not path:
        return None
    from pyinstrument import Profiler

    return Profiler()


def main(argv=None):
    args = parse_args(argv)
    with scratch_copy(args.db) as db, environment(db, commit=True) as env:
        month, quarter, year = spans(env)
        plan = env.ref("crm_performance.plan_salesperson")
        plan.employee_ids = env["hr.employee"].search([("job_id.name", "=", "Salesperson (bench)")])
        # the KPI computation, as gamification and raw SQL compute it: bench_signals.py times
        # what the integrity signals add
        switch_signals(env, False)
        rows = run_span(env, "month", month, args.repeat, args.profile)
        rows += run_span(env, "quarter", quarter, args.repeat)
        rows += run_span(env, "year", year, args.repeat)
    print()
    print_table(
        ["span", "what", "seconds", "queries", "x one-query floor", "gamification / ours"],
        rows,
    )
    print(
        "\nx one-query floor: crm_performance against the standard plan's measures in one query,"
        "\ngamification and the 7-KPI queries against the 7 KPIs in one query."
        "\ngamification / ours: how many times faster crm_performance is; generate vs starting the"
        "\nchallenge, recompute vs _update_all in the same situation (nothing changed / all changed)."
    )


if __name__ == "__main__":
    main()
