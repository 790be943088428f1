"""Surgical edits of an Excel package (.xlsx, .xlsm): the parts the sync changes are parsed with
lxml and written back; every other member of the zip is copied as it was read.

A workbook is a zip of XML parts (sheets, shared strings, styles, charts, drawings, pivot
caches, macros...). Libraries that load a workbook into objects and save it again (openpyxl)
write only the parts they understand: chart styles, pivot caches, macros, external links and
custom XML are lost, and formulas lose their saved results. Here a part is re-serialised only
when the sync changed something in it.
"""

import bisect
import copy
import re
import zipfile
from io import BytesIO

from lxml import etree

from . import refs

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CALC_CHAIN = "xl/calcChain.xml"
PARSER = etree.XMLParser(resolve_entities=False, huge_tree=True)
# children of <workbook> that come before <calcPr>, in schema order
BEFORE_CALC_PR = ("sheets", "functionGroups", "externalReferences", "definedNames")
FORMULA_TAGS = ("f", "formula", "formula1", "formula2")
MONEY_NUMBER_FORMAT = "4"  # built-in format #,##0.00


def q(tag):
    return f"{{{MAIN}}}{tag}"


C, F, V, IS, ROW = q("c"), q("f"), q("v"), q("is"), q("row")


def local(element):
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


class Package:
    """The members of a workbook zip, in their order, and the parsed parts being edited."""

    def __init__(self, data):
        with zipfile.ZipFile(BytesIO(data)) as archive:
            self.infos = archive.infolist()
            self.raw = {info.filename: archive.read(info) for info in self.infos}
        self.trees = {}
        self.dirty = set()
        self.removed = set()

    def xml(self, name):
        if name not in self.trees:
            # no entities resolved, no network: PARSER is safe for a file from anyone
            self.trees[name] = etree.fromstring(self.raw[name], PARSER)  # noqa: S320
        return self.trees[name]

    def touch(self, name):
        self.dirty.add(name)

    def rels(self, name):
        """{relationship id: (type, target part)} of part ``name``."""
        folder, _slash, base = name.rpartition("/")
        rels_name = f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"
        if rels_name not in self.raw:
            return {}
        found = {}
        for rel in self.xml(rels_name):
            target = rel.get("Target")
            if rel.get("TargetMode") == "External":
                continue
            path = target.lstrip("/") if target.startswith("/") else _join(folder, target)
            found[rel.get("Id")] = (rel.get("Type").rsplit("/", 1)[-1], path)
        return found

    def sheets(self):
        """{sheet name: worksheet part} in the workbook's order (chart sheets left out)."""
        rels = self.rels("xl/workbook.xml")
        found = {}
        for sheet in self.xml("xl/workbook.xml").iter(q("sheet")):
            kind, part = rels[sheet.get(f"{{{DOC_RELS}}}id")]
            if kind == "worksheet":
                found[sheet.get("name")] = part
        return found

    def shared_strings(self):
        rels = self.rels("xl/workbook.xml").values()
        part = next((target for kind, target in rels if kind == "sharedStrings"), None)
        if part is None:
            return []
        return [rich_text(item) for item in self.xml(part).iter(q("si"))]

    def styles(self):
        part = next(target for kind, target in self.rels("xl/workbook.xml").values() if kind == "styles")
        return Styles(self, part)

    def recalculate_on_open(self, formulas_moved):
        """Ask Excel and LibreOffice to recompute every formula when the file is opened; when
        formula cells were added or moved, also drop the calculation chain (Excel's cache of
        the formula cells' order, rebuilt on open) rather than leave it pointing at old cells."""
        workbook = self.xml("xl/workbook.xml")
        calc = workbook.find(q("calcPr"))
        if calc is None:
            calc = etree.Element(q("calcPr"))
            before = [child for child in workbook if local(child) in BEFORE_CALC_PR]
            before[-1].addnext(calc)
        if calc.get("fullCalcOnLoad") not in ("1", "true"):
            calc.set("fullCalcOnLoad", "1")
            self.touch("xl/workbook.xml")
        if formulas_moved and CALC_CHAIN in self.raw:
            self.removed.add(CALC_CHAIN)
            self._unlist(
                "xl/_rels/workbook.xml.rels", lambda rel: rel.get("Target").endswith("calcChain.xml")
            )
            self._unlist("[Content_Types].xml", lambda item: item.get("PartName") == f"/{CALC_CHAIN}")

    def _unlist(self, name, matches):
        root = self.xml(name)
        for element in [child for child in root if matches(child)]:
            root.remove(element)
            self.touch(name)

    def to_bytes(self):
        buffer = BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for info in self.infos:
                name = info.filename
                if name in self.removed:
                    continue
                data = self.raw[name]
                if name in self.dirty:
                    data = etree.tostring(
                        self.trees[name], xml_declaration=True, encoding="UTF-8", standalone=True
                    )
                archive.writestr(info, data)
        return buffer.getvalue()


def _join(folder, target):
    parts = []
    for piece in f"{folder}/{target}".split("/"):
        if piece == "..":
            parts.pop()
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts)


def rich_text(element):
    """The text of a shared or inline string, without phonetic hints."""
    texts = [t.text or "" for t in element.findall(q("t"))]
    texts += [t.text or "" for t in element.findall(f"{q('r')}/{q('t')}")]
    return "".join(texts)


def _number(text):
    return float(text) if any(mark in text for mark in ".eE") else int(text)


class Worksheet:
    """One worksheet part: cell values (with the results saved by Excel/LibreOffice), formulas,
    and the edits the sync makes."""

    def __init__(self, package, name, part):
        self.package = package
        self.title = name
        self.part = part
        self.root = package.xml(part)
        self.data = self.root.find(q("sheetData"))
        self.strings = package.shared_strings()
        self.grown = False  # cells were added: fit_dimension() widens the used range
        self.rows = {}  # row number -> <row>
        self.grid = {}  # row number -> {column: <c>}
        for row in self.data.iter(ROW):
            number = int(row.get("r"))
            self.rows[number] = row
            self.grid[number] = {refs.split_cell(cell.get("r"))[1]: cell for cell in row.iter(C)}
        self.numbers = sorted(self.rows)
        self.shared = {
            formula.get("si"): (refs.split_cell(formula.getparent().get("r")), formula.text)
            for formula in self.data.iter(F)
            if formula.get("t") == "shared" and formula.text
        }

    @property
    def max_row(self):
        return max((number for number, cells in self.grid.items() if cells), default=0)

    def _find(self, row, column):
        return self.grid.get(row, {}).get(column)

    def value(self, row, column):
        """The cell's value, or the result saved with its formula; None when empty."""
        cell = self._find(row, column)
        if cell is None:
            return None
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            inline = cell.find(IS)
            return rich_text(inline) if inline is not None else None
        text = cell.findtext(V)
        if text is None or text == "":
            return None
        if kind == "s":
            return self.strings[int(text)]
        if kind == "b":
            return text in ("1", "true")
        if kind == "n":
            return _number(text)
        return text  # str (a formula's text result), e (an error such as #N/A), d (ISO date)

    def formula(self, row, column):
        """The cell's formula (a shared formula spelled out for this cell), or None."""
        cell = self._find(row, column)
        formula = cell.find(F) if cell is not None else None
        if formula is None:
            return None
        if formula.get("t") == "shared" and not formula.text:
            (master_row, master_column), text = self.shared[formula.get("si")]
            return refs.copy_formula(text, row - master_row, column - master_column)
        return formula.text or ""

    def style(self, row, column):
        cell = self._find(row, column)
        return int(cell.get("s", "0")) if cell is not None else 0

    def _row(self, number, template=None):
        row = self.rows.get(number)
        if row is not None:
            return row
        row = etree.Element(ROW, {"r": str(number)})
        for name, value in template.attrib.items() if template is not None else ():
            if name not in ("r", "spans"):
                row.set(name, value)
        position = bisect.bisect(self.numbers, number)
        if position < len(self.numbers):
            self.rows[self.numbers[position]].addprevious(row)
        else:
            self.data.append(row)
        self.numbers.insert(position, number)
        self.rows[number] = row
        self.grid[number] = {}
        return row

    def cell(self, row, column, template_row=None):
        """The cell element at (row, column), created in its place if missing."""
        cell = self._find(row, column)
        if cell is not None:
            return cell
        parent = self._row(row, self.rows.get(template_row))
        cells = self.grid[row]
        cell = etree.Element(C, {"r": refs.cell_name(row, column)})
        after = [key for key in cells if key > column]
        if after:
            cells[min(after)].addprevious(cell)
        else:
            parent.append(cell)
        cells[column] = cell
        spans = parent.get("spans")
        if spans:
            low, _colon, high = spans.partition(":")
            parent.set("spans", f"{min(int(low), column)}:{max(int(high), column)}")
        self.grown = True
        self.package.touch(self.part)
        return cell

    def fit_dimension(self):
        """Make the sheet's used range (``<dimension>``) cover the cells added."""
        dimension = self.root.find(q("dimension"))
        if dimension is None or not self.grown:
            return
        rows = [number for number, cells in self.grid.items() if cells]
        columns = [column for cells in self.grid.values() for column in cells]
        top_left = refs.cell_name(min(rows), min(columns))
        dimension.set("ref", f"{top_left}:{refs.cell_name(max(rows), max(columns))}")

    def set_value(self, row, column, value):
        """Write a number, a text (as an inline string: the shared strings of every sheet stay
        as they are) or None (empty) in a cell that holds no formula; its style stays."""
        cell = self.cell(row, column)
        for child in cell.findall(V) + cell.findall(IS):
            cell.remove(child)
        cell.attrib.pop("t", None)
        if isinstance(value, str):
            cell.set("t", "inlineStr")
            text = etree.SubElement(etree.SubElement(cell, IS), q("t"))
            text.text = value
            if value != value.strip():
                text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        elif value is not None:
            number = float(value)
            etree.SubElement(cell, V).text = str(int(number)) if number.is_integer() else repr(number)
        self.package.touch(self.part)

    def set_formula(self, row, column, formula, template_row):
        cell = self.cell(row, column, template_row)
        etree.SubElement(cell, F).text = formula

    def set_style(self, row, column, style, template_row=None):
        cell = self.cell(row, column, template_row)
        if style:
            cell.set("s", str(style))
        else:
            cell.attrib.pop("s", None)

    def insert_rows(self, at, count, header):
        """Move the rows from ``at`` down by ``count`` as a spreadsheet's "insert rows" does,
        with every reference to them (this sheet, formulas of the other sheets, defined names,
        comments, tables), and extend the ranges from row ``header`` down to ``at - 1``."""
        insertion = refs.RowInsertion(self.title, at, count, header)
        self._unshare(at)
        for number in sorted((n for n in self.rows if n >= at), reverse=True):
            row = self.rows.pop(number)
            row.set("r", str(number + count))
            self.rows[number + count] = row
            self.grid[number + count] = self.grid.pop(number)
            for column, cell in self.grid[number + count].items():
                cell.set("r", refs.cell_name(number + count, column))
        self.numbers = sorted(self.rows)
        self.shared = {key: ((insertion.row(r), c), text) for key, ((r, c), text) in self.shared.items()}
        package = self.package
        package.touch(self.part)
        for name, part in package.sheets().items():
            _shift_part(package, part, insertion, name, own=part == self.part)
        _shift_part(package, "xl/workbook.xml", insertion, None, own=False)
        for kind, part in package.rels(self.part).values():
            if kind in ("comments", "table"):
                _shift_part(package, part, insertion, self.title, own=True)
            elif kind == "vmlDrawing":
                _shift_vml(package, part, at, count)

    def _unshare(self, at):
        """Spell out, in each of their cells, the shared formulas that straddle row ``at``."""
        for formula in list(self.data.iter(F)):
            if formula.get("t") != "shared" or not formula.get("ref"):
                continue
            first, _colon, last = formula.get("ref").partition(":")
            top, bottom = refs.split_cell(first)[0], refs.split_cell(last or first)[0]
            if not top < at <= bottom:
                continue
            index = formula.get("si")
            for row, cells in self.grid.items():
                for column, cell in cells.items():
                    shared = cell.find(F)
                    if shared is not None and shared.get("t") == "shared" and shared.get("si") == index:
                        text = self.formula(row, column)
                        shared.attrib.clear()
                        shared.text = text
            del self.shared[index]


def _shift_part(package, part, insertion, home, own):
    """Apply ``insertion`` to the formulas of one XML part (references without a sheet name are
    to sheet ``home``) and, when the part belongs to the sheet (``own``), to its ranges; mark it
    changed only when something in it changed."""
    root = package.xml(part)
    changed = False
    for element in root.iter():
        tag = local(element)
        if tag in (*FORMULA_TAGS, "definedName", "sqref") and element.text:
            if tag == "sqref":
                text = insertion.ranges(element.text, extend=True)
            else:
                text = insertion.formula(element.text, home, extend=not _in_rows(element, own, insertion))
            if text != element.text:
                element.text, changed = text, True
        for attribute in ("ref", "sqref"):
            value = element.get(attribute)
            if value and own:
                # a merged cell or a comment keeps its size; formats, validation and tables grow
                extend = attribute == "sqref" or tag in ("table", "autoFilter")
                text = insertion.ranges(value, extend)
                if text != value:
                    element.set(attribute, text)
                    changed = True
    if changed:
        package.touch(part)


def _in_rows(formula, own, insertion):
    """Whether ``formula`` is a cell formula of an employee row of the sheet (moved rows are
    already renumbered): those are not extended, a running total there stays a running total."""
    cell = formula.getparent()
    if not own or local(formula) != "f" or local(cell) != "c":
        return False
    return insertion.header < refs.split_cell(cell.get("r"))[0] < insertion.at


def _shift_vml(package, part, at, count):
    """Move the comment boxes (legacy VML, often not well-formed XML) of the moved rows."""

    def row(match):
        number = int(match.group(2))
        return f"{match.group(1)}{number + count if number >= at - 1 else number}{match.group(3)}"

    def anchor(match):
        values = [value.strip() for value in match.group(2).split(",")]
        for index in (2, 6):
            if int(values[index]) >= at - 1:
                values[index] = str(int(values[index]) + count)
        return f"{match.group(1)}{', '.join(values)}{match.group(3)}"

    text = package.raw[part].decode("utf-8")
    text = re.sub(r"(<(?:\w+:)?Row>)(\d+)(</(?:\w+:)?Row>)", row, text)
    text = re.sub(r"(<(?:\w+:)?Anchor>)([^<]*)(</(?:\w+:)?Anchor>)", anchor, text)
    data = text.encode("utf-8")
    if data != package.raw[part]:
        package.raw[part] = data


class Styles:
    """Cell formats derived from existing ones (a money format, the "added" fill), appended to
    the stylesheet so that the indices every cell uses stay valid; reused when already there."""

    def __init__(self, package, part):
        self.package = package
        self.part = part
        self.root = package.xml(part)
        self.made = {}

    def _append_unique(self, container_tag, element):
        container = self.root.find(q(container_tag))
        wanted = etree.tostring(element)
        for index, existing in enumerate(container):
            if etree.tostring(existing) == wanted:
                return index
        container.append(element)
        container.set("count", str(len(container)))
        self.package.touch(self.part)
        return len(container) - 1

    def derived(self, style, money=False, fill_rgb=None):
        """The index of cell format ``style`` with the money number format (when it has none)
        and/or a solid fill of colour ``fill_rgb``."""
        if (style, money, fill_rgb) not in self.made:
            self.made[style, money, fill_rgb] = self._derive(style, money, fill_rgb)
        return self.made[style, money, fill_rgb]

    def _derive(self, style, money, fill_rgb):
        xf = copy.deepcopy(self.root.find(q("cellXfs"))[style])
        if money and xf.get("numFmtId", "0") == "0":
            xf.set("numFmtId", MONEY_NUMBER_FORMAT)
            xf.set("applyNumberFormat", "1")
        if fill_rgb:
            fill = etree.Element(q("fill"))
            pattern = etree.SubElement(fill, q("patternFill"), patternType="solid")
            etree.SubElement(pattern, q("fgColor"), rgb=fill_rgb)
            etree.SubElement(pattern, q("bgColor"), indexed="64")
            xf.set("fillId", str(self._append_unique("fills", fill)))
            xf.set("applyFill", "1")
        if etree.tostring(xf) == etree.tostring(self.root.find(q("cellXfs"))[style]):
            return style
        return self._append_unique("cellXfs", xf)
