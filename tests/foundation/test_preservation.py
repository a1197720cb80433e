"""A run keeps what a planner added to the master workbook, byte for byte.

The "before" workbook is made the way planners make theirs: comments, a defined name and a
notes sheet added in Excel (openpyxl here), then a pivot table and a chart on a sheet of
their own made in a real spreadsheet (LibreOffice, through its UNO API). After a full
cycle, every zip part that is not one of sop_xl's own outputs must be identical.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.workbook.defined_name import DefinedName
from recalc import recalculate
from support import sheet_parts

from sop_xl import contract
from sop_xl.cli.main import main
from sop_xl.excel.build import build_workbook

TOOLS = Path(__file__).parent.parent / "tools"
# parts a run may rewrite: the workbook's own lists of sheets, styles and content types
PACKAGE_PARTS = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml",
                 "xl/styles.xml", "docProps/app.xml", "xl/calcChain.xml"}


def _rels(xml: bytes) -> set[tuple[str, str]]:
    from sop_xl.workbook.ooxml import Relationships, parse
    return {(t, target) for _, t, target, _ in Relationships(parse(xml)).items()}


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _sheet_parts(path: Path) -> dict[str, str]:
    """sheet name → worksheet part."""
    return sheet_parts(path)


def _owned(path: Path) -> set[str]:
    """Parts belonging to sop_xl's output sheets (sheet, its rels, its tables)."""
    outputs = {n for s in contract.outputs() for n in s.names()}
    owned = set()
    parts = _parts(path)
    for name, part in _sheet_parts(path).items():
        if name in outputs or contract.is_plan_tab(name):
            owned.add(part)
            rels = part.replace("worksheets/", "worksheets/_rels/") + ".rels"
            owned.add(rels)
            for t in re.findall(rb'Target="\.\./tables/([^"]+)"', parts.get(rels, b"")):
                owned.add("xl/tables/" + t.decode())
    return owned


@pytest.fixture
def planner_workbook(small_master: Path, tmp_path: Path) -> Path:
    assert main(["run", str(small_master), "--quiet"]) == 0
    wb = openpyxl.load_workbook(small_master)
    wb["Items"]["B2"].comment = Comment("check the price with sales", "planner")
    wb.defined_names["MyItems"] = DefinedName("MyItems", attr_text="Items!$A$2:$A$6")
    notes = wb.create_sheet("Notes")
    notes["A1"] = "Meeting notes"
    notes["A2"] = "=SUM(Items!F2:F6)"
    wb.save(small_master)
    out = tmp_path / "planner.xlsx"
    subprocess.run(["/usr/bin/python3", str(TOOLS / "lo_planner_edits.py"), str(small_master),
                    str(out), str(tmp_path / "lo-profile")], check=True, timeout=240,
                   capture_output=True)
    return out


@pytest.mark.libreoffice
def test_a_full_cycle_keeps_every_part_a_planner_added(planner_workbook: Path, tmp_path):
    before = _parts(planner_workbook)
    assert any(n.startswith("xl/pivotTables/") for n in before), "no pivot to protect"
    assert any(n.startswith("xl/charts/") for n in before), "no chart to protect"
    owned_before = _owned(planner_workbook)
    assert main(["run", str(planner_workbook), "--quiet"]) == 0
    after = _parts(planner_workbook)
    owned_after = _owned(planner_workbook)
    kept = set(before) - owned_before - PACKAGE_PARTS
    assert kept, "nothing to compare"
    changed = sorted(n for n in kept if after.get(n) != before[n])
    assert changed == [], f"a run changed or dropped parts it does not own: {changed}"
    # every input sheet, the planner's sheets, pivot caches, charts, comments: untouched
    names = _sheet_parts(planner_workbook)
    for spec in contract.inputs():
        assert before[names[spec.en]] == after[names[spec.en]]
    assert before[names["MyAnalysis"]] == after[names["MyAnalysis"]]
    wb_xml = after["xl/workbook.xml"].decode()
    assert 'name="MyItems"' in wb_xml and "<pivotCaches>" in wb_xml
    new_parts = set(after) - set(before)
    assert new_parts <= owned_after, sorted(new_parts - owned_after)
    # and a spreadsheet still opens it with the pivot table in place
    lo = recalculate(planner_workbook, tmp_path / "lo")
    assert any(n.startswith("xl/pivotTables/") for n in _parts(lo))


@pytest.mark.libreoffice
def test_macros_and_ribbon_survive_a_run(small_master: Path, tmp_path: Path):
    xlsm = tmp_path / "master.xlsm"
    module = 'Attribute VB_Name = "Mine"\r\nSub Hello()\r\n    MsgBox "hi"\r\nEnd Sub\r\n'
    ribbon = ('<customUI xmlns="http://schemas.microsoft.com/office/2009/07/customui">'
              '<ribbon><tabs/></ribbon></customUI>')
    build_workbook(small_master, xlsm, modules={"Mine": module}, ribbon_xml=ribbon,
                   addin=False)
    before = _parts(xlsm)
    assert main(["run", str(xlsm), "--quiet"]) == 0
    after = _parts(xlsm)
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    assert after["customUI/customUI14.xml"] == before["customUI/customUI14.xml"]
    # the package relationships keep every one they had (the ribbon's among them); the
    # first write adds the custom properties that record approvals (sop_xl.app.approvals)
    assert _rels(before["_rels/.rels"]) <= _rels(after["_rels/.rels"])
    assert _rels(after["_rels/.rels"]) - _rels(before["_rels/.rels"]) <= {
        ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
         "custom-properties", "docProps/custom.xml")}
    assert b"macroEnabled" in after["[Content_Types].xml"]
