"""The engine (``crm_performance/engine``) on plain values, computed by hand, without a database.

The addon's own ``__init__`` imports its models, so the engine is imported as a package of the
addon's directory (its ``tools`` come along).
"""

import dataclasses
import importlib
import json
import sys
import types
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from crm_performance_sync import config, payrule

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


spans = load("engine.spans")
measure = load("engine.measure")


def test_spans_compared_trailing_and_local_days():
    quarter = (date(2025, 4, 1), date(2025, 6, 30))
    assert spans.compared_span(*quarter) == (date(2025, 1, 1), date(2025, 3, 31))
    assert spans.compared_span(date(2025, 3, 1), date(2025, 3, 31)) == (date(2025, 2, 1), date(2025, 2, 28))
    assert spans.compared_span(*quarter, "last_year") == (date(2024, 4, 1), date(2024, 6, 30))
    # ten days compare with the ten before
    assert spans.compared_span(date(2025, 3, 11), date(2025, 3, 20)) == (date(2025, 3, 1), date(2025, 3, 10))
    assert spans.trailing_months(date(2025, 3, 31), 12) == (date(2024, 4, 1), date(2025, 3, 31))
    assert spans.trailing_months(date(2025, 3, 31), 1) == (date(2025, 3, 1), date(2025, 3, 31))
    # March in Shanghai (UTC+8) starts at 16:00 UTC on the last day of February
    assert spans.utc_bounds(date(2025, 3, 1), date(2025, 3, 31), "Asia/Shanghai") == (
        datetime(2025, 2, 28, 16, 0),
        datetime(2025, 3, 31, 16, 0),
    )
    # New York changes to summer time on 9 March 2025: UTC-5 at the start, UTC-4 at the end
    assert spans.utc_bounds(date(2025, 3, 1), date(2025, 3, 31), "America/New_York") == (
        datetime(2025, 3, 1, 5, 0),
        datetime(2025, 4, 1, 4, 0),
    )


def test_ratios_and_growths_from_their_parts():
    # 3 of 4, nothing of nothing (no entry), a denominator without numerator (no entry)
    assert measure.ratio({1: 3.0, 2: 0.0}, {1: 4.0, 2: 0.0, 3: 5.0}) == {1: 75.0}
    # 10 -> 15 is +50 %; 4 -> nothing is -100 %; nothing to compare with: no entry
    assert measure.growth({1: 15.0, 2: 7.0}, {1: 10.0, 2: 0.0, 3: 4.0}) == {1: 50.0, 3: -100.0}
    assert measure.growth({1: -5.0}, {1: -10.0}) == {1: 50.0}  # a loss halved
    failed = measure.Unmeasured("a filter the database refuses")
    assert measure.ratio({1: 1.0}, failed) is failed
    assert measure.growth(failed, {1: 1.0}) is failed


forecast = load("engine.forecast")


def test_working_days_and_pace():
    # September 2026 starts on a Tuesday: 22 working days, 8 of them by Thursday the 10th
    assert forecast.working_days(date(2026, 9, 1), date(2026, 9, 30)) == 22
    assert forecast.working_days(date(2026, 9, 1), date(2026, 9, 10)) == 8
    assert forecast.working_days(date(2026, 9, 5), date(2026, 9, 6)) == 0  # a weekend
    assert forecast.pace_factor(date(2026, 9, 1), date(2026, 9, 30), date(2026, 9, 10)) == 22 / 8
    assert forecast.pace_factor(date(2026, 8, 1), date(2026, 8, 31), date(2026, 8, 1)) == 1.0  # a Saturday
    assert forecast.pace_factor(date(2026, 9, 1), date(2026, 9, 30), date(2026, 10, 2)) == 1.0


def test_pace_over_a_month_of_working_days():
    # on Thursday 10 September 14 of its 22 working days are left: the window takes the last 14
    # working days of August (Wednesday 12 to Monday 31)
    assert forecast.window_tail(date(2026, 9, 1), date(2026, 9, 30), date(2026, 9, 10)) == (
        date(2026, 8, 12),
        date(2026, 8, 31),
    )
    assert forecast.window_tail(date(2026, 9, 1), date(2026, 9, 30), date(2026, 9, 30)) is None
    assert forecast.window_tail(date(2026, 8, 1), date(2026, 8, 31), date(2026, 8, 1)) is None
    # 4 so far and 7 in August's 14 days: 11 in 22 working days, 7 more in the 14 left
    paced = forecast.forecast_source("pace", 4.0, factor=22 / 8, tail=7.0)
    assert (paced.forecast, paced.pace) == (11.0, 7.0)
    # nothing in August's days: the window's 4 give 4 x 14 / 22 more, not the own pace's 7
    assert forecast.forecast_source("pace", 4.0, factor=22 / 8, tail=0.0).forecast == 4.0 + 4.0 * 14 / 22
    assert forecast.forecast_source("pace", 4.0, factor=22 / 8).forecast == 11.0  # own pace alone


def test_slippage_weights_what_can_still_close():
    # past opportunities: closed 2 days early (2), on the day (3), 3 days late (2), 10 days late
    # (1), still open (2)
    slippage = forecast.Slippage({-2: 2, 0: 3, 3: 2, 10: 1, None: 2})
    sept_10, sept_30 = date(2026, 9, 10), date(2026, 9, 30)
    # due on the 20th, open on the 10th: all 10 were later than 10 days early, 8 closed by 10 late
    assert slippage.closing(date(2026, 9, 20), sept_10, sept_30) == 0.8
    # due on the 8th, 2 days overdue: of the 5 later than 2 days, 3 closed by 22 days late
    assert slippage.closing(date(2026, 9, 8), sept_10, sept_30) == 0.6
    # overdue by 12 days: only the never closed were as late
    assert slippage.closing(date(2026, 8, 29), sept_10, sept_30) == 0.0
    # the last day: nothing can close in the days left
    assert slippage.closing(date(2026, 9, 8), sept_30, sept_30) == 0.0
    assert slippage.closing(None, sept_30, sept_30) == 1.0  # no expected closing: counted as closing
    # no history: not yet due counts in full, overdue not at all
    assert forecast.Slippage({}).closing(date(2026, 9, 20), sept_10, sept_30) == 1.0
    assert forecast.Slippage({}).closing(date(2026, 9, 8), sept_10, sept_30) == 0.0
    rates = forecast.WinRates(
        [forecast.ClosedDeals(1, 10, 9, True, 1), forecast.ClosedDeals(1, 10, 1, False, 1)]
    )
    opportunities = [
        forecast.Opportunity(7, 1, 10, 1, 0.0, {"amount": 1000.0}, date(2026, 9, 20)),
        forecast.Opportunity(8, 1, 10, 1, 0.0, {"amount": 3000.0}, date(2026, 9, 8)),
        forecast.Opportunity(9, 1, 10, 1, 0.0, {"amount": 5000.0}, date(2026, 8, 29)),
    ]

    def closing(opportunity):
        return slippage.closing(opportunity.deadline, sept_10, sept_30)

    # 1 000 x 0.8 x 0.5 + 3 000 x 0.6 x 0.5 = 1 300; the one that cannot close is not counted
    assert forecast.expected(opportunities, rates, "won", "amount", closing) == {1: (1300.0, [7, 8])}
    assert forecast.expected(opportunities, rates, "closed", None, closing) == {1: (1.4, [7, 8])}


def test_win_rates_fall_back_from_salesperson_to_team_to_company():
    closed = [
        forecast.ClosedDeals(1, 10, 9, True, 4),
        forecast.ClosedDeals(1, 10, 1, False, 2),
        forecast.ClosedDeals(1, 10, 2, False, 2),
        forecast.ClosedDeals(2, 10, 9, True, 1),
        forecast.ClosedDeals(3, False, 2, False, 1),
    ]
    rates = forecast.WinRates(closed)
    assert rates.rate(1, 10, 1, 10.0) == (0.5, "salesperson")  # 4 won of 8 that reached stage 1
    assert rates.rate(1, 10, 2, 10.0) == (4 / 6, "salesperson")
    assert rates.rate(2, 10, 2, 10.0) == (5 / 7, "team")  # one deal of his own is too few
    assert rates.rate(4, 20, 2, 10.0) == (5 / 8, "company")
    assert forecast.WinRates([]).rate(4, 20, 2, 30.0) == (0.3, "stage")  # no history: the stage's own


def test_win_rates_from_the_time_spent_in_a_stage():
    # stage 1: won deals sat there 10 days (4 deals), lost ones 30 days (6 deals): 10 / 40
    times = [
        forecast.StageTime(1, 10, 1, True, 4, 10.0),
        forecast.StageTime(1, 10, 1, False, 6, 30.0),
        forecast.StageTime(2, 10, 2, True, 1, 2.0),
    ]
    closed = [forecast.ClosedDeals(1, 10, 9, True, 4), forecast.ClosedDeals(1, 10, 1, False, 6)]
    rates = forecast.WinRates(closed, times)
    assert rates.rate(1, 10, 1, 0.0) == (0.25, "salesperson")  # not 4 / 10 of the deals that reached it
    # stage 2: one deal of salesperson 2 is too few, but counts for the team and the company
    assert rates.rate(2, 10, 2, 0.0) == (1.0, "company")
    # no time in stage 3: the deals that reached it (4 won of 4: the company's, 4 are too few)
    assert rates.rate(1, 10, 3, 0.0) == (1.0, "company")


def test_arriving_deals_add_what_they_added_in_past_months():
    won = forecast.KpiSpec(1, "won", field="expected_revenue")
    closed = forecast.KpiSpec(2, "closed", types=("opportunity",))
    lost = forecast.KpiSpec(3, "lost")
    arrivals = [
        forecast.Arrivals(7, "opportunity", True, 3, {"expected_revenue": 6000.0}),
        forecast.Arrivals(7, "opportunity", False, 2, {"expected_revenue": 500.0}),
        forecast.Arrivals(7, "lead", False, 4, {"expected_revenue": 0.0}),
    ]
    # over 2 months: 3 000 won a month; 2.5 opportunities closed (leads left out); 3 lost
    assert forecast.arriving([won, closed, lost], arrivals, 2) == {1: {7: 3000.0}, 2: {7: 2.5}, 3: {7: 3.0}}
    added = forecast.forecast_source("won", 1000.0, (500.0, [5]), arriving=3000.0)
    assert (added.forecast, added.pipeline, added.arriving) == (4500.0, 500.0, 3000.0)


def test_the_day_stored_covers_whom_and_what_it_holds():
    arrivals = (
        forecast.Arrivals(7, "opportunity", True, 2, {"expected_revenue": 1200.0}),
        forecast.Arrivals(8, "lead", False, 1, {"expected_revenue": 0.0}),
    )
    day = forecast.DayInputs(
        frozenset({7, 8}), frozenset({1}), frozenset({"expected_revenue"}), arrivals, {1: {7: 3.0}}
    )
    assert day.covers(frozenset({7}), frozenset({1}), ["expected_revenue"])
    assert day.covers(frozenset({8}), frozenset(), None)
    assert not day.covers(frozenset({7, 9}), frozenset(), None), "someone appraised since"
    assert not day.covers(frozenset({7}), frozenset({1, 2}), None), "a pace KPI not stored"
    assert not day.covers(frozenset({7}), frozenset(), ["amount_total"]), "a sum not stored"
    # someone not appraised last month has no tail: their own pace
    assert day.of(frozenset({8})) == ({1: {}}, [arrivals[1]])
    assert day.of(frozenset({7})) == ({1: {7: 3.0}}, [arrivals[0]])
    # stored as JSON on the month: read back the same
    assert forecast.DayInputs.from_json(json.loads(json.dumps(day.to_json()))) == day
    without = forecast.DayInputs(frozenset({7}), frozenset(), None, None, {})
    assert without.covers(frozenset({7}), frozenset(), None)
    assert not without.covers(frozenset({7}), frozenset(), []), "no arrivals read: no pipeline KPI then"
    assert forecast.DayInputs.from_json(json.loads(json.dumps(without.to_json()))) == without


def test_pipeline_and_ratio_forecasts():
    rates = forecast.WinRates(
        [forecast.ClosedDeals(1, 10, 9, True, 3), forecast.ClosedDeals(1, 10, 1, False, 3)]
    )
    opportunities = [
        forecast.Opportunity(7, 1, 10, 1, 20.0, {"expected_revenue": 1000.0}),
        forecast.Opportunity(8, 1, 10, 1, 20.0, {"expected_revenue": 3000.0}),
    ]
    # win rate 3 / 6: 2 000 expected won, 1 won deal, 1 lost, 2 closing
    assert forecast.expected(opportunities, rates, "won", "expected_revenue") == {1: (2000.0, [7, 8])}
    assert forecast.expected(opportunities, rates, "lost", None) == {1: (1.0, [7, 8])}
    won = forecast.forecast_source("won", 2.0, forecast.expected(opportunities, rates, "won")[1])
    closed = forecast.forecast_source("closed", 5.0, forecast.expected(opportunities, rates, "closed")[1])
    assert (won.forecast, closed.forecast) == (3.0, 7.0)
    ratio = forecast.forecast_ratio(40.0, won, closed)
    assert (ratio.forecast, ratio.opportunity_ids) == (100 * 3 / 7, (7, 8))
    assert forecast.forecast_source("none", None).forecast is None
    assert forecast.forecast_source("pace", 3.0, factor=2.5).pace == 4.5


def test_status_and_forecast_score():
    assert forecast.status(100.0, True, 0.0) == "on_track"
    assert forecast.status(85.0, True, 0.0) == "at_risk"  # from 80 % when the line sets no threshold
    assert forecast.status(85.0, True, 90.0) == "off_track"
    assert forecast.status(85.0, False, 90.0) is None
    rules = [score.LineRule(weight=60.0), score.LineRule(weight=40.0, rule="manual", max_points=10.0)]
    inputs = [(rules[0], 30.0, 60.0, 0.0, 0.0, False), (rules[1], 8.0, 10.0, 8.0, 0.0, True)]
    projected = forecast.forecast_source("won", 30.0, (24.0, [1]))
    results, totals = forecast.score_forecast(inputs, [projected, None], BANDS)
    # 54 of 60 = 90 %: 54 points; the entered item as it is: 40 x 0.8 = 32; 86, grade B
    assert [r["weighted_score"] for r in results] == [54.0, 32.0]
    assert (totals["total_score"], totals["grade"]) == (86.0, "B")


pay = load("engine.pay")
simulate = load("engine.simulate")


def test_one_pay_rule_for_the_addon_and_the_sync():
    """The sync's pay rule is the engine's file (a symbolic link), and its settings' rule is the
    engine's class: the what-if and the payroll workbook cannot drift apart."""
    assert Path(payrule.__file__).resolve() == (ADDON / "engine" / "pay.py").resolve()
    assert Path(payrule.__file__).is_symlink()
    assert config.PayRule is payrule.PayRule
    shares = [(share.name, share.default) for share in dataclasses.fields(payrule.PayRule)]
    assert shares == [(share.name, share.default) for share in dataclasses.fields(pay.PayRule)]
    # 10 000 at 88.5 points and 112 %: 5 000 + 3 920 + 1 327.50 + 120 (12 % over plan x 10 %)
    assert pay.compute_pay(pay.PayRule(), 10000, 88.5, 112.0).monthly_pay == Decimal("10367.50")


def test_pay_shares_of_a_forecast():
    # total 118, completion 170 %: 50 % + 35 % x 1.7 + 15 % x 1.18 + 10 % x min(0.7, 0.5)
    parts = pay.shares(pay.PayRule(), 118.0, 170.0)
    assert (parts.base_pay, parts.completion_pay, parts.daily_pay, parts.bonus) == (
        Decimal("50.00"),
        Decimal("59.50"),
        Decimal("17.70"),
        Decimal("5.00"),
    )
    assert parts.monthly_pay == Decimal("132.20")


def test_simulation_by_hand():
    revenue, report = 1, 2
    current = simulate.Plan(
        rules={
            revenue: score.LineRule(weight=80.0, is_completion=True),
            report: score.LineRule(weight=20.0, rule="manual", max_points=10.0),
        },
        bands=tuple(BANDS),
    )
    moved = simulate.Plan(
        rules={
            revenue: score.LineRule(weight=60.0, is_completion=True),
            report: score.LineRule(weight=40.0, rule="manual", max_points=10.0),
        },
        bands=tuple(BANDS),
        target_factors={revenue: 0.5},
    )
    months = [
        simulate.Month(
            7, "2025-01", ((revenue, 45.0, 50.0, 0.0, 45.0, True), (report, 9.0, 10.0, 9.0, 9.0, True))
        ),
        simulate.Month(
            7, "2025-02", ((report, None, 10.0, 0.0, 0.0, False), (revenue, 10.0, 50.0, 0.0, 10.0, True))
        ),
    ]
    people, distribution = simulate.simulate(months, current, moved, 3)
    now, then = people[7]
    # now: January 80 x 0.9 + 20 x 0.9 = 90 (A), February 80 x 0.2 = 16 (D); over 3 months: 35.33
    assert [m[:2] for m in now.monthly] == [(90.0, 90.0), (16.0, 20.0)]
    assert (now.total_score, now.grade) == (pytest.approx(106 / 3), "D")
    # moved: targets halved (25): January 180 % capped 120 → 72 + 36 = 108, February 40 % → 24
    assert [m[0] for m in then.monthly] == [pytest.approx(108.0), pytest.approx(24.0)]
    assert distribution == {"A": (1, 1), "B": (0, 0), "C": (0, 0), "D": (1, 1)}
    # pay on 1 000: January 500 + 350 x 0.9 + 150 x 0.9 = 950; February 500 + 70 + 24 = 594
    assert simulate.pay_of(now.monthly, 1000) == Decimal("1544.00")
