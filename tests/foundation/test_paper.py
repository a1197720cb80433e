"""Screens and paper: widths that show Chinese labels whole, rows tall enough for wrapped
text, frozen panes of the key, description and measure only, and print settings that
repeat the headers and never cut an item's block between pages."""

from __future__ import annotations

import re

import pytest
from meeting.meeting_support import run_month
from support import fixed_forecast

from sop_xl import contract
from sop_xl.app.master import MasterWorkbook
from sop_xl.app.template import write_master
from sop_xl.contract.raw import RawSheet
from sop_xl.layout.grid import FIRST_ROW, HEADER_ROW, grid_columns, read_grid
from sop_xl.layout.paper import (
    A4_LANDSCAPE,
    LINE_HEIGHT,
    breaks_between_blocks,
    column_width,
    text_width,
    wrapped_lines,
)
from sop_xl.layout.render import settings_content, table_content
from sop_xl.workbook.package import Package
from tests.small_company import frames


def test_chinese_characters_count_double() -> None:
    assert text_width("FG-P100") == 7
    assert text_width("物料编码") == 8
    assert text_width("End-suction pump 50-32-160, 3 kW (端吸离心泵)") == 45
    # the 45-unit description gets a column of 47, not the 42 a character count gives
    assert column_width(["Description", "End-suction pump 50-32-160, 3 kW (端吸离心泵)"]) == 47


def test_wrapped_lines() -> None:
    assert wrapped_lines("Demand plan from contracts", 12) == 3  # 7 + 5 | 9 | 5
    assert wrapped_lines("一二三四五六七八九十", 12) == 2  # 20 units on lines of 11
    assert wrapped_lines("one\ntwo", 40) == 2
    assert wrapped_lines(None, 10) == 1


def test_page_breaks_fall_between_blocks() -> None:
    # blocks of 10 rows (150 pt) on pages holding 400 pt: two blocks a page
    blocks = [(3 + 10 * k, 12 + 10 * k) for k in range(5)]
    assert breaks_between_blocks(blocks, {}, first_row=3, room=400) == [23, 43]
    # a block taller than a page starts one; the next block goes on below its end
    assert breaks_between_blocks([(0, 9), (10, 39), (40, 44)], {}, first_row=0,
                                 room=300) == [10]
    assert breaks_between_blocks([(0, 9), (10, 39), (40, 50)], {}, first_row=0,
                                 room=300) == [10, 40]
    # the rows above the first block use the first page too
    assert breaks_between_blocks(blocks, {}, first_row=3, room=300) == [23, 43]
    assert breaks_between_blocks(blocks, {}, first_row=0, room=300) == [13, 33]


def test_scale_fits_the_width_of_a4_landscape() -> None:
    assert A4_LANDSCAPE.scale([10] * 5) == 100
    wide = [30] + [10] * 60
    scale = A4_LANDSCAPE.scale(wide)
    points = sum((7 * w + 5) * 0.75 for w in wide)
    assert points * scale / 100 <= A4_LANDSCAPE.printable_width
    assert points * (scale + 2) / 100 > A4_LANDSCAPE.printable_width * 0.9


def test_a_tables_columns_show_their_longest_value(small_master_zh) -> None:
    book = MasterWorkbook.open(small_master_zh)
    items = book.read_inputs().items.copy()
    items.loc[0, "description"] = "端吸离心泵 50-32-160，3 千瓦，铸铁泵体"
    sheet = table_content(contract.sheet("items"), items, "zh-CN")
    desc = [c.key for c in contract.sheet("items").columns].index("description")
    assert sheet.col_widths[desc] == text_width(items.loc[0, "description"]) + 2
    assert sheet.freeze == (1, 0) and sheet.print_scale is not None


def test_settings_rows_are_as_tall_as_their_wrapped_description() -> None:
    spec = contract.sheet("settings")
    sheet = settings_content(spec, {"planning_month": "2026-12"}, "en")
    labels = [r[0] for r in sheet.rows]
    far = labels.index("Far horizon method")
    text = sheet.rows[far][3]
    assert wrapped_lines(text, 60) == 2
    assert sheet.row_heights[far] == 2 * LINE_HEIGHT
    assert labels.index("Company") not in sheet.row_heights  # one line: default height


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory):
    f, s = frames()
    path = write_master(tmp_path_factory.mktemp("paper") / "m.xlsx", f, s)
    mp = pytest.MonkeyPatch()
    try:
        run_month(path, fixed_forecast({"A": 100.0, "B": 40.0}, "2026-12", 6), mp)
    finally:
        mp.undo()
    return path


def test_a_grid_freezes_key_description_and_measure_and_prints_by_block(planned) -> None:
    pkg = Package(planned)
    mps = pkg.sheet("MPS")
    xml = pkg.text(mps.part)
    workbook = pkg.text(pkg.workbook_part)
    book = MasterWorkbook.open(planned)
    raw = book.backend.read_sheet("MPS")
    header = raw.rows[HEADER_ROW]
    assert header[:3] == ["Item", "Description", "Measure"]
    assert re.search(r'<pane xSplit="3" ySplit="3" topLeftCell="D4"', xml)
    # the key columns and the header rows on every page
    index = [s.name for s in pkg.sheets].index("MPS")
    assert re.search(rf'<definedName name="_xlnm.Print_Titles" localSheetId="{index}">'
                     r"MPS!\$A:\$C,MPS!\$1:\$3</definedName>", workbook)
    # page breaks only where an item's block starts
    starts = {r for r in range(FIRST_ROW, len(raw.rows))
              if raw.rows[r][0] != raw.rows[r - 1][0]}
    breaks = [int(x) for x in re.findall(r'<brk id="(\d+)"', xml)]
    assert set(breaks) <= starts
    assert re.search(r'<pageSetup paperSize="9" scale="\d+" orientation="landscape"/>', xml)
    pkg.close()


def test_grids_read_alike_in_the_earlier_layout(planned) -> None:
    """A master written before (every attribute, then the measure) reads the same."""
    spec = contract.sheet("mps")
    raw = MasterWorkbook.open(planned).backend.read_sheet("MPS")
    now = read_grid(spec, raw)
    cols = grid_columns(spec, raw.rows[HEADER_ROW])
    order = [cols.attrs[c.key] for c in spec.block_columns] + [cols.measure]
    rest = [j for j in range(len(raw.rows[HEADER_ROW])) if j not in order]
    old = RawSheet(raw.name, [[row[j] if j < len(row) else None for j in order + rest]
                              for row in raw.rows])
    assert grid_columns(spec, old.rows[HEADER_ROW]).measure == len(spec.block_columns)
    before = read_grid(spec, old)
    assert before.equals(now)
