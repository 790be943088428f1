"""The monthly pay rule of the payroll practice (SPEC, Payroll), in exact decimal arithmetic: the
one rule of the product. The payroll sync's ``crm_performance_sync/payrule.py`` is a symbolic
link to this file (standard library only, so it runs outside Odoo; ``pip install ./sync`` copies
it into the sync's package). For a pay base P (the employee's, from HR's workbook or the what-if),
a total score S and a plan completion rate C (%)::

    base pay            = P x base share                      (50 %)
    plan-completion pay = P x completion share x C / 100      (35 %)
    daily-work pay      = P x daily share x S / 100           (15 %)
    over-plan bonus     = P x bonus rate x min(C / 100 - 1, bonus cap), only when C > 100
    monthly pay         = the sum of the four, each rounded to cents half-up
"""

import dataclasses
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def to_decimal(number):
    """A float from Odoo or a workbook as the decimal it prints as (88.5, not 88.499999...)."""
    return number if isinstance(number, Decimal) else Decimal(repr(float(number)))


def cents(amount):
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclasses.dataclass(frozen=True)
class PayRule:
    """The shares of the rule (the sync reads them from its settings' ``[pay]`` section)."""

    base_share: Decimal = Decimal("0.50")
    completion_share: Decimal = Decimal("0.35")
    daily_share: Decimal = Decimal("0.15")
    bonus_rate: Decimal = Decimal("0.10")
    bonus_cap: Decimal = Decimal("0.50")


@dataclasses.dataclass(frozen=True)
class Pay:
    base_pay: Decimal
    completion_pay: Decimal
    daily_pay: Decimal
    bonus: Decimal

    @property
    def monthly_pay(self):
        return self.base_pay + self.completion_pay + self.daily_pay + self.bonus


def compute_pay(rule, pay_base, total_score, completion_rate):
    """The :class:`Pay` of one employee's month under ``rule``."""
    base = to_decimal(pay_base)
    completion = to_decimal(completion_rate) / HUNDRED
    over_plan = min(max(completion - 1, Decimal(0)), rule.bonus_cap)
    return Pay(
        base_pay=cents(base * rule.base_share),
        completion_pay=cents(base * rule.completion_share * completion),
        daily_pay=cents(base * rule.daily_share * to_decimal(total_score) / HUNDRED),
        bonus=cents(base * rule.bonus_rate * over_plan),
    )


def shares(rule, total_score, completion_rate):
    """The :class:`Pay` of a pay base of 100: each part as a percentage of the pay base, what a
    forecast can show without the pay base (HR's)."""
    return compute_pay(rule, HUNDRED, total_score, completion_rate)
