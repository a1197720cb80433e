"""Saving a workbook: atomic replace, backups of the previous file, nothing half-written."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import time
from pathlib import Path

import pytest

from sop_xl.app.master import MasterWorkbook
from sop_xl.base.errors import WorkbookError
from sop_xl.cli.main import main
from sop_xl.layout.sheet import SheetContent
from sop_xl.workbook import package as package_module
from sop_xl.workbook.backups import BACKUP_DIR, keep_backup, list_backups
from sop_xl.workbook.file import FileBackend
from sop_xl.workbook.lock import lock_path
from sop_xl.workbook.package import TEMP_PREFIX, remove_stale_temporaries


@pytest.fixture
def master(small_master: Path) -> Path:
    """A fresh, valid master workbook of the small company (tests/conftest.py)."""
    return small_master


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _note(text: str) -> SheetContent:
    return SheetContent(name="Notes", rows=[["note"], [text]])


def _set_backups(path: Path, n: int) -> None:
    """Change the workbook's "Backups kept" setting the way a planner would."""
    from openpyxl import load_workbook
    wb = load_workbook(path)
    ws = wb["Settings"]
    row = next(r for r in ws.iter_rows() if r[0].value == "Backups kept")
    row[1].value = n
    wb.save(path)


def test_each_save_keeps_the_previous_file_as_a_backup(master: Path) -> None:
    versions = [master.read_bytes()]
    for k in range(4):
        FileBackend(master).write_sheets([_note(f"save {k}")])
        versions.append(master.read_bytes())
    kept = list_backups(master)
    # the default keeps three: the files before the 2nd, 3rd and 4th save, newest first
    assert [p.read_bytes() for p in kept] == versions[-2:-5:-1]
    assert all(p.parent == master.parent / BACKUP_DIR for p in kept)
    assert all(re.fullmatch(r"small\.\d{8}-\d{6}(-\d+)?\.xlsx", p.name) for p in kept)
    assert not lock_path(master).exists()
    assert not [p for p in master.parent.iterdir() if p.name.startswith(TEMP_PREFIX)]


def test_cli_says_where_the_previous_version_is(master: Path, capsys) -> None:
    before = master.read_bytes()
    assert main(["mps", str(master)]) == 0
    (kept,) = list_backups(master)
    assert kept.read_bytes() == before
    assert f"previous version kept as {kept}" in capsys.readouterr().out


def test_backups_kept_follows_the_settings_sheet(master: Path) -> None:
    _set_backups(master, 1)
    for k in range(3):
        FileBackend(master).write_sheets([_note(f"save {k}")])
    assert len(list_backups(master)) == 1
    _set_backups(master, 0)
    FileBackend(master).write_sheets([_note("last")])
    assert list_backups(master) == []


def test_backup_names_sort_by_time_and_never_collide(tmp_path: Path) -> None:
    wb = tmp_path / "plan.xlsm"
    wb.write_bytes(b"one")
    t = time.mktime((2026, 11, 2, 8, 30, 0, 0, 0, -1))
    a = keep_backup(wb, 5, now=t)
    wb.write_bytes(b"two")
    b = keep_backup(wb, 5, now=t)
    assert (a.name, b.name) == ("plan.20261102-083000.xlsm", "plan.20261102-083000-2.xlsm")
    assert list_backups(wb) == [b, a]
    assert (a.read_bytes(), b.read_bytes()) == (b"one", b"two")
    (a.parent / "other.20261102-083000.xlsm").write_bytes(b"x")  # another workbook's
    wb.write_bytes(b"three")
    keep_backup(wb, 1, now=t + 60)
    assert [p.name for p in list_backups(wb)] == ["plan.20261102-083100.xlsm"]
    assert (a.parent / "other.20261102-083000.xlsm").exists()


def test_save_keeps_the_file_mode(master: Path) -> None:
    os.chmod(master, 0o640)
    assert main(["mps", str(master)]) == 0
    assert stat.S_IMODE(master.stat().st_mode) == 0o640


def test_a_failing_save_changes_nothing(master: Path, monkeypatch) -> None:
    before = sha256(master)

    def disk_full(self, fh) -> None:
        fh.write(b"PK\x03\x04 partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(package_module.Package, "write_to", disk_full)
    with pytest.raises(WorkbookError) as e:
        FileBackend(master).write_sheets([_note("x")])
    assert e.value.code == "write_failed"
    assert str(e.value) == (f"{master}: could not be saved (No space left on device); the "
                            "workbook was not changed")
    assert sha256(master) == before
    assert sorted(p.name for p in master.parent.iterdir()) == ["small.xlsx"]


def test_cli_reports_a_failing_save_with_exit_3(master: Path, monkeypatch, capsys) -> None:
    before = sha256(master)

    def denied(src, dst) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(package_module.os, "replace", denied)
    assert main(["mps", str(master)]) == 3
    assert "cannot be replaced because another program holds it open (Permission denied)" \
        in capsys.readouterr().err
    assert sha256(master) == before


def test_a_file_saved_by_someone_else_meanwhile_is_not_overwritten(master: Path) -> None:
    book = MasterWorkbook(FileBackend(master))
    book.read_inputs()
    theirs = master.read_bytes() + b""  # a colleague saves (here: the same bytes, anew)
    time.sleep(0.01)
    tmp = master.with_name("theirs.xlsx")
    tmp.write_bytes(theirs)
    os.replace(tmp, master)
    with pytest.raises(WorkbookError) as e:
        book.write([_note("mine")])
    assert e.value.code == "file_changed"
    assert master.read_bytes() == theirs


def test_leftovers_of_killed_saves_are_cleaned_up(tmp_path: Path) -> None:
    host = package_module._host()
    dead = tmp_path / f"{TEMP_PREFIX}{host}-999999999-abc.xlsx"
    alive = tmp_path / f"{TEMP_PREFIX}{host}-{os.getpid()}-abc.xlsx"
    other_new = tmp_path / f"{TEMP_PREFIX}otherhost-12-abc.xlsx"
    other_old = tmp_path / f"{TEMP_PREFIX}otherhost-13-abc.xlsx"
    for p in (dead, alive, other_new, other_old):
        p.write_bytes(b"partial")
    t = time.time() - 2 * 86400
    os.utime(other_old, (t, t))
    assert sorted(remove_stale_temporaries(tmp_path)) == sorted([dead, other_old])
    assert alive.exists() and other_new.exists()


def test_template_over_an_existing_master_keeps_it_as_a_backup(master: Path) -> None:
    before = master.read_bytes()
    assert main(["template", str(master), "--force"]) == 0
    assert [p.read_bytes() for p in list_backups(master)] == [before]


def test_values_and_parts_come_from_one_version_of_the_file(master: Path) -> None:
    book = FileBackend(master)
    assert "Items" in book.sheet_names()           # the package is open: version 1
    other = master.with_name("other.xlsx")
    other.write_bytes(master.read_bytes())
    time.sleep(0.01)
    os.replace(other, master)                      # someone saves: version 2
    with pytest.raises(WorkbookError) as e:
        book.read_sheet("Items")                   # calamine would read version 2
    assert e.value.code == "file_changed"


def test_a_sheet_read_before_a_save_keeps_its_own_formulas(master: Path) -> None:
    from openpyxl import load_workbook
    wb = load_workbook(master)
    wb["Stock"]["C2"] = "=1/0"                      # a formula openpyxl leaves uncalculated
    wb.save(master)
    book = FileBackend(master)
    before = book.read_sheet("Stock")              # its formula scan is not done yet
    book.write_sheets([SheetContent(name="Stock", rows=[["replaced"]])])
    assert before.formulas == {(1, 2): "=1/0"}      # from the version the values came from
    assert before.uncached == {(1, 2)}
    assert FileBackend(master).read_sheet("Stock").formulas == {}


def test_atomic_path_for_writers_that_make_whole_files(tmp_path: Path) -> None:
    import xlsxwriter

    from sop_xl.workbook.package import atomic_path

    pack = tmp_path / "pack.xlsx"
    pack.write_bytes(b"last month's pack")
    with pytest.raises(RuntimeError), atomic_path(pack, backups=2) as tmp:
        wb = xlsxwriter.Workbook(str(tmp))
        wb.add_worksheet("Cover").write(0, 0, "half")
        raise RuntimeError("the pack builder failed half way")
    assert pack.read_bytes() == b"last month's pack"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack.xlsx"]
    with atomic_path(pack, backups=2) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False})
        wb.add_worksheet("Cover").write(0, 0, "=1+1 stays text")
        wb.close()
    assert FileBackend(pack).read_sheet("Cover").rows == [["=1+1 stays text"]]
    assert [p.read_bytes() for p in list_backups(pack)] == [b"last month's pack"]
