"""Text from inputs is written as text, never as a formula, in every sheet that repeats it.

Item codes "=1+1" and "@SUM(A1)", descriptions "-2+3" and "+CMD|' /C calc'!A0", and notes,
reasons and customers that look like formulas go through a whole run. The output parts
must hold them as inline strings (no <f> element anywhere carries them), and LibreOffice,
recalculating every formula of the planned workbook, must still show each of them as the
same text in the same cell.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import unescape

import pytest
from corpus.generate import Builder, base_frames, injection_in_names
from python_calamine import CalamineWorkbook
from recalc import recalculate, soffice_available

from sop_xl import contract
from sop_xl.app.template import write_master
from sop_xl.cli.main import main
from sop_xl.workbook.file import FileBackend

NAMES = {"=1+1", "@SUM(A1)", "-2+3", "+CMD|' /C calc'!A0"}
COMMENTS = {"=HYPERLINK(\"http://x.example\",\"click\")", "@SUM(1+1)*cmd", "-1+1", "+Acme"}
TOKENS = ("SUM(A1)", "CMD|", "HYPERLINK", "Acme", "2+3", "SUM(1+1)")  # their distinctive parts
INPUTS = {n for s in contract.inputs() for n in s.names()}


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("injection")
    f, s = base_frames()
    base = write_master(d / "base.xlsx", f, s)
    path = injection_in_names(Builder("en", d, base, "injected"))
    from corpus.generate import Book
    book = Book(path)
    for (sheet, ref), text in {("BOM", "E2"): '=HYPERLINK("http://x.example","click")',
                               ("SalesForecast", "F2"): "@SUM(1+1)*cmd",
                               ("Projects", "H2"): "-1+1",
                               ("Contracts", "C2"): "+Acme"}.items():
        book.set(sheet, ref, text)
    book.save(path)
    assert main(["run", "--quiet", str(path)]) == 0
    return path


def _text_cells(path: Path, texts: set[str]) -> dict[str, dict[tuple[int, int], str]]:
    """Output sheet → {(row, col): text} of the cells showing one of ``texts``."""
    book = FileBackend(path)
    out = {}
    for name in book.sheet_names():
        if name in INPUTS:
            continue
        rows = book.read_sheet(name).rows
        hits = {(r, c): v for r, row in enumerate(rows) for c, v in enumerate(row)
                if isinstance(v, str) and v in texts}
        if hits:
            out[name] = hits
    return out


def test_names_reach_every_output_sheet_that_lists_items(planned: Path) -> None:
    found = _text_cells(planned, NAMES)
    assert set(found) >= {"StatForecast", "DemandPlan", "MPS", "MRP", "PurchasePlan",
                          "Projection", "Exceptions", "V001 2026-12"}
    assert {v for cells in found.values() for v in cells.values()} == NAMES


def test_output_parts_hold_them_as_inline_text_never_in_a_formula(planned: Path) -> None:
    book = FileBackend(planned)
    for name, cells in _text_cells(planned, NAMES | COMMENTS).items():
        xml = book.sheet_xml(name).decode("utf-8")
        for f in re.findall(r"<f>(.*?)</f>", xml):
            f = unescape(f, {"&quot;": '"', "&apos;": "'"})
            assert not any(t in f for t in (*NAMES, *COMMENTS, *TOKENS)), (name, f)
        raw = book.read_sheet(name)
        assert not set(cells) & set(raw.formulas)
        for (r, c) in cells:
            ref = f"{_col(c)}{r + 1}"
            cell = re.search(rf'<c r="{ref}"[^>]*>', xml).group(0)
            assert 't="inlineStr"' in cell, (name, ref, cell)


def _col(c: int) -> str:
    from sop_xl.contract.cells import col_letter
    return col_letter(c)


@pytest.mark.libreoffice
@pytest.mark.skipif(not soffice_available(), reason="LibreOffice (soffice) is not installed")
def test_libreoffice_shows_the_same_text_after_recalculating(planned: Path,
                                                             tmp_path: Path) -> None:
    ours = _text_cells(planned, NAMES | COMMENTS)
    lo_path = recalculate(planned, tmp_path / "lo")
    lo = CalamineWorkbook.from_path(str(lo_path))
    checked = 0
    for name, cells in ours.items():
        rows = lo.get_sheet_by_name(name).to_python(skip_empty_area=False)
        for (r, c), text in cells.items():
            assert rows[r][c] == text, (name, r + 1, c + 1, rows[r][c])
            checked += 1
    assert checked >= 100
    # and LibreOffice did not store any of them as a formula either
    lo_book = FileBackend(lo_path)
    for name, cells in ours.items():
        assert not set(cells) & set(lo_book.read_sheet(name).formulas), name
