"""What the contract cannot see from outside: a sheet the file backend removes leaves no
part behind in the package."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl

from sop_xl.layout.sheet import SheetContent
from sop_xl.workbook.file import FileBackend


def test_removing_a_sheet_removes_its_part(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "Keep"
    wb.create_sheet("Gone")["A1"] = "old"
    path = tmp_path / "b.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as zf:
        assert "xl/worksheets/sheet2.xml" in zf.namelist()
    FileBackend(path).write_sheets([SheetContent("New", [["n"]])], remove=["Gone"])
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        types = zf.read("[Content_Types].xml").decode()
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    sheet_parts = {n for n in names if n.startswith("xl/worksheets/sheet")}
    assert len(sheet_parts) == 2  # Keep and New, nothing for Gone
    for part in sheet_parts:
        assert f'PartName="/{part}"' in types
        assert part.removeprefix("xl/") in rels
    assert types.count("worksheet+xml") == 2
    assert FileBackend(path).sheet_names() == ["Keep", "New"]


def test_a_rewritten_file_keeps_its_permissions(tmp_path: Path) -> None:
    path = tmp_path / "b.xlsx"
    openpyxl.Workbook().save(path)
    path.chmod(0o640)
    FileBackend(path).write_sheets([SheetContent("New", [["n"]])])
    assert path.stat().st_mode & 0o777 == 0o640  # not mkstemp's 0600
