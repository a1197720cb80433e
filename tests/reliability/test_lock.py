"""The workbook lock and the "open in Excel" check, across real processes."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from sop_xl.base.errors import WorkbookError
from sop_xl.cli.main import main
from sop_xl.workbook.lock import (
    LockHolder,
    WorkbookLock,
    held_here,
    lock_path,
    open_elsewhere,
    read_holder,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def master(small_master: Path) -> Path:
    """A fresh, valid master workbook of the small company (tests/conftest.py)."""
    return small_master


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _python(code: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=timeout)


def _forge(path: Path, *, host: str, pid: int, age: float = 0.0, token: str = "x") -> None:
    """A lock file as another run would have left it, ``age`` seconds old."""
    lp = lock_path(path)
    lp.write_text(json.dumps({"user": "wang", "host": host, "pid": pid,
                              "since": "2026-11-02 08:00:00", "command": "run",
                              "token": token}), "utf-8")
    t = time.time() - age
    os.utime(lp, (t, t))


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_lock_file_names_its_holder_and_goes_away(tmp_path: Path) -> None:
    wb = tmp_path / "book.xlsx"
    wb.write_bytes(b"")
    with WorkbookLock(wb, command="run", wait=0):
        h = read_holder(lock_path(wb))
        assert h is not None
        assert (h.host, h.pid, h.command) == (socket.gethostname(), os.getpid(), "run")
        assert time.strptime(h.since, "%Y-%m-%d %H:%M:%S")
        assert held_here(wb)
        with WorkbookLock(wb, wait=0):  # re-entrant inside one process: no self-wait
            assert lock_path(wb).exists()
        assert lock_path(wb).exists()  # the inner release leaves the outer lock
    assert not lock_path(wb).exists()
    assert not held_here(wb)


def test_second_process_refuses_after_waiting(master: Path) -> None:
    before = sha256(master)
    with WorkbookLock(master, command="mps", wait=0):
        t0 = time.monotonic()
        r = _python("import sys; from sop_xl.cli.main import main; "
                    "sys.exit(main(['--wait', '0.6', 'run', sys.argv[1]]))", str(master))
        waited = time.monotonic() - t0
    assert r.returncode == 3, r.stderr
    assert waited >= 0.6
    user = read_holder_user()
    assert (f"small.xlsx: is being written by another run (sop-xl mps by {user} on "
            f"{socket.gethostname()}, pid {os.getpid()}, since ") in r.stderr
    assert "waited 0.6 s" in r.stderr
    assert f"delete {lock_path(master)}" in r.stderr
    assert sha256(master) == before


def read_holder_user() -> str:
    from sop_xl.base.audit import user_name
    return user_name()


def test_second_process_waits_for_the_first(master: Path) -> None:
    lock = WorkbookLock(master, command="run", wait=0).acquire()
    threading.Timer(1.0, lock.release).start()
    r = _python("import sys; from sop_xl.cli.main import main; "
                "sys.exit(main(['--wait', '20', 'run', '--quiet', '--no-version', sys.argv[1]]))",
                str(master))
    assert r.returncode == 0, r.stderr
    assert "wrote" in r.stdout
    assert not lock_path(master).exists()


def test_wait_comes_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    wb = tmp_path / "b.xlsx"
    _forge(wb, host=socket.gethostname(), pid=os.getpid(), token="other")
    monkeypatch.setenv("SOP_XL_LOCK_WAIT", "0.3")
    t0 = time.monotonic()
    with pytest.raises(WorkbookError) as e:
        WorkbookLock(wb).acquire()
    assert 0.3 <= time.monotonic() - t0 < 2
    assert e.value.code == "file_locked"
    assert e.value.params["holder"] == f"sop-xl run by wang on {socket.gethostname()}, " \
        f"pid {os.getpid()}"


def test_lock_of_a_dead_process_is_taken_over_with_a_notice(tmp_path: Path) -> None:
    wb = tmp_path / "b.xlsx"
    pid = _dead_pid()
    _forge(wb, host=socket.gethostname(), pid=pid)
    seen: list[str] = []
    with WorkbookLock(wb, wait=0, notify=seen.append) as lock:
        assert read_holder(lock_path(wb)).pid == os.getpid()
    assert seen == lock.notices
    assert seen == [f"took over a stale lock left by sop-xl run by wang on "
                    f"{socket.gethostname()}, pid {pid} (since 2026-11-02 08:00:00): "
                    "that process no longer runs"]


def test_old_lock_of_another_host_is_stale_a_fresh_one_is_not(tmp_path: Path) -> None:
    wb = tmp_path / "b.xlsx"
    _forge(wb, host="laptop-7", pid=1234, age=30)
    with pytest.raises(WorkbookError):
        WorkbookLock(wb, wait=0, stale_after=60).acquire()
    _forge(wb, host="laptop-7", pid=1234, age=90)
    seen: list[str] = []
    with WorkbookLock(wb, wait=0, stale_after=60, notify=seen.append):
        pass
    assert len(seen) == 1 and seen[0].endswith("it was not refreshed for 90 s")


def test_empty_lock_file_is_stale_only_after_a_grace_period(tmp_path: Path) -> None:
    wb = tmp_path / "b.xlsx"
    lock_path(wb).write_bytes(b"")
    with pytest.raises(WorkbookError):  # its maker may be writing it right now
        WorkbookLock(wb, wait=0).acquire()
    t = time.time() - 10
    os.utime(lock_path(wb), (t, t))
    seen: list[str] = []
    with WorkbookLock(wb, wait=0, notify=seen.append):
        pass
    assert seen[0].endswith("the lock file was empty or unreadable")


def test_heartbeat_keeps_a_long_run_from_looking_stale(tmp_path: Path) -> None:
    wb = tmp_path / "b.xlsx"
    with WorkbookLock(wb, wait=0, heartbeat=0.05):
        t = time.time() - 1000
        os.utime(lock_path(wb), (t, t))
        time.sleep(0.3)
        assert time.time() - lock_path(wb).stat().st_mtime < 5


def test_release_after_a_takeover_leaves_the_new_holders_lock(tmp_path: Path) -> None:
    wb = tmp_path / "b.xlsx"
    lock = WorkbookLock(wb, wait=0, heartbeat=0).acquire()
    _forge(wb, host="other", pid=1, token="theirs")  # someone judged us stale
    lock.release()
    assert read_holder(lock_path(wb)).token == "theirs"


COUNTER = """
import sys, time
from pathlib import Path
from sop_xl.workbook.lock import WorkbookLock
wb, n = Path(sys.argv[1]), int(sys.argv[2])
counter = wb.with_suffix(".count")
for _ in range(n):
    with WorkbookLock(wb, wait=60, heartbeat=0):
        k = int(counter.read_text())
        time.sleep(0.002)           # widen the read-modify-write window
        counter.write_text(str(k + 1))
"""


def test_processes_never_hold_the_lock_together(tmp_path: Path) -> None:
    """Four processes each do 25 read-modify-writes of a counter under the lock: with
    mutual exclusion no increment is lost."""
    wb = tmp_path / "b.xlsx"
    wb.with_suffix(".count").write_text("0")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", COUNTER, str(wb), "25"], env=env)
             for _ in range(4)]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    assert wb.with_suffix(".count").read_text() == "100"
    assert not lock_path(wb).exists()


def _excel_owner(wb: Path, user: str) -> Path:
    owner = wb.with_name("~$" + wb.name)
    ansi = user.encode("cp1252", "replace")
    owner.write_bytes(bytes([len(user)]) + ansi.ljust(53) + bytes([len(user), 0])
                      + user.encode("utf-16-le").ljust(110, b" "))
    return owner


def test_run_on_a_workbook_open_in_excel_is_refused_before_any_work(master: Path,
                                                                    capsys) -> None:
    _excel_owner(master, "张伟")
    before = sha256(master)
    assert main(["run", str(master)]) == 3
    err = capsys.readouterr().err
    assert err.strip() == (f"{master}: is open in Excel by 张伟 (~$small.xlsx found); close it "
                           "in Excel first, or use the ribbon buttons inside Excel. If Excel "
                           "is not running, delete ~$small.xlsx")
    assert "reading and validating" not in err  # refused before any work
    assert sha256(master) == before
    assert not lock_path(master).exists()


def test_validate_notes_the_open_workbook_and_checks_the_saved_copy(master: Path,
                                                                    capsys) -> None:
    _excel_owner(master, "Li Na")
    assert main(["validate", str(master)]) == 0
    out = capsys.readouterr()
    assert out.err.strip() == ("note: small.xlsx is open in Excel by Li Na; checking the copy "
                               "last saved to disk")
    assert "valid" in out.out


def test_libreoffice_lock_file_is_reported(master: Path) -> None:
    lo = master.with_name(f".~lock.{master.name}#")
    lo.write_text(",zhao,pc-12,02.11.2026 09:15,file:///home/zhao/.config/libreoffice/4;",
                  "utf-8")
    found = open_elsewhere(master)
    assert (found.app, found.user, found.owner_file) == ("LibreOffice", "zhao", lo)
    assert main(["mps", str(master)]) == 3


def test_holder_describes_itself() -> None:
    h = LockHolder("li", "pc", 42, "2026-11-02 08:00:00", "", "t")
    assert h.describe() == "sop-xl by li on pc, pid 42"
