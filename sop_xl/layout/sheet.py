"""A sheet as the backends see it: values in a block, styles by range, and the Excel
features around them (Table, validation, conditional formats, frozen panes, protection).

``SheetContent`` is backend-neutral: the file backend turns it into worksheet XML, the
live backend into a few whole-block xlwings calls. Formulas are ``Formula`` objects, never
strings starting with "=", so text from inputs can never become a formula.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sop_xl.layout.styles import CellStyle


@dataclass(frozen=True, slots=True)
class Formula:
    """An Excel formula (without the leading "=") and the value Python computed for it."""

    text: str
    value: Any = None


@dataclass(frozen=True)
class Box:
    """A rectangle of cells, 0-based and inclusive."""

    top: int
    left: int
    bottom: int
    right: int

    def a1(self) -> str:
        from sop_xl.contract.cells import cell_ref
        first = cell_ref(self.top, self.left)
        last = cell_ref(self.bottom, self.right)
        return first if first == last else f"{first}:{last}"


@dataclass(frozen=True)
class StyleRange:
    box: Box
    style: str | CellStyle  # a CellStyle, or a key of sop_xl.layout.styles.CELL_STYLES


@dataclass(frozen=True)
class TableDef:
    """An Excel Table (ListObject) over ``box``; its first row is the header."""

    name: str
    box: Box
    style: str = "TableStyleMedium2"


@dataclass(frozen=True)
class Validation:
    """A data-validation rule: ``kind`` is "list", "whole", "decimal" or "date"."""

    box: Box
    kind: str
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    prompt: str = ""
    error: str = ""
    allow_blank: bool = True


@dataclass(frozen=True)
class CondFormat:
    """A conditional format: ``formula`` is relative to the top-left cell of ``box``."""

    box: Box
    formula: str
    style: str  # a key of sop_xl.layout.styles.DXF_STYLES


@dataclass
class SheetContent:
    """Everything a backend needs to write one sheet."""

    name: str
    rows: list[list[Any]]
    key: str | None = None
    styles: list[StyleRange] = field(default_factory=list)
    col_widths: dict[int, float] = field(default_factory=dict)
    freeze: tuple[int, int] | None = None  # rows and columns kept in view
    table: TableDef | None = None
    validations: list[Validation] = field(default_factory=list)
    cond_formats: list[CondFormat] = field(default_factory=list)
    protect: bool = False
    protect_hash: str = ""  # Excel's legacy password hash (4 hex digits) for sheetProtection
    tab_color: str | None = None
    hidden_rows: tuple[int, ...] = ()
    hidden_cols: tuple[int, ...] = ()
    outline_rows: tuple[tuple[int, int], ...] = ()  # (first, last) rows grouped, level 1
    autofilter: Box | None = None
    zoom: int = 100
    #: row heights in points where text wraps (0-based row → points); others default
    row_heights: dict[int, float] = field(default_factory=dict)
    #: printing: the header rows (``freeze[0]``) and this many left columns repeat on
    #: every page; ``print_scale`` (%) fits a wide sheet to the page width (None: 1 page
    #: wide, Excel's "fit to"); a new page starts at each row of ``row_breaks``
    print_title_cols: int = 0
    print_scale: int | None = None
    row_breaks: tuple[int, ...] = ()
    #: a style per cell for large sheets: index into ``palette`` (0 = none, k = palette[k-1]);
    #: ``styles`` ranges paint over it. Grids use it instead of thousands of ranges.
    palette: list[CellStyle] = field(default_factory=list)
    style_index: np.ndarray | None = None

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    @property
    def n_cols(self) -> int:
        return max(map(len, self.rows), default=0)

    def style(self, top: int, left: int, bottom: int, right: int,
              name: str | CellStyle) -> None:
        self.styles.append(StyleRange(Box(top, left, bottom, right), name))

    def all_styles(self) -> set[CellStyle]:
        from sop_xl.layout.styles import resolve
        return {resolve(sr.style) for sr in self.styles} | set(self.palette)
