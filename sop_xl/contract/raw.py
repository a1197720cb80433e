"""A sheet as a workbook holds it: the raw cells every reader of the contract starts from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class RawSheet:
    """A sheet's cell values as the file holds them, from A1, plus what values alone hide.

    ``formulas`` and ``errors`` map (row, col), 0-based, to the formula text or the error
    (#N/A, #DIV/0! ...) of cells whose cached value ``rows`` cannot show faithfully;
    ``uncached`` holds the formula cells with no calculated value at all. ``date1904``:
    the workbook counts date serial numbers from 1904-01-01 (a plain number in a date
    column is read in that system).
    """

    name: str
    rows: list[list[Any]]
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    uncached: set[tuple[int, int]] = field(default_factory=set)
    date1904: bool = False
