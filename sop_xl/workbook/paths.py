"""Where a workbook really is, whether it may be written, and names of files beside it.

A workbook path is resolved once, symlinks followed (``real_path``): the lock file,
Excel's and LibreOffice's owner files, the temporary file of an atomic save and the
backups all belong beside the real file, and it is the real file that is replaced, never
the link. A file nobody may write (mode 444, the Windows read-only attribute) is refused
rather than replaced (``check_may_write``), and so is a folder nobody may write in: the
new workbook and the lock are made there.

Root may write anything, so for root "read-only" means what the permission bits say: a
file or folder with no write bit at all was made read-only on purpose, and sop-xl honours
that for administrators too.

File names are at most 255 bytes on the file systems planners use; a workbook whose name
is close to that would overflow ``NAME.sopxl-lock`` or a backup's time stamp, so names
beside a workbook are shortened with a hash of the full name (``beside``).
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from sop_xl.base.errors import WorkbookError

NAME_MAX = 255  # bytes of one file name (ext4, APFS, NTFS in UTF-16 units: 255 either way)



def real_path(path: Path | str) -> Path:
    """The absolute path of the file itself: every symlink on the way followed (a
    dangling link gives where it points, so a new file is made there)."""
    return Path(os.path.realpath(Path(path).expanduser()))


def _no_write(st: os.stat_result, path: Path) -> bool:
    if os.name == "nt":
        return not st.st_mode & stat.S_IWRITE  # the read-only attribute
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    return not os.access(path, os.W_OK)


def mode_text(st: os.stat_result, lang: str = "en") -> str:
    """``mode 444, r--r--r--``: the permission bits, as chmod and ``ls -l`` show them."""
    word = "权限" if lang.startswith("zh") else "mode"
    return f"{word} {stat.S_IMODE(st.st_mode):o}, {stat.filemode(st.st_mode)[1:]}"


def check_may_write(path: Path | str, lang: str = "en") -> None:
    """Refuse (WorkbookError, exit 3) a workbook that is read-only, or whose folder is:
    before any work, so a planner is told at once and nothing is half done."""
    p = Path(path)
    try:
        st = p.stat()
    except OSError:
        st = None  # a new file: only the folder matters
    if st is not None and stat.S_ISREG(st.st_mode) and _no_write(st, p):
        raise WorkbookError("file_read_only", str(p), lang, mode=mode_text(st, lang))
    folder = p.parent
    try:
        fst = folder.stat()
    except OSError:
        return  # no such folder: the command reports the missing file
    if os.name != "nt" and (_no_write(fst, folder) or (
            not (hasattr(os, "geteuid") and os.geteuid() == 0)
            and not os.access(folder, os.X_OK))):
        raise WorkbookError("folder_read_only", str(p), lang, folder=str(folder))


def folder_error(path: Path | str, lang: str = "en") -> WorkbookError:
    """The error for a folder that refused a new file (found only when creating it, e.g.
    on a network share whose permissions the mode bits do not show)."""
    p = Path(path)
    return WorkbookError("folder_read_only", str(p), lang, folder=str(p.parent))


def fits(name: str) -> bool:
    return len(name.encode("utf-8")) <= NAME_MAX


def short_name(name: str, tail: str, *, room: int = 0) -> str:
    """``name + tail`` if it fits in a file name (leaving ``room`` bytes for what others
    append), else the start of ``name``, ``~`` and 12 hex digits of its SHA-256, then
    ``tail``: still recognisable, still one name per workbook."""
    if len((name + tail).encode("utf-8")) + room <= NAME_MAX:
        return name + tail
    digest = "~" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:12]
    budget = NAME_MAX - room - len((digest + tail).encode("utf-8"))
    head = name.encode("utf-8")[:max(budget, 0)].decode("utf-8", "ignore")
    return head + digest + tail


def beside(workbook: Path | str, tail: str, *, prefix: str = "", room: int = 0) -> Path:
    """A file next to the workbook named ``prefix + NAME + tail``, shortened to fit."""
    p = Path(workbook)
    return p.with_name(short_name(prefix + p.name, tail, room=room))


def beside_stem(workbook: Path | str, tail: str, *, room: int = 0) -> Path:
    """A file next to the workbook named ``STEM + tail`` (an export, an archive)."""
    p = Path(workbook)
    return p.with_name(short_name(p.stem, tail, room=room))


def exists(path: Path) -> bool:
    """Whether a file is there; a name too long to exist, or a folder that cannot be
    searched, counts as not there rather than an error."""
    try:
        return path.is_file()
    except OSError:
        return False
