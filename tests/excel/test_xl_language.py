"""Language switch (ribbon Language EN / 中文): sheets renamed and relabelled, nothing
typed lost, outputs rewritten in the new language, through the file and live backends."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from sop_xl.app.cycle import CYCLE, run_steps
from sop_xl.app.language import switch_language
from sop_xl.app.master import MasterWorkbook
from sop_xl.app.template import input_sheets, write_master
from sop_xl.base.errors import SopXlError
from sop_xl.workbook.live import ComCalls, LiveBackend
from tests.backend.fake_excel import new_book
from tests.small_company import frames


@pytest.fixture(scope="module")
def planned_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    f, s = frames()
    path = write_master(tmp_path_factory.mktemp("planned") / "m.xlsx", f, s)
    run_steps(MasterWorkbook.open(path), list(CYCLE))
    return path


@pytest.fixture
def planned(planned_once: Path, tmp_path: Path) -> Path:
    """A planned master of the small company, a fresh copy per test."""
    return Path(shutil.copy(planned_once, tmp_path / "m.xlsx"))


def _frames(book: MasterWorkbook) -> dict[str, pd.DataFrame]:
    inputs = book.read_inputs()
    return {k: getattr(inputs, k).drop(columns="_row", errors="ignore").reset_index(drop=True)
            for k in ("items", "bom", "sales_history", "contracts", "stock")}


def test_switching_renames_relabels_and_keeps_every_value(planned: Path) -> None:
    before = MasterWorkbook.open(planned)
    frames_before = _frames(before)
    mps_before = before.read_output_grid("mps")
    plan_tab_before = before.backend.sheet_xml("V001 2026-12")

    report = switch_language(MasterWorkbook.open(planned), "zh-CN")
    assert report.outputs_rewritten
    assert report.renamed["Items"] == "物料" and report.renamed["MPS"] == "主生产计划"
    assert report.message().startswith("工作簿已切换为中文")

    book = MasterWorkbook.open(planned)
    assert book.language == "zh-CN"
    names = book.backend.sheet_names()
    assert names[:3] == ["设置", "物料", "物料清单"] and "Items" not in names
    assert "V001 2026-12" in names
    items = book.backend.read_sheet("物料").rows
    assert items[0][:3] == ["物料编码", "物料名称", "类型"]
    assert items[1][8] == "批对批" and items[2][8] == "固定批量"  # dropdown labels
    for key, frame in _frames(book).items():
        pd.testing.assert_frame_equal(frame, frames_before[key], obj=key)
    mps = book.read_output_grid("mps")
    assert np.array_equal(mps["value"].to_numpy(float), mps_before["value"].to_numpy(float),
                          equal_nan=True)
    assert book.backend.sheet_xml("V001 2026-12") == plan_tab_before  # never rewritten

    switch_language(MasterWorkbook.open(planned), "en")
    back = MasterWorkbook.open(planned)
    assert back.language == "en"
    assert back.backend.sheet_names()[:3] == ["Settings", "Items", "BOM"]
    for key, frame in _frames(back).items():
        pd.testing.assert_frame_equal(frame, frames_before[key], obj=key)


def test_a_planners_columns_formulas_and_invalid_cells_survive(tmp_path: Path) -> None:
    f, s = frames()
    path = write_master(tmp_path / "m.xlsx", f, s)
    wb = openpyxl.load_workbook(path)
    ws = wb["Items"]
    ws.cell(1, 21, "My note")
    ws.cell(2, 21, "=F2*2")
    ws.cell(3, 21, "call supplier")
    ws.cell(3, 8, "soon")  # an invalid lead time: the switch must not need valid inputs
    wb.save(path)

    switch_language(MasterWorkbook.open(path), "zh-CN")
    raw = MasterWorkbook.open(path).backend.read_sheet("物料")
    assert raw.rows[0][20] == "My note"
    assert raw.formulas[(1, 20)] == "=F2*2"
    assert raw.rows[2][20] == "call supplier"
    assert raw.rows[2][7] == "soon"


def test_outputs_keep_their_language_while_inputs_are_invalid(planned: Path) -> None:
    wb = openpyxl.load_workbook(planned)
    wb["Items"].cell(2, 8, "soon")
    wb.save(planned)
    report = switch_language(MasterWorkbook.open(planned), "zh-CN")
    assert not report.outputs_rewritten
    assert "校验通过后请再次切换" in report.message()
    names = MasterWorkbook.open(planned).backend.sheet_names()
    assert "物料" in names and "MPS" in names


def test_an_unknown_language_is_refused(planned: Path) -> None:
    with pytest.raises(SopXlError, match="'fr' is not a workbook language"):
        switch_language(MasterWorkbook.open(planned), "fr")


def test_switching_a_workbook_open_in_excel() -> None:
    f, s = frames()
    book = new_book("Sheet1")
    live = LiveBackend(book, calls=ComCalls())
    contents = input_sheets(f, {**s, "language": "en"}, "en")
    live.write_sheets(contents, remove=["Sheet1"], order=[c.name for c in contents])
    run_steps(MasterWorkbook(live), ["forecast", "demand", "mps"])
    before = _frames(MasterWorkbook(live))

    switch_language(MasterWorkbook(live), "zh-CN")
    master = MasterWorkbook(live)
    assert master.language == "zh-CN"
    names = live.sheet_names()
    assert names[:2] == ["设置", "物料"] and "主生产计划" in names and "MPS" not in names
    # Table names carried over to the renamed sheets (not tblItems2)
    assert [t.name for t in book.sheets["物料"].tables] == ["tblItems"]
    assert not any(n.startswith("sop~bak~") for n in names)
    for key, frame in _frames(master).items():
        pd.testing.assert_frame_equal(frame, before[key], obj=key)
