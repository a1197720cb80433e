"""A save killed at any moment leaves the old workbook or the new one, never a broken one.

A workbook big enough that a save takes about half a second is saved by a forked process
that is killed (SIGKILL: no cleanup, no ``finally``) at a uniformly random moment of the
save, 50 times. Each time the file must hash to the old or the new version and open as a
workbook. The leftovers of killed saves (temporary files, lock files, half-copied
backups) must not get in the way of the next save, which cleans them up.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import sys
import time
import zipfile
from pathlib import Path

import pytest

from sop_xl.layout.sheet import SheetContent
from sop_xl.workbook.backups import list_backups
from sop_xl.workbook.file import FileBackend
from sop_xl.workbook.lock import lock_path
from sop_xl.workbook.package import TEMP_PREFIX

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(sys.platform == "win32", reason="needs fork and SIGKILL")]

TRIALS = 50


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _save_in_child(path: Path) -> tuple[int, int]:
    """Fork a process that saves the workbook with a new sheet; (pid, read end of a pipe
    that gets one byte just before the save starts)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: save, then leave without running any of pytest's code
        code = 1
        try:
            os.close(r)
            backend = FileBackend(path, backups=2)
            content = [SheetContent("Notes", rows=[["saved by"], ["the run that was killed"]])]
            os.write(w, b"s")
            backend.write_sheets(content)
            code = 0
        finally:
            os._exit(code)
    os.close(w)
    return pid, r


def _wait_start(r: int) -> None:
    assert os.read(r, 1) == b"s"
    os.close(r)


def _opens(path: Path) -> bool:
    """Every part's checksum is right and the workbook lists its sheets (reading the
    300,000 rows again would triple the test's time; the hash says they are intact)."""
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
    book = FileBackend(path)
    assert book.sheet_names()[0] == "Data"
    book.close()
    return True


def test_killed_saves_leave_the_old_or_the_new_file(tmp_path: Path) -> None:
    rng = random.Random(20261125)
    path = tmp_path / "big.xlsx"
    rows = [["item", "month", "qty", "note"]] + [
        [f"I{i:06d}", i % 60, rng.random() * 1000, "n" * (i % 7)] for i in range(300_000)]
    FileBackend.create(path, [SheetContent("Data", rows=rows)])
    pristine = tmp_path / "pristine.xlsx"
    shutil.copy(path, pristine)
    old = _sha(path)

    # one save to the end: the new version and how long a save takes
    pid, r = _save_in_child(path)
    _wait_start(r)
    t0 = time.perf_counter()
    assert os.waitpid(pid, 0)[1] == 0
    seconds = time.perf_counter() - t0
    new = _sha(path)
    assert new != old and _opens(path)
    assert FileBackend(path).read_sheet("Notes").rows == [["saved by"],
                                                          ["the run that was killed"]]
    assert FileBackend(path).read_sheet("Data").rows[300_000][0] == "I299999"

    outcomes = {"old": 0, "new": 0}
    for _ in range(TRIALS):
        shutil.copy(pristine, path)
        pid, r = _save_in_child(path)
        _wait_start(r)
        time.sleep(rng.uniform(0, seconds))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)  # reaped: a zombie would still count as a live lock holder
        h = _sha(path)
        assert h in (old, new), "the workbook is neither the old nor the new version"
        assert _opens(path)
        outcomes["old" if h == old else "new"] += 1
    # kills landed both before and after the replace (a sanity check of the timing)
    print(f"\n{TRIALS} kills during a {seconds:.2f} s save: {outcomes}")
    assert outcomes["old"] > 0, outcomes

    # whatever the killed saves left behind does not stop the next save, which tidies up
    shutil.copy(pristine, path)
    pid, r = _save_in_child(path)
    _wait_start(r)
    assert os.waitpid(pid, 0)[1] == 0
    assert _sha(path) == new
    assert not lock_path(path).exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(TEMP_PREFIX)] == []
    assert len(list_backups(path)) == 2
    assert not list((tmp_path / ".sop_xl_backups").glob(".~*.part"))
    # a save long enough for kills to land inside it; how long is a benchmark's business
    # (bench/io.py), not this test's: on a loaded machine it takes longer, and that is fine
    assert seconds > 0.1, f"a save took {seconds:.2f} s; the kills need time to land in it"


def _kill_self() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


@pytest.mark.parametrize(("moment", "expect"), [
    ("while the backup is copied", "old"),
    ("after the backup, before the replace", "old"),
    ("right after the replace", "new"),
])
def test_kills_at_the_critical_moments(tmp_path: Path, moment: str, expect: str) -> None:
    """The moments around the rename, hit exactly: the child kills itself there."""
    from sop_xl.workbook import backups, package

    path = tmp_path / "book.xlsx"
    FileBackend.create(path, [SheetContent("Data", rows=[["item"], ["I000000"]])])
    old = _sha(path)
    pid = os.fork()
    if pid == 0:
        try:
            real_copy, real_replace = backups.shutil.copyfile, package.os.replace

            def copy_then_die(src, dst):
                real_copy(src, dst)
                _kill_self()

            def replace(src, dst):
                workbook = Path(dst) == path  # not the rename of the finished backup
                if workbook and moment == "after the backup, before the replace":
                    assert len(list_backups(path)) == 1
                    _kill_self()
                real_replace(src, dst)
                if workbook and moment == "right after the replace":
                    _kill_self()

            if moment == "while the backup is copied":
                backups.shutil.copyfile = copy_then_die
            package.os.replace = replace
            FileBackend(path, backups=2).write_sheets([SheetContent("Notes", rows=[["x"]])])
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    assert (_sha(path) == old) == (expect == "old")
    assert _opens(path)
    # the next save cleans up after the killed one
    FileBackend(path, backups=2).write_sheets([SheetContent("Notes", rows=[["y"]])])
    assert not lock_path(path).exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(TEMP_PREFIX)] == []
    assert not list((tmp_path / ".sop_xl_backups").glob(".~*.part"))
