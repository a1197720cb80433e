"""The live backend's custom document properties (the approval record): written after
every sheet, put back as they were when writing one fails, skipped on macOS."""

from __future__ import annotations

import pytest

from sop_xl.layout.sheet import SheetContent
from sop_xl.workbook.live import ComCalls, LiveBackend, LiveWriteError, MacCalls
from tests.backend.fake_excel import new_book, seed


def _book():
    book = new_book("Keep")
    seed(book.sheets["Keep"], [["x"]])
    return book


def test_a_failing_property_puts_the_sheets_and_the_properties_back() -> None:
    book = _book()
    b = LiveBackend(book, calls=ComCalls())
    b.write_sheets([SheetContent("Out", [["a"], [1]])], properties={"p1": "one"})
    book.app.fail_when = lambda op, _s, a: op == "property.add" and a == "p2"
    with pytest.raises(LiveWriteError) as e:
        b.write_sheets([SheetContent("Out", [["a"], [2]])],
                       properties={"p1": "changed", "p2": "two"})
    assert "recording the document properties" in str(e.value)
    book.app.fail_when = None
    assert b.read_properties() == {"p1": "one"}
    assert b.read_sheet("Out").rows[1][0] == 1


def test_macos_reads_and_writes_no_property() -> None:
    book = _book()
    b = LiveBackend(book, calls=MacCalls())
    assert not b.keeps_properties
    b.write_sheets([SheetContent("Out", [["a"], [1]])], properties={"p1": "one"})
    assert book.properties == {} and b.read_properties() == {}
