"""The 1904 date system (Mac Excel workbooks): dates read and written in the workbook's
own system (issue 19, item 3).

The same company is written once in the 1900 system and once in the 1904 system
(``workbookPr/@date1904``, every input date serial 1462 days smaller), both are planned,
and every date cell of every sheet must show the same date in both; date validations
keep their 2000-01-01 … 2099-12-31 window.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from small_company import frames

from sop_xl.app.master import MasterWorkbook
from sop_xl.app.template import input_sheets, write_master
from sop_xl.cli.main import main
from sop_xl.workbook import ooxml
from sop_xl.workbook.file import FileBackend
from sop_xl.workbook.package import Package
from sop_xl.workbook.xlsx import DAYS_1904, excel_serial

STAMPED = {"RunLog", "Versions", "ForecastArchive"}  # hold the time of the run


def as_1904(src: Path, dst: Path, lang: str = "en") -> Path:
    """The master with the 1904 date system and its input sheets written in it."""
    f, s = frames()
    pkg = Package(src)
    wb = pkg.edit(pkg.workbook_part)
    pr = ooxml.child(wb, "workbookPr")
    if pr is None:
        pr = ooxml.make(wb, "workbookPr", order=ooxml.WORKBOOK_ORDER)
    pr.set("date1904", "1")
    pkg.put_sheets(input_sheets(f, {**s, "language": lang}, lang))
    pkg.save(dst)
    return dst


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("d1904")
    f, s = frames()
    base = write_master(d / "d1900.xlsx", f, s)
    mac = as_1904(base, d / "d1904.xlsx")
    for p in (base, mac):
        assert main(["run", "--quiet", str(p)]) == 0
    return base, mac


def _dates(path: Path) -> dict[tuple[str, int, int], date]:
    book = CalamineWorkbook.from_path(str(path))
    out = {}
    for name in book.sheet_names:
        if name in STAMPED:
            continue
        for r, row in enumerate(book.get_sheet_by_name(name).to_python()):
            for c, v in enumerate(row):
                if isinstance(v, date | datetime):
                    out[(name, r, c)] = v
    return out


def test_the_1904_workbook_reads_like_the_1900_one(planned) -> None:
    base, mac = planned
    a, b = MasterWorkbook.open(base).read_inputs(), MasterWorkbook.open(mac).read_inputs()
    assert a.scheduled_receipts["due_date"].tolist() == b.scheduled_receipts["due_date"].tolist()
    assert a.calendar["start_date"].tolist() == b.calendar["start_date"].tolist()


def test_every_date_cell_written_shows_the_same_date(planned) -> None:
    base, mac = planned
    want, got = _dates(base), _dates(mac)
    outputs = {k for k in want if k[0] == "PlannedOrders"}
    assert len(outputs) >= 10  # due and release dates of the planned orders at least
    assert got == want
    # and the first planned order is due on 2026-12-01, not 2030-12-02
    assert got[("PlannedOrders", 1, 5)] == date(2026, 12, 1)


def test_the_serials_in_the_file_are_1904_serials(planned) -> None:
    _, mac = planned
    xml = FileBackend(mac).sheet_xml("PlannedOrders").decode()
    cell = re.search(r'<c r="F2"[^>]*><v>([0-9.]+)</v>', xml)
    assert float(cell.group(1)) == excel_serial(date(2026, 12, 1)) - DAYS_1904


def test_date_validations_keep_their_window(tmp_path: Path) -> None:
    f, s = frames()
    base = write_master(tmp_path / "b.xlsx", f, s)
    mac = as_1904(base, tmp_path / "m.xlsx")
    xml = FileBackend(mac).sheet_xml("ScheduledReceipts").decode()
    bounds = re.findall(r'type="date"[^>]*>\s*<formula1>(\d+)</formula1><formula2>(\d+)<', xml)
    assert bounds and set(bounds) == {(str(36526 - DAYS_1904), str(73051 - DAYS_1904))}


def test_a_plain_number_in_a_date_column_counts_from_1904(tmp_path: Path) -> None:
    from corpus.generate import Book
    f, s = frames()
    base = write_master(tmp_path / "b.xlsx", f, s)
    mac = as_1904(base, tmp_path / "m.xlsx")
    book = Book(mac)
    serial = excel_serial(date(2026, 12, 10)) - DAYS_1904
    book.set("ScheduledReceipts", "E2", float(serial))
    xml = book.xml("ScheduledReceipts")  # typed as a number in a cell with no date format
    book.set_xml("ScheduledReceipts", re.sub(r'<c r="E2" s="\d+"', '<c r="E2"', xml))
    book.save(mac)
    got = MasterWorkbook.open(mac).read_inputs().scheduled_receipts["due_date"].iloc[0]
    assert got == date(2026, 12, 10)
