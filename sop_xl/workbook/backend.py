"""The one small interface every workbook backend implements (like httpx's transport).

``FileBackend`` works on a file with no Excel (openpyxl/calamine and part splicing),
``LiveBackend`` on a workbook open in Excel (xlwings), ``MemoryBackend`` in memory for
tests. The planning cycle only ever talks to this interface.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sop_xl.workbook.sheet import SheetContent


@dataclass
class RawSheet:
    """A sheet's cell values as the file holds them, from A1, plus what values alone hide.

    ``formulas`` and ``errors`` map (row, col), 0-based, to the formula text or the error
    (#N/A, #DIV/0! ...) of cells whose cached value ``rows`` cannot show faithfully;
    ``uncached`` holds the formula cells with no calculated value at all.
    """

    name: str
    rows: list[list[Any]]
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    uncached: set[tuple[int, int]] = field(default_factory=set)


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
                     order: Sequence[str] | None = None) -> None:
        """Replace or add these sheets and remove others, all or nothing.

        Sheets not named are left exactly as they are."""

    def status(self, text: str) -> None:  # noqa: B027 - optional hook
        """Show progress (terminal line, Excel status bar); a no-op by default."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release the workbook."""

    # a progress callback the engines can be handed without knowing the backend
    def progress(self) -> Callable[[str], None]:
        return self.status
