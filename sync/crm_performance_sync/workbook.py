"""The payroll workbook: find the rows, plan the cell changes, apply them, save atomically.

The sync owns the cells of its own columns (score, grade, completion, period, the pay columns,
the sync note) in the rows of the period's employees, and the rows it appends. It edits them in
the sheet's XML (see :mod:`.xlsx`); every other part of the file is copied as it was.
"""

import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from io import BytesIO
from pathlib import Path

import openpyxl
from lxml import etree
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from . import refs, xlsx
from .errors import WorkbookError
from .i18n import _
from .payrule import compute_pay

HEADER_SEARCH_ROWS = 10
ADDED_FILL = "FFFFF2CC"
SCORE_KEYS = ("period", "score", "grade", "completion")
PAY_KEYS = ("base_pay", "completion_pay", "daily_pay", "bonus", "monthly_pay")
# columns of a new workbook, in order; the sync adds missing SCORE/PAY/note columns to old ones
NEW_LAYOUT = ("identifier", "employee", "pay_base", *SCORE_KEYS, *PAY_KEYS, "note")
# headers of the employees' name column, tried after the configured one
NAME_HEADERS = ("Employee", "Name", "Employee name", "Full name", "姓名", "员工", "员工姓名")


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
                _(
                    "{path} is open in another program (lock file {lock}). "
                    "Close it there and run the sync again."
                ).format(path=path, lock=lock.name)
            )
    if path.exists() and not os.access(path, os.W_OK):
        raise WorkbookError(_("{path} is read-only for you; nothing was written").format(path=path))
    if not os.access(path.parent, os.W_OK):
        raise WorkbookError(
            _("cannot write in the folder {folder}; nothing was written").format(folder=path.parent)
        )


def load(path):
    """The :class:`~.xlsx.Package` of an .xlsx or .xlsm workbook."""
    if not path.exists():
        raise WorkbookError(
            _("the workbook {path} does not exist (use --new to create one)").format(path=path)
        )
    try:
        package = xlsx.Package(path.read_bytes())
        if not package.sheets():
            raise ValueError(_("no worksheet"))
    except (zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as exc:
        raise WorkbookError(
            _("{path} is not an Excel workbook (.xlsx, .xlsm): {reason}").format(path=path, reason=exc)
        ) from None
    except OSError as exc:
        raise WorkbookError(
            _("cannot read {path}: {reason}").format(path=path, reason=exc.strerror)
        ) from None
    return package


def new_book(sheet_name, headers):
    """A package with one sheet and a bold header row in the ``NEW_LAYOUT`` order."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = sheet_name or "Payroll"
    for column, key in enumerate(NEW_LAYOUT, start=1):
        cell = sheet.cell(1, column, getattr(headers, key))
        cell.font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(column)].width = max(12, len(cell.value) + 2)
    sheet.freeze_panes = "A2"
    buffer = BytesIO()
    book.save(buffer)
    return xlsx.Package(buffer.getvalue())


def identifier_text(value):
    """A workbook identifier as text: 1001.0 typed as a number is '1001'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _comparable(value):
    if value is None or value == "":
        return None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return round(float(value), 6)
    return value.strip() if isinstance(value, str) else value


def _pay_base(value, formula):
    """(pay base, None) or (None, why the row gets no pay); ``formula`` is the cell's formula."""
    if value is None and formula is not None:
        return None, _(
            "the pay base formula has no saved result: open and save the workbook in Excel or "
            "LibreOffice, then run again; pay left empty"
        )
    if value is None or value == "":
        return None, _("no pay base in the row: scores written, pay left empty")
    if isinstance(value, str):
        try:
            value = Decimal(value.replace(",", "").strip())
        except InvalidOperation:
            return None, _("pay base '{value}' is not a number: pay left empty").format(value=value)
    if not isinstance(value, int | float | Decimal) or isinstance(value, bool):
        return None, _("pay base '{value}' is not a number: pay left empty").format(value=value)
    if value <= 0:
        return None, _("pay base {value} is not positive: pay left empty").format(value=value)
    return value, None


@dataclass
class Layout:
    """Where the header row and the sync's columns are in one sheet."""

    sheet: xlsx.Worksheet
    header_row: int
    columns: dict  # key -> 1-based column index
    new_headers: list  # (key, column) of headers the sync adds
    match_key: object  # identifier text -> the key rows are matched by

    @classmethod
    def locate(cls, sheet, headers, match_key=str):
        wanted = headers.identifier.strip().casefold()
        for row in range(1, HEADER_SEARCH_ROWS + 1):
            found = {}
            for column in sheet.grid.get(row, {}):
                value = sheet.value(row, column)
                if value is not None:
                    found.setdefault(str(value).strip().casefold(), column)
            if wanted in found:
                return cls._from_header(sheet, row, found, headers, match_key)
        raise WorkbookError(
            _(
                "sheet '{sheet}' has no column '{header}' in its first {rows} rows "
                "(set the header with --id-column)"
            ).format(sheet=sheet.title, header=headers.identifier, rows=HEADER_SEARCH_ROWS)
        )

    @classmethod
    def _from_header(cls, sheet, header_row, found, headers, match_key):
        columns, new_headers = {}, []
        next_column = max(found.values()) + 1
        names = (headers.employee, *NAME_HEADERS)
        for key in NEW_LAYOUT:
            candidates = names if key == "employee" else (getattr(headers, key),)
            column = next(
                (found[name.strip().casefold()] for name in candidates if name.strip().casefold() in found),
                None,
            )
            if column is None and key == "pay_base":
                raise WorkbookError(
                    _(
                        "sheet '{sheet}' has no column '{header}' (the employees' total pay base; "
                        "set its header with --pay-base-column)"
                    ).format(sheet=sheet.title, header=headers.pay_base)
                )
            if column is None and key != "employee":
                column = next_column
                next_column += 1
                new_headers.append((key, column))
            if column is not None:
                columns[key] = column
        return cls(sheet, header_row, columns, new_headers, match_key)

    def is_total(self, row):
        """Whether ``row`` sums up rows above it (a formula over a range of several rows of this
        sheet, all above it): the employee rows end there."""
        for column in self.sheet.grid.get(row, {}):
            formula = self.sheet.formula(row, column)
            for sheet, first, last in refs.row_spans(formula or ""):
                if sheet in (None, self.sheet.title) and self.header_row < first < last < row:
                    return True
        return False

    def data_rows(self):
        """{match key: row} of the employee rows: below the header, above a total row if there
        is one; duplicates are an error."""
        rows, twice = {}, {}
        column = self.columns["identifier"]
        for row in range(self.header_row + 1, self.sheet.max_row + 1):
            if self.is_total(row):
                break
            identifier = identifier_text(self.sheet.value(row, column))
            if not identifier:
                continue
            key = self.match_key(identifier)
            if key in rows:
                twice.setdefault(identifier, [rows[key]]).append(row)
            rows[key] = row
        if twice:
            listed = "; ".join(
                _("{identifier} in rows {rows}").format(identifier=key, rows=", ".join(map(str, numbers)))
                for key, numbers in twice.items()
            )
            raise WorkbookError(
                _(
                    "sheet '{sheet}' has the same employee identifier more than once: {listed}. "
                    "Each employee must have one row; fix the sheet and run again."
                ).format(sheet=self.sheet.title, listed=listed)
            )
        return rows

    def carried_formulas(self, template_row):
        """{column: formula} of the row new rows are modelled on (not its identifier)."""
        if template_row <= self.header_row:
            return {}
        formulas = {}
        for column in self.sheet.grid.get(template_row, {}):
            formula = self.sheet.formula(template_row, column)
            if formula is not None and column != self.columns["identifier"]:
                formulas[column] = formula
        return formulas


def open_layout(package, name, headers, match_key=str, path=None):
    """The :class:`Layout` of sheet ``name`` (default: the first) of ``package``."""
    sheets = package.sheets()
    name = name or next(iter(sheets))
    if name not in sheets:
        raise WorkbookError(
            _("{path} has no sheet '{name}' (sheets: {sheets}); choose one with --sheet").format(
                path=path, name=name, sheets=", ".join(sheets)
            )
        )
    return Layout.locate(xlsx.Worksheet(package, name, sheets[name]), headers, match_key)


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
class Unmatched:
    """A row of the sheet that no approved appraisal of the run matched."""

    row: int
    identifier: str
    employee: str
    reason: str = ""


@dataclass
class Plan:
    layout: Layout
    headers: object
    rows: list
    flag_added: bool
    template_row: int
    unmatched: list = field(default_factory=list)

    @property
    def changes(self):
        return [change for result in self.rows for change in result.changes]

    @property
    def changed(self):
        return bool(self.layout.new_headers or self.changes)

    @property
    def added(self):
        return [result for result in self.rows if result.added]

    def count(self, status):
        return sum(1 for result in self.rows if result.status == status)


def _desired(appraisal, pay_base, rule):
    """The sync's cell values of one row; ``pay_base`` is (saved value, formula or None)."""
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


def plan(layout, frame, headers, rule, flag_added=True):
    """The :class:`Plan` that brings the sheet in line with the pulled appraisals ``frame``:
    matched rows are updated, the others are appended below the last employee row."""
    existing = layout.data_rows()
    sheet = layout.sheet
    template_row = max(existing.values(), default=layout.header_row)
    carried = layout.carried_formulas(template_row)
    next_row = template_row + 1
    results, matched = [], set()
    for appraisal in frame.itertuples(index=False):
        key = layout.match_key(appraisal.identifier)
        row = existing.get(key)
        added = row is None
        if added:
            row, next_row = next_row, next_row + 1
            pay_base = (None, None)
        else:
            matched.add(key)
            column = layout.columns["pay_base"]
            pay_base = (sheet.value(row, column), sheet.formula(row, column))
        values, reason = _desired(appraisal, pay_base, rule)
        if added:
            note = _("Added by the sync for {period}").format(period=appraisal.period)
            values.update(
                identifier=appraisal.identifier,
                employee=appraisal.employee,
                note=note if flag_added else None,
            )
        result = RowResult(
            appraisal.identifier, appraisal.employee, row, added, values, pay_skipped=reason or ""
        )
        for key_, new in values.items():
            column = layout.columns.get(key_)
            if column is None:
                continue
            formula = carried.get(column) if added else sheet.formula(row, column)
            if formula is not None:
                result.kept_formulas.append(getattr(headers, key_))
            elif _comparable(None if added else sheet.value(row, column)) != _comparable(new):
                result.changes.append(Change(row, key_, None if added else sheet.value(row, column), new))
        results.append(result)
    name_column = layout.columns.get("employee")
    unmatched = [
        Unmatched(
            row,
            identifier_text(sheet.value(row, layout.columns["identifier"])),
            identifier_text(sheet.value(row, name_column)) if name_column else "",
        )
        for key, row in sorted(existing.items(), key=lambda item: item[1])
        if key not in matched
    ]
    return Plan(layout, headers, results, flag_added, template_row, unmatched)


def _add_rows(plan_, styles):
    """Insert the appended rows below the last employee row, shaped like it: its styles, row
    height and formulas (references moved down), money formats and the "added" flag."""
    layout, sheet, template = plan_.layout, plan_.layout.sheet, plan_.template_row
    sheet.insert_rows(template + 1, len(plan_.added), layout.header_row)
    template_styles = {}
    if template > layout.header_row:
        template_styles = {column: sheet.style(template, column) for column in sheet.grid[template]}
    carried = layout.carried_formulas(template)
    owned = {column: key for key, column in layout.columns.items()}
    new_styles = {}
    for column in sorted(set(template_styles) | set(owned)):
        key = owned.get(column)
        flagged = plan_.flag_added and key in ("identifier", "note")
        new_styles[column] = styles.derived(
            template_styles.get(column, 0), money=key in PAY_KEYS, fill_rgb=ADDED_FILL if flagged else None
        )
    for result in plan_.added:
        for column, style in new_styles.items():
            sheet.set_style(result.row, column, style, template)
        for column, formula in carried.items():
            moved = refs.copy_formula(formula, result.row - template)
            if moved is not None:
                sheet.set_formula(result.row, column, moved, template)


def apply(plan_):
    """Write the planned changes into the package (in memory)."""
    layout = plan_.layout
    sheet = layout.sheet
    package = sheet.package
    for key, column in layout.new_headers:
        sheet.set_value(layout.header_row, column, getattr(plan_.headers, key))
        sheet.set_style(layout.header_row, column, sheet.style(layout.header_row, column - 1))
    if plan_.added:
        _add_rows(plan_, package.styles())
    for change in plan_.changes:
        sheet.set_value(change.row, layout.columns[change.key], change.new)
    sheet.fit_dimension()
    package.recalculate_on_open(formulas_moved=bool(plan_.added))


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


def save(package, path, keep_backup=True):
    check_writable(path)
    data = package.to_bytes()
    try:
        write_atomic(path, lambda temporary: temporary.write_bytes(data), keep_backup)
    except OSError as exc:
        raise WorkbookError(
            _("could not write {path}: {reason}; the old file is unchanged").format(path=path, reason=exc)
        ) from None
