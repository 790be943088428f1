"""The engine (``crm_performance/engine``) on plain values, computed by hand, without a database.

The addon's own ``__init__`` imports its models, so the engine is imported as a package of the
addon's directory (its ``tools`` come along).
"""

import importlib
import sys
import types
from pathlib import Path

import pytest

ADDON = Path(__file__).resolve().parent.parent / "crm_performance"
PACKAGE = "crm_performance_pure"


def load(name):
    """The engine module ``name`` (``"engine.score"``), imported from the addon's files."""
    if PACKAGE not in sys.modules:
        package = types.ModuleType(PACKAGE)
        package.__path__ = [str(ADDON)]
        sys.modules[PACKAGE] = package
    return importlib.import_module(f"{PACKAGE}.{name}")


score = load("engine.score")
LineRule = score.LineRule

BANDS = [(90.0, "A"), (75.0, "B"), (60.0, "C"), (0.0, "D")]


def test_linear_line_capped_and_floored():
    rule = LineRule(weight=40.0, cap=120.0, floor=50.0)
    values = score.score_line(rule, 150.0, 100.0)
    # achievement 150 % capped at 120 %: score 120, weighted 40 x 120 / 100 = 48
    assert (values["achievement"], values["score"], values["weighted_score"]) == (150.0, 120.0, 48.0)
    assert score.score_line(rule, 49.0, 100.0)["score"] == 0.0  # 49 % is under the 50 % floor
    assert score.score_line(rule, 50.0, 100.0)["score"] == 50.0


def test_lower_is_better_and_bands():
    rule = LineRule(weight=20.0, direction="lower", rule="banded", bands=((100.0, 100.0), (80.0, 60.0)))
    # target 10 days, actual 12: achievement 10 / 12 = 83.3 % -> band 80 % -> 60 points
    values = score.score_line(rule, 12.0, 10.0)
    assert values["achievement"] == pytest.approx(83.3333333)
    assert (values["score"], values["weighted_score"]) == (60.0, 12.0)


def test_entered_items_and_notes():
    manual = LineRule(weight=10.0, rule="manual", max_points=20.0)
    assert score.score_line(manual, None, 0.0, 15.0, 0.0, True)["score"] == 75.0
    not_entered = score.score_line(manual, None, 0.0, 15.0, 0.0, False)
    assert (not_entered["has_data"], not_entered["score"], not_entered["note"]) == (
        False,
        0.0,
        ("not_entered", {}),
    )
    deduction = LineRule(weight=30.0, rule="deduction", max_points=100.0, penalty=4.0)
    values = score.score_line(deduction, None, 0.0, 0.0, 1.5, True)
    # 1.5 days count 2: 100 - 2 x 4 = 92
    assert (values["actual"], values["score"]) == (2.0, 92.0)
    assert values["note"] == ("counted_as", {"entered": "1.5", "counted": "2"})
    assert score.score_line(LineRule(weight=5.0), 3.0, 0.0)["note"] == ("no_target", {})
    assert score.score_line(LineRule(weight=5.0), None, 4.0)["note"] == ("no_data", {})


def test_appraisal_total_grade_and_completion():
    lines = [
        (LineRule(weight=50.0, is_completion=True), 90.0, 100.0, 0.0, 0.0, False),
        (LineRule(weight=20.0), 30.0, 20.0, 0.0, 0.0, False),
        (LineRule(weight=30.0, rule="deduction", penalty=4.0), None, 0.0, 0.0, 1.0, True),
    ]
    results, totals = score.score_appraisal(lines, BANDS)
    # 50 x 0.9 + 20 x 1.2 (150 % capped at 120 %) + 30 x 0.96 = 45 + 24 + 28.8 = 97.8
    assert [r["weighted_score"] for r in results] == [45.0, 24.0, pytest.approx(28.8)]
    assert totals == {
        "total_score": pytest.approx(97.8),
        "computed_total": pytest.approx(97.8),
        "grade": "A",
        "completion_rate": 90.0,
    }


def test_totals_add_the_stored_figures():
    # 33.335 is stored as 33.34 (two decimals): the total adds what the lines show
    lines = [({"weighted_score": 33.335, "achievement": 0.0}, False)] * 3
    assert score.totals(lines, BANDS, lambda value: round(value + 1e-9, 2))["total_score"] == pytest.approx(
        100.02
    )


def test_rollup_counts_missing_months_or_skips_them():
    months = [(90.0, 110.0), (60.0, 70.0)]
    assert score.rollup(months, 3, "zero", BANDS) == {
        "total_score": 50.0,
        "computed_total": 50.0,
        "grade": "D",
        "completion_rate": 60.0,
    }
    assert score.rollup(months, 3, "skip", BANDS)["total_score"] == 75.0
    assert score.rollup(months, 3, "skip", BANDS)["grade"] == "B"
    assert score.rollup([], 3, "skip", BANDS)["total_score"] == 0.0
