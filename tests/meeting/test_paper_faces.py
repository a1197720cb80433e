"""The meeting pack and the sales assistants' workbooks on paper: tables continued on a
new page repeat their header, texts wider than their column wrap in a row tall enough for
them, an item's rows and each chart stay on one page, descriptions show whole."""

from __future__ import annotations

import types
from pathlib import Path

import openpyxl
import pytest
from meeting_support import fixed_forecast, new_master, run_month, two_assistant_frames

from sop_xl.faces.assistants import split
from sop_xl.faces.meeting import write_meeting
from sop_xl.faces.meeting.pack import _Pack
from sop_xl.layout.paper import LINE_HEIGHT, text_width, wrapped_lines


def test_a_table_continued_on_the_next_page_repeats_its_header(tmp_path: Path) -> None:
    path = tmp_path / "pack.xlsx"
    p = _Pack(path, types.SimpleNamespace(lang="en", currency="CNY"))
    ws = p.sheet("mp_sheet_exceptions", {0: 16, 1: 30, 2: 12})
    heads = ["Item", "Description", "Qty"]
    long = "Vertical multistage pump VM16-10, 15 kW (立式多级泵), stainless impeller"
    rows = [[f"FG-{k:03d}", long if k % 3 == 0 else "Pump", float(k)] for k in range(60)]
    end = p.section(ws, 2, "Sixty rows", heads, rows, ["bold", "text", "pcs"])
    p.finish(ws)
    breaks = list(p.pagers[ws.name].breaks)
    p.wb.close()
    assert breaks, "sixty rows, a third of them on three lines, fill more than a page"
    sheet = openpyxl.load_workbook(path)[ws.name]
    assert [b.id for b in sheet.row_breaks.brk] == breaks
    for b in breaks:  # the first row of each new page is the header again
        assert [sheet.cell(b + 1, c).value for c in (1, 2, 3)] == heads
    assert end == 2 + 2 + len(rows) + len(breaks)
    for r in range(1, end + 1):
        cell = sheet.cell(r, 2)
        if cell.value == long:
            assert cell.alignment.wrap_text
            lines = wrapped_lines(long, 30)
            assert sheet.row_dimensions[r].height == lines * LINE_HEIGHT
        elif cell.value == "Pump":
            assert not cell.alignment.wrap_text


@pytest.fixture
def planned(tmp_path: Path, monkeypatch) -> Path:
    f, s = two_assistant_frames()
    master = new_master(tmp_path / "master.xlsx", f, s)
    run_month(master, fixed_forecast({"A": 100.0, "B": 40.0}, "2026-12", 6), monkeypatch)
    return master


def test_a_pack_without_an_earlier_version_names_none(planned: Path, tmp_path: Path) -> None:
    report = write_meeting(planned, tmp_path / "pack.xlsx")
    wb = openpyxl.load_workbook(report.path)
    texts = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str)]
    assert not any("version —" in t for t in texts)
    assert any(t.startswith("Large forecast changes, near term, beyond ") for t in texts)
    for ws in wb.worksheets:
        if ws.sheet_state == "visible":
            assert ws.page_setup.orientation == "landscape"
            assert 10 <= int(ws.page_setup.scale or 100) <= 100  # 100: not written
            assert not ws.sheet_properties.pageSetUpPr or \
                not ws.sheet_properties.pageSetUpPr.fitToPage  # manual breaks hold


def test_an_assistants_workbook_prints_items_and_charts_whole(planned: Path,
                                                              tmp_path: Path) -> None:
    report = split(planned, tmp_path / "out")
    wb = openpyxl.load_workbook(report.files[0].path)
    forecast, history, charts = (wb.worksheets[k] for k in range(3))
    # descriptions whole: the column is as wide as the longest one (Chinese counts two)
    descriptions = [forecast.cell(r, 2).value for r in range(7, forecast.max_row + 1)
                    if forecast.cell(r, 2).value]
    assert forecast.column_dimensions["B"].width >= max(map(text_width, descriptions)) + 2
    assert forecast.print_title_rows.replace("$", "") == "6:6"
    assert history.print_title_cols.replace("$", "") == "A:C"
    # every page break of the Forecast sheet is where an item's block starts
    starts = {r for r in range(8, forecast.max_row + 1)
              if forecast.cell(r, 1).value != forecast.cell(r - 1, 1).value}
    assert {b.id + 1 for b in forecast.row_breaks.brk} <= starts
    # the charts: a row of two every 13 rows from row 3; no break inside one
    assert all((b.id - 2) % 13 == 0 for b in charts.row_breaks.brk)
