"""The backends the contract suite runs on, each behind the same small harness.

* ``file``: FileBackend on a workbook written by openpyxl (a planner's file);
* ``memory``: MemoryBackend;
* ``live-fake``: LiveBackend over the in-memory xlwings stand-in (tests/backend/fake_excel);
* ``live-excel``: LiveBackend over a real Excel through xlwings — ``pytest -m excel`` on
  Windows or macOS with Excel installed; skipped elsewhere.

A harness makes a workbook holding given sheets (values as a planner typed them), with
optional merged areas and error cells put there outside the Backend interface, and can
make the next write fail part-way in a way natural to the backend.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sop_xl.contract.cells import cell_ref
from sop_xl.layout.sheet import Formula, SheetContent
from sop_xl.workbook.backend import Backend

Sheets = dict[str, list[list[Any]]]
Merged = dict[str, list[tuple[int, int, int, int]]]
Errors = dict[str, dict[tuple[int, int], str]]


@dataclass
class Harness:
    name: str
    make: Callable[..., Backend]
    # make the next write fail after it has started; None if the backend has no such phase
    break_next_write: Callable[[Backend, pytest.MonkeyPatch, str], None]


# -- file -------------------------------------------------------------------------------

def file_harness(tmp_path: Path) -> Harness:
    import openpyxl

    from sop_xl.workbook.file import FileBackend

    def make(sheets: Sheets, merged: Merged | None = None,
             errors: Errors | None = None) -> Backend:
        wb = openpyxl.Workbook()
        if sheets:
            wb.remove(wb.active)  # else keep openpyxl's Sheet1: a workbook needs a sheet
        for name, rows in sheets.items():
            ws = wb.create_sheet(name)
            for r, row in enumerate(rows, start=1):
                for c, v in enumerate(row, start=1):
                    if v is not None:
                        ws.cell(r, c, v)
            for t, left, b, right in (merged or {}).get(name, []):
                ws.merge_cells(f"{cell_ref(t, left)}:{cell_ref(b, right)}")
            for (r, c), err in (errors or {}).get(name, {}).items():
                ws.cell(r + 1, c + 1).value = err  # openpyxl stores error codes as t="e"
        path = tmp_path / f"book{len(list(tmp_path.iterdir()))}.xlsx"
        wb.save(path)
        return FileBackend(path)

    def break_next_write(backend: Backend, monkeypatch: pytest.MonkeyPatch,
                         sheet: str) -> None:
        import sop_xl.workbook.package as package

        def refuse(*_: Any) -> None:
            raise OSError("disk full")

        monkeypatch.setattr(package.os, "replace", refuse)

    return Harness("file", make, break_next_write)


# -- memory -----------------------------------------------------------------------------

def memory_harness() -> Harness:
    from sop_xl.workbook.memory import MemoryBackend

    def make(sheets: Sheets, merged: Merged | None = None,
             errors: Errors | None = None) -> Backend:
        b = MemoryBackend("memory")
        for name, rows in sheets.items():
            cells = [list(r) for r in rows]
            for (r, c), err in (errors or {}).get(name, {}).items():
                while len(cells) <= r:
                    cells.append([])
                cells[r] += [None] * (c + 1 - len(cells[r]))
                cells[r][c] = Formula("NA()", err)
            b.sheets[name] = [[v.value if isinstance(v, Formula) else v for v in row]
                              for row in cells]
            b.contents[name] = SheetContent(name, cells)
            b.merged[name] = list((merged or {}).get(name, []))
        return b

    def break_next_write(backend: Backend, monkeypatch: pytest.MonkeyPatch,
                         sheet: str) -> None:
        real = MemoryBackend.values

        def failing(content: SheetContent) -> list[list]:
            if content.name == sheet:
                raise OSError(f"simulated failure while writing {sheet}")
            return real(content)

        monkeypatch.setattr(MemoryBackend, "values", staticmethod(failing))

    return Harness("memory", make, break_next_write)


# -- live over the fake -----------------------------------------------------------------

def live_fake_harness() -> Harness:
    from sop_xl.workbook.live import ComCalls, LiveBackend
    from tests.backend.fake_excel import Cell, ErrorValue, new_book, seed

    def make(sheets: Sheets, merged: Merged | None = None,
             errors: Errors | None = None) -> Backend:
        book = new_book(*sheets) if sheets else new_book("Sheet1")
        for name, rows in sheets.items():
            sheet = book.sheets[name]
            seed(sheet, rows)
            sheet.merged.extend((merged or {}).get(name, []))
            for (r, c), err in (errors or {}).get(name, {}).items():
                sheet.cells_[(r, c)] = Cell(value=ErrorValue(err))
        return LiveBackend(book, calls=ComCalls())

    def break_next_write(backend: Backend, monkeypatch: pytest.MonkeyPatch,
                         sheet: str) -> None:
        backend.book.app.fail_when = (  # type: ignore[attr-defined]
            lambda op, s, _a: op == "value.set" and s == sheet)

    return Harness("live-fake", make, break_next_write)


# -- live over Excel --------------------------------------------------------------------

def live_excel_harness(app: Any) -> Harness:
    from sop_xl.workbook.live import LiveBackend

    def make(sheets: Sheets, merged: Merged | None = None,
             errors: Errors | None = None) -> Backend:
        book = app.books.add()
        first = book.sheets[0]
        for name, rows in sheets.items():
            sheet = book.sheets.add(name, after=book.sheets[len(book.sheets) - 1])
            for r, row in enumerate(rows, start=1):
                for c, v in enumerate(row, start=1):
                    if v is not None:
                        sheet.range((r, c)).value = v
            for t, left, b, right in (merged or {}).get(name, []):
                sheet.range((t + 1, left + 1), (b + 1, right + 1)).merge()
            for (r, c), err in (errors or {}).get(name, {}).items():
                formula = {"#DIV/0!": "=1/0", "#N/A": "=NA()"}[err]
                sheet.range((r + 1, c + 1)).formula = formula
        if sheets:
            app.display_alerts = False
            first.delete()
        return LiveBackend(book)

    def break_next_write(backend: Backend, monkeypatch: pytest.MonkeyPatch,
                         sheet: str) -> None:
        # Excel refuses an unbalanced formula when it is assigned: a genuine failure
        # in the middle of the block write
        import sop_xl.workbook.live_plan as plan

        real = plan.excel_value

        def broken(v: Any) -> Any:
            if isinstance(v, str) and v == "BREAK":
                return "=SUM(("
            return real(v)

        monkeypatch.setattr(plan, "excel_value", broken)

    return Harness("live-excel", make, break_next_write)
