"""The live backend: a workbook open in Excel, through xlwings.

Same interface as the file backend (sop_xl.workbook.backend), for the ribbon buttons.

Whole blocks, never cell by cell: a sheet is read with three calls (values, formulas, and
error texts only when a cell may hold an error) and written with one ``.value``
assignment for every value and formula; styles go once per distinct style over the union
of the rectangles it covers (xlwings ranges such as "A1:C1,A5:C9", chunked under the 255
characters the object model takes); validations, conditional formats, the Table, widths,
hidden and grouped rows, freeze panes, protection are a few calls per sheet. Screen
updating, events and automatic calculation are off while writing; the status bar shows
the step and the sheet being written.

All or nothing — snapshot and restore, chosen over "write into new hidden sheets, then
swap": a swap deletes the old sheet, and Excel rewrites every formula in the planner's
own sheets that points at it (a dashboard's ``=MPS!C5``) to ``#REF!``. The file backend
keeps those references (it replaces the sheet's XML under the same name), so the live
backend rewrites each sheet in place, in the same Worksheet object, and keeps them too.
Before it touches anything it (1) computes every sheet's blocks in Python and checks them
(``plan_sheet``; most failures end here, with Excel untouched), then (2) copies each sheet
it will rewrite or remove into a hidden backup sheet. If any later call fails it clears
the rewritten sheets and copies the backups' cells back (values, formulas, formats,
validations, conditional formats, merged cells, widths), renames their Tables back, puts
removed sheets back in place, deletes sheets it added, restores the sheet order, and only
then raises — naming the sheet, the cells and what was being written. Formulas elsewhere
that point at a sheet the write *removes* cannot be saved either way; removal comes last.

xlwings' own API covers almost everything (0.37.5+: data validation, conditional formats,
Tables). What it lacks goes through the object model (``.api``) in ``ComCalls`` on
Windows: cell locking, validation messages, removing a Table, freeze panes, zoom, tab
colour, sheet protection, indents and row groups (xlwings has those two only for its
Server). On macOS (``MacCalls``) these are skipped; a sheet whose old Table cannot be
reused is refused with a clear error.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sop_xl.base import messages
from sop_xl.base.errors import SopXlError
from sop_xl.contract.cells import cell_ref, col_letter
from sop_xl.contract.raw import RawSheet
from sop_xl.layout.sheet import CondFormat, SheetContent, TableDef, Validation
from sop_xl.layout.styles import DXF_STYLES, CellStyle
from sop_xl.workbook.backend import Backend, check_contents, check_fits_excel
from sop_xl.workbook.live_plan import SheetPlan, a1, plan_sheet

__all__ = ["ComCalls", "LiveBackend", "LiveWriteError", "MacCalls"]


#: cell values Excel shows for errors, as xlwings reads them with ``err_to_str``
ERROR_TEXTS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
                         "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!",
                         "#CONNECT!", "#BUSY!", "#UNKNOWN!"})
#: hidden sheets holding the state before a write; left behind only if a restore fails
BACKUP_PREFIX = "sop~bak~"
_BORDER_COLORS = {"thin": "#BFBFBF", "top": "#7F7F7F", "bottom": "#7F7F7F"}
_BORDER_SIDES = {
    "thin": ("edge_top", "edge_bottom", "edge_left", "edge_right", "inside_vertical",
             "inside_horizontal"),
    "top": ("edge_top", "inside_horizontal"),
    "bottom": ("edge_bottom", "inside_horizontal"),
}


class LiveWriteError(SopXlError):
    """A write into the open workbook failed; says where, and whether it was undone."""

    exit_code = 3

    def __init__(self, sheet: str, cell: str, what: str, detail: str,
                 restore_problems: Sequence[str] = (), backups: Sequence[str] = (),
                 lang: str = "en") -> None:
        self.sheet, self.cell, self.what, self.detail = sheet, cell, what, detail
        self.restore_problems = list(restore_problems)
        self.backups = list(backups)
        super().__init__(self.render(lang))

    def render(self, lang: str = "en") -> str:
        params = {"sheet": self.sheet, "cell": self.cell, "what": self.what,
                  "detail": self.detail}
        if self.restore_problems:
            return messages.message("live_restore_failed", lang, **params,
                                    restore="; ".join(self.restore_problems),
                                    backups=", ".join(self.backups))
        return messages.message("live_write_failed", lang, **params)


# -- what xlwings has no API for --------------------------------------------------------

class ComCalls:
    """Excel object-model calls through ``.api`` (Windows, pywin32)."""

    name = "com"

    def unlist(self, table: Any) -> None:
        table.api.Unlist()  # the cells stay; structured references become A1 references

    def protected(self, sheet: Any) -> bool:
        return bool(sheet.api.ProtectContents)

    def unprotect(self, sheet: Any) -> None:
        sheet.api.Unprotect()

    def protect(self, sheet: Any) -> None:
        # as the file backend: formatting, sorting and filtering stay allowed
        sheet.api.Protect(DrawingObjects=True, Contents=True, Scenarios=True,
                          AllowFormattingCells=True, AllowFormattingColumns=True,
                          AllowFormattingRows=True, AllowSorting=True, AllowFiltering=True)

    def unlock(self, rng: Any) -> None:
        rng.api.Locked = False

    def indent(self, rng: Any, level: int) -> None:
        rng.api.IndentLevel = level  # xlwings' adjust_indent exists only for xlwings Server

    def group_rows(self, rng: Any) -> None:
        rng.api.EntireRow.Group()  # likewise Range.group

    def validation_text(self, rng: Any, v: Validation) -> None:
        api = rng.api.Validation
        api.IgnoreBlank = v.allow_blank
        if v.prompt:
            api.InputMessage = v.prompt[:255]
            api.ShowInput = True
        if v.error:
            api.ErrorMessage = v.error[:225]
            api.ShowError = True

    def tab_color(self, sheet: Any, rgb: str | None) -> None:
        if rgb:
            r, g, b = int(rgb[0:2], 16), int(rgb[2:4], 16), int(rgb[4:6], 16)
            sheet.api.Tab.Color = r + (g << 8) + (b << 16)  # COM colours are BGR

    def window(self, sheet: Any, freeze: tuple[int, int] | None, zoom: int) -> None:
        """Frozen panes and zoom belong to the window: the sheet must be active."""
        w = sheet.book.app.api.ActiveWindow
        w.FreezePanes = False
        w.ScrollRow, w.ScrollColumn = 1, 1  # a split is counted from the top-left shown
        w.SplitRow, w.SplitColumn = 0, 0
        if freeze and (freeze[0] or freeze[1]):
            w.SplitRow, w.SplitColumn = freeze
            w.FreezePanes = True
        w.Zoom = zoom

    def clear_outline(self, sheet: Any) -> None:
        sheet.api.Cells.ClearOutline()

    def standard_width(self, sheet: Any) -> float:
        return float(sheet.api.StandardWidth)

    def page_setup(self, sheet: Any, content: SheetContent) -> None:
        """A4 landscape, the print titles, the scale (or one page wide) and the page
        breaks of ``content``, as the file backend writes them."""
        app = sheet.book.app.api
        app.PrintCommunication = False  # else every property waits for the printer
        try:
            ps = sheet.api.PageSetup
            ps.Orientation = 2  # xlLandscape
            ps.PaperSize = 9  # xlPaperA4
            rows = content.freeze[0] if content.freeze else 0
            ps.PrintTitleRows = f"$1:${rows}" if rows else ""
            ps.PrintTitleColumns = f"$A:${col_letter(content.print_title_cols - 1)}" \
                if content.print_title_cols else ""
            if content.print_scale is not None:
                ps.Zoom = content.print_scale
            else:
                ps.Zoom = False
                ps.FitToPagesWide, ps.FitToPagesTall = 1, False
        finally:
            app.PrintCommunication = True
        sheet.api.ResetAllPageBreaks()
        for r in content.row_breaks:
            sheet.api.HPageBreaks.Add(sheet.api.Rows(r + 1))

    def autofilter(self, rng: Any) -> None:
        rng.api.AutoFilter()

    #: custom document properties (sop_xl's approval record) are read and written
    keeps_properties = True

    def read_properties(self, book: Any) -> dict[str, str]:
        props = book.api.CustomDocumentProperties
        out = {}
        for i in range(1, int(props.Count) + 1):  # a COM collection counts from 1
            p = props.Item(i)
            out[str(p.Name)] = "" if p.Value is None else str(p.Value)
        return out

    def write_property(self, book: Any, name: str, value: str | None) -> None:
        """Set (or, for None, delete) one text property."""
        props = book.api.CustomDocumentProperties
        found = None
        for i in range(1, int(props.Count) + 1):
            p = props.Item(i)
            if str(p.Name).lower() == name.lower():
                found = p
                break
        if found is not None:
            found.Delete()
        if value is not None:
            props.Add(name, False, 4, value)  # msoPropertyTypeString


class MacCalls(ComCalls):
    """macOS: the AppleScript object model differs; these features are skipped."""

    name = "mac"

    def unlist(self, table: Any) -> None:
        # the write is refused and rolled back; the message tells the planner what to do
        raise RuntimeError("removing an Excel Table is not supported on macOS; "
                                  "delete the Table on this sheet by hand (Table > Convert "
                                  "to Range) and run the step again")

    def protected(self, sheet: Any) -> bool:
        return False

    def unprotect(self, sheet: Any) -> None:
        return None

    def protect(self, sheet: Any) -> None:
        return None

    def unlock(self, rng: Any) -> None:
        return None

    def indent(self, rng: Any, level: int) -> None:
        return None

    def group_rows(self, rng: Any) -> None:
        return None

    def validation_text(self, rng: Any, v: Validation) -> None:
        return None

    def tab_color(self, sheet: Any, rgb: str | None) -> None:
        return None

    def window(self, sheet: Any, freeze: tuple[int, int] | None, zoom: int) -> None:
        return None

    def clear_outline(self, sheet: Any) -> None:
        return None

    def standard_width(self, sheet: Any) -> float:
        return 8.43  # Excel's default column width in characters

    def page_setup(self, sheet: Any, content: SheetContent) -> None:
        # xlwings on macOS reaches no PageSetup; what prints there is Excel's default
        # until the workbook is run from the command line once (see the README)
        return None

    def autofilter(self, rng: Any) -> None:
        return None

    # Excel for Mac's AppleScript model gives xlwings no custom document properties: the
    # approval record is neither read nor written there (sop_xl.app.approvals says what
    # that leaves to the Versions register)
    keeps_properties = False

    def read_properties(self, book: Any) -> dict[str, str]:
        return {}

    def write_property(self, book: Any, name: str, value: str | None) -> None:
        return None


# -- the journal of one write, for the restore ------------------------------------------

@dataclass
class _Saved:
    """A sheet as it was before the write: where its backup is and what a cell copy does
    not carry back."""

    name: str
    index: int
    backup: str
    tables: list[tuple[str, str, str]]  # (name, address, style)
    protected: bool
    removed: bool = False


@dataclass
class _Journal:
    order: list[str]
    saved: dict[str, _Saved] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    touched: set[str] = field(default_factory=set)  # rewritten sheets, lower-case
    where: tuple[str, str, str] = ("", "", "")  # sheet, cells, what
    properties: dict[str, str] = field(default_factory=dict)  # before the write
    properties_set: list[str] = field(default_factory=list)

    @contextmanager
    def at(self, sheet: str, cells: str, what: str) -> Iterator[None]:
        self.where = (sheet, cells, what)
        yield


# -- the backend ------------------------------------------------------------------------

class LiveBackend(Backend):
    """A workbook open in Excel (an ``xlwings.Book``)."""

    def __init__(self, book: Any, *, step: str | None = None, calls: ComCalls | None = None,
                 lang: str = "en") -> None:
        self.book = book
        self.name = book.name
        self.step = step  # the button's name in the status bar, in ``lang``
        self.lang = lang
        self.calls = calls or (ComCalls() if sys.platform == "win32" else MacCalls())

    @property
    def application_version(self) -> str | None:
        return str(self.book.app.version)

    @property
    def location(self) -> Path | None:
        """The book's file; None while it was never saved (its full name is then only a
        name, such as "Book1")."""
        full = str(getattr(self.book, "fullname", "") or "")
        path = Path(full)
        return path if full and path.is_absolute() else None

    @classmethod
    def caller(cls, step: str | None = None) -> LiveBackend:
        """The workbook whose button or formula called Python."""
        import xlwings as xw

        return cls(xw.Book.caller(), step=step)

    @property
    def keeps_properties(self) -> bool:  # type: ignore[override]
        return self.calls.keeps_properties

    def read_properties(self) -> dict[str, str]:
        return self.calls.read_properties(self.book)

    # -- status --------------------------------------------------------------------------
    def status(self, text: str) -> None:
        prefix = f"S&OP · {self.step}" if self.step else "S&OP"
        self.book.app.status_bar = f"{prefix}: {text}"

    def close(self) -> None:
        self.book.app.status_bar = False  # give the status bar back to Excel

    # -- reading -------------------------------------------------------------------------
    def sheet_names(self) -> list[str]:
        return [s.name for s in self.book.sheets]

    def _sheet(self, name: str) -> Any:
        low = name.lower()
        for s in self.book.sheets:
            if s.name.lower() == low:
                return s
        raise KeyError(name)

    def read_sheet(self, name: str) -> RawSheet:
        sheet = self._sheet(name)
        last = sheet.used_range.last_cell
        n, m = last.row, last.column
        rng = sheet.range((1, 1), (n, m))
        values = _grid(rng.options(ndim=2).value, n, m)
        texts = _grid(rng.formula, n, m)
        formulas: dict[tuple[int, int], str] = {}
        maybe_error: list[tuple[int, int]] = []
        for r in range(n):
            for c in range(m):
                f, v = texts[r][c], values[r][c]
                if isinstance(f, str) and f and v is None:
                    maybe_error.append((r, c))  # a formula or error constant with no value
                # text "=x" typed behind an apostrophe reads back as formula text "=x" too;
                # only a real formula's value differs from its text
                if isinstance(f, str) and f.startswith("=") and f != v:
                    formulas[(r, c)] = f
        errors: dict[tuple[int, int], str] = {}
        if maybe_error:
            shown = _grid(rng.options(ndim=2, err_to_str=True).value, n, m)
            for r, c in maybe_error:
                if shown[r][c] in ERROR_TEXTS:
                    errors[(r, c)] = shown[r][c]
        while values and all(v is None for v in values[-1]):
            values.pop()
        merged = sorted(self._merged(sheet, 0, 0, n - 1, m - 1))
        return RawSheet(sheet.name, values, formulas, errors, merged)

    def _merged(self, sheet: Any, top: int, left: int, bottom: int,
                right: int) -> set[tuple[int, int, int, int]]:
        """Merged areas by halving: one call says a range has none (the usual case);
        mixed ranges are split until each part is one merged area or none."""
        rng = sheet.range((top + 1, left + 1), (bottom + 1, right + 1))
        state = rng.merge_cells
        if state is False:
            return set()
        if state is True:
            area = rng[0, 0].merge_area
            box = (area.row - 1, area.column - 1, area.row + area.shape[0] - 2,
                   area.column + area.shape[1] - 2)
            if box[0] <= top and box[1] <= left and box[2] >= bottom and box[3] >= right:
                return {box}
        if top == bottom and left == right:
            return set()
        if bottom - top >= right - left:
            mid = (top + bottom) // 2
            return self._merged(sheet, top, left, mid, right) | self._merged(
                sheet, mid + 1, left, bottom, right)
        mid = (left + right) // 2
        return self._merged(sheet, top, left, bottom, mid) | self._merged(
            sheet, top, mid + 1, bottom, right)

    # -- writing -------------------------------------------------------------------------
    def write_sheets(self, contents: Sequence[SheetContent], *, remove: Sequence[str] = (),
                     order: Sequence[str] | None = None,
                     properties: Mapping[str, str] | None = None) -> None:
        check_contents(contents)
        check_fits_excel(contents, self.name, self.lang)
        plans = [plan_sheet(c) for c in contents]
        existing = {n.lower(): n for n in self.sheet_names()}
        remove = [existing[r.lower()] for r in remove
                  if r.lower() in existing and r.lower() not in {p.name.lower() for p in plans}]
        app = self.book.app
        state = _quiet(app)
        journal = _Journal(order=self.sheet_names())
        active = self.book.sheets.active
        try:
            self._snapshot(plans, remove, journal)
            self._free_table_names(plans, remove, journal)
            for k, plan in enumerate(plans, start=1):
                self.status(f"writing {plan.name} ({k}/{len(plans)})")
                self._write(plan, journal)
            for name in remove:
                with journal.at(name, "", "removing the sheet"):
                    self._sheet(name).delete()
                    journal.removed.append(name)
            if order:
                with journal.at("", "", "ordering the sheets"):
                    self._reorder(order)
            if properties and self.keeps_properties:
                # last, once every sheet is written; put back as they were if one fails
                with journal.at("", "", "recording the document properties"):
                    journal.properties = self.read_properties()
                    for name, value in properties.items():
                        journal.properties_set.append(name)
                        self.calls.write_property(self.book, name, value)
        except Exception as exc:
            sheet, cells, what = journal.where
            problems = self._restore(journal)
            backups = [s.backup for s in journal.saved.values()] if problems else []
            raise LiveWriteError(sheet, cells or "-", what, _describe(exc), problems, backups,
                                 self.lang) from exc
        else:
            self._drop_backups(journal)
        finally:
            with suppress(Exception):  # the sheet that was active may be gone
                active.activate()
            state.restore()

    def _snapshot(self, plans: Sequence[SheetPlan], remove: Sequence[str],
                  journal: _Journal) -> None:
        """Copy every sheet about to change into a hidden backup sheet."""
        names = [p.name for p in plans] + list(remove)
        present = {n.lower(): i for i, n in enumerate(journal.order)}
        for name in names:
            if name.lower() not in present:
                continue
            sheet = self._sheet(name)
            backup = self._free_name(BACKUP_PREFIX)
            with journal.at(sheet.name, "", "saving a copy to restore from"):
                tables = [(t.name, t.range.address, t.table_style) for t in sheet.tables]
                protected = self.calls.protected(sheet)
                copy = sheet.copy(after=self.book.sheets[len(self.book.sheets) - 1],
                                  name=backup)
                journal.saved[sheet.name.lower()] = _Saved(
                    sheet.name, present[name.lower()], backup, tables, protected,
                    removed=name in remove)
                copy.visible = False

    def _free_table_names(self, plans: Sequence[SheetPlan], remove: Sequence[str],
                          journal: _Journal) -> None:
        """A sheet that replaces one being removed under another name (a language switch)
        takes its Table name: the old Table steps aside first, since Table names are
        unique in a workbook and the old sheet goes only at the end."""
        wanted = {p.table.name.lower() for p in plans if p.table is not None}
        taken = {t.name.lower() for s in self.book.sheets for t in s.tables}
        for name in remove:
            sheet = self._sheet(name)
            for table in sheet.tables:
                if table.name.lower() not in wanted:
                    continue
                k = 1
                while f"{table.name}_old{k}".lower() in taken:
                    k += 1
                with journal.at(name, "", f"renaming the Table {table.name}"):
                    journal.touched.add(name.lower())
                    table.name = f"{table.name}_old{k}"
                taken.add(table.name.lower())

    def _free_name(self, prefix: str) -> str:
        taken = {n.lower() for n in self.sheet_names()}
        k = 1
        while f"{prefix}{k}".lower() in taken:
            k += 1
        return f"{prefix}{k}"

    def _clear(self, sheet: Any, keep_table: str | None = None) -> str | None:
        """Empty a sheet for rewriting. When the new content has a Table, one old Table
        (the one of that name, else the first) is kept to be resized and renamed, so a
        planner's structured references to it keep working; returns its name."""
        if self.calls.protected(sheet):
            self.calls.unprotect(sheet)
        tables = list(sheet.tables)
        kept = None
        if keep_table is not None and tables:
            kept = next((t for t in tables if t.name.lower() == keep_table.lower()), tables[0])
        kept_name = kept.name if kept is not None else None
        for table in tables:
            if table is not kept:
                self.calls.unlist(table)
        self.calls.clear_outline(sheet)
        cells = sheet.cells
        cells.clear()
        cells.rows.hidden = False
        cells.columns.hidden = False
        cells.column_width = self.calls.standard_width(sheet)
        return kept_name

    def _write(self, plan: SheetPlan, journal: _Journal) -> None:
        name = plan.name
        existing = {s.name.lower() for s in self.book.sheets}
        if name.lower() in existing:
            sheet = self._sheet(name)
            with journal.at(name, "", "clearing the old contents"):
                journal.touched.add(name.lower())
                kept = self._clear(sheet, plan.table.name if plan.table else None)
        else:
            with journal.at(name, "", "adding the sheet"):
                sheet = self.book.sheets.add(
                    name, after=self.book.sheets[len(self.book.sheets) - 1])
                journal.created.append(name)
            kept = None
        n, m = plan.shape
        if n and m:
            with journal.at(name, a1(0, 0, n - 1, m - 1), "values and formulas"):
                sheet.range((1, 1), (n, m)).value = plan.block
        for area in plan.styles:
            for address in area.addresses:
                with journal.at(name, address, "cell styles"):
                    self._style(sheet.range(address), area.style)
        for address, width in plan.widths:
            with journal.at(name, address, "column widths"):
                sheet.range(address).column_width = width
        for address, height in plan.heights:
            with journal.at(name, address, "row heights"):
                sheet.range(address).row_height = height
        for address in plan.hidden_rows:
            with journal.at(name, address, "hidden rows"):
                sheet.range(address).rows.hidden = True
        for address in plan.hidden_cols:
            with journal.at(name, address, "hidden columns"):
                sheet.range(address).columns.hidden = True
        for address in plan.outline_rows:
            with journal.at(name, address, "grouped rows"):
                self.calls.group_rows(sheet.range(address))
        if plan.table is not None:
            with journal.at(name, plan.table.box.a1(), f"the Table {plan.table.name}"):
                self._table(sheet, plan.table, kept)
        elif plan.content.autofilter is not None:
            with journal.at(name, plan.content.autofilter.a1(), "the filter"):
                self.calls.autofilter(sheet.range(plan.content.autofilter.a1()))
        for v in plan.validations:
            with journal.at(name, v.box.a1(), "data validation"):
                self._validation(sheet.range(v.box.a1()), v)
        with journal.at(name, "", "the sheet view"):
            hidden = not sheet.visible  # a planner may hide an output sheet; it stays so
            if hidden:
                sheet.visible = True
            sheet.activate()  # window settings and relative rule formulas need it
            self.calls.window(sheet, plan.content.freeze, plan.content.zoom)
        # each new rule goes to the top of Excel's list: add the last first so the first
        # ends up with the highest priority, as in the file backend
        for cf in reversed(plan.cond_formats):
            with journal.at(name, cf.box.a1(), "conditional format"):
                self._cond_format(sheet, cf)
        with journal.at(name, "", "the tab colour"):
            self.calls.tab_color(sheet, plan.content.tab_color)
        with journal.at(name, "", "the page setup"):
            self.calls.page_setup(sheet, plan.content)
        if plan.content.protect:
            with journal.at(name, "", "protecting the sheet"):
                self.calls.protect(sheet)
        if hidden:
            with journal.at(name, "", "hiding the sheet again"):
                sheet.visible = False  # Excel then shows the next sheet; the planner's
                # active sheet is given back at the end of the write

    def _style(self, rng: Any, s: CellStyle) -> None:
        if s.numfmt != "General":
            rng.number_format = s.numfmt
        font = rng.font
        if s.bold:
            font.bold = True
        if s.italic:
            font.italic = True
        if s.size != 11:
            font.size = s.size
        if s.color:
            font.color = "#" + s.color
        if s.fill:
            rng.color = "#" + s.fill
        if s.halign:
            rng.horizontal_alignment = s.halign
        elif s.indent:
            rng.horizontal_alignment = "left"  # an indent needs a left alignment
        if s.valign:
            rng.vertical_alignment = s.valign
        if s.wrap:
            rng.wrap_text = True
        if s.indent:
            self.calls.indent(rng, s.indent)
        if s.border:
            for side in _BORDER_SIDES[s.border]:
                edge = rng.borders[side]
                edge.line_style = "continuous"
                edge.color = _BORDER_COLORS[s.border]
        if not s.locked:
            self.calls.unlock(rng)

    def _table(self, sheet: Any, t: TableDef, kept_name: str | None) -> None:
        kept = next((tb for tb in sheet.tables if tb.name == kept_name), None) \
            if kept_name else None
        taken = {tb.name.lower() for s in self.book.sheets for tb in s.tables
                 if kept is None or tb.name != kept.name}
        name, k = t.name, 2
        while name.lower() in taken:  # Table names are workbook-wide (as the file backend)
            name, k = f"{t.name}{k}", k + 1
        rng = sheet.range(t.box.a1())
        if kept is not None:
            try:
                kept.resize(rng)
            except Exception:  # the header moved: Excel cannot resize across it
                self.calls.unlist(kept)
                kept = None
        if kept is None:
            sheet.tables.add(source=rng, name=name, table_style_name=t.style)
        else:
            if kept.name != name:
                kept.name = name
            kept.table_style = t.style

    def _validation(self, rng: Any, v: Validation) -> None:
        dv = rng.data_validation
        if v.kind == "list":
            dv.set_list(list(v.choices))
        else:
            setter = {"whole": dv.set_whole_number, "decimal": dv.set_decimal,
                      "date": dv.set_date}[v.kind]
            lo, hi = v.minimum, v.maximum
            if lo is not None and hi is not None:
                setter("between", lo, hi)
            elif lo is not None:
                setter("greater_than_or_equal", lo)
            elif hi is not None:
                setter("less_than_or_equal", hi)
        self.calls.validation_text(rng, v)

    def _cond_format(self, sheet: Any, cf: CondFormat) -> None:
        # Excel reads relative references in a rule relative to the active cell
        sheet.range(cell_ref(cf.box.top, cf.box.left)).select()
        d = DXF_STYLES[cf.style]
        sheet.range(cf.box.a1()).conditional_formats.add_custom(
            "=" + cf.formula, fill_color="#" + d.fill if d.fill else None,
            font_color="#" + d.color if d.color else None, font_bold=True if d.bold else None)

    def _reorder(self, order: Sequence[str]) -> None:
        """Named sheets first, in that order; the others keep their order after them."""
        rank = {n.lower(): i for i, n in enumerate(order)}
        names = self.sheet_names()
        named = sorted((n for n in names if n.lower() in rank), key=lambda n: rank[n.lower()])
        wanted = named + [n for n in names if n.lower() not in rank]
        self._arrange(wanted)

    def _arrange(self, wanted: Sequence[str]) -> None:
        """Move sheets into ``wanted`` order with as few moves as a left-to-right pass."""
        for i, name in enumerate(wanted):
            current = self.sheet_names()
            if current[i] == name:
                continue
            sheet = self._sheet(name)
            if i == 0:
                sheet.move(before=self._sheet(current[0]))
            else:
                sheet.move(after=self._sheet(wanted[i - 1]))

    # -- undo ----------------------------------------------------------------------------
    def _restore(self, journal: _Journal) -> list[str]:
        """Put the workbook back; returns what could not be put back (empty if all)."""
        problems: list[str] = []

        def attempt(what: str, fn: Callable[[], None]) -> None:
            try:
                fn()
            except Exception as exc:
                problems.append(f"{what}: {_describe(exc)}")

        for name in reversed(journal.properties_set):
            before = next((v for k, v in journal.properties.items()
                           if k.lower() == name.lower()), None)
            attempt(f"the document property {name!r}", lambda n=name, b=before:
                    self.calls.write_property(self.book, n, b))
        for name in reversed(journal.created):
            attempt(f"removing the new sheet {name!r}",
                    lambda name=name: self._sheet(name).delete())
        for saved in journal.saved.values():
            if saved.removed and saved.name in journal.removed:
                attempt(f"bringing back {saved.name!r}", lambda s=saved: self._revive(s))
            elif saved.removed and saved.name.lower() in journal.touched:
                attempt(f"the Table names of {saved.name!r}",
                        lambda s=saved: self._retable(self._sheet(s.name), s))
            elif saved.name.lower() in journal.touched:
                attempt(f"restoring {saved.name!r}", lambda s=saved: self._put_back(s))
        attempt("the sheet order", lambda: self._arrange(
            [n for n in journal.order if n.lower() in
             {x.lower() for x in self.sheet_names()}]))
        if not problems:
            self._drop_backups(journal)
        return problems

    def _put_back(self, saved: _Saved) -> None:
        sheet = self._sheet(saved.name)
        self._clear(sheet)
        backup = self._sheet(saved.backup)
        backup.cells.copy(sheet.cells)
        self._retable(sheet, saved)
        if saved.protected:
            self.calls.protect(sheet)

    def _revive(self, saved: _Saved) -> None:
        backup = self._sheet(saved.backup)
        copy = backup.copy(after=self.book.sheets[len(self.book.sheets) - 1], name=saved.name)
        copy.visible = True
        self._retable(copy, saved)
        if saved.protected:
            self.calls.protect(copy)

    def _retable(self, sheet: Any, saved: _Saved) -> None:
        """Give pasted Tables their old names (a copy gets new ones); recreate any lost."""
        by_address = {t.range.address: t for t in sheet.tables}
        for name, address, style in saved.tables:
            t = by_address.get(address)
            if t is None:
                sheet.tables.add(source=sheet.range(address), name=name,
                                 table_style_name=style)
            elif t.name != name:
                t.name = name

    def _drop_backups(self, journal: _Journal) -> None:
        for saved in journal.saved.values():
            with suppress(KeyError):
                self._sheet(saved.backup).delete()


def _grid(value: Any, n: int, m: int) -> list[list[Any]]:
    """A block read as a list of ``n`` lists of ``m`` (xlwings gives a scalar for one
    cell and tuples for formulas)."""
    if n == 1 and m == 1 and not isinstance(value, list | tuple):
        return [[value]]
    rows = [list(r) if isinstance(r, list | tuple) else [r] for r in value]
    if n == 1 and len(rows) == m and m > 1:
        rows = [[r[0] for r in rows]]
    return rows


def _describe(exc: BaseException) -> str:
    """A COM error's Excel text when there is one (pywin32 puts it in ``excepinfo``)."""
    info = getattr(exc, "excepinfo", None) or (exc.args[2] if len(getattr(exc, "args", ())) > 2
                                                and isinstance(exc.args[2], tuple) else None)
    if info and len(info) > 2 and info[2]:
        return str(info[2])
    return str(exc) or type(exc).__name__


class _AppState:
    """Excel's application settings a write turns off, to give back afterwards."""

    KEYS = ("screen_updating", "enable_events", "display_alerts")

    def __init__(self, app: Any) -> None:
        self.app = app
        self.values = {k: getattr(app, k) for k in self.KEYS}
        self.calculation = app.calculation

    def restore(self) -> None:
        for k, v in self.values.items():
            setattr(self.app, k, v)
        self.app.calculation = self.calculation  # back to automatic recalculates


def _quiet(app: Any) -> _AppState:
    state = _AppState(app)
    app.screen_updating = False
    app.enable_events = False
    app.display_alerts = False  # deleting a sheet would ask
    app.calculation = "manual"
    return state

