"""A small in-memory stand-in for the part of xlwings (and of Excel's COM object model
behind ``.api``) that sop_xl.workbook.live uses, so the live backend runs without Excel.

It models the Excel behaviour the live backend must cope with, as far as it is known
without Excel at hand; each modelled rule is marked ``# Excel:``:

* a string assigned through ``Range.value`` is parsed as if typed ("=x" is a formula,
  "2026-12" a date, "007" the number 7, "TRUE" a boolean, "#N/A" an error) unless it
  starts with the apostrophe text prefix;
* formulas are calculated when read (arithmetic, SUM, cell references on the same or
  another sheet), errors read as None, or as their text with ``err_to_str``;
* deleting a sheet turns references to it elsewhere into #REF!; renaming one rewrites them;
* Table names are unique in the workbook; a Table resize keeps its header row; clearing
  cells leaves a Table in place; a cell copy does not bring Tables along;
* a protected sheet refuses writes; a hidden sheet cannot be activated; ``select`` needs
  the sheet to be active.

Every call the backend makes is logged in ``app.log`` as (operation, sheet, address) so
tests can assert the block-wise shape of a write, and ``app.fail_when`` makes a chosen
call raise the way pywin32 raises a COM error.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sop_xl.contract.cells import col_index, col_letter, parse_range
from tests.backend.fake_calc import ErrorValue, FakeComError, cell_value
from tests.backend.fake_range_parts import (
    _Borders,
    _CondFormats,
    _Font,
    _Lines,
    _RangeApi,
    _Validation,
)

MAX_ROW, MAX_COL = 1048576, 16384
ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")
Box = tuple[int, int, int, int]  # 0-based, inclusive


@dataclass
class Cell:
    value: Any = None                 # constant, ErrorValue, or None
    formula: str | None = None        # "=..." for formula cells
    prefix: bool = False              # typed behind an apostrophe
    fmt: dict[str, Any] = field(default_factory=dict)

    def empty(self) -> bool:
        return self.value is None and self.formula is None and not self.fmt


def _parse_typed(text: str) -> Cell:
    """Excel: what typing ``text`` into a cell stores."""
    if text.startswith("'"):
        return Cell(value=text[1:], prefix=True)
    if text.startswith("="):
        return Cell(formula=text)
    s = text.strip()
    if s.upper() in ("TRUE", "FALSE"):
        return Cell(value=s.upper() == "TRUE")
    if s in ERRORS:
        return Cell(value=ErrorValue(s))
    try:
        return Cell(value=float(s.replace(",", "")))
    except ValueError:
        pass
    for fmt in ("%Y-%m-%d", "%Y-%m", "%Y/%m/%d", "%m/%d/%Y"):
        try:
            return Cell(value=datetime.strptime(s, fmt))
        except ValueError:
            pass
    if s[:1] in "+-@" and len(s) > 1:
        return Cell(formula="=" + s.lstrip("@"))  # Excel: "+abc" is taken as a formula
    return Cell(value=text)


def _parse_address(address: str) -> list[Box]:
    boxes = []
    for part in address.replace("$", "").split(","):
        part = part.strip()
        if "!" in part:
            part = part.split("!", 1)[1]
        m = re.fullmatch(r"([A-Z]+):([A-Z]+)", part)
        if m:
            boxes.append((0, col_index(m.group(1)), MAX_ROW - 1, col_index(m.group(2))))
            continue
        m = re.fullmatch(r"(\d+):(\d+)", part)
        if m:
            boxes.append((int(m.group(1)) - 1, 0, int(m.group(2)) - 1, MAX_COL - 1))
            continue
        boxes.append(parse_range(part))
    return boxes


def _address(box: Box) -> str:
    t, left, b, r = box
    first = f"${col_letter(left)}${t + 1}"
    return first if (t, left) == (b, r) else f"{first}:${col_letter(r)}${b + 1}"


class FakeApp:
    def __init__(self) -> None:
        self.screen_updating = True
        self.enable_events = True
        self.display_alerts = True
        self.calculation = "automatic"
        self.status_bar: Any = False
        self.status_history: list[Any] = []
        self.log: list[tuple[str, str, str]] = []
        self.fail_when: Callable[[str, str, str], bool] | None = None
        self.alerts: list[tuple[str, str]] = []
        self.alert_buttons: list[str] = []
        self.answers: list[str] = []  # what the planner clicks, in order; then "ok"
        self.api = _AppApi(self)
        self.books: list[FakeBook] = []
        self.version = "16.0"

    def __setattr__(self, key: str, value: Any) -> None:
        if key == "status_bar" and hasattr(self, "status_history"):
            self.status_history.append(value)
        super().__setattr__(key, value)

    def call(self, op: str, sheet: str = "", address: str = "") -> None:
        """Log a call; raise if the test asked this call to fail."""
        self.log.append((op, sheet, address))
        if self.fail_when is not None and self.fail_when(op, sheet, address):
            raise FakeComError(f"{op} failed on {sheet}!{address}")

    def ops(self, op: str, sheet: str | None = None) -> list[tuple[str, str, str]]:
        return [e for e in self.log if e[0] == op and (sheet is None or e[1] == sheet)]

    def alert(self, prompt: str, title: str = "", buttons: str = "ok", mode: str | None = None,
              callback: str = "") -> str:
        self.alerts.append((title, prompt))
        self.alert_buttons.append(buttons)
        return self.answers.pop(0) if self.answers else "ok"


class _AppApi:
    def __init__(self, app: FakeApp) -> None:
        self._app = app
        self.PrintCommunication = True

    @property
    def ActiveWindow(self) -> _Window:
        book = self._app.books[-1]
        return _Window(book.sheets.active)


class _Window:
    def __init__(self, sheet: FakeSheet) -> None:
        object.__setattr__(self, "_sheet", sheet)

    def __setattr__(self, key: str, value: Any) -> None:
        s = self._sheet
        s.book.app.call(f"window.{key}", s.name)
        if key == "SplitRow":
            s.split = (value, s.split[1])
        elif key == "SplitColumn":
            s.split = (s.split[0], value)
        elif key == "FreezePanes":
            s.freeze = s.split if value else None
        elif key == "Zoom":
            s.zoom = value


class FakeBook:
    def __init__(self, name: str = "Book1.xlsm", app: FakeApp | None = None) -> None:
        self.name = name
        self.fullname = name  # as in Excel until the book is saved: then its full path
        self.app = app or FakeApp()
        self.app.books.append(self)
        self.sheets = FakeSheets(self)
        self.properties: dict[str, str] = {}  # Excel: custom document properties
        self.api = _BookApi(self)

    # Excel: what a formula elsewhere sees when a sheet goes or is renamed
    def _rewrite_refs(self, old: str, new: str | None) -> None:
        pattern = re.compile(r"(?<![A-Za-z0-9_'])(?:'" + re.escape(old.replace("'", "''"))
                             + r"'|" + re.escape(old) + r")!", re.I)
        for s in self.sheets:
            for cell in s.cells_.values():
                if cell.formula and pattern.search(cell.formula):
                    if new is None:
                        cell.formula = pattern.sub("#REF!", cell.formula)
                    else:
                        quoted = new if re.fullmatch(r"\w+", new) else "'" + new + "'"
                        cell.formula = pattern.sub(quoted + "!", cell.formula)


class _BookApi:
    def __init__(self, book: FakeBook) -> None:
        self.CustomDocumentProperties = _DocProps(book)


class _DocProps:
    """Excel: ``Workbook.CustomDocumentProperties``, a COM collection counted from 1."""

    def __init__(self, book: FakeBook) -> None:
        self._book = book

    @property
    def Count(self) -> int:
        return len(self._book.properties)

    def Item(self, key: int | str) -> _DocProp:
        names = list(self._book.properties)
        name = names[key - 1] if isinstance(key, int) else next(
            n for n in names if n.lower() == key.lower())
        return _DocProp(self._book, name)

    def Add(self, Name: str, LinkToContent: bool, Type: int, Value: Any) -> _DocProp:
        self._book.app.call("property.add", "", Name)
        if any(n.lower() == Name.lower() for n in self._book.properties):
            raise FakeComError(f"a property named {Name!r} already exists")
        if Type == 4 and len(str(Value)) > 255:
            raise FakeComError("a text property holds at most 255 characters")
        self._book.properties[Name] = str(Value)
        return _DocProp(self._book, Name)


class _DocProp:
    def __init__(self, book: FakeBook, name: str) -> None:
        self._book, self.Name = book, name

    @property
    def Value(self) -> str:
        return self._book.properties[self.Name]

    def Delete(self) -> None:
        self._book.app.call("property.delete", "", self.Name)
        del self._book.properties[self.Name]


class FakeSheets:
    def __init__(self, book: FakeBook) -> None:
        self.book = book
        self._list: list[FakeSheet] = []
        self._active: FakeSheet | None = None

    def __iter__(self) -> Iterator[FakeSheet]:
        return iter(list(self._list))

    def __len__(self) -> int:
        return len(self._list)

    def __getitem__(self, key: int | str) -> FakeSheet:
        if isinstance(key, int):
            return self._list[key]
        for s in self._list:
            if s.name.lower() == key.lower():
                return s
        raise KeyError(key)

    @property
    def active(self) -> FakeSheet:
        return self._active or self._list[0]

    def add(self, name: str | None = None, before: FakeSheet | None = None,
            after: FakeSheet | None = None) -> FakeSheet:
        self.book.app.call("sheet.add", name or "")
        sheet = FakeSheet(self.book, name or f"Sheet{len(self._list) + 1}")
        self._insert(sheet, before, after)
        return sheet

    def _insert(self, sheet: FakeSheet, before: FakeSheet | None,
                after: FakeSheet | None) -> None:
        if any(s.name.lower() == sheet.name.lower() for s in self._list):
            raise FakeComError(f"a sheet named {sheet.name!r} already exists")
        if before is not None:
            self._list.insert(self._list.index(before), sheet)
        elif after is not None:
            self._list.insert(self._list.index(after) + 1, sheet)
        else:
            self._list.insert(0, sheet)  # Excel: a new sheet goes before the active one
        self._active = sheet


class FakeSheet:
    def __init__(self, book: FakeBook, name: str) -> None:
        self.book = book
        self._name = name
        self.cells_: dict[tuple[int, int], Cell] = {}
        self.visible = True
        self.tables_: list[FakeTable] = []
        self.merged: list[Box] = []
        self.widths: dict[int, float] = {}
        self.heights: dict[int, float] = {}
        self.page: dict[str, Any] = {}  # PageSetup properties set
        self.page_breaks: list[int] = []  # 1-based rows a page starts at
        self.hidden_rows: set[int] = set()
        self.hidden_cols: set[int] = set()
        self.outline: list[tuple[int, int]] = []
        self.validations: list[dict[str, Any]] = []
        self.cond_formats: list[dict[str, Any]] = []
        self.protected = False
        self.tab_color: int | None = None
        self.split = (0, 0)
        self.freeze: tuple[int, int] | None = None
        self.zoom = 100
        self.active_cell = (0, 0)
        self.filters: list[str] = []
        self.api = _SheetApi(self)

    @property
    def cells(self) -> FakeRange:
        return FakeRange(self, [(0, 0, MAX_ROW - 1, MAX_COL - 1)])

    def _put(self, r: int, c: int, v: Any) -> None:
        """Excel: a value assigned to one cell (strings parsed as typed)."""
        fmt = self.cells_[(r, c)].fmt if (r, c) in self.cells_ else {}
        if v is None:
            cell = Cell()
        elif isinstance(v, str):
            cell = _parse_typed(v)
        elif isinstance(v, bool):
            cell = Cell(value=v)
        elif isinstance(v, int | float):
            cell = Cell(value=float(v))  # Excel: every number is a double
        elif isinstance(v, datetime):
            cell = Cell(value=v)
        else:
            raise FakeComError(f"cannot assign a {type(v).__name__} to a cell")
        cell.fmt = fmt
        if cell.empty():
            self.cells_.pop((r, c), None)
        else:
            self.cells_[(r, c)] = cell

    def _check_writable(self) -> None:
        if self.protected:
            raise FakeComError("The cell or chart you're trying to change is on a "
                               "protected sheet")

    @property
    def name(self) -> str:
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        self.book.app.call("sheet.rename", self._name, value)
        if any(s is not self and s.name.lower() == value.lower() for s in self.book.sheets):
            raise FakeComError(f"a sheet named {value!r} already exists")
        old, self._name = self._name, value
        self.book._rewrite_refs(old, value)

    @property
    def index(self) -> int:
        return self.book.sheets._list.index(self) + 1

    def range(self, first: Any, last: Any = None) -> FakeRange:
        if isinstance(first, tuple):
            r0, c0 = first[0] - 1, first[1] - 1
            r1, c1 = (last[0] - 1, last[1] - 1) if last else (r0, c0)
            return FakeRange(self, [(r0, c0, r1, c1)])
        return FakeRange(self, _parse_address(first))

    def __getitem__(self, address: str) -> FakeRange:
        return self.range(address)

    @property
    def used_range(self) -> FakeRange:
        keys = [k for k, c in self.cells_.items() if not c.empty()]
        if not keys:
            return FakeRange(self, [(0, 0, 0, 0)])
        return FakeRange(self, [(min(k[0] for k in keys), min(k[1] for k in keys),
                                 max(k[0] for k in keys), max(k[1] for k in keys))])

    @property
    def tables(self) -> _Tables:
        return _Tables(self)

    def activate(self) -> None:
        self.book.app.call("sheet.activate", self.name)
        if not self.visible:
            raise FakeComError("Activate method of Worksheet class failed")
        self.book.sheets._active = self

    def delete(self) -> None:
        self.book.app.call("sheet.delete", self.name)
        sheets = self.book.sheets
        if len([s for s in sheets if s.visible]) == 1 and self.visible:
            raise FakeComError("a workbook must keep at least one visible sheet")
        sheets._list.remove(self)
        if sheets._active is self:
            sheets._active = None
        self.book._rewrite_refs(self.name, None)

    def copy(self, before: FakeSheet | None = None, after: FakeSheet | None = None,
             name: str | None = None) -> FakeSheet:
        self.book.app.call("sheet.copy", self.name, name or "")
        other = FakeSheet(self.book, name or f"{self.name} (2)")
        for key in ("cells_", "merged", "widths", "hidden_rows", "hidden_cols", "outline",
                    "validations", "cond_formats", "protected", "tab_color", "freeze", "zoom"):
            setattr(other, key, copy.deepcopy(getattr(self, key)))
        taken = {t.name.lower() for s in self.book.sheets for t in s.tables_}
        for t in self.tables_:
            k, new = 2, t.name
            while new.lower() in taken:  # Excel: a copied Table gets a new name
                new, k = f"{t.name}{k}", k + 1
            taken.add(new.lower())
            other.tables_.append(FakeTable(other, new, t.box, t.table_style))
        self.book.sheets._insert(other, before, after if before is None else None)
        return other

    def move(self, before: FakeSheet | None = None, after: FakeSheet | None = None) -> None:
        self.book.app.call("sheet.move", self.name)
        lst = self.book.sheets._list
        lst.remove(self)
        if before is not None:
            lst.insert(lst.index(before), self)
        else:
            assert after is not None
            lst.insert(lst.index(after) + 1, self)

    # helpers for tests
    def cell(self, ref: str) -> Cell:
        r, c, _, _ = parse_range(ref)
        return self.cells_.get((r, c), Cell())

    def value(self, ref: str) -> Any:
        return self.range(ref).value


class _SheetApi:
    def __init__(self, sheet: FakeSheet) -> None:
        self._s = sheet
        self.StandardWidth = 8.43
        self.Tab = _Tab(sheet)
        self.Cells = _CellsApi(sheet)

    @property
    def ProtectContents(self) -> bool:
        return self._s.protected

    def Protect(self, **kwargs: Any) -> None:
        self._s.book.app.call("sheet.protect", self._s.name)
        self._s.protected = True

    def Unprotect(self) -> None:
        self._s.book.app.call("sheet.unprotect", self._s.name)
        self._s.protected = False

    @property
    def PageSetup(self) -> _PageSetup:
        return _PageSetup(self._s)

    def ResetAllPageBreaks(self) -> None:
        self._s.book.app.call("sheet.reset_page_breaks", self._s.name)
        self._s.page_breaks = []

    @property
    def HPageBreaks(self) -> _PageBreaks:
        return _PageBreaks(self._s)

    def Rows(self, row: int) -> int:
        return row


class _PageSetup:
    def __init__(self, sheet: FakeSheet) -> None:
        object.__setattr__(self, "_s", sheet)

    def __setattr__(self, key: str, value: Any) -> None:
        self._s.book.app.call(f"page.{key}", self._s.name)
        self._s.page[key] = value


class _PageBreaks:
    def __init__(self, sheet: FakeSheet) -> None:
        self._s = sheet

    def Add(self, row: int) -> None:
        self._s.book.app.call("page.break", self._s.name)
        self._s.page_breaks.append(row)


class _Tab:
    def __init__(self, sheet: FakeSheet) -> None:
        object.__setattr__(self, "_s", sheet)

    def __setattr__(self, key: str, value: Any) -> None:
        self._s.book.app.call("sheet.tab_color", self._s.name)
        self._s.tab_color = value


class _CellsApi:
    def __init__(self, sheet: FakeSheet) -> None:
        self._s = sheet

    def ClearOutline(self) -> None:
        self._s.book.app.call("sheet.clear_outline", self._s.name)
        self._s.outline = []


class _Tables:
    def __init__(self, sheet: FakeSheet) -> None:
        self._s = sheet

    def __iter__(self) -> Iterator[FakeTable]:
        return iter(list(self._s.tables_))

    def __len__(self) -> int:
        return len(self._s.tables_)

    def add(self, source: FakeRange, name: str | None = None, table_style_name: str = "",
            **_: Any) -> FakeTable:
        s = self._s
        s.book.app.call("table.add", s.name, source.address)
        s._check_writable()
        taken = {t.name.lower() for x in s.book.sheets for t in x.tables_}
        if name and name.lower() in taken:
            raise FakeComError(f"a table named {name!r} already exists")
        box = source.areas[0]
        for t in s.tables_:
            if not (box[2] < t.box[0] or box[0] > t.box[2] or box[3] < t.box[1]
                    or box[1] > t.box[3]):
                raise FakeComError("a table cannot overlap another table")
        table = FakeTable(s, name or f"Table{len(taken) + 1}", box, table_style_name)
        s.tables_.append(table)
        return table


class FakeTable:
    def __init__(self, sheet: FakeSheet, name: str, box: Box, style: str) -> None:
        self.sheet = sheet
        self._name = name
        self.box = box
        self.table_style = style
        self.api = _TableApi(self)

    @property
    def name(self) -> str:
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        self.sheet.book.app.call("table.rename", self.sheet.name, value)
        taken = {t.name.lower() for s in self.sheet.book.sheets for t in s.tables_
                 if t is not self}
        if value.lower() in taken:
            raise FakeComError(f"a table named {value!r} already exists")
        self._name = value

    @property
    def range(self) -> FakeRange:
        return FakeRange(self.sheet, [self.box])

    def resize(self, rng: FakeRange) -> None:
        self.sheet.book.app.call("table.resize", self.sheet.name, rng.address)
        box = rng.areas[0]
        if box[0] != self.box[0]:  # Excel: the header must stay in the same row
            raise FakeComError("the header row of a table must remain in the same row")
        self.box = box


class _TableApi:
    def __init__(self, table: FakeTable) -> None:
        self._t = table

    def Unlist(self) -> None:
        t = self._t
        t.sheet.book.app.call("table.unlist", t.sheet.name, t.name)
        t.sheet.tables_.remove(t)


# -- ranges -------------------------------------------------------------------------------

class FakeRange:
    def __init__(self, sheet: FakeSheet, areas: list[Box]) -> None:
        self.sheet = sheet
        self.areas = areas
        self._opts: dict[str, Any] = {}

    @property
    def app(self) -> FakeApp:
        return self.sheet.book.app

    @property
    def address(self) -> str:
        return ",".join(_address(b) for b in self.areas)

    def _call(self, op: str) -> None:
        self.app.call(op, self.sheet.name, self.address)

    def _cells(self) -> Iterator[tuple[int, int]]:
        for t, left, b, r in self.areas:
            b = min(b, MAX_ROW - 1)
            for row in range(t, b + 1):
                for col in range(left, r + 1):
                    yield row, col

    @property
    def row(self) -> int:
        return self.areas[0][0] + 1

    @property
    def column(self) -> int:
        return self.areas[0][1] + 1

    @property
    def shape(self) -> tuple[int, int]:
        t, left, b, r = self.areas[0]
        return b - t + 1, r - left + 1

    @property
    def last_cell(self) -> FakeRange:
        _, _, b, r = self.areas[0]
        return FakeRange(self.sheet, [(b, r, b, r)])

    def __getitem__(self, key: tuple[int, int]) -> FakeRange:
        t, left, _, _ = self.areas[0]
        return FakeRange(self.sheet, [(t + key[0], left + key[1]) * 2])

    def options(self, **opts: Any) -> FakeRange:
        out = FakeRange(self.sheet, self.areas)
        out._opts = opts
        return out

    # values and formulas
    @property
    def value(self) -> Any:
        self._call("value.get")
        t, left, b, r = self.areas[0]
        rows = []
        for row in range(t, b + 1):
            out = []
            for col in range(left, r + 1):
                v = cell_value(self.sheet, row, col)
                if isinstance(v, ErrorValue):
                    v = v.text if self._opts.get("err_to_str") else None
                out.append(v)
            rows.append(out)
        if self._opts.get("ndim") == 2:
            return rows
        if len(rows) == 1 and len(rows[0]) == 1:
            return rows[0][0]
        if len(rows) == 1:
            return rows[0]
        if all(len(x) == 1 for x in rows):
            return [x[0] for x in rows]
        return rows

    @value.setter
    def value(self, data: Any) -> None:
        self._call("value.set")
        self.sheet._check_writable()
        t, left, _, _ = self.areas[0]
        rows = data if isinstance(data, list) and data and isinstance(data[0], list) else (
            [data] if isinstance(data, list) else [[data]])
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                self.sheet._put(t + i, left + j, v)

    @property
    def formula(self) -> Any:
        self._call("formula.get")
        t, left, b, r = self.areas[0]
        rows = []
        for row in range(t, b + 1):
            out = []
            for col in range(left, r + 1):
                cell = self.sheet.cells_.get((row, col))
                if cell is None:
                    out.append("")
                elif cell.formula is not None:
                    out.append(cell.formula)
                elif isinstance(cell.value, ErrorValue):
                    out.append(cell.value.text)
                else:
                    out.append("" if cell.value is None else cell.value)
            rows.append(tuple(out))
        if len(rows) == 1 and len(rows[0]) == 1:
            return rows[0][0]
        return tuple(rows)

    # formats (each setter is one call over every area)
    def _fmt(self, key: str, value: Any) -> None:
        self._call(f"format.{key}")
        self.sheet._check_writable()
        for rc in self._cells():
            self.sheet.cells_.setdefault(rc, Cell()).fmt[key] = value

    number_format = property(lambda self: None, lambda self, v: self._fmt("number_format", v))
    color = property(lambda self: None, lambda self, v: self._fmt("fill", v))
    horizontal_alignment = property(lambda self: None,
                                    lambda self, v: self._fmt("halign", v))
    vertical_alignment = property(lambda self: None, lambda self, v: self._fmt("valign", v))
    wrap_text = property(lambda self: None, lambda self, v: self._fmt("wrap", v))

    @property
    def font(self) -> _Font:
        return _Font(self)

    @property
    def borders(self) -> _Borders:
        return _Borders(self)

    @property
    def column_width(self) -> None:
        return None

    @column_width.setter
    def column_width(self, width: float) -> None:
        self._call("column_width")
        for t, left, b, r in self.areas:
            if (t, b) == (0, MAX_ROW - 1):
                if (left, r) == (0, MAX_COL - 1):
                    self.sheet.widths.clear()  # every column back to the standard width
                    continue
                for c in range(left, r + 1):
                    self.sheet.widths[c] = width

    @property
    def row_height(self) -> None:
        return None

    @row_height.setter
    def row_height(self, height: float) -> None:
        self._call("row_height")
        for t, _left, b, _r in self.areas:
            for r in range(t, b + 1):
                self.sheet.heights[r] = height

    @property
    def rows(self) -> _Lines:
        return _Lines(self, "rows")

    @property
    def columns(self) -> _Lines:
        return _Lines(self, "columns")

    def clear(self) -> None:
        self._call("clear")
        self.sheet._check_writable()
        if self.areas == [(0, 0, MAX_ROW - 1, MAX_COL - 1)]:
            self.sheet.cells_.clear()  # Excel: Tables stay
            self.sheet.merged.clear()
            self.sheet.validations.clear()
            self.sheet.cond_formats.clear()
            return
        for rc in list(self._cells()):
            self.sheet.cells_.pop(rc, None)

    # merged cells
    def merge(self) -> None:
        self.sheet.merged.append(self.areas[0])

    @property
    def merge_cells(self) -> bool | None:
        self._call("merge_cells")
        t, left, b, r = self.areas[0]
        covered = total = 0
        for row in range(t, b + 1):
            for col in range(left, r + 1):
                total += 1
                if any(m[0] <= row <= m[2] and m[1] <= col <= m[3] for m in self.sheet.merged):
                    covered += 1
        return True if covered == total else (False if covered == 0 else None)

    @property
    def merge_area(self) -> FakeRange:
        self._call("merge_area")
        t, left, _, _ = self.areas[0]
        for m in self.sheet.merged:
            if m[0] <= t <= m[2] and m[1] <= left <= m[3]:
                return FakeRange(self.sheet, [m])
        return FakeRange(self.sheet, [(t, left, t, left)])

    # validation and conditional formats
    @property
    def data_validation(self) -> _Validation:
        return _Validation(self)

    @property
    def conditional_formats(self) -> _CondFormats:
        return _CondFormats(self)

    def select(self) -> None:
        self._call("select")
        if self.sheet.book.sheets.active is not self.sheet:
            raise FakeComError("Select method of Range class failed")
        self.sheet.active_cell = self.areas[0][:2]

    def copy(self, destination: FakeRange) -> None:
        self._call("copy")
        dest = destination.sheet
        dest._check_writable()
        src = self.sheet
        if self.areas != [(0, 0, MAX_ROW - 1, MAX_COL - 1)]:
            raise NotImplementedError("the fake copies whole sheets only")
        for key in ("cells_", "merged", "widths", "validations", "cond_formats"):
            setattr(dest, key, copy.deepcopy(getattr(src, key)))  # Excel: no Tables

    @property
    def api(self) -> _RangeApi:
        return _RangeApi(self)


def new_book(*sheets: str, name: str = "Plan.xlsm") -> FakeBook:
    """A workbook with these (empty) sheets, in this order."""
    book = FakeBook(name)
    for s in sheets:
        book.sheets._list.append(FakeSheet(book, s))
    return book


def seed(sheet: FakeSheet, rows: list[list[Any]]) -> None:
    """Put values in as a planner would have typed them (no logging)."""
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v is not None:
                sheet._put(r, c, v)
