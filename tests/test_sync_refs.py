"""References in formulas: filled down, and moved by rows inserted (the sync's new rows)."""

import pytest
from crm_performance_sync.refs import RowInsertion, copy_formula, row_spans


@pytest.mark.parametrize(
    ("formula", "rows", "moved"),
    [
        ("M7*0.9", 1, "M8*0.9"),
        ("SUM(I7:L7)+$B$2", 2, "SUM(I9:L9)+$B$2"),
        ("$M7*M$3", 1, "$M8*M$3"),
        ('IF(A7="B7",LOG10(C7),Notes!D7)', 1, 'IF(A8="B7",LOG10(C8),Notes!D8)'),
        ("'Pay roll'!A7+[1]Rates!A7+Staff[Net]", 1, "'Pay roll'!A8+[1]Rates!A7+Staff[Net]"),
        ("SUM(M:M)+TAX2024", 1, "SUM(M:M)+TAX2025"),  # TAX2024 is a cell: Excel names cannot look so
    ],
)
def test_copy_formula(formula, rows, moved):
    assert copy_formula(formula, rows) == moved


def test_copy_formula_off_the_sheet():
    assert copy_formula("A1*2", -1) is None
    assert copy_formula("M4*0.9", 0, 1) == "N4*0.9"


def test_row_insertion():
    insertion = RowInsertion("Payroll", at=8, count=2, header=3)
    # in the total row (moved from 8 to 10): the range ending at the last employee row grows
    assert insertion.formula("SUM(M4:M7)/M8", "Payroll") == "SUM(M4:M9)/M10"
    # from another sheet: only references to Payroll move; a range over one row does not grow
    assert insertion.formula("Payroll!M8+'payroll'!$M$4:$M$7+M8+SUM(Payroll!I7:L7)", "Notes") == (
        "Payroll!M10+'payroll'!$M$4:$M$9+M8+SUM(Payroll!I7:L7)"
    )
    # inside an employee row nothing grows: a running total stays a running total
    assert insertion.formula("SUM($M$4:M7)", "Payroll", extend=False) == "SUM($M$4:M7)"
    assert insertion.ranges("A3:N7 M4:M7 A8:D8 B2", extend=True) == "A3:N9 M4:M9 A10:D10 B2"
    assert insertion.ranges("A7:B7 M4:M7 A:A", extend=False) == "A7:B7 M4:M7 A:A"


def test_row_spans():
    assert row_spans("SUM(M4:M7)+Notes!A1:B3+C5") == [(None, 4, 7), ("Notes", 1, 3)]
