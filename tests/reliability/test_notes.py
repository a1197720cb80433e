"""A planner's notes on output sheets survive a run (issue 19, item 9).

Notes made by openpyxl (a planner's script), by LibreOffice (through its own UNO API) and
as modern Excel writes them (a threaded comment with a reply, its legacy stub, the VML
box and the persons part) are put on the MPS sheet; a run keeps each on the cell that
holds the same item, measure and period, drops and lists (stderr and RunLog) the one whose
period rolled off the plan, and leaves a package openxml-audit finds no error in.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from corpus.generate import Book
from openpyxl.comments import Comment
from recalc import soffice_available
from small_company import frames

from sop_xl.app.cycle import CYCLE, run_steps
from sop_xl.app.master import MasterWorkbook
from sop_xl.app.template import write_master
from sop_xl.cli.main import main
from sop_xl.workbook import ooxml
from sop_xl.workbook.comments import relocate
from sop_xl.workbook.file import FileBackend
from sop_xl.workbook.package import Package

TOOLS = Path(__file__).resolve().parents[1] / "tools"
# MPS of the small company: item A's "Planned production" is row 10, periods from I
AT_DEC, AT_JAN = "I10", "J10"


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("notes")
    f, s = frames()
    path = write_master(d / "master.xlsx", f, s)
    run_steps(MasterWorkbook.open(path), CYCLE)
    return path


def audit_report(path: Path) -> str:
    tool = Path(sys.executable).with_name("openxml-audit")
    return subprocess.run([str(tool), "-f", "office2016", str(path)], capture_output=True,
                          text=True, timeout=300).stdout


def audit_errors(path: Path) -> int:
    return int(re.search(r"Errors: (\d+)", audit_report(path)).group(1))


def next_month(path: Path) -> None:
    """The planner moves the planning month on: 2026-12 leaves the plan."""
    book = Book(path)
    book.set("Settings", "B3", "2027-01")
    book.save(path)


def notes_of(path: Path, sheet: str) -> dict[str, tuple[str, str]]:
    ws = openpyxl.load_workbook(path)[sheet]
    return {c.coordinate: (c.comment.author, c.comment.text) for row in ws.iter_rows()
            for c in row if c.comment}


def _run(path: Path, capsys) -> str:
    capsys.readouterr()
    assert main(["run", "--quiet", str(path)]) == 0
    return capsys.readouterr().err


def _last_log(path: Path) -> str:
    log = MasterWorkbook.open(path).read_output_table("run_log")
    return str(log["summary"].iloc[-1])


# -- openpyxl ---------------------------------------------------------------------------

def test_notes_follow_their_cells_and_the_lost_one_is_listed(planned, tmp_path, capsys):
    path = Path(shutil.copy(planned, tmp_path / "master.xlsx"))
    wb = openpyxl.load_workbook(path)
    ws = wb["MPS"]
    ws[AT_DEC].comment = Comment("agreed with sales: 90 only", "li.ming")
    ws[AT_JAN].comment = Comment("check the mould", "wang.fang")
    ws["A1"].comment = Comment("title note", "li.ming")
    wb.save(path)

    _run(path, capsys)  # same month: every note where it was
    assert notes_of(path, "MPS") == {
        "A1": ("li.ming", "title note"), AT_DEC: ("li.ming", "agreed with sales: 90 only"),
        AT_JAN: ("wang.fang", "check the mould")}

    next_month(path)
    err = _run(path, capsys)
    lost = ('the note on MPS!I10 by li.ming ("agreed with sales: 90 only") was removed: its '
            "cell is no longer in the sheet")
    assert f"note: {lost}" in err
    assert lost in _last_log(path)
    # 2027-01 moved from J to I; the title stays
    assert notes_of(path, "MPS") == {"A1": ("li.ming", "title note"),
                                     AT_DEC: ("wang.fang", "check the mould")}
    assert audit_errors(path) == 0


# -- modern Excel: a threaded comment with a reply ------------------------------------------

PERSON = "{6B0F6B8E-1A2B-4C3D-8E9F-0A1B2C3D4E5F}"
THREAD = "{1F2E3D4C-5B6A-4978-8695-A4B3C2D1E0F9}"
REPLY = "{2A3B4C5D-6E7F-4809-9A1B-2C3D4E5F6A7B}"


def excel_thread(path: Path, sheet: str, ref: str) -> None:
    """The parts modern Excel writes for a threaded comment (and a reply) on one cell."""
    r, c = (int(re.sub(r"[A-Z]+", "", ref)) - 1,
            ord(re.sub(r"\d+", "", ref)) - ord("A"))
    pkg = Package(path)
    entry = pkg.sheet(sheet)
    base = "xl"
    stub = ("[Threaded comment]\n\nYour version of Excel allows you to read this threaded "
            "comment; however, any edits to it will get removed if the file is opened in a "
            "newer version of Excel.\n\nComment:\n    Mould is late\nReply:\n    Then 60")
    pkg.write(f"{base}/comments1.xml", (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'mc:Ignorable="xr" xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/'
        f'revision"><authors><author>tc={THREAD}</author></authors><commentList>'
        f'<comment ref="{ref}" authorId="0" shapeId="0" xr:uid="{THREAD}"><text><t>{stub}'
        '</t></text></comment></commentList></comments>'))
    pkg.write(f"{base}/drawings/vmlDrawing1.vml", (
        '<xml xmlns:v="urn:schemas-microsoft-com:vml"\n'
        ' xmlns:o="urn:schemas-microsoft-com:office:office"\n'
        ' xmlns:x="urn:schemas-microsoft-com:office:excel">\n'
        ' <o:shapelayout v:ext="edit">\n  <o:idmap v:ext="edit" data="1"/>\n'
        ' </o:shapelayout><v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202"\n'
        '  path="m,l,21600r21600,l21600,xe">\n  <v:stroke joinstyle="miter"/>\n'
        '  <v:path gradientshapeok="t" o:connecttype="rect"/>\n </v:shapetype>'
        '<v:shape id="_x0000_s1025" type="#_x0000_t202" style=\'position:absolute;\n'
        '  margin-left:600pt;margin-top:120pt;width:150pt;height:80pt;\n'
        '  z-index:1;visibility:hidden\' fillcolor="infoBackground [80]" '
        'strokecolor="none [81]"\n  o:insetmode="auto">\n'
        '  <v:fill color2="infoBackground [80]"/>\n'
        '  <v:shadow color="none [81]" obscured="t"/>\n  <v:path o:connecttype="none"/>\n'
        "  <v:textbox style='mso-direction-alt:auto'>\n   <div style='text-align:left'></div>"
        '\n  </v:textbox>\n  <x:ClientData ObjectType="Note">\n   <x:MoveWithCells/>\n'
        f'   <x:SizeWithCells/>\n   <x:Anchor>\n    {c + 1}, 15, {r}, 10, {c + 3}, 40, '
        f'{r + 5}, 2</x:Anchor>\n   <x:AutoFill>False</x:AutoFill>\n   <x:Row>{r}</x:Row>\n'
        f'   <x:Column>{c}</x:Column>\n  </x:ClientData>\n </v:shape></xml>'))
    ns_t = "http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments"
    pkg.write(f"{base}/threadedComments/threadedComment1.xml", (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<ThreadedComments xmlns="{ns_t}" '
        'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<threadedComment ref="{ref}" dT="2026-12-03T09:15:00.00" personId="{PERSON}" '
        f'id="{THREAD}"><text>Mould is late</text></threadedComment>'
        f'<threadedComment ref="{ref}" dT="2026-12-03T10:02:00.00" personId="{PERSON}" '
        f'id="{REPLY}" parentId="{THREAD}"><text>Then 60</text></threadedComment>'
        '</ThreadedComments>'))
    pkg.write(f"{base}/persons/person.xml", (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<personList xmlns="{ns_t}" '
        'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<person displayName="Li Ming" id="{PERSON}" userId="li.ming@example.com" '
        'providerId="AD"/></personList>'))
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    rels_part = entry.part.replace("worksheets/", "worksheets/_rels/") + ".rels"
    if not pkg.has(rels_part):
        pkg.write(rels_part, ooxml.relationships_xml([]))
    rels = ooxml.Relationships(pkg.edit(rels_part))
    rels.add(rel + "comments", "../comments1.xml")
    vml = rels.add(rel + "vmlDrawing", "../drawings/vmlDrawing1.vml")
    rels.add("http://schemas.microsoft.com/office/2017/10/relationships/threadedComment",
             "../threadedComments/threadedComment1.xml")
    ooxml.Relationships(pkg.edit("xl/_rels/workbook.xml.rels")).add(
        "http://schemas.microsoft.com/office/2017/10/relationships/person",
        "persons/person.xml")
    root = pkg.edit(entry.part)
    el = ooxml.make(root, "legacyDrawing", prefixes={"r": ooxml.REL})
    el.set(f"{{{ooxml.REL}}}id", vml)
    root.remove(el)
    root.insert(root.index(ooxml.child(root, "tableParts")) if ooxml.child(
        root, "tableParts") is not None else len(root), el)
    types = pkg.edit("[Content_Types].xml")
    ooxml.make(types, "Default", {"Extension": "vml", "ContentType":
                                  "application/vnd.openxmlformats-officedocument.vmlDrawing"})
    ct = ooxml.ContentTypes(types)
    ct.set(f"{base}/comments1.xml",
           "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml")
    ct.set(f"{base}/threadedComments/threadedComment1.xml",
           "application/vnd.ms-excel.threadedcomments+xml")
    ct.set(f"{base}/persons/person.xml", "application/vnd.ms-excel.person+xml")
    pkg.save(path)


def _part(path: Path, name: str) -> str:
    import zipfile
    with zipfile.ZipFile(path) as z:
        return z.read(name).decode() if name in z.namelist() else ""


def test_an_excel_thread_with_its_reply_moves_with_its_cell(planned, tmp_path, capsys):
    path = Path(shutil.copy(planned, tmp_path / "master.xlsx"))
    excel_thread(path, "MPS", AT_JAN)
    assert audit_errors(path) == 0
    person = _part(path, "xl/persons/person.xml")

    next_month(path)
    assert "note:" not in _run(path, capsys)
    threads = _part(path, "xl/threadedComments/threadedComment1.xml")
    assert threads.count(f'ref="{AT_DEC}"') == 2 and "Then 60" in threads  # reply too
    assert f'parentId="{THREAD}"' in threads
    legacy = _part(path, "xl/comments1.xml")
    assert f'ref="{AT_DEC}"' in legacy and f'xr:uid="{THREAD}"' in legacy
    assert 'mc:Ignorable="xr"' in legacy
    vml = _part(path, "xl/drawings/vmlDrawing1.vml")
    assert "<x:Row>9</x:Row>" in vml and "<x:Column>8</x:Column>" in vml
    assert "9, 15, 9, 10, 11, 40, 14, 2" in vml  # the box moved one column left with it
    assert "width:150pt;height:80pt" in vml  # its size kept
    assert _part(path, "xl/persons/person.xml") == person
    assert audit_errors(path) == 0



def test_an_excel_thread_whose_cell_is_gone_goes_with_its_stub_and_box(planned, tmp_path,
                                                                       capsys):
    path = Path(shutil.copy(planned, tmp_path / "master.xlsx"))
    excel_thread(path, "MPS", AT_DEC)
    next_month(path)
    err = _run(path, capsys)
    assert ('note: the note on MPS!I10 by tc={1F2E3D4C-5B6A-4978-8695-A4B3C2D1E0F9} '
            '("Mould is late") was removed: its cell is no longer in the sheet') in err
    names = Package(path).names()
    assert not [n for n in names if "threadedComment" in n or n.endswith(".vml")
                or "comments" in n]  # nothing left behind without its note
    assert "legacyDrawing" not in FileBackend(path).sheet_xml("MPS").decode()
    assert "persons/person.xml" in " ".join(names)  # the workbook's people stay
    assert audit_errors(path) == 0


# -- LibreOffice ---------------------------------------------------------------------------

@pytest.mark.libreoffice
@pytest.mark.skipif(not soffice_available(), reason="LibreOffice (soffice) is not installed")
def test_libreoffice_notes_survive_and_libreoffice_reads_them_back(planned, tmp_path,
                                                                   capsys):
    src = Path(shutil.copy(planned, tmp_path / "src.xlsx"))
    path = tmp_path / "master.xlsx"
    subprocess.run(["/usr/bin/python3", str(TOOLS / "lo_planner_notes.py"), str(src),
                    str(path), str(tmp_path / "lo-profile"), f"MPS!{AT_JAN}=mould late",
                    f"MPS!{AT_DEC}=only 90"], check=True, timeout=240, capture_output=True)
    assert set(notes_of(path, "MPS")) == {AT_DEC, AT_JAN}
    # LibreOffice's own file has errors Excel's schema refuses (no theme relationship, the
    # note shape type and "shape_0" written once per note); the run adds none, and the
    # notes' parts it rewrites have none left
    before = audit_errors(path)
    next_month(path)
    err = _run(path, capsys)
    assert "the note on MPS!I10" in err and '("only 90")' in err
    assert {k: v[1] for k, v in notes_of(path, "MPS").items()} == {AT_DEC: "mould late"}
    assert audit_errors(path) < before
    assert "vmlDrawing" not in audit_report(path)
    # and LibreOffice opens what the run wrote with the note in its new place
    out = tmp_path / "lo"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile2",
                    "--headless", "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir",
                    str(out), str(path)], check=True, capture_output=True, timeout=180)
    assert {k: v[1] for k, v in notes_of(out / path.name, "MPS").items()} == {
        AT_DEC: "mould late"}


# -- where a note goes ---------------------------------------------------------------------

def test_a_note_in_a_table_follows_its_row_by_the_first_cell(planned: Path) -> None:
    from sop_xl.layout.sheet import SheetContent
    old = [["Item", "Qty", "Firm"], ["R1", 1, "no"], ["R2", 2, "no"], ["R1", 3, "no"]]
    new = SheetContent("PlannedOrders", [["Item", "Firm", "Qty"], ["R2", "no", 5],
                                         ["R1", "no", 6]], freeze=(1, 0))
    moved = relocate(old, new, ["C2", "B3", "B4", "A1"])
    # R1's Firm → column B of the first R1 row; R2's Qty → C2; the second R1 row is gone
    assert moved == {"C2": "B3", "B3": "C2", "B4": None, "A1": "A1"}


def test_a_run_without_notes_reads_no_old_sheet(planned: Path, tmp_path: Path,
                                                monkeypatch) -> None:
    path = Path(shutil.copy(planned, tmp_path / "master.xlsx"))
    backend = FileBackend(path)
    calls = []
    real = backend.read_sheet
    monkeypatch.setattr(backend, "read_sheet", lambda n: calls.append(n) or real(n))
    from sop_xl.layout.sheet import SheetContent
    assert backend.note_moves([SheetContent("MPS", [["x"]])]) == ({}, [])
    assert calls == []
