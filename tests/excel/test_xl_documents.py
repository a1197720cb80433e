"""Document modules and code names: the built VBA project has a module for the workbook
and for each sheet, named as workbook.xml and the sheet parts name them, and a run keeps
each sheet's code name so that no module loses its sheet."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import olefile
import pytest
from lxml import etree
from meeting.meeting_support import fixed_forecast, new_master, run_month, two_assistant_frames

from sop_xl.excel.build import build_all
from sop_xl.excel.vba.project import WORKBOOK_BASE, WORKSHEET_BASE
from sop_xl.workbook import ooxml
from sop_xl.workbook.package import Package

MAIN = {"m": ooxml.MAIN}


def code_names(path: Path) -> tuple[str | None, dict[str, str | None]]:
    """The workbook's code name and each sheet's (by sheet name)."""
    pkg = Package(path)
    try:
        pr = ooxml.child(pkg.xml(pkg.workbook_part), "workbookPr")
        book = pr.get("codeName") if pr is not None else None
        sheets = {}
        for s in pkg.sheets:
            sp = ooxml.child(pkg.xml(s.part), "sheetPr")
            sheets[s.name] = sp.get("codeName") if sp is not None else None
        return book, sheets
    finally:
        pkg.close()


def documents(path: Path) -> dict[str, str]:
    """Document module name -> its VB_Base, from the PROJECT stream and module source."""
    from oletools.olevba import VBA_Parser

    with zipfile.ZipFile(path) as zf:
        data = zf.read("xl/vbaProject.bin")
    project = olefile.OleFileIO(io.BytesIO(data)).openstream("PROJECT").read().decode("cp1252")
    names = [ln.split("=", 1)[1].split("/")[0] for ln in project.split("\r\n")
             if ln.startswith("Document=")]
    code = {n.rsplit(".", 1)[0]: c for (_f, _s, n, c) in
            VBA_Parser("p.bin", data=data).extract_macros()}
    return {n: code[n].split('Attribute VB_Base = "')[1].split('"')[0] for n in names}


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory):
    f, s = two_assistant_frames()
    return f, s, fixed_forecast({"A": 100.0, "B": 40.0}, "2026-12", 6)


def test_every_sheet_has_its_document_module(built: tuple[Path, Path]) -> None:
    for path in built:
        book, sheets = code_names(path)
        docs = documents(path)
        assert book == "ThisWorkbook" and docs.pop("ThisWorkbook") == WORKBOOK_BASE
        assert sorted(docs) == sorted(sheets.values())
        assert set(docs.values()) == {WORKSHEET_BASE}
    assert code_names(built[0])[1] == {"Items": "Sheet1", "Plan 计划": "Sheet2"}


def test_code_names_a_workbook_already_has_are_kept(base_xlsx: Path, tmp_path: Path) -> None:
    # a base made by a German Excel: the workbook's document module is DieseArbeitsmappe
    src = zipfile.ZipFile(base_xlsx)
    named = tmp_path / "named.xlsx"
    with zipfile.ZipFile(named, "w") as zf:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/workbook.xml":
                root = etree.fromstring(data)
                root.find("m:workbookPr", MAIN).set("codeName", "DieseArbeitsmappe")
                data = etree.tostring(root)
            if info.filename == "xl/worksheets/sheet2.xml":
                root = etree.fromstring(data)
                pr = ooxml.child(root, "sheetPr")
                if pr is None:
                    pr = ooxml.make(root, "sheetPr", order=("sheetPr",))
                pr.set("codeName", "Plan")
                data = etree.tostring(root)
            zf.writestr(info, data)
    xlsm, _ = build_all(named, tmp_path / "out")
    assert code_names(xlsm) == ("DieseArbeitsmappe", {"Items": "Sheet1", "Plan 计划": "Plan"})
    docs = documents(xlsm)
    assert list(docs) == ["DieseArbeitsmappe", "Sheet1", "Plan"]


def test_a_run_keeps_code_names_of_the_sheets_it_rewrites(company, tmp_path: Path) -> None:
    f, s, forecast = company
    mp = pytest.MonkeyPatch()
    try:
        xlsm, _ = build_all(new_master(tmp_path / "base.xlsx", f, s), tmp_path / "macro")
        run_month(xlsm, forecast, mp)
        _book, before = code_names(xlsm)
        # Excel gives the sheets a run added their code names when it saves the workbook
        pkg = Package(xlsm)
        mps = pkg.sheet("MPS")
        ooxml.child(pkg.edit(mps.part), "sheetPr").set("codeName", "Sheet99")
        pkg.save(xlsm)
        run_month(xlsm, forecast, mp)
    finally:
        mp.undo()
    book, after = code_names(xlsm)
    assert book == "ThisWorkbook"
    assert after["MPS"] == "Sheet99"  # the rewritten sheet keeps what Excel named it
    assert {k: v for k, v in after.items() if v and k != "MPS"} == \
        {k: v for k, v in before.items() if v}
    # no document module lost its sheet
    assert set(documents(xlsm)) - {"ThisWorkbook"} <= set(after.values())
