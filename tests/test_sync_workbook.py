"""The workbook side on real .xlsx files: planning, in-place update, new rows, atomic save."""

import io
import os
import zipfile

import openpyxl
import pytest
from crm_performance_sync import workbook as wb
from crm_performance_sync.config import Columns, PayRule, Sheet
from crm_performance_sync.errors import WorkbookError

APPRAISALS = [
    ("B1001", "Alice Martin", 88.5, "A", 112.0),
    ("B1002", "Bob Chen", 72.0, "C", 95.0),
    ("B1003", "Carla Diaz", 90.0, "A", 100.0),
    ("B1010", "Eve Newman", 81.0, "B", 101.5),
]


def layout_of(path, columns=None, match="ignore-case"):
    return wb.open_layout(wb.load(path), "Payroll", columns or Columns(), Sheet(match=match).key)


def planned(path, frame, **kwargs):
    layout = layout_of(path)
    return layout.sheet.package, wb.plan(layout, frame, Columns(), PayRule(), **kwargs)


def sync(path, frame):
    package, plan = planned(path, frame)
    wb.apply(plan)
    wb.save(package, path)
    return plan


def row_values(sheet, row, last_column=15):
    return [sheet.cell(row, column).value for column in range(1, last_column + 1)]


def test_update_in_place(payroll_xlsx, appraisal_frame):
    plan = sync(payroll_xlsx, appraisal_frame(APPRAISALS))
    assert [(r.identifier, r.row, r.status) for r in plan.rows] == [
        ("B1001", 4, "updated"),
        ("B1002", 5, "updated"),
        ("B1003", 6, "updated"),
        ("B1010", 8, "added"),
    ]
    assert [r.pay_skipped for r in plan.rows] == [
        "",
        "",
        "no pay base in the row: scores written, pay left empty",
        "no pay base in the row: scores written, pay left empty",
    ]
    sheet = openpyxl.load_workbook(payroll_xlsx)["Payroll"]
    assert sheet["O3"].value == "Sync note" and sheet["O3"].font.bold
    assert row_values(sheet, 4) == [
        "B1001", "Alice Martin", "Sales North", 10000, "2026-10", 88.5, "A", 112,
        5000, 3920, 1327.5, 120, 10367.5, "=M4*0.9", None,
    ]  # fmt: skip
    assert row_values(sheet, 5) == [
        "B1002", "Bob Chen", "Sales North", 6000, "2026-10", 72, "C", 95,
        3000, 1995, 648, 0, 5643, "=M5*0.9", None,
    ]  # fmt: skip
    assert row_values(sheet, 6)[4:13] == ["2026-10", 90, "A", 100, None, None, None, None, None]
    assert row_values(sheet, 7) == [
        "B1009", "Dan Left", "Sales South", 7000, "2026-09", 70, "C", 80,
        None, None, None, None, None, "=M7*0.9", None,
    ]  # fmt: skip
    assert row_values(sheet, 8) == [
        "B1010", "Eve Newman", None, None, "2026-10", 81, "B", 101.5,
        None, None, None, None, None, "=M8*0.9", "Added by the sync for 2026-10",
    ]  # fmt: skip
    assert sheet["A8"].fill.fgColor.rgb == "FFFFF2CC"
    assert sheet["O8"].fill.fgColor.rgb == "FFFFF2CC"


def test_everything_else_is_kept(payroll_xlsx, appraisal_frame):
    sync(payroll_xlsx, appraisal_frame(APPRAISALS))
    book = openpyxl.load_workbook(payroll_xlsx)
    sheet = book["Payroll"]
    assert book.sheetnames == ["Payroll", "Notes"]
    assert [[cell.value for cell in row] for row in book["Notes"].iter_rows()] == [
        ["Alice's pay base x 2", "=Payroll!D4*2"],
        ["kept as is", None],
    ]
    assert sheet["A1"].value == "Payroll October 2026" and sheet["A1"].font.size == 14
    assert [str(merged) for merged in sheet.merged_cells.ranges] == ["A1:D1"]
    assert sheet.column_dimensions["B"].width == 30
    assert sheet.column_dimensions["N"].width == 14
    assert sheet["D4"].number_format == "#,##0.00"
    assert sheet["B5"].fill.fgColor.rgb == "00DDEBF7"
    assert sheet["B8"].fill.fgColor.rgb == "00DDEBF7"  # a new row takes the style of the one above
    assert sheet["I8"].number_format == "#,##0.00"


def test_second_run_changes_nothing(payroll_xlsx, appraisal_frame):
    sync(payroll_xlsx, appraisal_frame(APPRAISALS))
    _book, plan = planned(payroll_xlsx, appraisal_frame(APPRAISALS))
    assert not plan.changed
    assert [r.status for r in plan.rows] == ["unchanged"] * 4
    assert plan.count("unchanged") == 4


def test_new_pay_base_is_picked_up_on_the_next_run(payroll_xlsx, appraisal_frame):
    sync(payroll_xlsx, appraisal_frame(APPRAISALS))
    book = openpyxl.load_workbook(payroll_xlsx)
    book["Payroll"]["D6"] = 8000  # HR fills Carla's pay base
    book.save(payroll_xlsx)
    _book, plan = planned(payroll_xlsx, appraisal_frame(APPRAISALS))
    # 8000: 4000 + 8000 x .35 x 1 = 2800 + 8000 x .15 x .9 = 1080, no bonus: 7880
    assert [(c.key, c.old, c.new) for c in plan.changes] == [
        ("base_pay", None, 4000.0),
        ("completion_pay", None, 2800.0),
        ("daily_pay", None, 1080.0),
        ("bonus", None, 0.0),
        ("monthly_pay", None, 7880.0),
    ]


def test_pay_is_cleared_when_the_pay_base_is_not_a_number(payroll_xlsx, appraisal_frame):
    sync(payroll_xlsx, appraisal_frame(APPRAISALS))
    book = openpyxl.load_workbook(payroll_xlsx)
    book["Payroll"]["D4"] = "ten thousand"
    book.save(payroll_xlsx)
    _book, plan = planned(payroll_xlsx, appraisal_frame(APPRAISALS[:1]))
    assert plan.rows[0].pay_skipped == "pay base 'ten thousand' is not a number: pay left empty"
    assert [(c.key, c.new) for c in plan.changes] == [(key, None) for key in wb.PAY_KEYS]


def test_formulas_in_the_sync_columns_are_kept(payroll_xlsx, appraisal_frame):
    book = openpyxl.load_workbook(payroll_xlsx)
    book["Payroll"]["M4"] = "=SUM(I4:L4)"
    book.save(payroll_xlsx)
    sync(payroll_xlsx, appraisal_frame(APPRAISALS[:1]))
    _book, plan = planned(payroll_xlsx, appraisal_frame(APPRAISALS[:1]))
    assert plan.rows[0].kept_formulas == ["Monthly pay"]
    assert openpyxl.load_workbook(payroll_xlsx)["Payroll"]["M4"].value == "=SUM(I4:L4)"


def test_numeric_identifiers_match_text(tmp_path, appraisal_frame):
    path = tmp_path / "numbers.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Payroll"
    book.active.append(["Badge ID", "Employee", "Pay base"])
    book.active.append([1001, "Alice Martin", 10000])
    book.save(path)
    _book, plan = planned(path, appraisal_frame([("1001", "Alice Martin", 88.5, "A", 112.0)]))
    assert [(r.row, r.status) for r in plan.rows] == [(2, "updated")]


def test_new_workbook_layout():
    sheet = openpyxl.load_workbook(io.BytesIO(wb.new_book("", Columns()).to_bytes())).active
    assert sheet.title == "Payroll"
    assert [cell.value for cell in sheet[1]] == [
        "Badge ID", "Employee", "Pay base", "Period", "Score", "Grade", "Completion %", "Base pay",
        "Plan-completion pay", "Daily-work pay", "Over-plan bonus", "Monthly pay", "Sync note",
    ]  # fmt: skip


def test_duplicate_identifiers(payroll_xlsx):
    book = openpyxl.load_workbook(payroll_xlsx)
    book["Payroll"]["A7"] = 1001.0
    book["Payroll"]["A6"] = " B1001 "
    book.save(payroll_xlsx)
    with pytest.raises(WorkbookError, match="same employee identifier more than once: B1001 in rows 4, 6"):
        layout_of(payroll_xlsx).data_rows()


def test_case_folded_match_and_duplicates(payroll_xlsx, appraisal_frame):
    book = openpyxl.load_workbook(payroll_xlsx)
    book["Payroll"]["A5"] = "  b1002"  # typed by hand
    book.save(payroll_xlsx)
    _book, plan = planned(payroll_xlsx, appraisal_frame(APPRAISALS[1:2]))
    assert [(r.identifier, r.row, r.status) for r in plan.rows] == [("B1002", 5, "updated")]
    assert [(u.row, u.identifier, u.employee) for u in plan.unmatched] == [
        (4, "B1001", "Alice Martin"),
        (6, "B1003", "Carla Diaz"),
        (7, "B1009", "Dan Left"),
    ]
    exact = wb.plan(
        layout_of(payroll_xlsx, match="exact"), appraisal_frame(APPRAISALS[1:2]), Columns(), PayRule()
    )
    assert [(r.row, r.status) for r in exact.rows] == [(8, "added")]
    book["Payroll"]["A7"] = "B1002"
    book.save(payroll_xlsx)
    with pytest.raises(WorkbookError, match="same employee identifier more than once: B1002 in rows 5, 7"):
        layout_of(payroll_xlsx).data_rows()
    assert len(layout_of(payroll_xlsx, match="exact").data_rows()) == 4


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        (Columns(identifier="Staff no"), "sheet 'Payroll' has no column 'Staff no' in its first 10 rows"),
        (
            Columns(pay_base="Salary"),
            "sheet 'Payroll' has no column 'Salary' \\(the employees' total pay base",
        ),
    ],
)
def test_missing_columns(payroll_xlsx, columns, message):
    with pytest.raises(WorkbookError, match=message):
        layout_of(payroll_xlsx, columns)


def test_not_a_workbook(tmp_path):
    path = tmp_path / "payroll.xlsx"
    path.write_text("Badge ID;Pay base\n", encoding="utf-8")
    with pytest.raises(WorkbookError, match="is not an Excel workbook \\(.xlsx, .xlsm\\)"):
        wb.load(path)
    with pytest.raises(WorkbookError, match="does not exist \\(use --new to create one\\)"):
        wb.load(tmp_path / "missing.xlsx")


@pytest.mark.parametrize("lock", [".~lock.payroll.xlsx#", "~$payroll.xlsx", "~$yroll.xlsx"])
def test_lock_files(payroll_xlsx, lock):
    (payroll_xlsx.parent / lock).write_text("someone,host", encoding="utf-8")
    with pytest.raises(
        WorkbookError, match=f"is open in another program \\(lock file {lock.replace('$', '.')}"
    ):
        wb.check_writable(payroll_xlsx)


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write read-only files")
def test_read_only(payroll_xlsx):
    payroll_xlsx.chmod(0o444)
    with pytest.raises(WorkbookError, match="is read-only for you"):
        wb.check_writable(payroll_xlsx)


def test_failed_write_leaves_the_old_file_and_no_temporary(payroll_xlsx):
    before = payroll_xlsx.read_bytes()

    def half_write(temporary):
        temporary.write_bytes(b"PK half a zip")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        wb.write_atomic(payroll_xlsx, half_write)
    assert payroll_xlsx.read_bytes() == before
    assert sorted(path.name for path in payroll_xlsx.parent.iterdir()) == ["payroll.xlsx"]


def test_save_keeps_a_backup(payroll_xlsx, appraisal_frame):
    before = payroll_xlsx.read_bytes()
    sync(payroll_xlsx, appraisal_frame(APPRAISALS))
    assert (payroll_xlsx.parent / "payroll.xlsx.bak").read_bytes() == before
    assert sorted(path.name for path in payroll_xlsx.parent.iterdir()) == ["payroll.xlsx", "payroll.xlsx.bak"]


def test_pay_base_formulas(payroll_xlsx, appraisal_frame):
    book = openpyxl.load_workbook(payroll_xlsx)
    book["Payroll"]["D4"] = "=5000*2"  # openpyxl saves no result: as if never opened in Excel
    book.save(payroll_xlsx)
    _book, plan = planned(payroll_xlsx, appraisal_frame(APPRAISALS[:1]))
    assert plan.rows[0].pay_skipped.startswith("the pay base formula has no saved result: open and save")
    # the result Excel or LibreOffice saved with the formula is used
    with zipfile.ZipFile(payroll_xlsx) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet_xml = "xl/worksheets/sheet1.xml"
    parts[sheet_xml] = parts[sheet_xml].replace(b"<f>5000*2</f><v></v>", b"<f>5000*2</f><v>10000</v>")
    with zipfile.ZipFile(payroll_xlsx, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    _book, plan = planned(payroll_xlsx, appraisal_frame(APPRAISALS[:1]))
    assert (plan.rows[0].pay_skipped, plan.rows[0].values["monthly_pay"]) == ("", 10367.5)


def _rewrite_sheet(path, replace):
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/worksheets/sheet1.xml"] = replace(parts["xl/worksheets/sheet1.xml"].decode()).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_shared_formulas(payroll_xlsx, appraisal_frame):
    """Excel stores a filled-down column as one shared formula; a note under the employees in
    column B, row 9, is covered by it too. New rows get the formula spelled out, and the cell
    below the insertion keeps pointing at the rows that did not move."""

    def share(xml):
        xml = xml.replace("<f>M4*0.9</f>", '<f t="shared" ref="N4:N9" si="0">M4+A2</f>')
        for row in (5, 6, 7):
            xml = xml.replace(f"<f>M{row}*0.9</f>", '<f t="shared" si="0"/>')
        return xml.replace(
            "</row></sheetData>",
            '</row><row r="9"><c r="B9" t="inlineStr"><is><t>note</t></is></c>'
            '<c r="N9"><f t="shared" si="0"/><v>1</v></c></row></sheetData>',
        )

    _rewrite_sheet(payroll_xlsx, share)
    layout = layout_of(payroll_xlsx)
    assert [layout.sheet.formula(row, 14) for row in (4, 7, 9)] == ["M4+A2", "M7+A5", "M9+A7"]
    sync(payroll_xlsx, appraisal_frame(APPRAISALS))  # Eve is inserted at row 8
    sheet = openpyxl.load_workbook(payroll_xlsx)["Payroll"]
    assert sheet["N8"].value == "=M8+A6"  # the formula of row 7, filled down
    assert sheet["B10"].value == "note"
    assert sheet["N10"].value == "=M10+A7"  # was M9+A7: M9 moved, A7 did not
    assert sheet["N4"].value == "=M4+A2"
