"""Errors a planner can see.

Every error sop_xl raises on purpose is a ``SopXlError``. The tree::

    SopXlError                      exit code 2 unless stated
    ├── WorkbookError               the file itself: missing, not a workbook, corrupt, locked (3)
    ├── ValidationError             bad cells: carries every Problem found in one pass (4)
    ├── PlanningError               the data is readable but cannot be planned (BOM cycle) (5)
    └── VersionError                a locked or tampered plan version (6)

A ``Problem`` names workbook, sheet, row, column, the bad value and what was expected, and
renders itself in the workbook's language (English or 简体中文) from the message catalogue.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sop_xl.base.messages import message


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one place in a workbook.

    ``row`` is the Excel row number (1-based) and ``column`` the column's label as it
    stands in the sheet header, so a planner can go straight to the cell.
    """

    code: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    cell: str | None = None
    value: Any = None
    params: Mapping[str, Any] = field(default_factory=dict)
    workbook: str | None = None

    def where(self, lang: str = "en") -> str:
        parts: list[str] = []
        if self.workbook:
            parts.append(f"[{self.workbook}]")
        if self.sheet:
            loc = self.sheet
            if self.cell:
                loc += f"!{self.cell}"
            elif self.row is not None:
                loc += " " + message("row_n", lang, n=self.row)
            parts.append(loc)
        if self.column:
            parts.append(f"({self.column})")
        return " ".join(parts)

    def render(self, lang: str = "en") -> str:
        """The full sentence: where, what was found, what was expected."""
        params = dict(self.params)
        if params.get("value") is None:  # a blank shown in the reader's language
            params["value"] = _show(self.value, lang)
        text = message(self.code, lang, **params)
        where = self.where(lang)
        return f"{where}: {text}" if where else text

    def with_workbook(self, name: str) -> Problem:
        return Problem(self.code, self.sheet, self.row, self.column, self.cell, self.value,
                       self.params, name)


def _show(value: Any, lang: str = "en") -> str:
    if value is None:
        return message("value_blank", lang)
    if isinstance(value, str):
        return repr(value) if len(value) <= 60 else repr(value[:57] + "...")
    return str(value)


class SopXlError(Exception):
    """Base of every error a planner may see; ``exit_code`` is what the CLI returns."""

    exit_code = 2

    def render(self, lang: str = "en") -> str:
        return str(self)


class WorkbookError(SopXlError):
    """The workbook file cannot be used at all (missing, corrupt, wrong format, locked)."""

    exit_code = 3

    def __init__(self, code: str, path: str, lang: str = "en", **params: Any) -> None:
        self.code = code
        self.path = path
        self.params = params
        super().__init__(self.render(lang))

    def render(self, lang: str = "en") -> str:
        return f"{self.path}: {message(self.code, lang, **self.params)}"


class ProblemsError(SopXlError):
    """An error that carries a list of Problems, all found in one pass."""

    def __init__(self, problems: Iterable[Problem], lang: str = "en") -> None:
        self.problems = list(problems)
        self.lang = lang
        super().__init__(self.render(lang))

    def render(self, lang: str | None = None) -> str:
        lang = lang or self.lang
        lines = [p.render(lang) for p in self.problems]
        head = message("problems_found", lang, n=len(lines))
        return "\n".join([head, *("  - " + line for line in lines)])


class ValidationError(ProblemsError):
    """Input cells that break the workbook contract. Nothing was written."""

    exit_code = 4


class PlanningError(ProblemsError):
    """Readable data that cannot be planned, e.g. a cyclic bill of materials."""

    exit_code = 5


class VersionError(SopXlError):
    """A plan version that may not be changed, or was changed by hand."""

    exit_code = 6

    def __init__(self, code: str, lang: str = "en", **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(message(code, lang, **params))

    def render(self, lang: str = "en") -> str:
        return message(self.code, lang, **self.params)
