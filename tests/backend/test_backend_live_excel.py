"""The live backend against a real Excel (``pytest -m excel`` on Windows or macOS with
Excel installed; skipped elsewhere). Everything here is what the stand-in in
fake_excel.py can only model: Excel's own parsing, calculation, formats, Tables,
validation, frozen panes, and a ribbon button's round trip."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sop_xl.app.cycle import CYCLE, run_steps
from sop_xl.app.master import MasterWorkbook
from sop_xl.app.template import input_sheets, write_master
from sop_xl.layout.sheet import Box, CondFormat, Formula, SheetContent, TableDef, Validation
from sop_xl.workbook.live import LiveBackend, LiveWriteError
from tests.small_company import frames

pytestmark = pytest.mark.excel
WINDOWS = sys.platform == "win32"


@pytest.fixture
def book(excel_app: Any):
    b = excel_app.books.add()
    yield b
    excel_app.display_alerts = False
    b.close()


def _master(book: Any) -> LiveBackend:
    f, s = frames()
    live = LiveBackend(book)
    first = [sh.name for sh in book.sheets]
    contents = input_sheets(f, {**s, "language": "en"}, "en")
    live.write_sheets(contents, remove=first, order=[c.name for c in contents])
    return live


def test_the_cycle_in_excel_matches_the_file(book: Any, tmp_path: Path) -> None:
    f, s = frames()
    path = write_master(tmp_path / "m.xlsx", f, s)
    run_steps(MasterWorkbook.open(path), list(CYCLE))
    live = _master(book)
    run_steps(MasterWorkbook(live), list(CYCLE))
    file_book, live_book = MasterWorkbook.open(path), MasterWorkbook(live)
    for key in ("mps", "mrp", "demand_plan", "capacity", "projection"):
        a, b = file_book.read_output_grid(key), live_book.read_output_grid(key)
        va = pd.to_numeric(a["value"], errors="coerce").to_numpy(float)
        vb = pd.to_numeric(b["value"], errors="coerce").to_numpy(float)
        # Excel calculated the live formulas; the file holds Python's values
        assert np.allclose(np.nan_to_num(va), np.nan_to_num(vb)), key
    assert list(file_book.read_output_table("versions")["content_hash"]) == \
        list(live_book.read_output_table("versions")["content_hash"])


def test_formats_and_features_reach_excel(book: Any) -> None:
    live = LiveBackend(book)
    c = SheetContent("Out", [["item", "qty"], ["A", 1234.5], ["B", 2.0]], freeze=(1, 1))
    c.style(0, 0, 0, 1, "header")
    c.style(1, 1, 2, 1, "cell_input")
    c.table = TableDef("tblOut", Box(0, 0, 2, 1))
    c.validations = [Validation(Box(1, 1, 2, 1), "decimal", minimum=0, prompt="pieces")]
    c.cond_formats = [CondFormat(Box(1, 1, 2, 1), "B2<10", "bad")]
    live.write_sheets([c])
    sheet = book.sheets["Out"]
    assert sheet["B2"].number_format == "#,##0;[Red]-#,##0"
    assert sheet["A1"].font.bold
    assert [t.name for t in sheet.tables] == ["tblOut"]
    assert sheet["B2"].data_validation.type == "decimal"
    if WINDOWS:
        assert sheet["B2"].api.Locked is False and sheet["A2"].api.Locked is True
        assert sheet["B2"].api.Validation.InputMessage == "pieces"
        sheet.activate()
        window = book.app.api.ActiveWindow
        assert (window.SplitRow, window.SplitColumn, window.FreezePanes) == (1, 1, True)
        # the rule "B2<10" is relative to B2, so B3 (2) is flagged and B2 (1234.5) not
        assert sheet["B3"].api.DisplayFormat.Interior.Color != \
            sheet["B2"].api.DisplayFormat.Interior.Color


def test_text_is_kept_as_text_by_excel(book: Any) -> None:
    live = LiveBackend(book)
    tricky = ["=1+1", "2026-12", "007", "TRUE", "#N/A", "1/2", "-x"]
    live.write_sheets([SheetContent("T", [[t] for t in tricky])])
    assert [r[0] for r in live.read_sheet("T").rows] == tricky


def test_a_failed_write_in_excel_is_undone(book: Any) -> None:
    live = _master(book)
    run_steps(MasterWorkbook(live), ["forecast", "demand", "mps"])
    before = {n: live.read_sheet(n).rows for n in live.sheet_names()}
    names = live.sheet_names()
    good = SheetContent("MPS", [["replaced"]])
    bad = SheetContent("Broken", [[Formula("SUM((")]])  # Excel refuses this formula
    with pytest.raises(LiveWriteError) as info:
        live.write_sheets([good, bad], order=["Broken"])
    assert info.value.sheet == "Broken" and info.value.what == "values and formulas"
    assert live.sheet_names() == names
    assert {n: live.read_sheet(n).rows for n in live.sheet_names()} == before


def test_a_ribbon_button_in_excel(book: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from sop_xl.excel import ribbon

    _master(book)
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(type(book.app), "alert",
                        lambda self, prompt, title="", **kw: shown.append((title, prompt)))
    ribbon.run_button("run_mps", caller=book)
    (title, text), = shown
    assert title == "S&OP — Run MPS" and text.startswith("Run MPS: wrote ")
    assert "MPS" in [s.name for s in book.sheets]
    assert book.app.screen_updating
