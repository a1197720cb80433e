"""An approval no cell edit can undo (issue 19, item 1).

Approve 001, then edit its tab, delete its register row, or set its status back to draft
and blank "Approved": every command stops with exit 6 and says what changed, on a file,
through LibreOffice, and in Excel through the live backend (the xlwings stand-in). A
status typed into the register is no approval a transfer accepts.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from corpus.generate import Book
from python_calamine import CalamineWorkbook
from recalc import soffice_available
from small_company import frames

from sop_xl.app import approvals
from sop_xl.app import versions as pv
from sop_xl.app.cycle import CYCLE, run_steps
from sop_xl.app.master import MasterWorkbook
from sop_xl.app.template import input_sheets, write_master
from sop_xl.base.errors import VersionError
from sop_xl.cli.main import main
from sop_xl.plan import approvals as record
from sop_xl.workbook.file import FileBackend
from sop_xl.workbook.live import ComCalls, LiveBackend
from sop_xl.workbook.package import Package

TAMPERED = ("plan version 001 is approved and locked, but sheet 'V001 2026-12' was changed "
            "by hand: cell F3 now holds 999. Nothing was done; undo the change or restore "
            "the workbook from a backup")


@pytest.fixture(scope="module")
def approved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("approved")
    f, s = frames()
    path = write_master(d / "master.xlsx", f, s)
    run_steps(MasterWorkbook.open(path), CYCLE)
    pv.approve(MasterWorkbook.open(path), "001", by="li.ming")
    return path


def _copy(src: Path, tmp_path: Path) -> Path:
    return Path(shutil.copy(src, tmp_path / "master.xlsx"))


def _register_row(path: Path, version: str) -> int:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Versions").to_python()
    return next(i for i, r in enumerate(rows) if r[0] == version) + 1


def _edit(path: Path, *, tab: bool = False, delete: bool = False,
          draft: bool = False) -> Path:
    r = _register_row(path, "001")
    book = Book(path)
    if tab:
        book.set("V001 2026-12", "F3", 999.0)
    if delete:  # the planner selects the row and presses Delete
        for c in "ABCDEFGHIJKLM":
            book.set("Versions", f"{c}{r}", None)
    if draft:
        book.set("Versions", f"E{r}", "draft")
        book.set("Versions", f"J{r}", None)
        book.set("Versions", f"K{r}", None)
    book.save(path)
    return path


def _all_commands_stop(path: Path, message: str, capsys) -> None:
    before = path.read_bytes()
    for args in (["validate"], ["run", "--quiet"], ["version", "verify"],
                 ["version", "save"], ["transfer", "run"]):
        assert main([*args, str(path)]) == 6, args
        assert capsys.readouterr().err.strip() == message, args
    assert path.read_bytes() == before


def test_the_approval_is_recorded_in_the_document_properties(approved: Path) -> None:
    props = FileBackend(approved).read_properties()
    ledger = record.read(props)
    assert [(a.version, a.sheet, a.approved_by) for a in ledger] == [
        ("001", "V001 2026-12", "li.ming")]
    reg = pv.read_register(MasterWorkbook.open(approved))
    assert ledger[0].content_hash == reg.loc[reg["version"] == "001", "content_hash"].item()
    assert props[approvals.STARTED] == "v1"


def test_deleting_the_register_row_does_not_unlock_the_version(approved, tmp_path, capsys):
    path = _edit(_copy(approved, tmp_path), delete=True)
    _all_commands_stop(path, "plan version 001 was approved by li.ming on "
                       f"{record.read(FileBackend(path).read_properties())[0].approved_at} "
                       "and is locked, but its row was removed from the Versions register. "
                       "Nothing was done; undo the change or restore the workbook from a "
                       "backup", capsys)


def test_a_status_set_back_to_draft_does_not_unlock_it(approved, tmp_path, capsys) -> None:
    path = _edit(_copy(approved, tmp_path), draft=True)
    at = record.read(FileBackend(path).read_properties())[0].approved_at
    _all_commands_stop(path, f"plan version 001 was approved by li.ming on {at} and is "
                       "locked, but its row in the Versions register was changed by hand: "
                       "cell E2 (Status) now holds 'draft' instead of 'approved'. Nothing was "
                       "done; undo the change or restore the workbook from a backup", capsys)


@pytest.mark.parametrize("how", ["delete", "draft"])
def test_an_edited_tab_is_found_whatever_the_register_says(approved, tmp_path, capsys,
                                                           how) -> None:
    path = _edit(_copy(approved, tmp_path), tab=True, **{how: True})
    _all_commands_stop(path, TAMPERED, capsys)


def test_an_edited_record_is_refused(approved: Path, tmp_path: Path, capsys) -> None:
    path = _copy(approved, tmp_path)
    pkg = Package(path)
    xml = pkg.text("docProps/custom.xml").replace("|li.ming|", "|someone|")
    pkg.write("docProps/custom.xml", xml)
    pkg.save(path)
    assert main(["validate", str(path)]) == 6
    assert capsys.readouterr().err.strip() == (
        "the record of approved plan versions in this workbook's document properties was "
        "changed (sop_xl approval 0001), so approvals cannot be checked. Nothing was done; "
        "restore the workbook from a backup")


def test_a_status_typed_into_the_register_is_no_approval_to_transfer(tmp_path, capsys):
    f, s = frames()
    path = write_master(tmp_path / "master.xlsx", f, s)
    run_steps(MasterWorkbook.open(path), CYCLE)
    pv.activate(MasterWorkbook.open(path), "001")
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Versions").to_python()
    book = Book(path)
    for r in range(2, len(rows) + 1):  # 000 and 001 made to look approved, by hand
        book.set("Versions", f"E{r}", "approved")
        book.set("Versions", f"J{r}", "boss")
        book.set("Versions", f"K{r}", "2026-12-06 10:00:00")
    book.save(path)
    assert main(["transfer", "run", str(path)]) == 6
    assert capsys.readouterr().err.strip() == (
        "the active version 000 is a copy of 001, which the Versions register marks approved "
        "but whose approval is not recorded in the workbook (approved in Excel for Mac, or "
        "typed into the register by hand). Approve it with: sop-xl version approve WORKBOOK "
        "001")
    # approving it checks the tab against its hash and records it: now it may go
    assert main(["version", "approve", str(path), "001"]) == 0
    assert [a.version for a in record.read(FileBackend(path).read_properties())] == ["001"]
    assert main(["transfer", "run", str(path)]) == 0


def test_a_workbook_from_before_the_record_gets_it_at_its_first_write(approved, tmp_path,
                                                                      capsys) -> None:
    path = _copy(approved, tmp_path)
    _drop_properties(path)
    assert FileBackend(path).read_properties() == {}
    assert main(["run", "--quiet", str(path)]) == 0  # the first write records 001
    assert [a.version for a in record.read(FileBackend(path).read_properties())] == ["001"]
    _edit(path, delete=True)
    assert main(["validate", str(path)]) == 6
    assert "its row was removed from the Versions register" in capsys.readouterr().err


def _drop_properties(path: Path) -> None:
    src = path.read_bytes()
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(src)
    from sop_xl.workbook.ooxml import ContentTypes, Relationships, parse, serialize
    with zipfile.ZipFile(tmp) as z, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            data = z.read(info.filename)
            if info.filename == "docProps/custom.xml":
                continue
            if info.filename == "_rels/.rels":
                root = parse(data)
                rels = Relationships(root)
                for rid, rtype, _, _ in rels.items():
                    if rtype.endswith("/custom-properties"):
                        rels.remove(rid)
                data = serialize(root)
            if info.filename == "[Content_Types].xml":
                root = parse(data)
                ContentTypes(root).drop("docProps/custom.xml")
                data = serialize(root)
            out.writestr(info, data)
    tmp.unlink()


@pytest.mark.libreoffice
@pytest.mark.skipif(not soffice_available(), reason="LibreOffice (soffice) is not installed")
def test_the_record_survives_a_save_in_libreoffice(approved, tmp_path, capsys) -> None:
    out = tmp_path / "lo"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                    "--headless", "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir",
                    str(out), str(approved)], check=True, capture_output=True, timeout=180)
    path = out / approved.name
    assert [a.version for a in record.read(FileBackend(path).read_properties())] == ["001"]
    _edit(path, delete=True)
    assert main(["validate", str(path)]) == 6
    assert "its row was removed from the Versions register" in capsys.readouterr().err


# -- in Excel, through the live backend ---------------------------------------------------

def _live(tmp_path: Path) -> LiveBackend:
    from tests.backend.fake_excel import new_book
    f, s = frames()
    book = new_book("Sheet1")
    live = LiveBackend(book, step="Run", calls=ComCalls())
    contents = input_sheets(f, {**s, "language": "en"}, "en")
    live.write_sheets(contents, remove=["Sheet1"], order=[c.name for c in contents])
    run_steps(MasterWorkbook(live), list(CYCLE))
    return live


def test_in_excel_the_record_is_kept_and_checked_too(tmp_path: Path) -> None:
    live = _live(tmp_path)
    pv.approve(MasterWorkbook(live), "001", by="li.ming")
    assert [a.version for a in record.read(live.book.properties)] == ["001"]
    sheet = live.book.sheets["Versions"]
    sheet.api.Unprotect()  # Review > Unprotect Sheet: the register is protected
    row = next(r for r in range(1, 10) if sheet.value(f"A{r}") == "001")
    sheet.range(f"E{row}").value = "draft"  # the planner types over the status
    with pytest.raises(VersionError, match=r"cell E\d+ \(Status\) now holds 'draft'"):
        MasterWorkbook(live).read_inputs()
    sheet.range(f"E{row}").value = "approved"
    MasterWorkbook(live).read_inputs()
    sheet.range(f"A{row}:M{row}").clear()  # the row deleted
    with pytest.raises(VersionError, match="its row was removed from the Versions register"):
        run_steps(MasterWorkbook(live), ["mps"])
