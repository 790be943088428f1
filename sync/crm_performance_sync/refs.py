"""Cell references inside formulas and ranges, and the two ways the sync moves them.

* :func:`copy_formula`: what a spreadsheet does when a formula is filled down (or a shared
  formula is expanded): relative references follow the distance, ``$`` anchored ones stay.
* :class:`RowInsertion`: what a spreadsheet does when rows are inserted: every reference to a
  moved row of that sheet follows it, absolute or not; on top of that, ranges that ended at the
  last employee row are extended over the new rows (``SUM(M4:M7)`` becomes ``SUM(M4:M9)``).

Strings in quotes, structured references (``Table[Column]``), whole rows or columns and
references into other workbooks (``[1]Sheet!A1``) are left as they are.
"""

import re

MAX_ROW = 1_048_576
TOKEN = re.compile(
    r"""
      "(?:[^"]|"")*"                                # a string literal
    | \[[^\]]*\]                                    # a structured reference, an external book
    | (?<![\w.$!'\]])                               # not inside a name, a number, another reference
      (?P<sheet>(?:'(?:[^']|'')+'|[^\W\d][\w.]*)!)?
      (?P<first>\$?[A-Z]{1,3}\$?\d+)(?::(?P<last>\$?[A-Z]{1,3}\$?\d+))?
      (?![\w(!.])                                   # not a function name (LOG10) nor a sheet
    """,
    re.VERBOSE,
)
CELL = re.compile(r"(\$?)([A-Z]{1,3})(\$?)(\d+)")


def column_index(letters):
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index


def column_letters(index):
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def split_cell(reference):
    """(row, column) of ``"M12"`` or ``"$M$12"``."""
    _dollar, letters, _dollar_row, digits = CELL.fullmatch(reference).groups()
    return int(digits), column_index(letters)


def cell_name(row, column):
    return f"{column_letters(column)}{row}"


def _sheet_name(prefix):
    name = prefix[:-1]
    if name.startswith("'"):
        name = name[1:-1].replace("''", "'")
    return name


def _rewrite(formula, change):
    """``formula`` with each reference token passed through ``change(sheet, first, last)``, which
    returns (first, last) as (absolute column, column, absolute row, row) tuples."""

    def replace(match):
        if match.group("first") is None:
            return match.group(0)
        sheet = match.group("sheet")
        if sheet and "[" in sheet:  # another workbook
            return match.group(0)
        first = CELL.fullmatch(match.group("first")).groups()
        last = CELL.fullmatch(match.group("last")).groups() if match.group("last") else None
        new_first, new_last = change(_sheet_name(sheet) if sheet else None, first, last)
        text = (sheet or "") + "".join(new_first)
        return text + (":" + "".join(new_last) if new_last else "")

    return TOKEN.sub(replace, formula)


def _moved(part, rows, columns):
    dollar_column, letters, dollar_row, digits = part
    column = column_index(letters) + (0 if dollar_column else columns)
    row = int(digits) + (0 if dollar_row else rows)
    if not (1 <= row <= MAX_ROW and column >= 1):
        return None
    return dollar_column, column_letters(column), dollar_row, str(row)


def copy_formula(formula, rows, columns=0):
    """``formula`` filled ``rows`` down and ``columns`` right; a reference leaving the sheet
    makes the whole formula ``None`` (the cell is then left empty)."""
    lost = []

    def change(_sheet, first, last):
        moved = _moved(first, rows, columns), last and _moved(last, rows, columns)
        if moved[0] is None or (last and moved[1] is None):
            lost.append(first)
            return first, last
        return moved

    result = _rewrite(formula, change)
    return None if lost else result


def row_spans(formula):
    """[(sheet or None, first row, last row)] of the ranges in ``formula``."""
    spans = []

    def collect(sheet, first, last):
        if last:
            spans.append((sheet, int(first[3]), int(last[3])))
        return first, last

    _rewrite(formula, collect)
    return spans


class RowInsertion:
    """``count`` rows inserted at row ``at`` of sheet ``sheet``, below the employee rows that
    start under the header row ``header``; ranges of that sheet over several rows, from the
    header (or below) to ``at - 1``, are extended over the new rows when ``extend`` (formulas
    outside the employee rows: totals, other sheets, names; formats, validations, tables)."""

    def __init__(self, sheet, at, count, header):
        self.sheet = sheet.casefold()
        self.at = at
        self.count = count
        self.header = header

    def row(self, row):
        """Where row ``row`` is after the insertion."""
        return row + self.count if row >= self.at else row

    def _change(self, home, extend):
        def change(sheet, first, last):
            if (sheet or home or "").casefold() != self.sheet:
                return first, last
            first_row, last_row = int(first[3]), int(last[3]) if last else None
            new_first = (*first[:3], str(self.row(first_row)))
            if last is None:
                return new_first, None
            end = self.row(last_row)
            if extend and self.header <= first_row < last_row == self.at - 1:
                end = last_row + self.count
            return new_first, (*last[:3], str(end))

        return change

    def formula(self, formula, home=None, extend=True):
        """``formula`` of a cell on sheet ``home`` (None: references without a sheet name are
        not to this sheet, as in defined names)."""
        return _rewrite(formula, self._change(home, extend))

    def ranges(self, text, extend):
        """A space-separated list of ranges of this sheet (``sqref``, ``ref`` attributes)."""
        change = self._change(self.sheet, extend)
        parts = []
        for item in text.split():
            first, _colon, last = (CELL.fullmatch(part) for part in item.partition(":"))
            if first is None or (":" in item and last is None):  # whole rows or columns
                parts.append(item)
                continue
            new_first, new_last = change(None, first.groups(), last.groups() if last else None)
            parts.append("".join(new_first) + (":" + "".join(new_last) if new_last else ""))
        return " ".join(parts)
