"""From a plan's lines and the month's figures to line results, a total and a grade.

The appraisals (``crm.appraisal._score_month``, ``_compute_totals``, ``_compute_rollup``), the
forecast and the what-if of a plan all score through these functions: what a simulation shows
is what an appraisal would store.
"""

import dataclasses

from ..tools import scoring

ENTERED_RULES = ("manual", "deduction")
# what a line says about its figure, translated by the model that stores or shows it
NO_TARGET, NO_DATA, NOT_ENTERED, COUNTED_AS = "no_target", "no_data", "not_entered", "counted_as"


@dataclasses.dataclass(frozen=True)
class LineRule:
    """How one plan line turns its figure into a score (floor, cap and bands in %)."""

    weight: float
    rule: str = "linear"
    direction: str = "higher"
    cap: float = 120.0
    floor: float = 0.0
    bands: tuple = ()
    max_points: float = 100.0
    penalty: float = 0.0
    is_completion: bool = False


def score_line(line_rule, actual, target, manual_points=0.0, occurrences=0.0, entered=False):
    """Result values of an appraisal line under ``line_rule``.

    A measured line scores ``actual`` (None: no data) against ``target``; a manual line the
    points entered, a deduction line the occurrences entered (every started one counts); an
    item not entered has no data and no score. ``note`` is False or ``(code, params)``.
    """
    rule = line_rule.rule
    ratio, note, score = None, False, 0.0
    if rule in ENTERED_RULES and not entered:
        actual, target, note = None, line_rule.max_points if rule == "manual" else 0.0, (NOT_ENTERED, {})
    elif rule == "manual":
        actual, target = manual_points, line_rule.max_points
        score = scoring.manual_score(manual_points, line_rule.max_points)
    elif rule == "deduction":
        actual, target = scoring.counted_occurrences(occurrences), 0.0
        score = scoring.deduction_score(occurrences, line_rule.max_points, line_rule.penalty)
        if actual != occurrences:
            note = (COUNTED_AS, {"entered": f"{occurrences:g}", "counted": f"{actual:g}"})
    else:
        ratio = scoring.achievement(actual, target, line_rule.direction, line_rule.cap)
        if not target:
            note = (NO_TARGET, {})
        elif actual is None:
            note = (NO_DATA, {})
        if rule == "banded":
            score = scoring.banded_score(ratio, line_rule.bands)
        else:
            score = scoring.linear_score(ratio, line_rule.floor, line_rule.cap)
    return {
        "weight": line_rule.weight,
        "target": target or 0.0,
        "actual": actual or 0.0,
        "has_data": actual is not None,
        "achievement": 100.0 * ratio if ratio is not None else 0.0,
        "score": score,
        "weighted_score": scoring.weighted(line_rule.weight, score),
        "note": note,
    }


def stored_inputs(line_rule, actual, has_data, target, manual_points):
    """The inputs of ``score_line`` a stored appraisal line gives back: its actual (None without
    data), target and points; a deduction's actual is the occurrences counted, which score as
    entered; an entered item counts once it has data."""
    return (
        line_rule,
        actual if has_data else None,
        target or 0.0,
        manual_points or 0.0,
        actual or 0.0,
        bool(has_data),
    )


def totals(lines, bands, stored=float):
    """Total, grade and plan completion of an appraisal: the one place they are made.

    ``lines`` are ``(result values, is_completion)`` in the appraisal's order; ``stored`` turns
    a figure into what the database keeps (rounded to the field's digits), so that the total is
    the sum of the weighted scores as shown.
    """
    lines = list(lines)
    total = sum(stored(values["weighted_score"]) for values, _completion in lines)
    completion = [stored(values["achievement"]) for values, is_completion in lines if is_completion]
    return {
        "total_score": total,
        "computed_total": total,
        "grade": scoring.grade(total, bands),
        "completion_rate": completion[0] if completion else 0.0,
    }


def score_appraisal(line_inputs, bands, stored=float):
    """Score one appraisal: ``line_inputs`` are ``(LineRule, actual, target, manual points,
    occurrences, entered)`` in the appraisal's order. Returns the lines' result values (same
    order) and the totals."""
    results = [score_line(*line_input) for line_input in line_inputs]
    rules = [line_input[0] for line_input in line_inputs]
    return results, totals(zip(results, (r.is_completion for r in rules), strict=True), bands, stored)


def rollup(monthly, month_count, missing, bands):
    """Quarter or year from its months' ``(total score, completion rate)``: the mean over the
    months of the span (``missing`` = "zero": an absent month counts 0) or over the months
    present ("skip")."""
    divisor = month_count if missing == "zero" else len(monthly)
    total = sum(score for score, _completion in monthly) / divisor if divisor else 0.0
    completion = sum(rate for _score, rate in monthly) / divisor if divisor else 0.0
    return {
        "total_score": total,
        "computed_total": total,
        "grade": scoring.grade(total, bands),
        "completion_rate": completion,
    }
