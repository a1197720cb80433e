"""Screen and paper geometry: how wide a text is, how tall a wrapped cell, how a sheet fits
an A4 page, and where its pages break.

Widths are in Excel's column units: characters of the default font's digit (Calibri 11,
7 px at 96 dpi), so a column of width w is about 7w + 5 px. A Chinese character takes
two of them (East Asian "wide" and "fullwidth" characters, Unicode UAX #11), which is
why a width counted in characters cuts a Chinese label in half.

Pages: A4 landscape (842 × 595 pt) with the margins every generated sheet uses. A sheet
wider than a page is printed at the scale that fits its width: computed here rather than
left to Excel's "fit to 1 page wide", because Excel ignores manual page breaks under
"fit to" and a block of rows (an item's measures, a chart) must not be cut between pages.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from sop_xl.layout.sheet import SheetContent

__all__ = ["A4_LANDSCAPE", "MAX_BREAKS", "Page", "Pager", "breaks_between_blocks",
           "column_width",
           "print_setup", "text_width", "wrapped_height", "wrapped_lines"]

#: one line of 10–11 pt text, points (Excel's default row height)
LINE_HEIGHT = 15.0
#: a column of the default width when none is set, in column units
DEFAULT_WIDTH = 8.43


def text_width(text: object) -> int:
    """Display width of a value's text: Chinese (wide, fullwidth) characters count two."""
    return _width(str(text) if text is not None else "")


@lru_cache(maxsize=65536)
def _width(s: str) -> int:
    if s.isascii():
        return len(s)
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in s)


def column_width(texts: Iterable[object], *, minimum: float = 6.0, maximum: float = 60.0,
                 padding: float = 2.0) -> float:
    """A column width that shows the longest of ``texts`` whole (up to ``maximum``)."""
    longest = max((text_width(t) for t in texts if t not in (None, "")), default=0)
    return float(min(max(minimum, longest + padding), maximum))


def wrapped_lines(text: object, width: float) -> int:
    """Lines a wrapped cell ``width`` units wide needs for ``text`` (explicit line breaks
    kept; words are not split, so this is a little generous, never short)."""
    if text in (None, ""):
        return 1
    room = max(1.0, width - 1.0)
    lines = 0
    for paragraph in str(text).split("\n"):
        used, count = 0.0, 1
        for word in _words(paragraph):
            w = text_width(word)
            if used and used + w > room:
                count += 1
                used = 0.0
            used += w
            while used > room:  # a word longer than the line wraps inside itself
                count += 1
                used -= room
        lines += count
    return lines


def _words(paragraph: str) -> list[str]:
    """Wrap units: a word with its space, or a single Chinese character (no spaces)."""
    out: list[str] = []
    word = ""
    for ch in paragraph:
        if unicodedata.east_asian_width(ch) in ("W", "F"):
            if word:
                out.append(word)
                word = ""
            out.append(ch)
        elif ch == " ":
            out.append(word + " ")
            word = ""
        else:
            word += ch
    if word:
        out.append(word)
    return out


def wrapped_height(texts: Iterable[tuple[object, float]], *,
                   line: float = LINE_HEIGHT) -> float:
    """Row height (points) for wrapped cells given as (text, column width) pairs."""
    return line * max((wrapped_lines(t, w) for t, w in texts), default=1)


@dataclass(frozen=True)
class Page:
    """A paper size and margins, in points."""

    width: float
    height: float
    margin_x: float = 36.0  # 0.5 in left and right
    margin_top: float = 43.2  # 0.6 in
    margin_bottom: float = 43.2
    header: float = 21.6  # 0.3 in header and footer lines

    @property
    def printable_width(self) -> float:
        return self.width - 2 * self.margin_x

    @property
    def printable_height(self) -> float:
        return self.height - self.margin_top - self.margin_bottom

    def scale(self, widths: Sequence[float]) -> int:
        """The print scale (%, 10–100) at which columns of these widths fit one page."""
        total = sum(_points(w) for w in widths)
        # LibreOffice lays a column unit out about 8 % wider than Excel (a digit of its
        # Calibri stand-in is wider): leave that much so the last column stays on the page
        room = self.printable_width * 0.9
        if total <= room:
            return 100
        return max(10, math.floor(100 * room / total))

    def rows_per_page(self, heights: Sequence[float], scale: int) -> float:
        """Points of rows a page holds at ``scale`` (the repeated title rows taken off)."""
        return self.printable_height * 100 / scale - sum(heights)


def _points(width: float) -> float:
    """A column width in points (7 px per unit + 5 px padding, 0.75 pt per px)."""
    return (7 * width + 5) * 0.75


A4_LANDSCAPE = Page(842.0, 595.0)


@dataclass
class Pager:
    """Blocks of rows laid one after another onto pages holding ``room`` points each:
    records the rows where a page must start so that no block is cut."""

    room: float
    used: float = 0.0
    breaks: list[int] = field(default_factory=list)

    def fits(self, height: float) -> bool:
        return self.used + height <= self.room

    def new_page(self, row: int) -> None:
        """Start a new page at ``row`` whatever room is left."""
        if self.used:
            self.breaks.append(row)
        self.used = 0.0

    def place(self, row: int, height: float) -> bool:
        """Lay a block ``height`` points tall starting at ``row``; True when it had to
        start a new page there. A block taller than a page gets pages of its own."""
        new = bool(self.used) and not self.fits(height)
        if new:
            self.breaks.append(row)
            self.used = 0.0
        self.used += height
        while self.used > self.room:
            self.used -= self.room
        return new


def breaks_between_blocks(blocks: Sequence[tuple[int, int]], heights: Mapping[int, float],
                          *, first_row: int, room: float, above: float | None = None
                          ) -> list[int]:
    """Rows to start a new page at so that no block (first row, last row; 0-based, in
    order) is cut, filling each page with as many blocks as fit in ``room`` points. The
    first page also holds the rows from ``first_row`` to the first block (or ``above``
    points of them)."""
    pager = Pager(room)
    if blocks:
        pager.used = above if above is not None else sum(
            heights.get(r, LINE_HEIGHT) for r in range(first_row, blocks[0][0]))
    for top, bottom in blocks:
        pager.place(top, sum(heights.get(r, LINE_HEIGHT) for r in range(top, bottom + 1)))
    return pager.breaks


#: Excel keeps at most 1,026 manual page breaks a sheet; beyond that blocks may be cut
MAX_BREAKS = 1000
#: the smallest print scale (%) of a grid: 8-point figures print at about 5 points
MIN_SCALE = 55


def print_setup(sheet: SheetContent, *, blocks: Sequence[tuple[int, int]] = (),
                title_cols: int = 0, page: Page = A4_LANDSCAPE) -> None:
    """Set how ``sheet`` prints: its header rows (``freeze``) and ``title_cols`` left
    columns on every page, every column on one page wide, and ``blocks`` of rows (first,
    last) never cut between pages."""
    widths = [sheet.col_widths.get(j, DEFAULT_WIDTH) for j in range(sheet.n_cols)]
    sheet.print_title_cols = title_cols
    sheet.print_scale = page.scale(widths)
    if title_cols:
        # a grid of years of periods would print too small to read: below MIN_SCALE its
        # periods go on across pages instead, the title columns repeated on each
        sheet.print_scale = max(sheet.print_scale, MIN_SCALE)
    if not blocks:
        sheet.row_breaks = ()
        return
    head = sheet.freeze[0] if sheet.freeze else 0
    room = page.rows_per_page([sheet.row_heights.get(r, LINE_HEIGHT) for r in range(head)],
                              sheet.print_scale)
    sheet.row_breaks = tuple(breaks_between_blocks(blocks, sheet.row_heights, first_row=head,
                                                   room=room)[:MAX_BREAKS])
