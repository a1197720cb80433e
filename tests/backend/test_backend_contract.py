"""The Backend contract, written once against the interface and run on every backend
(see conftest.py): file, memory, live over the xlwings stand-in, and live over a real
Excel with ``pytest -m excel``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from sop_xl.base.errors import WorkbookError
from sop_xl.layout.sheet import Box, Formula, SheetContent, TableDef, Validation
from sop_xl.workbook.backend import (
    EXCEL_MAX_COLS,
    EXCEL_MAX_ROWS,
    ContentError,
    check_fits_excel,
)
from tests.backend.harnesses import Harness


def _norm(v: Any) -> Any:
    """What every backend must agree on: blank is None, numbers are floats, a date may
    come back as a datetime at midnight."""
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, int | float):
        return float(v)
    if isinstance(v, datetime):
        return v
    if isinstance(v, date):
        return datetime(v.year, v.month, v.day)
    return v


def values(backend, name: str) -> list[list[Any]]:
    """A sheet's values, normalised, with trailing blank cells and rows dropped."""
    rows = [[_norm(v) for v in row] for row in backend.read_sheet(name).rows]
    for row in rows:
        while row and row[-1] is None:
            row.pop()
    while rows and not rows[-1]:
        rows.pop()
    return rows


def content(name: str, rows: list[list[Any]], **kw: Any) -> SheetContent:
    c = SheetContent(name, rows, **kw)
    n_cols = max(len(r) for r in rows)
    c.style(0, 0, 0, n_cols - 1, "header")
    return c


def test_reads_back_what_was_written(harness: Harness) -> None:
    b = harness.make({"Keep": [["x"]]})
    b.write_sheets([content("Out", [["item", "qty", "ok", "note"],
                                    ["A-100", 12, True, "泵 pump"],
                                    ["B", 2.5, False, None],
                                    ["C", -3, None, "last"]])])
    assert values(b, "Out") == [["item", "qty", "ok", "note"],
                                ["A-100", 12.0, True, "泵 pump"],
                                ["B", 2.5, False],
                                ["C", -3.0, None, "last"]]
    assert b.read_sheet("Out").formulas == {}


def test_formulas_read_back_with_their_values(harness: Harness) -> None:
    b = harness.make({})
    b.write_sheets([content("Calc", [["a", "b", "sum"],
                                     [2, Formula("A2*2", 4.0), Formula("SUM(A2:B2)", 6.0)]])])
    raw = b.read_sheet("Calc")
    assert [_norm(v) for v in raw.rows[1]] == [2.0, 4.0, 6.0]
    assert raw.formulas == {(1, 1): "=A2*2", (1, 2): "=SUM(A2:B2)"}
    assert raw.errors == {}


def test_dates_read_back_as_dates(harness: Harness) -> None:
    # a date is a number with a date format in the file: contents style their date cells
    # (an unstyled date reads back from the file backend as its serial number)
    b = harness.make({})
    c = content("D", [["day", "at"], [date(2026, 12, 1), datetime(2027, 1, 5, 13, 30)]])
    c.style(1, 0, 1, 0, "date")
    c.style(1, 1, 1, 1, "datetime")
    b.write_sheets([c])
    assert values(b, "D")[1] == [datetime(2026, 12, 1), datetime(2027, 1, 5, 13, 30)]


TRICKY_TEXT = ["=1+1", "=SUM(A1:A2)", "+5", "-x", "@x", "007", "2026-12", "1/2", "TRUE",
               "#N/A", "'quoted", "12%", "１２"]


def test_text_that_looks_like_a_formula_or_number_stays_text(harness: Harness) -> None:
    b = harness.make({})
    b.write_sheets([content("T", [["text"], *[[t] for t in TRICKY_TEXT]])])
    raw = b.read_sheet("T")
    assert [row[0] for row in raw.rows[1:len(TRICKY_TEXT) + 1]] == TRICKY_TEXT
    assert raw.formulas == {}
    assert raw.errors == {}


def test_replacing_a_sheet_leaves_the_others_untouched(harness: Harness) -> None:
    b = harness.make({"Inputs": [["item", "qty"], ["A", 1]],
                      "Out": [["old", "old", "old"], [1, 2, 3], [4, 5, 6]],
                      "Mine": [["planner's", "own"], [7, 8]]})
    before = {n: values(b, n) for n in ("Inputs", "Mine")}
    b.write_sheets([content("Out", [["new"], [9]])])
    assert b.sheet_names() == ["Inputs", "Out", "Mine"]  # replaced in place
    assert values(b, "Out") == [["new"], [9.0]]  # nothing of the old block is left
    assert {n: values(b, n) for n in ("Inputs", "Mine")} == before


def test_a_new_sheet_goes_after_the_others(harness: Harness) -> None:
    b = harness.make({"A": [["a"]], "B": [["b"]]})
    b.write_sheets([content("C", [["c"]])])
    assert b.sheet_names() == ["A", "B", "C"]


def test_remove(harness: Harness) -> None:
    b = harness.make({"A": [["a"]], "B": [["b"]], "C": [["c"]]})
    b.write_sheets([], remove=["B", "not there"])
    assert b.sheet_names() == ["A", "C"]
    b.write_sheets([content("D", [["d"]])], remove=["A"])
    assert b.sheet_names() == ["C", "D"]
    assert values(b, "C") == [["c"]]


def test_order_names_first_and_keeps_the_rest_in_place(harness: Harness) -> None:
    b = harness.make({"A": [["a"]], "B": [["b"]], "Mine": [["m"]], "C": [["c"]]})
    b.write_sheets([content("D", [["d"]])], order=["D", "C", "A"])
    assert b.sheet_names() == ["D", "C", "A", "B", "Mine"]


def test_reading_finds_names_in_any_case_and_refuses_unknown_ones(harness: Harness) -> None:
    b = harness.make({"Items": [["item"], ["A"]]})
    assert b.read_sheet("items").name == "Items"
    with pytest.raises(KeyError):
        b.read_sheet("Nope")


def _state(b) -> dict[str, Any]:
    return {n: values(b, n) for n in b.sheet_names()}


def test_nothing_is_written_when_a_content_is_invalid(harness: Harness) -> None:
    b = harness.make({"Out": [["old"], [1]], "Other": [["o"]]})
    before = (b.sheet_names(), _state(b))
    good = content("Out", [["new"], [2]])
    bad = SheetContent("Bad", [["x"]])
    bad.style(0, 0, 0, 0, "no such style")
    with pytest.raises(ContentError, match="unknown cell style 'no such style'"):
        b.write_sheets([good, bad], remove=["Other"])
    for name in ("bad/name", "x" * 32, "History", ""):
        with pytest.raises(ContentError, match="cannot be an Excel sheet name"):
            b.write_sheets([good, SheetContent(name, [["x"]])])
    with pytest.raises(ContentError, match="written twice"):
        b.write_sheets([good, content("OUT", [["y"]])])
    listed = content("L", [["kind"], ["a"]])
    listed.validations = [Validation(Box(1, 0, 1, 0), "list", ("a", "b,c"))]
    with pytest.raises(ContentError, match="list separator"):
        b.write_sheets([good, listed])
    assert (b.sheet_names(), _state(b)) == before


def test_nothing_is_written_when_the_write_fails_part_way(
        harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    b = harness.make({"Out": [["old"], [1]], "Other": [["o"]], "Mine": [["m"]]})
    before = (b.sheet_names(), _state(b))
    first = content("Out", [["new", "more"], [2, 3]])
    first.table = TableDef("tblOut", Box(0, 0, 1, 1))
    second = content("Fresh", [["BREAK"], [4]])
    harness.break_next_write(b, monkeypatch, "Fresh")
    with pytest.raises(Exception):  # noqa: B017 - each backend fails its own way
        b.write_sheets([first, second], remove=["Other"], order=["Fresh", "Out"])
    monkeypatch.undo()
    assert (b.sheet_names(), _state(b)) == before


def test_errors_are_reported_by_cell(harness: Harness) -> None:
    b = harness.make({"E": [["a", "b"], [1, None]]}, errors={"E": {(1, 1): "#DIV/0!"}})
    raw = b.read_sheet("E")
    assert raw.errors == {(1, 1): "#DIV/0!"}
    assert not isinstance(raw.rows[1][1], int | float)


def test_merged_areas_are_reported(harness: Harness) -> None:
    b = harness.make({"M": [["a", "b", "c"], [1, 2, 3], [4, 5, 6]]},
                     merged={"M": [(1, 0, 2, 1)]})
    assert b.read_sheet("M").merged == [(1, 0, 2, 1)]
    assert b.read_sheet("M").merged == [(1, 0, 2, 1)]
    b2 = harness.make({"N": [["a"]]})
    assert b2.read_sheet("N").merged == []


def test_document_properties_are_written_with_the_sheets(harness: Harness) -> None:
    """Custom document properties (the approval record, sop_xl.plan.approvals) go in the
    same write as the sheets and read back; others the workbook has are kept."""
    b = harness.make({"Keep": [["x"]]})
    if not b.keeps_properties:
        pytest.skip("Excel for Mac gives xlwings no custom document properties")
    assert b.read_properties() == {}
    b.write_sheets([content("Out", [["a"], [1]])],
                   properties={"sop_xl approval 0001": "v1|001|text 文字", "Other": "x"})
    assert b.read_properties() == {"sop_xl approval 0001": "v1|001|text 文字", "Other": "x"}
    b.write_sheets([content("Out", [["a"], [2]])], properties={"sop_xl approval 0002": "y"})
    assert b.read_properties() == {"sop_xl approval 0001": "v1|001|text 文字", "Other": "x",
                                   "sop_xl approval 0002": "y"}
    b.write_sheets([content("Out", [["a"], [3]])])
    assert len(b.read_properties()) == 3


def test_no_property_is_left_when_the_write_fails_part_way(
        harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    b = harness.make({"Keep": [["x"]]})
    if not b.keeps_properties:
        pytest.skip("Excel for Mac gives xlwings no custom document properties")
    b.write_sheets([content("Out", [["a"], [1]])], properties={"p1": "one"})
    harness.break_next_write(b, monkeypatch, "Fresh")
    with pytest.raises(Exception):  # noqa: B017 - each backend fails its own way
        b.write_sheets([content("Fresh", [["BREAK"], [4]])],
                       properties={"p1": "changed", "p2": "two"})
    monkeypatch.undo()
    assert b.read_properties() == {"p1": "one"}


def test_what_callers_need_besides_the_sheets(harness: Harness) -> None:
    """Where files beside the workbook go, a token that changes with every write, and a
    digest per sheet that only a change of that sheet changes (where a backend has them)."""
    b = harness.make({"Keep": [["x"]], "Tab": [["a", 1]]})
    loc = b.location
    assert loc is None or (loc.is_absolute() and loc.is_file())
    before, prints = b.revision(), b.sheet_fingerprints(["Keep", "Tab"])
    b.write_sheets([content("Tab", [["a", 2]])])
    after, again = b.revision(), b.sheet_fingerprints(["Keep", "Tab"])
    assert (before is None and after is None) or before != after
    if prints:
        assert again["Keep"] == prints["Keep"] and again["Tab"] != prints["Tab"]
    else:
        assert again == {}


def test_a_sheet_larger_than_excel_is_refused_before_anything_is_written(
        harness: Harness) -> None:
    b = harness.make({"Out": [["old"], [1]]})
    before = (b.sheet_names(), _state(b))
    good = content("Out", [["new"], [2]])
    tall = SheetContent("Orders", [[1]] * (EXCEL_MAX_ROWS + 1), key="planned_orders")
    with pytest.raises(WorkbookError) as caught:
        b.write_sheets([good, tall])
    text = str(caught.value)
    assert "sheet 'Orders' would be 1,048,577 rows × 1 columns" in text
    assert "at most 1,048,576 rows × 16,384 columns, so nothing was written" in text
    assert "lot-for-lot items get an order for every working day" in text
    wide = SheetContent("Wide", [list(range(EXCEL_MAX_COLS + 1))])
    with pytest.raises(WorkbookError, match="'Wide' would be 1 rows × 16,385 columns"
                       r"[^.]*\. $"):  # no advice on orders for a sheet of other things
        b.write_sheets([wide])
    assert (b.sheet_names(), _state(b)) == before


def test_a_sheet_exactly_as_large_as_excel_allows_passes_the_check() -> None:
    full = SheetContent("Full", [[1]] * EXCEL_MAX_ROWS, key="planned_orders")
    check_fits_excel([full, SheetContent("W", [list(range(EXCEL_MAX_COLS))])], "book.xlsx")
    with pytest.raises(WorkbookError) as caught:
        check_fits_excel([SheetContent("计划订单", [[1]] * (EXCEL_MAX_ROWS + 1),
                                       key="planned_orders")], "book.xlsx", "zh-CN")
    assert str(caught.value).startswith(
        "book.xlsx: 工作表 '计划订单' 将有 1,048,577 行 × 1 列；Excel 工作表最多 1,048,576 行")
    assert "按需订货(逐批)的物料在每个有需求的工作日都会生成一张订单" in str(caught.value)
