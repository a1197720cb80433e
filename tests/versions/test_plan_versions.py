"""Plan versions in real workbook files: save, approve, tamper, activate, diff, archive."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from support import sheet_parts
from version_fixtures import (
    DEMAND_A,
    DEMAND_B,
    PERIODS,
    book,
    company,
    edit_cell,
    find_cell,
    write_input,
)

from sop_xl.app import versions as pv
from sop_xl.app.cycle import run_steps
from sop_xl.base.errors import VersionError
from sop_xl.cli import main as cli
from sop_xl.layout.sheet import SheetContent
from sop_xl.plan import versions as v

TAB = "V001 2026-12"


def _register(path: Path) -> pd.DataFrame:
    return pv.read_register(book(path)).set_index("version")


def test_run_saves_a_protected_draft_that_reads_back_to_its_hash(master: Path):
    reg = _register(master)
    row = reg.loc["001"]
    assert (row["status"], row["sheet"], row["author"], row["planning_month"]) == \
        ("draft", TAB, "Chen Jie", "2026-12")
    tab = pv.read_tab(book(master).backend, TAB)
    assert v.content_hash(tab.snapshot) == row["content_hash"]
    s = tab.snapshot.set_index(["section", "key", "measure", "period"])
    assert [s.loc[("demand", "A", "demand", p), "qty"] for p in PERIODS] == DEMAND_A
    assert [s.loc[("demand", "B", "demand", p), "qty"] for p in PERIODS] == DEMAND_B
    assert s.loc[("demand", "A", "demand", "2026-12"), "value"] == 100 * 150.0
    assert s.loc[("demand", "A", "shipped", "2026-12"), "qty"] == 10.0
    settings = s.loc["settings"]
    assert settings.loc[("planning_month", "setting", ""), "text"] == "2026-12"
    assert settings.loc[("horizon", "setting", ""), "qty"] == 6.0
    with zipfile.ZipFile(master) as z:
        xml = z.read(_part(z, TAB)).decode()
    # protected with Excel's legacy hash of "sop-xl"; the check column (I) hidden
    assert re.search(r'<sheetProtection password="DA47" sheet="1"', xml)
    assert re.search(r'<col min="9" max="9" width="[0-9.]+" customWidth="1" hidden="1"/>',
                     xml)


def _part(z: zipfile.ZipFile, sheet: str) -> str:
    return sheet_parts(Path(z.filename))[sheet]


def test_approve_then_hand_edit_is_refused_by_every_command(master: Path, capsys):
    row, superseded = pv.approve(book(master), "001", by="Zhao Min")
    assert (row["status"], row["approved_by"], superseded) == ("approved", "Zhao Min", [])
    reg = _register(master)
    assert reg.loc["001", "fingerprint"]  # verified when approved
    ref = find_cell(master, TAB, "demand", "A", "demand", "2026-12")
    edit_cell(master, TAB, ref, 999)
    before = master.read_bytes()
    for argv in (["run", str(master), "--quiet"], ["mps", str(master), "--quiet"],
                 ["validate", str(master)], ["version", "save", str(master)],
                 ["version", "diff", str(master), "001", "001"],
                 ["transfer", "run", str(master)], ["version", "activate", str(master), "1"]):
        assert cli.main(argv) == 6, argv
        err = capsys.readouterr().err
        assert f"sheet '{TAB}' was changed by hand: cell {ref} now holds 999" in err, argv
    assert master.read_bytes() == before  # nothing was written


def test_deleted_row_in_an_approved_tab_names_the_row(master: Path):
    import openpyxl
    pv.approve(book(master), "001")
    wb = openpyxl.load_workbook(master)
    wb[TAB].delete_rows(5)
    wb.save(master)
    with pytest.raises(VersionError) as e:
        run_steps(book(master), ["mps"])
    assert e.value.code == "version_tampered_row"
    assert "row 5 (from cell A5)" in str(e.value)


def test_missing_approved_tab_is_refused(master: Path):
    pv.approve(book(master), "001")
    b = book(master)
    b.backend.write_sheets([], remove=[TAB])
    with pytest.raises(VersionError, match="'V001 2026-12' is missing"):
        book(master).read_inputs()


def test_a_draft_edited_by_hand_runs_but_cannot_be_approved(master: Path):
    ref = find_cell(master, TAB, "mps", "A", "production", "2026-12")
    edit_cell(master, TAB, ref, 1)
    run_steps(book(master), ["mps"])  # drafts are not locked
    with pytest.raises(VersionError) as e:
        pv.approve(book(master), "001")
    assert e.value.code == "version_changed"
    assert f"at cell {ref} (now 1)" in str(e.value)
    assert _register(master).loc["001", "status"] == "draft"


def test_plan_tabs_are_never_rewritten(master: Path):
    b = book(master)
    with pytest.raises(VersionError, match="never rewritten"):
        b.write([SheetContent(name=TAB, rows=[["x"]])])


def test_activate_copies_to_000_and_approval_follows(master: Path):
    run_steps(book(master), ["version"])  # 002, same month
    row = pv.activate(book(master), "2", by="Li")
    assert (row["version"], row["source"], row["sheet"], row["status"]) == \
        ("000", "002", "V000 2026-12", "draft")
    reg = _register(master)
    assert reg.loc["000", "content_hash"] == reg.loc["002", "content_hash"]
    b = book(master)
    assert pv.read_tab(b.backend, "V000 2026-12").snapshot.equals(
        pv.read_tab(b.backend, "V002 2026-12").snapshot)
    pv.approve(book(master), "002")
    assert _register(master).loc["000", "status"] == "approved"
    pv.approve(book(master), "001")  # a later approval of the month supersedes 002 and 000
    reg = _register(master)
    assert reg.loc[["000", "001", "002"], "status"].tolist() == \
        ["superseded", "approved", "superseded"]
    pv.activate(book(master), "001")
    reg = _register(master)
    assert (reg.loc["000", "source"], reg.loc["000", "status"]) == ("001", "approved")
    assert list(reg.index).count("000") == 1
    log = book(master).read_output_table("run_log")
    assert log["command"].tolist()[-4:] == ["version activate", "version approve",
                                            "version approve", "version activate"]
    acts = log[log["command"] == "version activate"]["summary"].tolist()
    assert acts == ["002 → 000 (V000 2026-12)", "001 → 000 (V000 2026-12)"]


def test_diff_of_two_versions_hand_checked(master: Path):
    f, _ = company(sales_a=(100, 90, 85, 95, 100, 105))  # A in 2026-12: 80 → 100
    write_input(master, "sales_forecast", f["sales_forecast"])
    run_steps(book(master), ["demand", "mps", "mrp", "capacity", "projection", "version"])
    d = pv.diff_versions(book(master), "001", "002")
    top = d.head(2)[["section", "key", "period", "qty_a", "qty_b", "qty_diff", "value_a",
                     "value_b", "value_diff"]].values.tolist()
    # demand A: 20 + 80 → 20 + 100 at 150/pc; MPS A (lot-for-lot, 20 on hand, safety
    # stock 10): 100 + 10 − 20 = 90 → 120 + 10 − 20 = 110 at 100/pc
    assert top == [["demand", "A", "2026-12", 100.0, 120.0, 20.0, 15000.0, 18000.0, 3000.0],
                   ["mps", "A", "2026-12", 90.0, 110.0, 20.0, 9000.0, 11000.0, 2000.0]]
    assert (d["value_diff"].abs().diff().dropna() <= 1e-9).all()  # largest first
    back = book(master).read_output_table("version_diff")
    assert back[["key", "qty_diff", "value_diff"]].head(2).values.tolist() == \
        [["A", 20.0, 3000.0], ["A", 20.0, 2000.0]]
    with zipfile.ZipFile(master) as z:
        xml = z.read(_part(z, "VersionDiff")).decode()
    assert "Version 002 (V002 2026-12) compared with version 001" in xml
    assert xml.count("<conditionalFormatting") == 6  # qty, value, % × (below, above) 0


def test_archive_moves_old_tabs_and_keeps_them_readable(master: Path, tmp_path: Path):
    _, s = company()
    s = {**s, "planning_month": pd.Period("2027-01", "M")}
    from sop_xl.contract.inputs import SETTINGS
    from sop_xl.layout.render import settings_content
    b = book(master)
    b.backend.write_sheets([settings_content(SETTINGS, {**s, "language": "en"}, "en")])
    run_steps(book(master), ["version"])  # 002 for 2027-01
    pv.approve(book(master), "001")
    pv.activate(book(master), "001")
    with zipfile.ZipFile(master) as z:
        part = _part(z, TAB)
    size = master.stat().st_size
    res = pv.archive(book(master), "2027-01")
    with zipfile.ZipFile(master) as z:
        assert part not in z.namelist()  # the tab's part is gone, not just unlisted
    assert master.stat().st_size < size
    assert res.versions == ["001"] and res.path == master.with_name("master_archive.xlsx")
    names = book(master).backend.sheet_names()
    assert TAB not in names and "V000 2026-12" in names and "V002 2027-01" in names
    reg = _register(master)
    assert reg.loc["001", "location"] == "master_archive.xlsx"
    side = book(res.path)
    assert TAB in side.backend.sheet_names()
    # still readable and verified against the register's hash, through the archive
    d = pv.diff_versions(book(master), "001", "002")
    assert d.empty or set(d["section"]) <= {"demand", "mps", "purchase"}
    book(master).read_inputs()  # the archived locked tab is no longer required here
    assert pv.archive(book(master), "2027-01").versions == []


def test_fingerprint_spares_reading_unchanged_locked_tabs(master: Path, monkeypatch):
    pv.approve(book(master), "001")
    run_steps(book(master), ["mps"])  # our writes copy the tab's part byte for byte
    reads: list[str] = []
    from sop_xl.workbook.file import FileBackend
    real = FileBackend.read_sheet

    def spy(self, name):
        reads.append(name)
        return real(self, name)

    monkeypatch.setattr(FileBackend, "read_sheet", spy)
    book(master).read_inputs()
    assert TAB not in reads
    ref = find_cell(master, TAB, "demand", "B", "demand", "2027-01")
    edit_cell(master, TAB, ref, 100.5)  # the XML changes: read and compared, and refused
    with pytest.raises(VersionError, match=f"cell {ref} now holds 100.5"):
        book(master).read_inputs()
    assert TAB in reads


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_a_resave_by_a_spreadsheet_program_is_not_tampering(master: Path, tmp_path: Path):
    """LibreOffice rewrites every part (shared strings, its own number text); the values
    are the same, so the approved version still verifies."""
    pv.approve(book(master), "001")
    out = tmp_path / "lo"
    subprocess.run([shutil.which("soffice"), f"-env:UserInstallation={tmp_path.as_uri()}/p",
                    "--headless", "--norestore", "--convert-to", "xlsx:Calc MS Excel 2007 XML",
                    "--outdir", str(out), str(master)], check=True, timeout=180,
                   capture_output=True)
    resaved = out / "master.xlsx"
    assert pv.tab_fingerprint(book(resaved).backend, TAB) != \
        _register(master).loc["001", "fingerprint"]
    refresh = pv.check_versions(book(resaved))  # the full value check passes ...
    assert [c.key for c in refresh] == ["versions"]  # ... and a write will refresh
    run_steps(book(resaved), ["mps"])
    assert _register(resaved).loc["001", "fingerprint"] == \
        pv.tab_fingerprint(book(resaved).backend, TAB)
    assert pv.check_versions(book(resaved)) == []
    ref = find_cell(resaved, TAB, "mps", "A", "production", "2026-12")
    edit_cell(resaved, TAB, ref, 91)
    with pytest.raises(VersionError, match=f"cell {ref} now holds 91"):
        run_steps(book(resaved), ["mps"])


def _next_month(path: Path) -> None:
    from sop_xl.contract.inputs import SETTINGS
    from sop_xl.layout.render import settings_content
    _, s = company()
    s = {**s, "planning_month": pd.Period("2027-01", "M"), "language": "en"}
    book(path).backend.write_sheets([settings_content(SETTINGS, s, "en")])


def test_frozen_period_holds_the_active_version_of_last_month(master: Path):
    pv.approve(book(master), "001")
    pv.activate(book(master), "001")
    f, _ = company(sales_a=(80, 150, 85, 95, 100, 105))  # a later draft plans more in Jan
    write_input(master, "sales_forecast", f["sales_forecast"])
    run_steps(book(master), ["version"])
    snaps = {k: pv.read_tab(book(master).backend, f"V{k} 2026-12").snapshot
             for k in ("001", "002")}

    def jan(s: pd.DataFrame) -> float:
        m = s[(s["section"] == "mps") & (s["key"] == "A") & (s["measure"] == "production")
              & (s["period"] == "2027-01")]
        return float(m["qty"].sum())

    assert jan(snaps["001"]) != jan(snaps["002"])
    _next_month(master)
    run_steps(book(master), ["mps"])
    g = book(master).read_output_grid("mps")
    cell = g[(g["item"] == "A") & (g["measure"] == "production") & (g["period"] == "2027-01")]
    assert cell["value"].tolist() == [jan(snaps["001"])]  # frozen at the plan passed on
