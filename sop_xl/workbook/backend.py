"""The one small interface every workbook backend implements (like httpx's transport).

``FileBackend`` works on a file with no Excel (openpyxl/calamine and part splicing),
``LiveBackend`` on a workbook open in Excel (xlwings), ``MemoryBackend`` in memory for
tests. The planning cycle only ever talks to this interface.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sop_xl.base.errors import WorkbookError
from sop_xl.base.messages import message
from sop_xl.contract.raw import RawSheet
from sop_xl.layout.sheet import SheetContent


class Backend(ABC):
    """A workbook the cycle reads inputs from and writes outputs to."""

    #: how the workbook is named in messages (file name, or book name in Excel)
    name: str = "workbook"

    @abstractmethod
    def sheet_names(self) -> list[str]:
        """Sheet names in workbook order."""

    @abstractmethod
    def read_sheet(self, name: str) -> RawSheet:
        """The values of one sheet, as a block from A1."""

    @abstractmethod
    def write_sheets(self, contents: Sequence[SheetContent], *, remove: Sequence[str] = (),
                     order: Sequence[str] | None = None,
                     properties: Mapping[str, str] | None = None) -> None:
        """Replace or add these sheets and remove others, all or nothing; set these custom
        document properties in the same write.

        Sheets not named are left exactly as they are."""

    def read_properties(self) -> dict[str, str]:
        """The workbook's custom document properties (name → text); empty where the
        backend cannot keep any (then ``keeps_properties`` is False and a write ignores
        the properties it is given)."""
        return {}

    #: whether custom document properties are read and written
    keeps_properties: bool = False

    def notes_lost(self, contents: Sequence[SheetContent]) -> list[Any]:
        """The planner's notes (comments) that writing these contents would drop because
        their cell is no longer in the sheet (sop_xl.workbook.comments.LostNote); the
        others follow their cells. Empty where the backend keeps no notes apart."""
        return []

    def status(self, text: str) -> None:  # noqa: B027 - optional hook
        """Show progress (terminal line, Excel status bar); a no-op by default."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release the workbook."""

    # a progress callback the engines can be handed without knowing the backend
    def progress(self) -> Callable[[str], None]:
        return self.status

    @property
    def application_version(self) -> str | None:
        """The spreadsheet application the workbook is open in ("16.0" for Excel 2016+),
        or None when no application holds it (a file, memory)."""
        return None

    @property
    def location(self) -> Path | None:
        """The workbook's file, for the files written beside it (transfer exports, the
        version archive, the meeting pack); None when it has none (memory, a new book
        never saved)."""
        return None

    def revision(self) -> Hashable | None:
        """A token that changes whenever the stored workbook changes, so a check made on
        one revision (the plan-version lock) is not repeated; None: no such token, check
        every time."""
        return None

    def sheet_fingerprints(self, sheets: Sequence[str]) -> dict[str, str]:
        """A free digest of each named sheet as stored, equal exactly when the sheet is
        byte for byte the same; empty where the backend has none (live Excel, memory)."""
        return {}


class ContentError(ValueError):
    """A SheetContent no workbook can hold (a bad sheet name, an unknown style): a fault
    in the code that built it, found before any backend changes anything."""


_BAD_SHEET_CHARS = set("[]:*?/\\")
_TABLE_NAME = re.compile(r"^[A-Za-z_\\][A-Za-z0-9_.\\]*$")
_CELL_LIKE = re.compile(r"^(?:[A-Za-z]{1,3}[0-9]+|[Rr][0-9]*[Cc][0-9]*|[RrCc])$")


#: what one Excel worksheet holds (Excel 2007 and later, "Excel specifications and limits")
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLS = 16_384
#: sheets whose rows are mostly planned orders: their size follows the items' lot rules
_ORDER_SHEETS = frozenset({"planned_orders", "purchase_plan", "plan_tab"})


def check_fits_excel(contents: Sequence[SheetContent], workbook: str,
                     lang: str = "en") -> None:
    """Refuse, before anything is written, a sheet larger than any Excel can open: Excel
    reports such a file as damaged and drops the rows beyond its limit, so the planner
    would lose orders without knowing. Unlike ``check_contents`` this follows from the
    data (e.g. lot-for-lot items ordered every working day), so it is the planner's error,
    with what to change."""
    for c in contents:
        rows, cols = c.n_rows, c.n_cols
        if rows > EXCEL_MAX_ROWS or cols > EXCEL_MAX_COLS:
            advice = (message("sheet_too_large_orders", lang) if c.key in _ORDER_SHEETS
                      else "")
            raise WorkbookError("sheet_too_large", workbook, lang, sheet=c.name, rows=rows,
                                cols=cols, max_rows=EXCEL_MAX_ROWS, max_cols=EXCEL_MAX_COLS,
                                advice=advice)


def check_contents(contents: Sequence[SheetContent]) -> None:
    """Refuse, before anything is written, what Excel would refuse or repair: sheet names
    (1–31 characters, none of []:*?/\\, no leading or trailing apostrophe, not the
    reserved "History", each once), table names, unknown cell or conditional styles,
    list validations with a separator in a choice or longer than Excel's 255
    characters."""
    from sop_xl.layout.styles import CELL_STYLES, DXF_STYLES, CellStyle

    seen: set[str] = set()
    for c in contents:
        name = c.name
        if (not name or len(name) > 31 or _BAD_SHEET_CHARS & set(name)
                or name[0] == "'" or name[-1] == "'" or name.lower() == "history"):
            raise ContentError(f"{name!r} cannot be an Excel sheet name")
        if name.lower() in seen:
            raise ContentError(f"sheet {name!r} is written twice in one write")
        seen.add(name.lower())
        for sr in c.styles:
            if not isinstance(sr.style, CellStyle) and sr.style not in CELL_STYLES:
                raise ContentError(f"sheet {name!r}: unknown cell style {sr.style!r}")
        for cf in c.cond_formats:
            if cf.style not in DXF_STYLES:
                raise ContentError(f"sheet {name!r}: unknown conditional style {cf.style!r}")
        if c.table is not None and (not _TABLE_NAME.match(c.table.name)
                                    or _CELL_LIKE.match(c.table.name)
                                    or len(c.table.name) > 255):
            raise ContentError(f"sheet {name!r}: {c.table.name!r} cannot be a table name")
        for v in c.validations:
            if v.kind == "list" and any("," in x or ";" in x for x in v.choices):
                raise ContentError(f"sheet {name!r}: a choice for {v.box.a1()} holds a "
                                   "list separator (, or ;)")
            if v.kind == "list" and len(",".join(v.choices)) > 255:
                raise ContentError(f"sheet {name!r}: the list for {v.box.a1()} is longer "
                                   "than the 255 characters Excel allows")
