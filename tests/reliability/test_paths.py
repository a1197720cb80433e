"""Where a workbook really is and whether it may be written (issue 19, items 2, 7 and 8).

A symlinked workbook is planned through its link: the real file is replaced atomically,
keeps its mode and owner, and its lock and owner files are looked for beside it. A
read-only file or folder is refused with exit 3 before any work; a name near the 255-byte
limit gets a hashed lock and backup name; a package without a styles part gets one.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from sop_xl.cli.main import main
from sop_xl.workbook import lock as lock_module
from sop_xl.workbook.backups import list_backups
from sop_xl.workbook.lock import lock_path, open_elsewhere
from sop_xl.workbook.ooxml import verify_package
from sop_xl.workbook.paths import NAME_MAX, beside, check_may_write, real_path

ROOT = Path(__file__).resolve().parents[2]
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(path: Path | str, capsys) -> tuple[int, str, str]:
    code = main(["--wait", "0", "run", "--quiet", str(path)])
    out, err = capsys.readouterr()
    return code, out, err


# -- symlinks ---------------------------------------------------------------------------

@pytest.mark.skipif(os.name == "nt", reason="symlinks need privileges on Windows")
def test_a_symlinked_workbook_plans_the_real_file_and_stays_a_link(small_master: Path,
                                                                   tmp_path: Path,
                                                                   capsys) -> None:
    real_dir = tmp_path / "shared"
    real_dir.mkdir()
    real = Path(shutil.move(small_master, real_dir / "master.xlsx"))
    os.chmod(real, 0o640)
    if IS_ROOT:
        os.chown(real, 1234, 2345)
    link = tmp_path / "link.xlsx"
    link.symlink_to(real)
    before = sha256(real)

    code, out, err = _run(link, capsys)

    assert code == 0, err
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert sha256(real) != before  # the real workbook was planned ...
    assert "MPS" in out
    st = real.stat()
    assert stat.S_IMODE(st.st_mode) == 0o640  # ... replaced with its mode kept
    if IS_ROOT:
        assert (st.st_uid, st.st_gid) == (1234, 2345)  # ... and its owner
    # the lock was taken and released beside the real file, nothing beside the link
    assert not lock_path(real).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.xlsx", "shared"]
    assert [p.parent for p in list_backups(real)] == [real_dir / ".sop_xl_backups"]


@pytest.mark.skipif(os.name == "nt", reason="symlinks need privileges on Windows")
def test_libreoffice_lock_beside_the_real_file_is_seen_through_the_link(
        small_master: Path, tmp_path: Path, capsys) -> None:
    real_dir = tmp_path / "shared"
    real_dir.mkdir()
    real = Path(shutil.move(small_master, real_dir / "master.xlsx"))
    (real_dir / ".~lock.master.xlsx#").write_text("wang.fang,pc2,host,01.12.2026 09:00,;")
    link = tmp_path / "link.xlsx"
    link.symlink_to(real)
    before = sha256(real)
    assert open_elsewhere(link) is not None

    code, _, err = _run(link, capsys)

    assert code == 3
    assert err.strip() == (f"{real}: is open in LibreOffice by wang.fang "
                           "(.~lock.master.xlsx# found); close it there first")
    assert sha256(real) == before and link.is_symlink()


# -- read-only files and folders ---------------------------------------------------------

def test_a_read_only_workbook_is_refused_never_replaced(small_master: Path, tmp_path: Path,
                                                       capsys) -> None:
    os.chmod(small_master, 0o444)
    before = sha256(small_master)
    ino = small_master.stat().st_ino
    beside_before = sorted(p.name for p in tmp_path.iterdir())

    code, _, err = _run(small_master, capsys)

    assert code == 3
    assert err.strip() == (
        f"{small_master}: is read-only (mode 444, r--r--r--); sop-xl never replaces a "
        "read-only workbook. Make it writable (chmod u+w, or untick Read-only in the file's "
        "properties) and try again")
    assert sha256(small_master) == before and small_master.stat().st_ino == ino
    assert sorted(p.name for p in tmp_path.iterdir()) == beside_before
    # reading is fine
    assert main(["validate", str(small_master)]) == 0


def test_a_read_only_folder_is_refused_before_any_work(small_master: Path, tmp_path: Path,
                                                      capsys) -> None:
    before = sha256(small_master)
    os.chmod(tmp_path, 0o555)
    try:
        code, _, err = _run(small_master, capsys)
        listing = sorted(p.name for p in tmp_path.iterdir())
    finally:
        os.chmod(tmp_path, 0o755)
    assert code == 3
    assert err.strip() == (
        f"{small_master}: cannot be written: its folder {tmp_path} is read-only, and sop-xl "
        "writes the new workbook and its lock file beside the old one. Copy the workbook to "
        "a folder you may write to, or ask for write access; the workbook was not changed")
    assert sha256(small_master) == before and listing == [small_master.name]


def test_a_folder_that_refuses_the_lock_file_is_exit_3_not_a_traceback(
        small_master: Path, monkeypatch, capsys) -> None:
    """Permissions the mode bits do not show (a network share, an ACL): the lock file
    cannot be created, and that is said in words."""
    real_open = os.open

    def refuse(path, flags, *args, **kw):
        if str(path).endswith(".sopxl-lock"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args, **kw)

    monkeypatch.setattr(lock_module.os, "open", refuse)
    code, _, err = _run(small_master, capsys)
    assert code == 3
    assert "its folder" in err and "is read-only" in err and "Traceback" not in err


@pytest.mark.skipif(not IS_ROOT or shutil.which("setpriv") is None,
                    reason="needs root to run a command as an unprivileged user")
def test_an_unprivileged_user_gets_exit_3_in_a_folder_they_may_not_write(
        small_master: Path) -> None:
    import tempfile
    folder = Path(tempfile.mkdtemp(prefix="sopxl-ro-"))  # /tmp/pytest-of-root is 0700
    try:
        os.chmod(folder, 0o755)  # everyone may read, root alone may write
        path = Path(shutil.copy(small_master, folder / "master.xlsx"))
        os.chmod(path, 0o644)
        before = sha256(path)
        env = {**os.environ, "HOME": str(folder), "SOP_XL_LANG": "en"}
        proc = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable,
             "-m", "sop_xl.cli.main", "--wait", "0", "run", "--quiet", str(path)],
            capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
        assert proc.returncode == 3, proc.stderr
        assert proc.stderr.strip().startswith(f"{path}: is read-only (mode 644, rw-r--r--)")
        assert sha256(path) == before
        assert sorted(p.name for p in folder.iterdir()) == ["master.xlsx"]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# -- long names ----------------------------------------------------------------------------

def test_a_name_of_248_bytes_and_more_gets_a_hashed_lock_and_backup_name(
        small_master: Path, tmp_path: Path, capsys) -> None:
    for n in (248 - len(".xlsx"), 251 - len(".xlsx"), NAME_MAX - len(".xlsx")):
        path = tmp_path / ("m" * n + ".xlsx")
        path = Path(shutil.copy(small_master, path))
        lock = lock_path(path)
        assert len(lock.name.encode()) <= NAME_MAX - len(".stale-00000000")
        assert lock.name.endswith(".sopxl-lock") and "~" in lock.name
        code, _, err = _run(path, capsys)
        assert code == 0, err
        assert not lock.exists()
        assert all(len(p.name.encode()) <= NAME_MAX for p in list_backups(path))
        assert list_backups(path)
        path.unlink()


def test_chinese_names_are_shortened_on_a_character_boundary(tmp_path: Path) -> None:
    name = "主计划" * 90 + ".xlsx"  # 815 bytes: longer than any file system allows
    p = beside(tmp_path / name, ".sopxl-lock")
    assert len(p.name.encode()) <= NAME_MAX
    p.name.encode("utf-8").decode("utf-8")  # no broken character
    assert beside(tmp_path / name, ".sopxl-lock") == p  # the same name every time
    assert beside(tmp_path / "ok.xlsx", ".sopxl-lock").name == "ok.xlsx.sopxl-lock"


# -- a package without styles --------------------------------------------------------------

def _without_styles(src: Path, dst: Path) -> Path:
    from sop_xl.workbook.ooxml import ContentTypes, Relationships, parse, serialize
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            data = z.read(info.filename)
            if info.filename == "xl/styles.xml":
                continue
            if info.filename == "xl/_rels/workbook.xml.rels":
                root = parse(data)
                rels = Relationships(root)
                for rid, rtype, _, _ in rels.items():
                    if rtype.endswith("/styles"):
                        rels.remove(rid)
                data = serialize(root)
            if info.filename == "[Content_Types].xml":
                root = parse(data)
                ContentTypes(root).drop("xl/styles.xml")
                data = serialize(root)
            out.writestr(info, data)
    return dst


def test_a_package_without_styles_gets_one_on_write(small_master: Path, tmp_path: Path,
                                                    capsys) -> None:
    path = _without_styles(small_master, tmp_path / "no_styles.xlsx")
    assert main(["validate", str(path)]) == 0
    code, _, err = _run(path, capsys)
    assert code == 0, err
    with zipfile.ZipFile(path) as z:
        assert "xl/styles.xml" in z.namelist()
    assert verify_package(path) > 0
    import openpyxl
    openpyxl.load_workbook(path, read_only=True).close()


# -- the helpers ----------------------------------------------------------------------------

def test_real_path_follows_every_link(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    target = tmp_path / "a" / "m.xlsx"
    target.write_bytes(b"x")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    (tmp_path / "l.xlsx").symlink_to(tmp_path / "b" / "m.xlsx")
    assert real_path(tmp_path / "l.xlsx") == target.resolve()


def test_check_may_write_lets_a_new_file_in_a_writable_folder_pass(tmp_path: Path) -> None:
    check_may_write(tmp_path / "new.xlsx")


def test_files_a_command_makes_beside_a_long_named_workbook_fit(small_master: Path,
                                                                tmp_path: Path) -> None:
    """The transfer's export and the version archive are named after the workbook too."""
    path = Path(shutil.copy(small_master, tmp_path / ("m" * 245 + ".xlsx")))
    assert main(["run", "--quiet", str(path)]) == 0
    assert main(["version", "approve", str(path), "001"]) == 0
    assert main(["version", "activate", str(path), "001"]) == 0
    assert main(["transfer", "run", str(path)]) == 0
    exports = [p for p in tmp_path.iterdir() if p.name.endswith("_PIR_T0001.csv")]
    assert len(exports) == 1 and len(exports[0].name.encode()) <= NAME_MAX
    assert main(["version", "archive", str(path), "--before", "2027-01"]) == 0
    archives = [p for p in tmp_path.iterdir() if p.name.endswith("_archive.xlsx")]
    assert len(archives) == 1 and len(archives[0].name.encode()) <= NAME_MAX
