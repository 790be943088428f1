"""The payroll workbook: find the rows, plan the cell changes, apply them, save atomically.

Only openpyxl touches the file, and only the cells of the sync's own columns (score, grade,
completion, period, the pay columns, the sync note) in the rows of the period's employees, plus
the rows it appends. Every other sheet, column, formula, format and width is left as it was.
"""

import copy
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import openpyxl
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from .errors import WorkbookError
from .payrule import compute_pay

HEADER_SEARCH_ROWS = 10
ADDED_FILL = PatternFill("solid", fgColor="FFF2CC")
MONEY_FORMAT = "#,##0.00"
SCORE_KEYS = ("period", "score", "grade", "completion")
PAY_KEYS = ("base_pay", "completion_pay", "daily_pay", "bonus", "monthly_pay")
NEW_ROW_KEYS = ("identifier", "employee", "note")
# columns of a new workbook, in order; the sync adds missing SCORE/PAY/note columns to old ones
NEW_LAYOUT = ("identifier", "employee", "pay_base", *SCORE_KEYS, *PAY_KEYS, "note")


def lock_files(path):
    """Files that office programs keep beside a workbook they have open."""
    return [
        path.with_name(f".~lock.{path.name}#"),  # LibreOffice
        path.with_name(f"~${path.name}"),  # Excel, short names
        path.with_name(f"~${path.name[2:]}"),  # Excel, long names
    ]


def check_writable(path):
    """Raise a WorkbookError unless ``path`` can be replaced now."""
    for lock in lock_files(path):
        if lock.exists():
            raise WorkbookError(
                f"{path} is open in another program (lock file {lock.name}). "
                "Close it there and run the sync again."
            )
    if path.exists() and not os.access(path, os.W_OK):
        raise WorkbookError(f"{path} is read-only for you; nothing was written")
    if not os.access(path.parent, os.W_OK):
        raise WorkbookError(f"cannot write in the folder {path.parent}; nothing was written")


def load(path):
    """(workbook, the same with the values last computed by Excel/LibreOffice) of an .xlsx."""
    if not path.exists():
        raise WorkbookError(f"the workbook {path} does not exist (use --new to create one)")
    try:
        return openpyxl.load_workbook(path), openpyxl.load_workbook(path, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError) as exc:
        raise WorkbookError(f"{path} is not an Excel workbook (.xlsx): {exc}") from None
    except OSError as exc:
        raise WorkbookError(f"cannot read {path}: {exc.strerror}") from None


def new_book(sheet_name, headers):
    """An empty workbook with one sheet and a bold header row in the ``NEW_LAYOUT`` order."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = sheet_name or "Payroll"
    for column, key in enumerate(NEW_LAYOUT, start=1):
        cell = sheet.cell(1, column, getattr(headers, key))
        cell.font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(column)].width = max(12, len(cell.value) + 2)
    sheet.freeze_panes = "A2"
    return book


def identifier_text(value):
    """A workbook identifier as text: 1001.0 typed as a number is '1001'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def is_formula(value):
    return isinstance(value, str) and value.startswith("=")


def _comparable(value):
    if value is None or value == "":
        return None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return round(float(value), 6)
    return value.strip() if isinstance(value, str) else value


def _pay_base(value, formula):
    """(pay base, None) or (None, why the row gets no pay); ``formula`` is the cell's formula."""
    if value is None and is_formula(formula):
        return None, (
            "the pay base formula has no saved result: open and save the workbook in Excel or "
            "LibreOffice, then run again; pay left empty"
        )
    if value is None or value == "":
        return None, "no pay base in the row: scores written, pay left empty"
    if isinstance(value, str):
        try:
            value = Decimal(value.replace(",", "").strip())
        except InvalidOperation:
            return None, f"pay base '{value}' is not a number: pay left empty"
    if not isinstance(value, int | float | Decimal) or isinstance(value, bool):
        return None, f"pay base '{value}' is not a number: pay left empty"
    if value <= 0:
        return None, f"pay base {value} is not positive: pay left empty"
    return value, None


@dataclass
class Layout:
    """Where the header row and the sync's columns are in one sheet."""

    sheet: object
    header_row: int
    columns: dict  # key -> 1-based column index
    new_headers: list  # (key, column) of headers the sync adds

    @classmethod
    def locate(cls, sheet, headers):
        wanted = headers.identifier.strip().casefold()
        for row in sheet.iter_rows(min_row=1, max_row=HEADER_SEARCH_ROWS):
            found = {
                str(cell.value).strip().casefold(): cell.column for cell in row if cell.value is not None
            }
            if wanted in found:
                return cls._from_header(sheet, row[0].row, found, headers)
        raise WorkbookError(
            f"sheet '{sheet.title}' has no column '{headers.identifier}' in its first "
            f"{HEADER_SEARCH_ROWS} rows (set the header with --id-column)"
        )

    @classmethod
    def _from_header(cls, sheet, header_row, found, headers):
        columns, new_headers = {}, []
        next_column = max(found.values()) + 1
        for key in NEW_LAYOUT:
            column = found.get(getattr(headers, key).strip().casefold())
            if column is None and key == "pay_base":
                raise WorkbookError(
                    f"sheet '{sheet.title}' has no column '{headers.pay_base}' (the employees' total "
                    "pay base; set its header with --pay-base-column)"
                )
            if column is None and key != "employee":
                column = next_column
                next_column += 1
                new_headers.append((key, column))
            if column is not None:
                columns[key] = column
        return cls(sheet, header_row, columns, new_headers)

    def data_rows(self):
        """{identifier: row} of the rows below the header; duplicates are an error."""
        rows, twice = {}, {}
        column = self.columns["identifier"]
        for row in range(self.header_row + 1, self.sheet.max_row + 1):
            identifier = identifier_text(self.sheet.cell(row, column).value)
            if not identifier:
                continue
            if identifier in rows:
                twice.setdefault(identifier, [rows[identifier]]).append(row)
            rows[identifier] = row
        if twice:
            listed = "; ".join(f"{key} in rows {', '.join(map(str, rows))}" for key, rows in twice.items())
            raise WorkbookError(
                f"sheet '{self.sheet.title}' has the same employee identifier more than once: {listed}. "
                "Each employee must have one row; fix the sheet and run again."
            )
        return rows

    def last_row(self):
        """The last row with any value (openpyxl's max_row counts formatted empty rows too)."""
        for row in range(self.sheet.max_row, self.header_row, -1):
            if any(cell.value is not None for cell in self.sheet[row]):
                return row
        return self.header_row


@dataclass
class Change:
    row: int
    key: str
    old: object
    new: object


@dataclass
class RowResult:
    """What the sync does with one employee's row."""

    identifier: str
    employee: str
    row: int
    added: bool
    values: dict
    changes: list = field(default_factory=list)
    pay_skipped: str = ""
    kept_formulas: list = field(default_factory=list)

    @property
    def status(self):
        if self.added:
            return "added"
        return "updated" if self.changes else "unchanged"


@dataclass
class Plan:
    layout: Layout
    headers: object
    rows: list
    flag_added: bool

    @property
    def changes(self):
        return [change for result in self.rows for change in result.changes]

    @property
    def changed(self):
        return bool(self.layout.new_headers or self.changes)

    def count(self, status):
        return sum(1 for result in self.rows if result.status == status)


def _desired(appraisal, pay_base, rule):
    """The sync's cell values of one row; ``pay_base`` is (saved value, formula or value)."""
    values = {
        "period": appraisal.period,
        "score": round(float(appraisal.score), 2),
        "grade": appraisal.grade or None,
        "completion": round(float(appraisal.completion), 2),
    }
    base, reason = _pay_base(*pay_base)
    pay = compute_pay(rule, base, appraisal.score, appraisal.completion) if base is not None else None
    for key in PAY_KEYS:
        values[key] = float(getattr(pay, key)) if pay else None
    return values, reason


def plan(layout, values_sheet, frame, headers, rule, flag_added=True):
    """The :class:`Plan` that brings the sheet in line with the pulled appraisals ``frame``."""
    existing = layout.data_rows()
    sheet = layout.sheet
    next_row = layout.last_row() + 1
    results = []
    for appraisal in frame.itertuples(index=False):
        row = existing.get(appraisal.identifier)
        added = row is None
        if added:
            row, next_row = next_row, next_row + 1
            pay_base = (None, None)
        else:
            column = layout.columns["pay_base"]
            pay_base = (values_sheet.cell(row, column).value, sheet.cell(row, column).value)
        values, reason = _desired(appraisal, pay_base, rule)
        if added:
            values.update(
                identifier=appraisal.identifier,
                employee=appraisal.employee,
                note=f"Added by the sync for {appraisal.period}" if flag_added else None,
            )
        result = RowResult(
            appraisal.identifier, appraisal.employee, row, added, values, pay_skipped=reason or ""
        )
        for key, new in values.items():
            if key not in layout.columns:
                continue
            old = None if added else sheet.cell(row, layout.columns[key]).value
            if is_formula(old):
                result.kept_formulas.append(getattr(headers, key))
            elif _comparable(old) != _comparable(new):
                result.changes.append(Change(row, key, old, new))
        results.append(result)
    return Plan(layout, headers, results, flag_added)


def _style_new_row(plan_, row, template_row):
    """Give an appended row the look of the last row, money formats, and the "added" flag."""
    layout = plan_.layout
    if template_row > layout.header_row:
        for template in layout.sheet[template_row]:
            if template.has_style:
                layout.sheet.cell(row, template.column)._style = copy.copy(template._style)
    for key in PAY_KEYS:
        cell = layout.sheet.cell(row, layout.columns[key])
        if cell.number_format == "General":
            cell.number_format = MONEY_FORMAT
    if plan_.flag_added:
        for key in ("identifier", "note"):
            layout.sheet.cell(row, layout.columns[key]).fill = ADDED_FILL


def apply(plan_):
    """Write the planned changes into the (in-memory) workbook."""
    layout = plan_.layout
    sheet = layout.sheet
    for key, column in layout.new_headers:
        cell = sheet.cell(layout.header_row, column, getattr(plan_.headers, key))
        cell._style = copy.copy(sheet.cell(layout.header_row, column - 1)._style)
    template_row = layout.last_row()
    for result in plan_.rows:
        if result.added:
            _style_new_row(plan_, result.row, template_row)
        for change in result.changes:
            sheet.cell(change.row, layout.columns[change.key], change.new)


def backup_path(path):
    return path.with_name(path.name + ".bak")


def write_atomic(path, write, keep_backup=True):
    """Write ``path`` through ``write(temporary_path)`` in the same folder, then swap it in.

    The old file is copied to ``<name>.bak`` first. If anything fails the old file is untouched
    and the temporary file is removed.
    """
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    temporary = Path(temporary)
    try:
        write(temporary)
        if path.exists():
            os.chmod(temporary, path.stat().st_mode)
            if keep_backup:
                shutil.copy2(path, backup_path(path))
        with open(temporary, "rb") as stream:
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def save(book, path, keep_backup=True):
    check_writable(path)
    book.calculation.fullCalcOnLoad = True  # openpyxl drops cached results: recompute formulas
    try:
        write_atomic(path, book.save, keep_backup)
    except OSError as exc:
        raise WorkbookError(f"could not write {path}: {exc}; the old file is unchanged") from None
