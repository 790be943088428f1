"""The saved package, member by member, and a real consumer of it: LibreOffice.

HR's workbook here carries what a payroll file collects over the years: a merged title, a
"Name" column, a total row with SUMs, a formula column, conditional formatting, a validation
list, comments, a defined name, a table, a chart and an image, a Notes sheet that refers to the
total, and the parts only Excel writes (chart style and colours, a calculation chain, macros,
custom XML, an external link, a pivot cache and table), injected as raw zip members.
The sync must change only its own cells; LibreOffice, run headless with a private profile,
recalculates every formula of the synced file, and HR's formulas give the hand-computed figures.
"""

import re
import shutil
import subprocess
import zipfile

import openpyxl
import pytest
from crm_performance_sync import workbook as wb
from crm_performance_sync.config import Columns, PayRule, Sheet
from lxml import etree
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.drawing.image import Image
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table
from PIL import Image as PILImage

from .conftest import payroll_book

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
HEADERS = ["Badge ID", "Name", "Pay base", "Period", "Score", "Grade", "Completion %", "Base pay",
           "Plan-completion pay", "Daily-work pay", "Over-plan bonus", "Monthly pay", "Net pay",
           "Sync note"]  # fmt: skip
STAFF = [("S0001", "Alice Martin", 10000), ("s0002 ", "Bob Chen", 6000), ("S0003", "Carla Diaz", 8000)]
ALICE_BOB = [("S0001", "Alice Martin", 88.5, "A", 112.0), ("S0002", "Bob Chen", 72.0, "C", 95.0)]
NEWCOMERS = [("S0010", "Eve Newman", 81.0, "B", 101.5), ("S0011", "Gina Park", 66.0, "C", 88.0)]
CT = "application/vnd.openxmlformats-officedocument"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# parts only Excel writes: (name, content type or None, bytes)
EXCEL_PARTS = [
    ("xl/charts/style1.xml", "application/vnd.ms-office.chartstyle+xml",
     b'<cs:chartStyle xmlns:cs="http://schemas.microsoft.com/office/drawing/2012/chartStyle" id="201"/>'),
    ("xl/charts/colors1.xml", "application/vnd.ms-office.chartcolorstyle+xml",
     b'<cs:colorStyle xmlns:cs="http://schemas.microsoft.com/office/drawing/2012/chartStyle" '
     b'meth="cycle" id="10"/>'),
    ("xl/charts/_rels/chart1.xml.rels", None,
     b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
     b'<Relationship Id="rId1" Type="http://schemas.microsoft.com/office/2011/relationships/chartStyle" '
     b'Target="style1.xml"/><Relationship Id="rId2" '
     b'Type="http://schemas.microsoft.com/office/2011/relationships/chartColorStyle" Target="colors1.xml"/>'
     b"</Relationships>"),
    ("customXml/item1.xml", None, b'<hr xmlns="urn:example:hr">payroll 2026-10</hr>'),
    ("customXml/itemProps1.xml", f"{CT}.customXmlProperties+xml".encode().decode(),
     b'<ds:datastoreItem ds:itemID="{6E1F7C1A-0000-4000-8000-000000000001}" '
     b'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml"/>'),
    ("xl/externalLinks/externalLink1.xml", f"{CT}.spreadsheetml.externalLink+xml",
     b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
     b'<externalBook xmlns:r="' + REL.encode() + b'" r:id="rId1"/></externalLink>'),
    ("xl/externalLinks/_rels/externalLink1.xml.rels", None,
     b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
     b'<Relationship Id="rId1" Type="' + REL.encode() + b'/externalLinkPath" Target="rates.xlsx" '
     b'TargetMode="External"/></Relationships>'),
    ("xl/pivotCache/pivotCacheDefinition1.xml", f"{CT}.spreadsheetml.pivotCacheDefinition+xml",
     b'<pivotCacheDefinition xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
     b'recordCount="3"><cacheSource type="worksheet"><worksheetSource ref="A3:L6" sheet="Payroll"/>'
     b"</cacheSource></pivotCacheDefinition>"),
    ("xl/pivotCache/pivotCacheRecords1.xml", f"{CT}.spreadsheetml.pivotCacheRecords+xml",
     b'<pivotCacheRecords xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0"/>'),
    ("xl/pivotTables/pivotTable1.xml", f"{CT}.spreadsheetml.pivotTable+xml",
     b'<pivotTableDefinition xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
     b'name="ByGrade" cacheId="1"/>'),
]  # fmt: skip
CALC_CHAIN = (
    b'<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<c r="M4" i="1"/><c r="M5"/><c r="M6"/><c r="C7"/><c r="L7"/><c r="M7"/>'
    b'<c r="B1" i="2"/><c r="B2"/></calcChain>'
)
VBA = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 not a real VBA project, kept byte for byte"


def build_hr_workbook(path):
    """HR's workbook (see the module docstring), saved by openpyxl, without the Excel parts."""
    book, sheet = payroll_book(HEADERS)
    for row, (badge, name, base) in enumerate(STAFF, start=4):
        sheet.cell(row, 1, badge)
        sheet.cell(row, 2, name).fill = PatternFill("solid", fgColor="DDEBF7")
        sheet.cell(row, 3, base).number_format = "#,##0.00"
        sheet.cell(row, 13, f"=L{row}*0.9").number_format = "#,##0.00"
    sheet["D4"], sheet["E4"], sheet["F4"] = "2026-09", 80, "B"  # last month's (shared strings once saved)
    sheet["A7"] = "Total"
    for column in "CLM":
        sheet[f"{column}7"] = f"=SUM({column}4:{column}6)"
        sheet[f"{column}7"].font = Font(bold=True)
    sheet["A9"] = "Checked by HR before payment"
    sheet["A4"].comment = Comment("hired in 2024", "HR")
    sheet["M7"].comment = Comment("net total for the bank", "HR")
    sheet.freeze_panes = "C4"
    sheet.conditional_formatting.add(
        "M4:M6", CellIsRule(operator="greaterThan", formula=["5000"], font=Font(bold=True))
    )
    grades = DataValidation(type="list", formula1='"A,B,C,D"')
    sheet.add_data_validation(grades)
    grades.add("F4:F6")
    book.defined_names["NetTotal"] = DefinedName("NetTotal", attr_text="Payroll!$M$7")
    sheet.add_table(Table(displayName="Staff", ref="A3:N6"))
    chart = BarChart()
    chart.add_data(Reference(sheet, min_col=12, min_row=3, max_row=6), titles_from_data=True)
    sheet.add_chart(chart, "P3")
    PILImage.new("RGB", (4, 4), "navy").save(path.with_suffix(".png"))
    sheet.add_image(Image(str(path.with_suffix(".png"))), "P20")
    notes = book.create_sheet("Notes")
    notes["A1"], notes["B1"] = "Net total", "=Payroll!M7"
    notes["A2"], notes["B2"] = "Alice's pay base x 2", "=Payroll!C4*2"
    book.save(path)
    return path


def add_excel_parts(path, macros=False):
    """The parts only Excel writes, a calculation chain, and the results Excel saved with the
    formulas (Net pay of last month, the Notes), as raw zip members."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    overrides = [(name, kind) for name, kind, _data in EXCEL_PARTS if kind]
    overrides.append(("xl/calcChain.xml", f"{CT}.spreadsheetml.calcChain+xml"))
    types = parts["[Content_Types].xml"].decode()
    types = types.replace(
        "</Types>",
        "".join(f'<Override PartName="/{name}" ContentType="{kind}"/>' for name, kind in overrides)
        + "</Types>",
    )
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    extra = f'<Relationship Id="rIdCalc" Type="{REL}/calcChain" Target="calcChain.xml"/>'
    if macros:
        types = types.replace(
            f"{CT}.spreadsheetml.sheet.main+xml", "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
        )
        types = types.replace(
            "<Default ",
            '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/><Default ',
            1,
        )
        extra += (
            '<Relationship Id="rIdVba" Target="vbaProject.bin" '
            'Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject"/>'
        )
        parts["xl/vbaProject.bin"] = VBA
    parts["[Content_Types].xml"] = types.encode()
    parts["xl/_rels/workbook.xml.rels"] = rels.replace(
        "</Relationships>", extra + "</Relationships>"
    ).encode()
    for name, _kind, data in EXCEL_PARTS:
        parts[name] = data
    parts["xl/calcChain.xml"] = CALC_CHAIN
    # Excel does not ask for a full recalculation when it saves
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b' fullCalcOnLoad="1"', b"")
    cached = {
        b"<f>L4*0.9</f><v></v>": b"<f>L4*0.9</f><v>7200</v>",
        b"<f>Payroll!C4*2</f><v></v>": b"<f>Payroll!C4*2</f><v>20000</v>",
    }
    for sheet in ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"):
        for old, new in cached.items():
            parts[sheet] = parts[sheet].replace(old, new)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


@pytest.fixture(params=["xlsx", "xlsm"])
def hr_workbook(request, tmp_path):
    path = build_hr_workbook(tmp_path / f"payroll.{request.param}")
    return add_excel_parts(path, macros=request.param == "xlsm")


def members(path):
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def sync(path, frame):
    layout = wb.open_layout(wb.load(path), "Payroll", Columns(), Sheet().key)
    plan = wb.plan(layout, frame, Columns(), PayRule())
    wb.apply(plan)
    wb.save(layout.sheet.package, path)
    return plan


def changed_members(before, after):
    return sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))


def xml(data):
    return etree.fromstring(data)  # noqa: S320 (the tests' own files)


def cells(data):
    root = xml(data)
    return {cell.get("r"): etree.tostring(cell) for cell in root.iter(f"{MAIN}c")}


def test_update_changes_only_the_sync_cells(hr_workbook, appraisal_frame):
    before = members(hr_workbook)
    plan = sync(hr_workbook, appraisal_frame(ALICE_BOB))
    after = members(hr_workbook)
    # the sheet (its own cells) and workbook.xml (fullCalcOnLoad="1"); nothing else, not even
    # the shared strings, the styles or the calculation chain
    assert changed_members(before, after) == ["xl/workbook.xml", "xl/worksheets/sheet1.xml"]
    assert list(after) == list(before), "members in the same order"
    owned = {f"{letter}{row}" for letter in "DEFGHIJKL" for row in (4, 5)}
    old, new = cells(before["xl/worksheets/sheet1.xml"]), cells(after["xl/worksheets/sheet1.xml"])
    assert {ref for ref in old if old[ref] != new[ref]} <= owned
    assert old["M4"] == new["M4"] and b"<v>7200</v>" in new["M4"], "cached results kept"
    assert [(u.row, u.identifier) for u in plan.unmatched] == [(6, "S0003")]
    workbook = xml(after["xl/workbook.xml"])
    assert workbook.find(f"{MAIN}calcPr").get("fullCalcOnLoad") == "1"


def test_second_run_is_byte_identical(hr_workbook, appraisal_frame):
    sync(hr_workbook, appraisal_frame(ALICE_BOB + NEWCOMERS))
    first = hr_workbook.read_bytes()
    layout = wb.open_layout(wb.load(hr_workbook), "Payroll", Columns(), Sheet().key)
    plan = wb.plan(layout, appraisal_frame(ALICE_BOB + NEWCOMERS), Columns(), PayRule())
    assert not plan.changed
    assert hr_workbook.read_bytes() == first


def test_rows_added_before_the_total(hr_workbook, appraisal_frame):
    before = members(hr_workbook)
    plan = sync(hr_workbook, appraisal_frame(ALICE_BOB + NEWCOMERS))
    assert [(r.identifier, r.row, r.status) for r in plan.rows] == [
        ("S0001", 4, "updated"), ("S0002", 5, "updated"), ("S0010", 7, "added"), ("S0011", 8, "added"),
    ]  # fmt: skip
    after = members(hr_workbook)
    assert changed_members(before, after) == [
        "[Content_Types].xml",  # the calculation chain is dropped (Excel rebuilds it on open)
        "xl/_rels/workbook.xml.rels",
        "xl/calcChain.xml",
        "xl/comments/comment1.xml",  # the note on the total moves with it
        "xl/drawings/commentsDrawing1.vml",
        "xl/styles.xml",  # money format and yellow flag of the new rows
        "xl/tables/table1.xml",  # the table grows over the new rows
        "xl/workbook.xml",  # NetTotal follows the total row; fullCalcOnLoad
        "xl/worksheets/sheet1.xml",
        "xl/worksheets/sheet2.xml",  # Notes: =Payroll!M7 follows the total to M9
    ]
    assert "xl/calcChain.xml" not in after
    sheet = openpyxl.load_workbook(hr_workbook)["Payroll"]
    assert [[cell.value for cell in row] for row in sheet.iter_rows(min_row=7, max_row=11, max_col=14)] == [
        ["S0010", "Eve Newman", None, "2026-10", 81, "B", 101.5, None, None, None, None, None, "=L7*0.9",
         "Added by the sync for 2026-10"],
        ["S0011", "Gina Park", None, "2026-10", 66, "C", 88, None, None, None, None, None, "=L8*0.9",
         "Added by the sync for 2026-10"],
        ["Total", None, "=SUM(C4:C8)", None, None, None, None, None, None, None, None, "=SUM(L4:L8)",
         "=SUM(M4:M8)", None],
        [None] * 14,
        ["Checked by HR before payment", *[None] * 13],
    ]  # fmt: skip
    assert sheet["M9"].comment.text == "net total for the bank"
    assert sheet["A7"].fill.fgColor.rgb == "FFFFF2CC" and sheet["B7"].fill.fgColor.rgb == "00DDEBF7"
    assert sheet["L7"].number_format == "#,##0.00" and sheet["M7"].number_format == "#,##0.00"
    assert [str(r) for r in sheet.conditional_formatting] == ["<ConditionalFormatting M4:M8>"]
    assert str(sheet.data_validations.dataValidation[0].sqref) == "F4:F8"
    assert sheet.tables["Staff"].ref == "A3:N8" and sheet.tables["Staff"].autoFilter.ref == "A3:N8"
    book = openpyxl.load_workbook(hr_workbook)
    assert book["Notes"]["B1"].value == "=Payroll!M9"
    assert book.defined_names["NetTotal"].attr_text == "Payroll!$M$9"


@pytest.fixture(scope="session")
def soffice_profile(tmp_path_factory):
    """A private LibreOffice profile for the test run, that recalculates every formula of an
    .xlsx when it loads one (LibreOffice's default trusts the results saved in the file)."""
    profile = tmp_path_factory.mktemp("libreoffice-profile")
    (profile / "user").mkdir()
    (profile / "user" / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        '<item oor:path="/org.openoffice.Office.Calc/Formula/Load">'
        '<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item></oor:items>\n',
        encoding="utf-8",
    )
    return profile


@pytest.fixture
def libreoffice(soffice_profile):
    """``libreoffice(path, out)``: ``path`` opened, recalculated and saved as .xlsx by LibreOffice
    into folder ``out``; returns the new file."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is needed (tools/setup.sh installs libreoffice-calc-nogui)"

    def convert(path, out):
        result = subprocess.run(
            [soffice, f"-env:UserInstallation={soffice_profile.as_uri()}", "--headless",
             "--convert-to", "xlsx", "--outdir", str(out), str(path)],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        converted = out / f"{path.stem}.xlsx"
        assert result.returncode == 0 and converted.exists(), result.stdout + result.stderr
        return converted

    return convert


def figures(path):
    book = openpyxl.load_workbook(path, data_only=True)
    payroll = [
        [cell.value for cell in row] for row in book["Payroll"].iter_rows(min_row=4, max_row=9, max_col=13)
    ]
    return payroll, [row[1].value for row in book["Notes"].iter_rows()]


EXPECTED_PAYROLL = [
    # Alice: 10000 x 50 % + x 35 % x 112 % + x 15 % x 88.5 % + x 10 % x 12 % = 10367.50; net x .9
    ["S0001", "Alice Martin", 10000, "2026-10", 88.5, "A", 112, 5000, 3920, 1327.5, 120, 10367.5, 9330.75],
    # Bob: 3000 + 1995 + 648 + 0 = 5643; net 5078.70
    ["s0002 ", "Bob Chen", 6000, "2026-10", 72, "C", 95, 3000, 1995, 648, 0, 5643, 5078.7],
    ["S0003", "Carla Diaz", 8000, None, None, None, None, None, None, None, None, None, 0],
    ["S0010", "Eve Newman", None, "2026-10", 81, "B", 101.5, None, None, None, None, None, 0],
    ["S0011", "Gina Park", None, "2026-10", 66, "C", 88, None, None, None, None, None, 0],
    # the totals now run over the new rows: 24000, 16010.50, 14409.45
    ["Total", None, 24000, None, None, None, None, None, None, None, None, 16010.5, 14409.45],
]


def rounded(rows):
    return [[round(value, 2) if isinstance(value, float) else value for value in row] for row in rows]


@pytest.mark.parametrize("hr_workbook", ["xlsx"], indirect=True)
def test_libreoffice_recalculates_the_synced_workbook(hr_workbook, appraisal_frame, tmp_path, libreoffice):
    sync(hr_workbook, appraisal_frame(ALICE_BOB + NEWCOMERS))
    payroll, notes = figures(libreoffice(hr_workbook, tmp_path / "out"))
    assert rounded(payroll) == EXPECTED_PAYROLL
    assert [round(value, 2) for value in notes] == [14409.45, 20000]


def test_a_workbook_saved_by_libreoffice(tmp_path, appraisal_frame, libreoffice):
    original = build_hr_workbook(tmp_path / "hr.xlsx")
    saved = libreoffice(original, tmp_path / "saved")  # LibreOffice's own XML
    assert re.search(rb'<c r="D4"[^>]* t="s"', members(saved)["xl/worksheets/sheet1.xml"]), "a shared string"
    sync(saved, appraisal_frame(ALICE_BOB + NEWCOMERS))
    payroll, notes = figures(libreoffice(saved, tmp_path / "reopened"))
    assert rounded(payroll) == EXPECTED_PAYROLL
    assert [round(value, 2) for value in notes] == [14409.45, 20000]
