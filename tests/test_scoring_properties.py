"""Property-based tests of the pure scoring rules (crm_performance/tools/scoring.py).

The module has no Odoo import, so it is loaded by path and hypothesis throws thousands of
inputs at it: monotonic in achievement, bounded by the cap, weights that sum to 100 give a
total within the line scores, lower-is-better mirrors higher-is-better, zero and huge
targets, and never a NaN or an infinity out, whatever comes in.
"""

import importlib.util
import math
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

_SPEC = importlib.util.spec_from_file_location(
    "crm_performance_scoring", Path(__file__).resolve().parent.parent / "crm_performance/tools/scoring.py"
)
scoring = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(scoring)

settings.register_profile("crm_performance", max_examples=300, deadline=None, database=None)
settings.load_profile("crm_performance")

# what a float field can hold: anything, NaN and infinities included
any_float = st.floats(allow_nan=True, allow_infinity=True)
positive = st.floats(min_value=1e-9, max_value=1e15)
amount = st.floats(min_value=0, max_value=1e15)
cap = st.floats(min_value=1e-3, max_value=1e4)
direction = st.sampled_from(["higher", "lower"])
bands = st.lists(st.tuples(st.floats(0, 1000), st.floats(0, 100)), max_size=6)


def finite_or_none(value):
    return value is None or (math.isfinite(value) and value >= 0)


@given(any_float, any_float, direction, cap)
def test_achievement_is_never_nan_inf_or_negative(actual, target, way, limit):
    ratio = scoring.achievement(actual, target, way, limit)
    assert finite_or_none(ratio)
    if ratio is not None:
        assert math.isfinite(100.0 * ratio), "stored as a percentage, it must stay finite"


@given(any_float, any_float, any_float, any_float, any_float, bands)
def test_scores_are_never_nan_or_inf(ratio, floor, limit, points, occurrences, table):
    ratio = ratio if math.isfinite(ratio) and ratio >= 0 else None
    limit = abs(limit) if math.isfinite(limit) and limit else 120.0
    for score in (
        scoring.linear_score(ratio, floor, limit),
        scoring.banded_score(ratio, table),
        scoring.deduction_score(occurrences, 100.0, 4.0),
        scoring.manual_score(points, 10.0),
    ):
        assert math.isfinite(score)
        assert score >= 0


@given(amount, amount, positive, cap)
def test_higher_is_better_is_monotonic(first, second, target, limit):
    low, high = sorted((first, second))
    assert scoring.achievement(low, target, "higher", limit) <= scoring.achievement(
        high, target, "higher", limit
    )
    floor = 0.0
    assert scoring.linear_score(
        scoring.achievement(low, target, "higher", limit), floor, limit
    ) <= scoring.linear_score(scoring.achievement(high, target, "higher", limit), floor, limit)


@given(amount, amount, positive, cap)
def test_lower_is_better_is_antitonic(first, second, target, limit):
    low, high = sorted((first, second))
    assert scoring.achievement(low, target, "lower", limit) >= scoring.achievement(
        high, target, "lower", limit
    ) or (low == 0 and scoring.achievement(low, target, "lower", limit) == limit / 100.0)


@given(positive, positive, cap)
def test_lower_is_better_mirrors_higher_is_better(actual, target, limit):
    # target ÷ actual (lower is better) is the ratio the higher rule gives with the roles swapped
    assert math.isclose(
        scoring.achievement(actual, target, "lower", limit),
        scoring.achievement(target, actual, "higher", limit),
        rel_tol=1e-12,
    )


@given(direction, cap)
def test_nothing_to_complain_about_is_worth_the_cap(way, limit):
    assert scoring.achievement(0.0, 10.0, "lower", limit) == limit / 100.0
    assert scoring.achievement(0.0, 10.0, "higher", limit) == 0.0


@given(any_float, st.sampled_from([0.0, -0.0, -1.0, -1e300, None]), direction, cap)
def test_zero_or_negative_target_has_no_achievement(actual, target, way, limit):
    assert scoring.achievement(actual, target, way, limit) is None
    assert scoring.linear_score(None, 0.0, limit) == 0.0


@given(amount, st.floats(min_value=1e15, max_value=1e300), direction, cap)
def test_huge_targets_stay_finite(actual, target, way, limit):
    ratio = scoring.achievement(actual, target, way, limit)
    assert finite_or_none(ratio)
    assert 0.0 <= scoring.linear_score(ratio, 0.0, limit) <= limit * (1 + 1e-12)


@given(st.floats(min_value=0, max_value=1e6), st.floats(min_value=0, max_value=1e4), cap)
def test_linear_score_is_bounded_by_the_cap(ratio, floor, limit):
    score = scoring.linear_score(ratio, floor, limit)
    assert 0.0 <= score <= limit * (1 + 1e-12)
    if ratio * 100.0 < floor:
        assert score == 0.0


@given(st.lists(st.floats(min_value=0.01, max_value=100), min_size=1, max_size=12), st.data())
def test_weights_summing_to_100_keep_the_total_within_the_line_scores(raw_weights, data):
    weights = [100.0 * weight / sum(raw_weights) for weight in raw_weights]
    scores = data.draw(
        st.lists(st.floats(min_value=0, max_value=150), min_size=len(weights), max_size=len(weights))
    )
    total = sum(scoring.weighted(weight, score) for weight, score in zip(weights, scores, strict=True))
    assert min(scores) - 1e-6 <= total <= max(scores) + 1e-6
    same = sum(scoring.weighted(weight, scores[0]) for weight in weights)
    assert math.isclose(same, scores[0], rel_tol=1e-9, abs_tol=1e-9)


@given(st.floats(min_value=0, max_value=1e6), st.floats(min_value=0.01, max_value=1e6), st.floats(0, 1e6))
def test_deduction_floors_at_zero_and_counts_half_days(occurrences, max_points, penalty):
    score = scoring.deduction_score(occurrences, max_points, penalty)
    assert 0.0 <= score <= 100.0 + 1e-9
    assert score == scoring.deduction_score(math.ceil(occurrences), max_points, penalty)


@given(any_float, st.floats(min_value=0.01, max_value=1e6))
def test_manual_score_is_within_0_and_100(points, max_points):
    assert 0.0 <= scoring.manual_score(points, max_points) <= 100.0 + 1e-9


@given(st.floats(min_value=-1e6, max_value=1e6), bands)
def test_grade_and_bands_follow_the_thresholds(total, table):
    named = [(minimum, f"G{index}") for index, (minimum, _points) in enumerate(table)]
    name = scoring.grade(total, named)
    reached = [minimum for minimum, _name in named if total >= minimum]
    if not reached:
        assert name is False
    else:
        assert {n: m for m, n in named}[name] == max(reached), "the highest band reached"
    low, high = sorted((total / 1e4, abs(total) / 1e4))
    assert scoring.banded_score(max(low, 0), table) <= scoring.banded_score(max(high, 0), table)
