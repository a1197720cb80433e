"""The live backend's translation and write logic, over the in-memory xlwings stand-in
(tests/backend/fake_excel.py): block-wise calls, Excel settings, failures and restore,
and the whole monthly cycle run through it against the file backend's result."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from sop_xl.app.cycle import CYCLE, run_steps
from sop_xl.app.master import MasterWorkbook
from sop_xl.app.template import input_sheets, write_master
from sop_xl.layout.sheet import Box, CondFormat, Formula, SheetContent, TableDef, Validation
from sop_xl.layout.styles import CELL_STYLES
from sop_xl.workbook.live import ComCalls, LiveBackend, LiveWriteError, MacCalls
from sop_xl.workbook.live_plan import excel_value, plan_sheet, rectangles, union_addresses
from tests.backend.fake_excel import FakeBook, new_book, seed
from tests.small_company import frames

# -- translation ------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [
    (Formula("A1*2", 4.0), "=A1*2"),
    (Formula("=A1", 1.0), "=A1"),
    ("pump", "pump"),
    ("泵", "泵"),
    ("=1+1", "'=1+1"),
    ("2026-12", "'2026-12"),
    ("007", "'007"),
    ("A-100", "'A-100"),      # has a digit: Excel might read a date or number into it
    ("true", "'true"),
    ("#N/A", "'#N/A"),
    ("'x", "''x"),
    ("", None),
    (None, None),
    (float("nan"), None),
    (np.float64(2.5), 2.5),
    (np.int64(3), 3),
    (np.bool_(True), True),
    (date(2026, 12, 1), datetime(2026, 12, 1)),
    (pd.Period("2026-12", "M"), datetime(2026, 12, 1)),
    (pd.Timestamp("2027-01-05 13:30"), datetime(2027, 1, 5, 13, 30)),
    (pd.NaT, None),
])
def test_excel_value(value, expected) -> None:
    out = excel_value(value)
    assert out == expected and type(out) is type(expected)


def test_rectangles_and_union_addresses() -> None:
    mask = np.array([[1, 1, 0, 1],
                     [1, 1, 0, 1],
                     [0, 1, 1, 0]], dtype=bool)
    # A1:B2, D1:D2, then B3:C3 (its run differs from the rows above)
    assert rectangles(mask) == [(0, 0, 1, 1), (0, 3, 1, 3), (2, 1, 2, 2)]
    assert union_addresses(rectangles(mask)) == ["A1:B2,D1:D2,B3:C3"]
    many = [(r, 0, r, 0) for r in range(0, 200, 2)]  # A1, A3, ... A199: ~450 characters
    chunks = union_addresses(many)
    assert len(chunks) > 1 and all(len(c) <= 255 for c in chunks)
    assert ",".join(chunks).split(",") == [f"A{r + 1}" for r in range(0, 200, 2)]


def test_plan_paints_later_styles_over_earlier_ones() -> None:
    c = SheetContent("S", [["h", "h", "h"], [1, 2, 3], [4, 5, 6]])
    c.style(0, 0, 0, 2, "header")
    c.style(1, 0, 2, 2, "qty")
    c.style(1, 1, 2, 1, "input")  # the middle column is typed into
    plan = plan_sheet(c)
    by_style = {a.style: a.addresses for a in plan.styles}
    assert by_style[CELL_STYLES["header"]] == ["A1:C1"]
    assert by_style[CELL_STYLES["qty"]] == ["A2:A3,C2:C3"]
    assert by_style[CELL_STYLES["input"]] == ["B2:B3"]


def test_plan_pads_ragged_rows_and_groups_features() -> None:
    c = SheetContent("S", [["a", "b", "c"], [1], [2, 3]])
    c.col_widths = {0: 10, 1: 10, 2: 30, 4: 10}
    c.hidden_rows = (5, 6, 7, 9)
    c.hidden_cols = (3,)
    c.outline_rows = ((3, 8),)
    plan = plan_sheet(c)
    assert plan.block == [["a", "b", "c"], [1, None, None], [2, 3, None]]
    assert plan.widths == [("A:B", 10.0), ("C:C", 30.0), ("E:E", 10.0)]
    assert plan.hidden_rows == ["6:8", "10:10"]
    assert plan.hidden_cols == ["D:D"]
    assert plan.outline_rows == ["4:9"]


# -- writing block by block ---------------------------------------------------------------

def _grid_like(n_items: int) -> SheetContent:
    """A planning-grid-shaped sheet: 3 measure rows per item, 12 periods, the same few
    styles repeated per block."""
    periods = [f"2026-{m:02d}" for m in range(1, 13)]
    rows = [["item", "measure", *periods]]
    for i in range(n_items):
        rows.append([f"I{i}", "demand", *[10.0] * 12])
        rows.append([f"I{i}", "production", *[12.0] * 12])
        r = len(rows) + 1  # the Excel row of the projection about to be added
        rows.append([f"I{i}", "projected",
                     *[Formula(f"{chr(67 + p)}{r - 1}-{chr(67 + p)}{r - 2}", 2.0)
                       for p in range(12)]])
    c = SheetContent("MPS", rows, freeze=(1, 2))
    c.style(0, 0, 0, 13, "period_header")
    for b in range(n_items):
        top = 1 + 3 * b
        c.style(top, 0, top, 13, "block_first")
        c.style(top, 2, top, 13, "cell")
        c.style(top + 1, 2, top + 1, 13, "cell_input")
        c.style(top + 2, 2, top + 2, 13, "cell_bold")
    c.col_widths = {0: 12, 1: 16}
    c.table = None
    return c


def test_a_sheet_is_written_in_one_value_call_and_a_few_calls_per_style() -> None:
    counts = []
    for n in (5, 60):
        book = new_book("Inputs")
        LiveBackend(book, calls=ComCalls()).write_sheets([_grid_like(n)])
        log = book.app.log
        assert book.app.ops("value.set") == [("value.set", "MPS", f"$A$1:$N${3 * n + 1}")]
        counts.append(len([e for e in log if e[0].startswith("format.")]))
    # twelve times the rows (2,520 cells), not even twice the formatting calls: one per
    # style and property over union addresses of its rectangles, in 255-character chunks
    assert counts[1] <= 2 * counts[0] and counts[1] < 100


def test_reading_takes_three_block_calls() -> None:
    book = new_book("S")
    seed(book.sheets["S"], [["a", 1.0, "=B1*2"], ["=1/0", None, "x"]])
    book.app.log.clear()
    raw = LiveBackend(book, calls=ComCalls()).read_sheet("S")
    assert [op for op, _, _ in book.app.log] == ["value.get", "formula.get", "value.get",
                                                 "merge_cells"]
    assert raw.rows == [["a", 1.0, 2.0], [None, None, "x"]]
    assert raw.formulas == {(0, 2): "=B1*2", (1, 0): "=1/0"}
    assert raw.errors == {(1, 0): "#DIV/0!"}


def test_merged_areas_are_found_by_halving() -> None:
    book = new_book("S")
    seed(book.sheets["S"], [[f"{r}{c}" for c in "abcdefgh"] for r in range(40)])
    book.sheets["S"].range("B3:C4").merge()
    book.sheets["S"].range("F30:H30").merge()
    book.app.log.clear()
    assert LiveBackend(book, calls=ComCalls()).read_sheet("S").merged == [
        (2, 1, 3, 2), (29, 5, 29, 7)]
    assert len(book.app.ops("merge_cells")) < 60  # not one call per cell (320 cells)


def _content(name: str = "Out") -> SheetContent:
    c = SheetContent(name, [["item", "qty", "note"], ["A", 1.0, "x"], ["B", 2.0, "y"]],
                     key=None, freeze=(1, 1), zoom=85, tab_color="1F4E78")
    c.style(0, 0, 0, 2, "header")
    c.style(1, 1, 2, 1, "input")
    c.table = TableDef("tblOut", Box(0, 0, 2, 2))
    c.validations = [Validation(Box(1, 1, 2, 1), "decimal", minimum=0, prompt="pieces",
                                error="a number ≥ 0")]
    c.cond_formats = [CondFormat(Box(1, 1, 2, 1), "B2<0", "bad"),
                      CondFormat(Box(1, 1, 2, 1), "B2=0", "warn")]
    return c


def test_sheet_features_reach_excel() -> None:
    book = new_book("Inputs")
    c = _content()
    c.rows.append(["C", 3.0, "z"])
    c.style(3, 0, 3, 0, "measure")  # indented
    c.outline_rows = ((2, 3),)
    c.hidden_rows = (3,)
    LiveBackend(book, calls=ComCalls()).write_sheets([c])
    s = book.sheets["Out"]
    assert s.cell("A4").fmt["indent"] == 1 and s.cell("A4").fmt["halign"] == "left"
    assert s.outline == [(2, 3)] and s.hidden_rows == {3}
    assert [(t.name, t.box, t.table_style) for t in s.tables] == [
        ("tblOut", (0, 0, 2, 2), "TableStyleMedium2")]
    assert s.validations == [{"address": "$B$2:$B$3", "type": "decimal",
                              "operator": "greater_than_or_equal", "formula1": 0,
                              "formula2": None, "IgnoreBlank": True,
                              "InputMessage": "pieces", "ShowInput": True,
                              "ErrorMessage": "a number ≥ 0", "ShowError": True}]
    # rules in content order (first = highest priority), each relative to its top-left
    assert [(cf["formula"], cf["fill"], cf["relative_to"]) for cf in s.cond_formats] == [
        ("=B2<0", "#FFC7CE", (1, 1)), ("=B2=0", "#FFEB9C", (1, 1))]
    assert (s.freeze, s.zoom, s.tab_color) == ((1, 1), 85, 0x784E1F)
    assert s.cell("B2").fmt["locked"] is False and s.cell("B2").fmt["fill"] == "#FFF2CC"
    assert "locked" not in s.cell("A2").fmt


def test_excel_settings_are_off_while_writing_and_given_back() -> None:
    book = new_book("Inputs")
    app = book.app
    app.calculation = "semiautomatic"
    seen = {}

    def spy(op: str, sheet: str, address: str) -> bool:
        if op == "value.set":
            seen.update(screen=app.screen_updating, events=app.enable_events,
                        calc=app.calculation)
        return False

    app.fail_when = spy
    backend = LiveBackend(book, step="Run MPS", calls=ComCalls())
    backend.write_sheets([_content("MPS"), _content("MRP")])
    assert seen == {"screen": False, "events": False, "calc": "manual"}
    assert (app.screen_updating, app.enable_events, app.display_alerts, app.calculation) \
        == (True, True, True, "semiautomatic")
    assert "S&OP · Run MPS: writing MPS (1/2)" in app.status_history
    assert "S&OP · Run MPS: writing MRP (2/2)" in app.status_history
    assert book.sheets.active.name == "Inputs"  # the planner's sheet is active again
    backend.close()
    assert app.status_bar is False


def test_a_rewrite_keeps_references_from_the_planners_sheets() -> None:
    book = new_book("Dash")
    backend = LiveBackend(book, calls=ComCalls())
    backend.write_sheets([_content()])
    seed(book.sheets["Dash"], [["=Out!B2*10", "=SUM(tblOut)"]])
    assert book.sheets["Dash"].value("A1") == 10.0
    new = _content()
    new.rows[1][1] = 7.0
    backend.write_sheets([new])
    assert book.sheets["Dash"].cell("A1").formula == "=Out!B2*10"
    assert book.sheets["Dash"].value("A1") == 70.0
    # the Table was reused (resized), not deleted and added again
    assert book.app.ops("table.add") == [("table.add", "Out", "$A$1:$C$3")]
    assert [t.name for t in book.sheets["Out"].tables] == ["tblOut"]


def test_a_hidden_output_sheet_is_rewritten_and_stays_hidden() -> None:
    book = new_book("Inputs")
    backend = LiveBackend(book, calls=ComCalls())
    backend.write_sheets([_content()])
    book.sheets["Out"].visible = False
    backend.write_sheets([_content()])
    assert book.sheets["Out"].visible is False
    assert book.sheets["Out"].freeze == (1, 1)
    assert book.sheets.active.name == "Inputs"


def test_table_names_stay_unique_in_the_workbook() -> None:
    book = new_book("Inputs")
    backend = LiveBackend(book, calls=ComCalls())
    backend.write_sheets([_content("One")])
    backend.write_sheets([_content("Two")])  # same table name, another sheet
    assert [t.name for s in book.sheets for t in s.tables] == ["tblOut", "tblOut2"]


def test_a_protected_sheet_is_rewritten_and_protected_again() -> None:
    book = new_book("Inputs")
    backend = LiveBackend(book, calls=ComCalls())
    tab = _content("V001 2026-12")
    tab.protect = True
    backend.write_sheets([tab])
    assert book.sheets["V001 2026-12"].protected
    tab.rows[1][1] = 5.0
    backend.write_sheets([tab])
    assert book.sheets["V001 2026-12"].value("B2") == 5.0
    assert book.sheets["V001 2026-12"].protected


# -- failure and restore ----------------------------------------------------------------

def _planner_book() -> tuple[FakeBook, LiveBackend]:
    book = new_book("Inputs", "Dash")
    backend = LiveBackend(book, calls=ComCalls())
    backend.write_sheets([_content("Out")])
    backend.write_sheets([_content("Gone")])
    seed(book.sheets["Dash"], [["=Out!B2*10"]])
    book.sheets["Out"].api.Protect()
    book.app.log.clear()
    return book, backend


def _snapshot(book: FakeBook) -> dict:
    return {s.name: (sorted((k, c.value, c.formula) for k, c in s.cells_.items()),
                     [(t.name, t.box) for t in s.tables], s.protected, len(s.validations),
                     len(s.cond_formats))
            for s in book.sheets}


def test_a_failed_write_puts_everything_back_and_says_where() -> None:
    book, backend = _planner_book()
    before = ([s.name for s in book.sheets], _snapshot(book))
    new_out = _content("Out")
    new_out.rows[1][1] = 99.0
    book.app.fail_when = lambda op, sheet, address: op == "table.add" and sheet == "Fresh"
    with pytest.raises(LiveWriteError) as info:
        backend.write_sheets([new_out, _content("Fresh")], remove=["Gone"],
                             order=["Fresh", "Out"])
    err = info.value
    assert (err.sheet, err.cell, err.what) == ("Fresh", "A1:C3", "the Table tblOut")
    assert "put back as it was" in str(err)
    assert "已恢复" in err.render("zh-CN")
    assert ([s.name for s in book.sheets], _snapshot(book)) == before
    assert book.sheets["Dash"].value("A1") == 10.0  # the reference still works
    assert not any(s.name.startswith("sop~bak~") for s in book.sheets)
    assert book.app.screen_updating is True


def test_a_failed_removal_brings_the_removed_sheet_back() -> None:
    book, backend = _planner_book()
    before = ([s.name for s in book.sheets], _snapshot(book))
    moves = []

    def first_move(op: str, sheet: str, address: str) -> bool:
        if op == "sheet.move":
            moves.append(sheet)
        return moves == [sheet] and op == "sheet.move"  # only the first move fails

    book.app.fail_when = first_move
    with pytest.raises(LiveWriteError, match="ordering the sheets"):
        backend.write_sheets([_content("Out")], remove=["Gone"], order=["Gone", "Out"])
    assert ([s.name for s in book.sheets], _snapshot(book)) == before


def test_when_the_restore_fails_too_the_backups_are_kept_and_named() -> None:
    book, backend = _planner_book()

    def fail(op: str, sheet: str, address: str) -> bool:
        return (op == "validation.set" and sheet == "Out") or op == "copy"

    book.app.fail_when = fail
    with pytest.raises(LiveWriteError) as info:
        backend.write_sheets([_content("Out")])
    assert info.value.restore_problems and info.value.backups == ["sop~bak~1"]
    assert "sop~bak~1" in str(info.value) and "without saving" in str(info.value)
    assert "sop~bak~1" in [s.name for s in book.sheets]


def test_mac_cannot_remove_a_table_and_says_so() -> None:
    book = new_book("Inputs")
    LiveBackend(book, calls=ComCalls()).write_sheets([_content("Out")])
    plain = SheetContent("Out", [["no table"]])
    with pytest.raises(LiveWriteError, match="Convert to Range"):
        LiveBackend(book, calls=MacCalls()).write_sheets([plain])
    assert book.sheets["Out"].value("A1") == "item"


# -- the monthly cycle through the live backend --------------------------------------------

def test_the_cycle_runs_through_the_live_backend_like_through_a_file(tmp_path) -> None:
    f, s = frames()
    path = write_master(tmp_path / "m.xlsx", f, s)
    file_report = run_steps(MasterWorkbook.open(path), list(CYCLE))

    book = new_book("Sheet1")
    live = LiveBackend(book, step="Run", calls=ComCalls())
    contents = input_sheets(f, {**s, "language": "en"}, "en")
    live.write_sheets(contents, remove=["Sheet1"], order=[c.name for c in contents])
    live_report = run_steps(MasterWorkbook(live), list(CYCLE))
    assert live_report.sheets == file_report.sheets

    file_book = MasterWorkbook.open(path)
    live_book = MasterWorkbook(live)
    for key in ("mps", "mrp", "demand_plan", "capacity"):
        a = file_book.read_output_grid(key)
        b = live_book.read_output_grid(key)
        assert a is not None and b is not None and len(a) == len(b) > 0
        va = pd.to_numeric(a["value"], errors="coerce").to_numpy(float)
        vb = pd.to_numeric(b["value"], errors="coerce").to_numpy(float)
        # the file holds Python's values; the fake computes the live formulas itself
        assert np.allclose(np.nan_to_num(va), np.nan_to_num(vb)), key
    cols = ["severity", "category", "item", "period"]
    assert file_book.read_output_table("exceptions")[cols].equals(
        live_book.read_output_table("exceptions")[cols])
    # the saved version's content hash covers the whole plan: the inputs were read back
    # from Excel exactly as from the file
    assert list(file_book.read_output_table("versions")["content_hash"]) == \
        list(live_book.read_output_table("versions")["content_hash"])
    # every sheet went in with one block write each
    for name in live_report.sheets:
        assert len(book.app.ops("value.set", name)) >= 1


def test_row_heights_and_the_page_setup_reach_excel() -> None:
    book = new_book("Plan")
    content = SheetContent("Plan", [["Item", "Measure", "2026-12"], ["A", "Demand", 1.0],
                                    ["A", "Supply", 2.0], ["B", "Demand", 3.0]])
    content.freeze = (1, 2)
    content.row_heights = {0: 30.0, 2: 30.0, 3: 45.0}
    content.print_title_cols, content.print_scale, content.row_breaks = 2, 60, (3,)
    LiveBackend(book, calls=ComCalls()).write_sheets([content])
    sheet = book.sheets["Plan"]
    assert sheet.heights == {0: 30.0, 2: 30.0, 3: 45.0}
    assert sheet.page == {"Orientation": 2, "PaperSize": 9, "PrintTitleRows": "$1:$1",
                          "PrintTitleColumns": "$A:$B", "Zoom": 60}
    assert sheet.page_breaks == [4]  # Excel's rows are 1-based: the page starts at row 4
    assert book.app.api.PrintCommunication is True  # given back after the setup
