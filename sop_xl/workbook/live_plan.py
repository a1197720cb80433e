"""The pure half of the live backend: a SheetContent translated into the few whole-block
writes Excel gets (sop_xl.workbook.live), computed and checked before Excel is touched.

* one value block from A1, with formulas as "=..." text and text that Excel would parse
  (a leading "=", digits, TRUE) behind the apostrophe text prefix;
* each cell's final style (later style ranges paint over earlier ones, as in the file
  backend), grouped per style into rectangles and then into union addresses such as
  "A1:C1,A5:C9" under the 255 characters the object model accepts;
* column widths, hidden and grouped rows as whole-column and whole-row addresses.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np

from sop_xl.contract.cells import cell_ref, col_letter
from sop_xl.layout.sheet import CondFormat, Formula, SheetContent, TableDef, Validation
from sop_xl.layout.styles import CellStyle, resolve
from sop_xl.workbook.xlsx import style_grid

__all__ = ["SheetPlan", "StyleArea", "a1", "excel_value", "plan_sheet", "rectangles",
           "union_addresses"]

#: the longest address Range() takes in the Excel object model
MAX_ADDRESS = 255


def excel_value(v: Any) -> Any:
    """A SheetContent cell as it is assigned through ``Range.value``.

    Excel parses an assigned string as if typed: "=x" becomes a formula, "2026-12" a date,
    "007" the number 7, "TRUE" a boolean, "#N/A" an error. Text that could be read as any
    of those goes in behind an apostrophe (Excel's text prefix, not part of the value), so
    text from the inputs stays text, as it does in the file backend."""
    if v is None:
        return None
    if isinstance(v, Formula):
        text = v.text
        return text if text.startswith("=") else "=" + text
    if isinstance(v, str):
        if not v:
            return None
        return "'" + v if _parsed_by_excel(v) else v
    if isinstance(v, bool | np.bool_):
        return bool(v)
    if isinstance(v, int | np.integer):
        return int(v)
    if isinstance(v, float | np.floating):
        f = float(v)
        return None if math.isnan(f) or math.isinf(f) else f
    if hasattr(v, "to_pydatetime") and type(v) is not datetime:
        # pandas Timestamp, a datetime subclass xlwings may not take (NaT ≠ itself)
        return None if v != v else v.to_pydatetime().replace(tzinfo=None)
    if isinstance(v, datetime):
        return v.replace(tzinfo=None)
    if isinstance(v, date):
        return datetime(v.year, v.month, v.day)
    if hasattr(v, "to_timestamp"):  # pandas Period: its first day, as the file backend
        return excel_value(v.to_timestamp().to_pydatetime().date())
    return excel_value(str(v))


def _parsed_by_excel(s: str) -> bool:
    return (s[0] in "=+-@#'" or any(ch.isdigit() for ch in s)
            or s.strip().upper() in ("TRUE", "FALSE"))


def rectangles(mask: np.ndarray) -> list[tuple[int, int, int, int]]:
    """A boolean grid as few (top, left, bottom, right) rectangles: runs along each row,
    merged down while the next row has the same run."""
    out: list[tuple[int, int, int, int]] = []
    open_runs: dict[tuple[int, int], int] = {}  # (left, right) -> top row
    for r in range(mask.shape[0] + 1):
        runs: set[tuple[int, int]] = set()
        if r < mask.shape[0]:
            row = np.concatenate(([False], mask[r], [False])).astype(np.int8)
            edges = np.flatnonzero(np.diff(row))
            runs = {(int(a), int(b) - 1) for a, b in zip(edges[::2], edges[1::2], strict=True)}
        for run in list(open_runs):
            if run not in runs:
                out.append((open_runs.pop(run), run[0], r - 1, run[1]))
        for run in runs:
            open_runs.setdefault(run, r)
    return sorted(out)


def a1(top: int, left: int, bottom: int, right: int) -> str:
    first, last = cell_ref(top, left), cell_ref(bottom, right)
    return first if first == last else f"{first}:{last}"


def union_addresses(boxes: Sequence[tuple[int, int, int, int]]) -> list[str]:
    """Rectangles as comma-joined addresses, each under ``MAX_ADDRESS`` characters."""
    chunks: list[str] = []
    current = ""
    for b in boxes:
        ref = a1(*b)
        if current and len(current) + 1 + len(ref) > MAX_ADDRESS:
            chunks.append(current)
            current = ""
        current = f"{current},{ref}" if current else ref
    if current:
        chunks.append(current)
    return chunks


def _runs(indices: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted indices as (first, last) runs of consecutive numbers."""
    out: list[tuple[int, int]] = []
    for i in sorted(set(indices)):
        if out and out[-1][1] == i - 1:
            out[-1] = (out[-1][0], i)
        else:
            out.append((i, i))
    return out


@dataclass
class StyleArea:
    """One cell style and the addresses (union chunks) of the cells that end up with it."""

    style: CellStyle
    addresses: list[str]


@dataclass
class SheetPlan:
    """What one SheetContent becomes in Excel, computed without Excel."""

    content: SheetContent
    block: list[list[Any]]
    styles: list[StyleArea]
    widths: list[tuple[str, float]]            # ("A:C", width)
    hidden_rows: list[str]                     # "5:7"
    hidden_cols: list[str]                     # "B:D"
    outline_rows: list[str]                    # "5:9"
    table: TableDef | None
    validations: list[Validation] = field(default_factory=list)
    cond_formats: list[CondFormat] = field(default_factory=list)
    heights: list[tuple[str, float]] = field(default_factory=list)  # ("2:4", points)

    @property
    def name(self) -> str:
        return self.content.name

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.block), len(self.block[0]) if self.block else 0


def plan_sheet(content: SheetContent) -> SheetPlan:
    """Translate a SheetContent into Excel blocks: one value block from A1 (ragged rows
    padded), each cell's final style (later style ranges over earlier, as in the file
    backend) grouped into rectangles per style, and the sheet features as addresses."""
    n_cols = content.n_cols
    block = [[excel_value(v) for v in row] + [None] * (n_cols - len(row))
             for row in content.rows] if n_cols else []
    distinct: dict[CellStyle, int] = {}
    for style in content.palette:  # the grids' per-cell style matrix
        distinct.setdefault(style, len(distinct) + 1)
    for sr in content.styles:
        distinct.setdefault(resolve(sr.style), len(distinct) + 1)
    areas: list[StyleArea] = []
    if distinct:
        grid = style_grid(content, distinct)
        for style, idx in distinct.items():
            boxes = rectangles(grid == idx)
            if boxes:
                areas.append(StyleArea(style, union_addresses(boxes)))
    by_width: dict[float, list[int]] = {}
    for c, w in content.col_widths.items():
        by_width.setdefault(float(w), []).append(c)
    widths = [(f"{col_letter(a)}:{col_letter(b)}", w)
              for w, cols in by_width.items() for a, b in _runs(cols)]
    by_height: dict[float, list[int]] = {}
    for r, h in content.row_heights.items():
        by_height.setdefault(float(h), []).append(r)
    heights = sorted((f"{a + 1}:{b + 1}", h) for h, rows in by_height.items()
                     for a, b in _runs(rows))
    return SheetPlan(
        content=content, block=block, styles=areas, widths=sorted(widths),
        hidden_rows=[f"{a + 1}:{b + 1}" for a, b in _runs(content.hidden_rows)],
        hidden_cols=[f"{col_letter(a)}:{col_letter(b)}" for a, b in _runs(content.hidden_cols)],
        outline_rows=[f"{a + 1}:{b + 1}" for a, b in content.outline_rows],
        table=content.table, validations=list(content.validations),
        cond_formats=list(content.cond_formats), heights=heights)
