"""What a file that is not a readable workbook is, said in the planner's language."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from sop_xl.base.errors import WorkbookError
from sop_xl.cli.main import main
from sop_xl.workbook.file import check_workbook_file


def _zip(path: Path, parts: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
    return path


CT = '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">{}</Types>'


@pytest.mark.parametrize(("name", "make", "en", "zh"), [
    ("plan.xlsx", lambda p: _zip(p, {"[Content_Types].xml": CT.format(
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.document.main+xml"/>')}),
     "got a Word document (.docx)", "而是 Word 文档(.docx)"),
    ("plan.xlsb", lambda p: _zip(p, {"[Content_Types].xml": CT.format(
        '<Override PartName="/xl/workbook.bin" ContentType="application/vnd.ms-excel.sheet.'
        'binary.macroEnabled.main"/>')}),
     "got Excel Binary Workbook (.xlsb)", "而是 Excel 二进制工作簿(.xlsb)"),
    ("plan.ods", lambda p: _zip(p, {"mimetype": "application/vnd.oasis.opendocument.spreadsheet"}),
     "got OpenDocument (.ods)", "而是 OpenDocument 表格(.ods)"),
    ("plan.dat", lambda p: p.write_text("item;qty\nA;1\n"),
     "got a .dat file", "而是 .dat 文件"),
])
def test_other_files_are_named_for_what_they_are(tmp_path: Path, name, make, en, zh) -> None:
    path = tmp_path / name
    make(path)
    with pytest.raises(WorkbookError) as e:
        check_workbook_file(path)
    assert e.value.code == "file_not_workbook"
    assert en in e.value.render("en")
    assert zh in e.value.render("zh-CN")


def test_a_folder_and_a_missing_file(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("SOP_XL_LANG", "zh-CN")
    assert main(["validate", str(tmp_path)]) == 3
    assert capsys.readouterr().err.strip() == (
        f"{tmp_path}: 是文件夹；请给出工作簿文件(.xlsx 或 .xlsm)的路径")
    assert main(["run", str(tmp_path / "nowhere" / "m.xlsx")]) == 3
    assert capsys.readouterr().err.strip() == f"{tmp_path / 'nowhere' / 'm.xlsx'}: 文件不存在"
    assert not (tmp_path / "nowhere").exists()  # a run never creates the folder


def test_a_chinese_settings_sheet_sets_the_backups(tmp_path: Path) -> None:
    from small_company import frames

    from sop_xl.app.template import write_master
    from sop_xl.workbook.backups import backups_wanted
    from sop_xl.workbook.file import FileBackend

    f, s = frames()
    path = write_master(tmp_path / "主计划.xlsx", f, {**s, "backups": 7}, lang="zh-CN")
    assert backups_wanted(FileBackend(path)) == 7
