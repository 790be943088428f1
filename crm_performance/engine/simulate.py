"""What-if of a plan on past months: the stored figures of its appraisals scored again under
changed weights, rules, floors, caps, targets and grade bands, through ``engine.score``, beside
the plan as it is; with the pay each would give under the pay rule. Nothing is stored."""

import dataclasses
from collections import Counter, defaultdict
from decimal import Decimal

from . import pay, score


@dataclasses.dataclass(frozen=True)
class Month:
    """One stored monthly appraisal: whose (``employee``), which month, and its lines' figures as
    ``(plan line id, actual or None, target, manual points, occurrences counted, entered)``."""

    employee: int
    month: object
    lines: tuple


@dataclasses.dataclass(frozen=True)
class Plan:
    """A plan as the engine scores it: ``{plan line id: LineRule}`` (in the plan's order), grade
    bands ``(min score, name)``, target factors ``{plan line id: factor}`` and how missing months
    count ("zero" or "skip")."""

    rules: dict
    bands: tuple
    target_factors: dict = dataclasses.field(default_factory=dict)
    missing: str = "zero"


def score_month(month, plan, stored=float):
    """Totals of ``month`` under ``plan`` (lines the plan no longer has do not count)."""
    order = list(plan.rules)
    inputs = sorted(
        (line for line in month.lines if line[0] in plan.rules), key=lambda line: order.index(line[0])
    )
    return score.score_appraisal(
        [
            (
                plan.rules[line_id],
                actual,
                target * plan.target_factors.get(line_id, 1.0),
                points,
                count,
                entered,
            )
            for line_id, actual, target, points, count, entered in inputs
        ],
        plan.bands,
        stored,
    )[1]


@dataclasses.dataclass(frozen=True)
class Outcome:
    """An employee over the months simulated under one plan: the total and grade (as a roll-up
    of the months) and each month's ``(total, completion rate, grade)``."""

    total_score: float
    grade: str
    monthly: tuple


def outcome(months, plan, month_count, stored=float):
    monthly = [score_month(month, plan, stored) for month in months]
    rolled = score.rollup(
        [(totals["total_score"], totals["completion_rate"]) for totals in monthly],
        month_count,
        plan.missing,
        plan.bands,
    )
    return Outcome(
        total_score=rolled["total_score"],
        grade=rolled["grade"] or "",
        monthly=tuple((t["total_score"], t["completion_rate"], t["grade"] or "") for t in monthly),
    )


def pay_of(monthly, pay_base, pay_rule=None):
    """The pay of the months ``monthly`` (``Outcome.monthly``) for a monthly ``pay_base``."""
    pay_rule = pay_rule or pay.PayRule()
    return sum(
        (
            pay.compute_pay(pay_rule, pay_base, total, completion).monthly_pay
            for total, completion, _g in monthly
        ),
        Decimal(0),
    )


def simulate(months, current, simulated, month_count, stored=float):
    """Each employee of ``months`` under the ``current`` and the ``simulated`` plan:
    ``{employee: (current Outcome, simulated Outcome)}`` over ``month_count`` months; and the
    grade distribution of the months, ``{grade: (current count, simulated count)}``."""
    by_employee = defaultdict(list)
    for month in months:
        by_employee[month.employee].append(month)
    people = {
        employee: tuple(outcome(employee_months, plan, month_count, stored) for plan in (current, simulated))
        for employee, employee_months in by_employee.items()
    }
    before = Counter(month[2] for now, _then in people.values() for month in now.monthly)
    after = Counter(month[2] for _now, then in people.values() for month in then.monthly)
    grades = [name for _minimum, name in sorted(set(current.bands) | set(simulated.bands), reverse=True)]
    grades += sorted((set(before) | set(after)) - set(grades))
    return people, {grade: (before[grade], after[grade]) for grade in dict.fromkeys(grades)}
