"""The pay rule, against figures computed by hand."""

from decimal import Decimal

import pytest
from crm_performance_sync.config import PayRule
from crm_performance_sync.payrule import compute_pay

D = Decimal


def amounts(pay):
    return (pay.base_pay, pay.completion_pay, pay.daily_pay, pay.bonus, pay.monthly_pay)


def test_over_plan_month():
    # P = 10000, score 88.5, completion 112 %:
    # 10000 x 50 % = 5000; 10000 x 35 % x 1.12 = 3920; 10000 x 15 % x 0.885 = 1327.50;
    # bonus 10000 x 10 % x min(0.12, 0.50) = 120; total 10367.50
    pay = compute_pay(PayRule(), 10000, 88.5, 112.0)
    assert amounts(pay) == (D("5000.00"), D("3920.00"), D("1327.50"), D("120.00"), D("10367.50"))


def test_under_plan_month_has_no_bonus():
    # P = 6000, score 72, completion 95 %: 3000 + 6000 x .35 x .95 = 1995 + 6000 x .15 x .72 = 648
    pay = compute_pay(PayRule(), 6000, 72, 95)
    assert amounts(pay) == (D("3000.00"), D("1995.00"), D("648.00"), D("0.00"), D("5643.00"))


def test_bonus_is_capped():
    # P = 8000, score 112, completion 150 %, cap 0.25: bonus 8000 x 10 % x 0.25 = 200
    # completion pay 8000 x .35 x 1.5 = 4200; daily 8000 x .15 x 1.12 = 1344
    pay = compute_pay(PayRule(bonus_cap=D("0.25")), 8000, 112, 150)
    assert amounts(pay) == (D("4000.00"), D("4200.00"), D("1344.00"), D("200.00"), D("9744.00"))


def test_rounding_is_half_up_to_cents():
    # 3333.33 x .5 = 1666.665 -> 1666.67 (banker's rounding would give 1666.66);
    # 3333.33 x .35 = 1166.6655 -> 1166.67; 3333.33 x .15 x .777 = 388.4996115 -> 388.50
    pay = compute_pay(PayRule(), D("3333.33"), 77.7, 100)
    assert amounts(pay) == (D("1666.67"), D("1166.67"), D("388.50"), D("0.00"), D("3221.84"))


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        # 60/30/10 shares, bonus 20 % of the excess: 6000 + 3600 + 1000 + 10000 x .2 x .2 = 400
        (PayRule(D("0.6"), D("0.3"), D("0.1"), D("0.2"), D("0.5")), (6000, 3600, 1000, 400, 11000)),
        # no bonus at all
        (PayRule(bonus_rate=D(0)), (5000, 4200, 1500, 0, 10700)),
    ],
)
def test_shares_and_bonus_are_configurable(rule, expected):
    pay = compute_pay(rule, 10000, 100, 120)
    assert amounts(pay) == tuple(D(value).quantize(D("0.01")) for value in expected)


def test_floats_from_odoo_are_taken_as_printed():
    # 0.1 + 0.2 style binary noise must not move a cent: 1234.5 x 15 % x 0.7 = 129.6225 -> 129.62
    assert compute_pay(PayRule(), 1234.5, 70.0, 0).daily_pay == D("129.62")
