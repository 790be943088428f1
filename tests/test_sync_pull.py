"""The appraisals read from Odoo, as the sync matches them: identifiers compared as rows are."""

import pytest
from crm_performance_sync.config import Sheet
from crm_performance_sync.errors import OdooDataError
from crm_performance_sync.pull import _frame


def record(appraisal, barcode, name):
    return {"id": appraisal, "employee_id": [appraisal, name], "employee_barcode": barcode,
            "department_id": False, "team_id": False, "total_score": 80.0, "grade": "B",
            "completion_rate": 100.0, "rank": appraisal}  # fmt: skip


def test_identifiers_that_differ_only_in_case_are_one_employee():
    records = [record(1, "B2001", "Ann Li"), record(2, " b2001", "Ann Lee"), record(3, "B2002", "Bo Wu")]
    with pytest.raises(
        OdooDataError, match=r"same employee identifier: B2001 \(Ann Li\), b2001 \(Ann Lee\)\."
    ):
        _frame(records, Sheet(), "2026-10")
    frame = _frame(records, Sheet(match="exact"), "2026-10")
    assert list(frame.identifier) == ["B2001", "B2002", "b2001"]
