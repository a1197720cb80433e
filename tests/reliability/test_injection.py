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


# -- exports: text that leaves sop_xl for other programs -----------------------------------

@pytest.fixture(scope="module")
def transferred(planned: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The injected workbook's plan approved, made active and transferred as CSV and XLSX
    (issue 19, item 4)."""
    import shutil
    d = tmp_path_factory.mktemp("exports")
    path = Path(shutil.copy(planned, d / "injected.xlsx"))
    assert main(["version", "approve", str(path), "001"]) == 0
    assert main(["version", "activate", str(path), "001"]) == 0
    out = {}
    for ext in ("csv", "xlsx"):
        out[ext] = d / f"pir.{ext}"
        assert main(["transfer", "run", str(path), "--export", str(out[ext])]) == 0
    out["master"] = path
    return out


def test_every_text_field_of_the_transfer_csv_is_neutralised(transferred) -> None:
    import csv

    from sop_xl.contract.export import FORMULA_STARTS
    rows = list(csv.reader(transferred["csv"].open(encoding="utf-8")))
    items = {r[3] for r in rows[1:]}
    assert "'=1+1" in items  # the item code =1+1, as text
    for row in rows:
        for field in row:
            assert not field or field[0] not in FORMULA_STARTS, field


def test_the_transfer_xlsx_holds_the_same_neutralised_text(transferred) -> None:
    from sop_xl.contract.export import FORMULA_STARTS
    rows = CalamineWorkbook.from_path(str(transferred["xlsx"])).get_sheet_by_name(
        "PIR").to_python()
    assert "'=1+1" in {r[3] for r in rows[1:]}
    for row in rows:
        for v in row:
            assert not (isinstance(v, str) and v and v[0] in FORMULA_STARTS), v
    assert not FileBackend(transferred["xlsx"]).read_sheet("PIR").formulas


def test_the_transfer_log_as_csv_is_neutralised(transferred, capsys) -> None:
    import csv
    import io

    from sop_xl.contract.export import FORMULA_STARTS
    capsys.readouterr()
    assert main(["transfer", "log", str(transferred["master"]), "--csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 3
    for row in rows:
        for field in row:
            assert not field or field[0] not in FORMULA_STARTS, field


def test_neutralise_follows_owasp() -> None:
    import pandas as pd

    from sop_xl.contract.export import neutralise, neutralise_frame
    for bad in ("=1+1", "+CMD|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "＝1+1"):
        assert neutralise(bad) == "'" + bad
    for fine in ("A-1", "1,200", "", "it's =", "2026-12"):
        assert neutralise(fine) == fine
    assert neutralise(-5.0) == -5.0  # numbers are numbers
    f = neutralise_frame(pd.DataFrame({"item": ["=x", "ok"], "qty": [-1.0, 2.0]}))
    assert f["item"].tolist() == ["'=x", "ok"] and f["qty"].tolist() == [-1.0, 2.0]


@pytest.mark.libreoffice
@pytest.mark.skipif(not soffice_available(), reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_csv_without_a_single_formula(transferred,
                                                           tmp_path: Path) -> None:
    """The canary: the same CSV without neutralisation makes LibreOffice store formulas."""
    import csv
    import subprocess

    raw = tmp_path / "raw.csv"
    with transferred["csv"].open(encoding="utf-8") as fh, raw.open("w", encoding="utf-8",
                                                                   newline="") as out:
        w = csv.writer(out, lineterminator="\n")
        for row in csv.reader(fh):
            w.writerow([f[1:] if f.startswith("'") else f for f in row])
    for src in (transferred["csv"], raw):
        subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
                        "--infilter=CSV:44,34,76,1,,0,false,true,false,false,false,-1",
                        "--convert-to", "xlsx", "--outdir", str(tmp_path / src.stem),
                        str(src)], check=True, capture_output=True, timeout=180)
    ours = FileBackend(tmp_path / "pir" / "pir.xlsx")
    plain = FileBackend(tmp_path / "raw" / "raw.xlsx")
    assert not ours.read_sheet(ours.sheet_names()[0]).formulas
    assert plain.read_sheet(plain.sheet_names()[0]).formulas  # the canary
