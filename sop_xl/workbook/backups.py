"""Copies of the previous workbook, kept beside it before every save.

Before a run replaces ``sop_master.xlsx`` the file as it was is copied to
``.sop_xl_backups/sop_master.20261125-192300.xlsx`` (the time of the replacement), and
only the newest ``keep`` copies of that workbook are kept (Settings "Backups kept",
default 3; 0 keeps none). A copy, not a hard link: the backup must not change if some
other program later edits the workbook in place.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import time
from pathlib import Path
from typing import TYPE_CHECKING

from sop_xl.workbook.paths import short_name

if TYPE_CHECKING:
    from sop_xl.workbook.backend import Backend

BACKUP_DIR = ".sop_xl_backups"
DEFAULT_KEEP = 3


def backup_dir(workbook: Path | str) -> Path:
    return Path(workbook).parent / BACKUP_DIR


# what a backup's name adds to the workbook's stem: ".YYYYmmdd-HHMMSS-NN", and the
# half-copied part's ".~" … ".HOST-PID.part" around it
_ROOM = len(".20261206-120000-999") + len(".~") + len(".") + 40 + len("-4194304.part")


def _stem(workbook: Path) -> str:
    """The stem backups are named after: the workbook's, shortened with a hash when a
    time-stamped name would not fit in a file name."""
    return short_name(workbook.stem, "", room=_ROOM + len(workbook.suffix.encode()))


def _pattern(workbook: Path) -> re.Pattern[str]:
    return re.compile(re.escape(_stem(workbook)) + r"\.(\d{8}-\d{6})(?:-(\d+))?"
                      + re.escape(workbook.suffix) + "$")


def list_backups(workbook: Path | str) -> list[Path]:
    """This workbook's backups, newest first."""
    wb = Path(workbook)
    folder = backup_dir(wb)
    if not folder.is_dir():
        return []
    pat = _pattern(wb)
    found = []
    for p in folder.iterdir():
        m = pat.match(p.name)
        if m:
            found.append((m.group(1), int(m.group(2) or 1), p))
    return [p for *_, p in sorted(found, reverse=True)]


def keep_backup(workbook: Path | str, keep: int = DEFAULT_KEEP,
                now: float | None = None) -> Path | None:
    """Copy the workbook as it is now into the backup folder and drop the oldest copies
    beyond ``keep``; the new backup's path, or None when ``keep`` is 0 or there is no
    file yet."""
    wb = Path(workbook)
    if keep <= 0 or not wb.is_file():
        prune(wb, max(keep, 0))
        return None
    folder = backup_dir(wb)
    folder.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    stem = _stem(wb)
    target = folder / f"{stem}.{stamp}{wb.suffix}"
    n = 2
    while target.exists():  # two saves within one second
        target = folder / f"{stem}.{stamp}-{n}{wb.suffix}"
        n += 1
    remove_stale_parts(folder)
    tmp = folder / f".~{target.name}.{_maker()}.part"
    try:
        shutil.copyfile(wb, tmp)
        shutil.copystat(wb, tmp)
        os.replace(tmp, target)  # never a half-copied backup under a backup's name
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    prune(wb, keep)
    return target


_PART = re.compile(r"^\.~.*\.(?P<host>[^.]+)-(?P<pid>\d+)\.part$")
_STALE_PART_AGE = 24 * 3600


def _maker() -> str:
    host = re.sub(r"[^A-Za-z0-9]", "_", socket.gethostname())[:40] or "host"
    return f"{host}-{os.getpid()}"


def remove_stale_parts(folder: Path) -> None:
    """Half-copied backups of killed saves: this host's dead processes', or a day old."""
    from sop_xl.workbook.lock import pid_alive

    host = _maker().rsplit("-", 1)[0]
    now = time.time()
    for p in folder.glob(".~*.part"):
        m = _PART.match(p.name)
        with contextlib.suppress(OSError):
            dead = m is not None and m["host"] == host and not pid_alive(int(m["pid"]))
            if dead or now - p.stat().st_mtime > _STALE_PART_AGE:
                p.unlink()


def prune(workbook: Path | str, keep: int) -> list[Path]:
    """Remove all but the newest ``keep`` backups of the workbook; the removed paths."""
    removed = []
    for p in list_backups(workbook)[max(keep, 0):]:
        with contextlib.suppress(OSError):
            p.unlink()
            removed.append(p)
    return removed


def backups_wanted(backend: Backend) -> int:
    """The "Backups kept" setting of a workbook, or the default when it has none or the
    Settings sheet cannot be read (a backup is never skipped because of a bad cell)."""
    try:
        from sop_xl import contract
        from sop_xl.contract.read import read_settings

        spec = contract.sheet("settings")
        names = {n.lower(): n for n in backend.sheet_names()}
        name = next((names[n.lower()] for n in spec.names() if n.lower() in names), None)
        if name is None:
            return DEFAULT_KEEP
        values, _ = read_settings(spec, backend.read_sheet(name))
        v = values.get("backups")
        return DEFAULT_KEEP if v is None else max(0, int(v))
    except Exception:  # a backup decision must never stop a save
        return DEFAULT_KEEP
