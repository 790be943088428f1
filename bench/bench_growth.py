"""How the cost grows with the company: a month's generation, its full recompute and the live
recompute of one salesperson, at several sizes of the same shape.

    python bench/bench_growth.py --db crmperf_bench crmperf_large [--repeat 5] [--json F] [--png F]

Each database is made by make_dataset.py with the same leads per salesperson-month (2 000 leads
per salesperson over the 12 months: ``--users 50 --leads 100000``, ``--users 500 --leads
1000000``, ``--users 2000 --leads 4000000``). In a scratch copy of each, for the dataset's last
month and the standard Salesperson plan on every salesperson, integrity signals off (as
``bench_compute.py``):

- ``generate``: ``crm.appraisal._generate`` of the month (appraisals created and computed);
- ``recompute``: ``_compute_scores`` of every appraisal, nothing changed since, then with every
  line's results blanked first (every line rewritten);
- ``live``: a salesperson wins an open opportunity of the month (two ORM writes, committed: the
  commit marks their month), then the live job (``_cron_recompute_live``) recomputes that one
  month; the won deals of their appraisal must go up by one (**asserted**). A different
  salesperson each run.
- ``live_batch``: 25 salespeople win a deal each, then one run of the live job recomputes their
  25 months (nothing left marked, **asserted**); shown per salesperson: what each salesperson
  after the first costs when a sales floor is busy.
- ``live_gamification``, the anchor: Odoo's gamification refreshing one salesperson's goals
  after a win (a challenge of the month on the 7 count/sum KPIs both can express, in batch mode,
  as ``bench_compute.py``; the salesperson's goals found and ``update_goal``: its won deals
  must go up by one, **asserted**). A different salesperson each run.
- ``live_floor``: the one-query floor of one salesperson's month (``bench_compute.raw_one_query``
  of the plan's measures for that salesperson alone).

Medians of ``--repeat`` runs (wall seconds, SQL queries). The figures of each size are kept in
``--json`` (by number of salespeople, so sizes can be run at different times) and ``--png`` plots
every size kept there.
"""

import argparse
import json
import os
from datetime import datetime, timedelta
from pathlib import Path

from bench_compute import PLAN_MEASURES, challenge, goal_definitions, raw_one_query, reset_lines, spans
from benchlib import Stopwatch, environment, print_table, scratch_copy, switch_signals

HERE = Path(__file__).resolve().parent
SERIES = (
    ("generate", "generate", (31, 119, 180)),
    ("recompute, nothing changed", "recompute_same", (44, 160, 44)),
    ("recompute, every line changed", "recompute_changed", (255, 127, 14)),
    ("live recompute of one salesperson", "live", (214, 39, 40)),
    ("live recompute, 25 at once (per salesperson)", "live_batch", (148, 103, 189)),
    ("gamification: one salesperson's goals", "live_gamification", (140, 86, 75)),
    ("floor: one salesperson in one query", "live_floor", (127, 127, 127)),
)
AT_ONCE = 25


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--db", nargs="+", default=[])
    parser.add_argument("--repeat", type=int, default=5, help="runs of every timing; the median is shown")
    parser.add_argument("--json", default=str(HERE / "growth.json"), help="figures kept by size")
    parser.add_argument("--png", default=str(HERE / "growth.png"), help="the plot of every size kept")
    return parser.parse_args(argv)


def median(watches):
    ordered = sorted(watches, key=lambda watch: watch.seconds)
    return {"seconds": ordered[len(ordered) // 2].seconds, "queries": ordered[len(ordered) // 2].queries}


def win_one(env, month, user):
    """``user`` wins one of their open opportunities created in ``month``, an hour after its
    creation (as a salesperson does, the won stage first, the closing date after), committed."""
    lead = env["crm.lead"].search(
        [
            ("user_id", "=", user.id),
            ("type", "=", "opportunity"),
            ("won_status", "=", "pending"),
            ("create_date", ">=", datetime(month.year, month.month, 1)),
            ("create_date", "<", datetime(month.year, month.month, 1) + timedelta(days=27)),
        ],
        limit=1,
    )
    assert lead, f"{user.name} has an open opportunity created in {month}"
    won = env["crm.stage"].search([("is_won", "=", True)], limit=1)
    lead.write({"stage_id": won.id})
    lead.write({"date_closed": lead.create_date + timedelta(hours=1)})
    env.cr.commit()  # the commit marks the month (needs_recompute)


def measure(env, repeat):
    month = spans(env)[0]
    plan = env.ref("crm_performance.plan_salesperson")
    plan.employee_ids = env["hr.employee"].search([("job_id.name", "=", "Salesperson (bench)")])
    switch_signals(env, False)
    period = env["crm.appraisal.period"].create({"period_type": "month", "date_from": month})
    env.cr.commit()
    Appraisal = env["crm.appraisal"]
    generations, appraisals = [], Appraisal
    for _run in range(repeat):
        appraisals.unlink()
        env.cr.commit()
        env.invalidate_all()
        with Stopwatch(env) as watch:
            appraisals = Appraisal._generate(period)
        generations.append(watch)
        env.cr.commit()
    same, changed = [], []
    for _run in range(repeat):
        env.invalidate_all()
        with Stopwatch(env) as watch:
            appraisals._compute_scores()
        same.append(watch)
        env.cr.commit()
        reset_lines(env, appraisals)
        env.cr.commit()
        env.invalidate_all()
        with Stopwatch(env) as watch:
            appraisals._compute_scores()
        changed.append(watch)
        env.cr.commit()
    won_deals = env.ref("crm_performance.kpi_won_deals")
    live = []
    for run in range(repeat):
        appraisal = appraisals[run * len(appraisals) // repeat]
        line = appraisal.line_ids.filtered(lambda line: line.kpi_id == won_deals)
        before = line.actual
        win_one(env, month, appraisal.user_id)
        env.invalidate_all()
        assert appraisal.needs_recompute, "the commit marked the month"
        with Stopwatch(env) as watch:
            Appraisal._cron_recompute_live()
        live.append(watch)
        env.cr.commit()
        env.invalidate_all()
        assert line.actual == before + 1 and not appraisal.needs_recompute, "the live job counted the win"
    batches = []
    for run in range(repeat):
        for appraisal in appraisals[run :: len(appraisals) // AT_ONCE][:AT_ONCE]:
            win_one(env, month, appraisal.user_id)
        env.invalidate_all()
        with Stopwatch(env) as watch:
            Appraisal._cron_recompute_live()
        batches.append(watch)
        env.cr.commit()
        assert not Appraisal.search_count([("needs_recompute", "=", True)]), "the live job left none marked"
    batch = median(batches)
    refreshed, floor = anchors(env, month, period, appraisals, repeat)
    leads = env["crm.lead"].with_context(active_test=False).search_count([])
    return {
        "salespeople": len(appraisals),
        "leads": leads,
        "generate": median(generations),
        "recompute_same": median(same),
        "recompute_changed": median(changed),
        "live": median(live),
        "live_batch": {"seconds": batch["seconds"] / AT_ONCE, "queries": batch["queries"]},
        "live_gamification": median(refreshed),
        "live_floor": median(floor),
        "spread": {
            "generate": [round(w.seconds, 3) for w in generations],
            "live": [round(w.seconds, 4) for w in live],
        },
        "taken": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "load": [f"{load:.1f}" for load in os.getloadavg()],
    }


def anchors(env, month, period, appraisals, repeat):
    """The live recompute's anchors, a different salesperson each run (none measured before):
    gamification refreshing the salesperson's goals after a win, and the one-query floor of the
    salesperson's month. Returns (refreshes, floors)."""
    definitions = goal_definitions(env)
    gamification = challenge(env, definitions, appraisals.user_id, month, period.date_to)
    gamification.action_start()
    env.cr.commit()
    Goal = env["gamification.goal"]
    start = datetime(month.year, month.month, 1)
    stop = datetime.combine(period.date_to + timedelta(days=1), datetime.min.time())
    refreshes, floors = [], []
    for run in range(repeat):
        user = appraisals[(run * len(appraisals) // repeat + 1) % len(appraisals)].user_id
        won = Goal.search(
            [
                ("challenge_id", "=", gamification.id),
                ("user_id", "=", user.id),
                ("definition_id", "=", definitions["won_deals"].id),
            ]
        )
        before = won.current
        win_one(env, month, user)
        env.invalidate_all()
        with Stopwatch(env) as watch:
            Goal.search([("challenge_id", "=", gamification.id), ("user_id", "=", user.id)]).update_goal()
        refreshes.append(watch)
        env.cr.commit()
        env.invalidate_all()
        assert won.current == before + 1, "gamification counted the win"
        params = {
            "users": [user.id],
            "start": start,
            "stop": stop,
            "day_from": month,
            "day_to": period.date_to,
        }
        with Stopwatch(env) as watch:
            raw_one_query(env.cr, PLAN_MEASURES, params)
        floors.append(watch)
    return refreshes, floors


def table(figures):
    """Each series at each size: its time, its queries, its time against the smallest size's, and
    that growth against the growth in salespeople (1: linear; below 1: better than linear)."""
    rows = []
    sizes = sorted(figures.values(), key=lambda size: size["salespeople"])
    base = sizes[0]
    for label, key, _colour in SERIES:
        for size in sizes:
            seconds = size[key]["seconds"]
            growth = seconds / base[key]["seconds"]
            rows.append(
                [
                    label,
                    size["salespeople"],
                    f"{size['leads']:,}".replace(",", " "),
                    f"{seconds * 1000:.1f}",
                    size[key]["queries"],
                    f"{growth:.2f}",
                    f"{growth / (size['salespeople'] / base['salespeople']):.2f}",
                ]
            )
    print_table(
        ["what", "salespeople", "leads", "ms", "queries", "x smallest", "x smallest / x salespeople"],
        rows,
    )


def plot(figures, path):
    """Seconds against salespeople, both axes logarithmic: linear growth is a line of slope 1
    (the grey guides), better than linear is flatter."""
    import math

    from PIL import Image, ImageDraw

    sizes = sorted(figures.values(), key=lambda size: size["salespeople"])
    width, height, left, right, top, bottom = 960, 600, 90, 330, 40, 70
    xs = [size["salespeople"] for size in sizes]
    ys = [size[key]["seconds"] for size in sizes for _label, key, _colour in SERIES]
    x_lo, x_hi = math.log10(min(xs)) - 0.1, math.log10(max(xs)) + 0.1
    y_lo, y_hi = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))

    def point(x, y):
        px = left + (math.log10(x) - x_lo) / (x_hi - x_lo) * (width - left - right)
        py = height - bottom - (math.log10(y) - y_lo) / (y_hi - y_lo) * (height - top - bottom)
        return px, py

    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    for exponent in range(y_lo, y_hi + 1):
        _x, y = point(xs[0], 10**exponent)
        draw.line([(left, y), (width - right, y)], fill=(225, 225, 225))
        draw.text((10, y - 6), f"{10**exponent:g} s", fill="black")
    for x in xs:
        px, _y = point(x, 10**y_lo)
        draw.line([(px, top), (px, height - bottom)], fill=(225, 225, 225))
        draw.text((px - 12, height - bottom + 8), str(x), fill="black")
    draw.text(
        (left + 160, height - 30), "salespeople (2 000 leads each over 12 months), log scale", fill="black"
    )
    draw.text((left, 12), "A month's appraisals: seconds against company size (log-log)", fill="black")
    for k, (label, key, colour) in enumerate(SERIES):
        points = [point(size["salespeople"], size[key]["seconds"]) for size in sizes]
        first = sizes[0]
        guide = [point(x, first[key]["seconds"] * x / first["salespeople"]) for x in (xs[0], xs[-1])]
        draw.line(guide, fill=(190, 190, 190), width=1)
        draw.line(points, fill=colour, width=3)
        for px, py in points:
            draw.ellipse([px - 4, py - 4, px + 4, py + 4], fill=colour)
        legend_y = top + 20 + 22 * k
        draw.line([(width - right + 20, legend_y), (width - right + 50, legend_y)], fill=colour, width=3)
        draw.text((width - right + 58, legend_y - 6), label, fill="black")
    legend_y = top + 20 + 22 * len(SERIES)
    draw.line([(width - right + 20, legend_y), (width - right + 50, legend_y)], fill=(190, 190, 190))
    draw.text((width - right + 58, legend_y - 6), "linear growth from the smallest size", fill="black")
    image.save(path)


def main(argv=None):
    args = parse_args(argv)
    json_path = Path(args.json)
    figures = json.loads(json_path.read_text()) if json_path.exists() else {}
    for db in args.db:
        with scratch_copy(db) as copy, environment(copy, commit=True) as env:
            size = measure(env, args.repeat)
        figures[str(size["salespeople"])] = size
        json_path.write_text(json.dumps(figures, indent=1, sort_keys=True) + "\n")
        print(f"{db}: {size['salespeople']} salespeople measured (load average {' '.join(size['load'])})")
    if figures:
        table(figures)
        plot(figures, args.png)
        print(f"\nplot: {args.png}")


if __name__ == "__main__":
    main()
