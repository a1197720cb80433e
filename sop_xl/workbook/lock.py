"""Who else is using a workbook: sop-xl's own lock file, and Excel's or LibreOffice's.

Two ``sop-xl`` runs writing one workbook would each read the same month and the second
would overwrite the first's plan. A run that writes therefore holds a lock file beside the
workbook (``NAME.sopxl-lock``) from before it reads until after it has written. The file
names its holder (user, host, pid, command, start time); a second run waits a short,
configurable time (``SOP_XL_LOCK_WAIT`` seconds, default 5) and then refuses with that
name. A live holder touches the file every ``HEARTBEAT`` seconds, so a lock is stale when
its holder's process is gone (same host) or the file has not been touched for
``STALE_AFTER`` seconds (any host, e.g. a laptop that went to sleep on a network share);
a stale lock is taken over with a notice.

Excel keeps an owner file ``~$NAME`` beside a workbook it has open, LibreOffice a
``.~lock.NAME#`` file. Writing the file under an open workbook is pointless (Excel would
save its own copy over it, or on Windows the replace fails), so ``open_elsewhere`` reports
it before any work is done.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import socket
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from sop_xl.base.audit import user_name
from sop_xl.base.errors import WorkbookError
from sop_xl.base.messages import message
from sop_xl.workbook.paths import beside, exists, folder_error, real_path

LOCK_SUFFIX = ".sopxl-lock"
DEFAULT_WAIT = 5.0       # seconds a second run waits for the first before refusing
STALE_AFTER = 600.0      # seconds without a heartbeat after which a lock is stale
HEARTBEAT = 30.0         # seconds between touches of a held lock file
_POLL = 0.2              # seconds between attempts while waiting
_HALF_WRITTEN_GRACE = 2.0  # an empty/garbled lock younger than this is still being written
_STALE_TAIL = ".stale-00000000"  # what a takeover appends to the lock's name


def default_wait() -> float:
    """The wait from ``SOP_XL_LOCK_WAIT`` (seconds), else ``DEFAULT_WAIT``."""
    try:
        return max(0.0, float(os.environ.get("SOP_XL_LOCK_WAIT", DEFAULT_WAIT)))
    except ValueError:
        return DEFAULT_WAIT


def lock_path(workbook: Path | str) -> Path:
    """The lock file of a workbook: ``NAME.sopxl-lock`` beside the real file (symlinks
    followed), its name shortened with a hash when ``NAME`` is near the 255-byte limit
    (room is left for the ``.stale-…`` name a takeover moves it to)."""
    return beside(real_path(workbook), LOCK_SUFFIX, room=len(_STALE_TAIL))


@dataclass(frozen=True)
class LockHolder:
    """What a lock file says about the run holding it."""

    user: str
    host: str
    pid: int
    since: str       # local time the lock was taken, "YYYY-mm-dd HH:MM:SS"
    command: str
    token: str       # unique per acquisition, so a holder only ever removes its own lock

    def describe(self, lang: str = "en") -> str:
        what = f"sop-xl {self.command}" if self.command else "sop-xl"
        return message("lock_holder", lang, what=what, user=self.user, host=self.host,
                       pid=self.pid)


class LockedError(WorkbookError):
    """Another run holds the workbook's lock; names the holder in the reader's language."""

    def __init__(self, workbook: Path, lang: str, holder: LockHolder | None, wait: float,
                 lock: Path) -> None:
        self.holder = holder
        super().__init__("file_locked", str(workbook), lang, holder="?",
                         since=holder.since if holder else "?", wait=f"{wait:g}",
                         lock=str(lock))

    def render(self, lang: str = "en") -> str:
        self.params["holder"] = self.holder.describe(lang) if self.holder else "?"
        return super().render(lang)


def read_holder(path: Path) -> LockHolder | None:
    """The holder named in a lock file, or None if it is missing, empty or garbled."""
    try:
        data = json.loads(path.read_text("utf-8"))
        return LockHolder(str(data["user"]), str(data["host"]), int(data["pid"]),
                          str(data["since"]), str(data.get("command", "")), str(data["token"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine."""
    if pid <= 0:
        return False
    if sys.platform == "win32":  # os.kill(pid, 0) would send CTRL_C_EVENT on Windows
        import ctypes
        kernel = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        kernel.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _age_text(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


class HeldLocks:
    """The workbook locks this process holds, and how deeply: the CLI takes the lock for a
    whole command, the file backend takes it again around each write and must not wait
    for itself. Its lifetime is the process's (one instance, ``HELD``); a forked child
    starts with none."""

    def __init__(self) -> None:
        self._locks: dict[str, list] = {}  # resolved path → [outermost lock, depth]
        self._guard = threading.Lock()
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=self._locks.clear)

    def __contains__(self, key: str) -> bool:
        return key in self._locks

    def enter(self, key: str) -> WorkbookLock | None:
        """The outermost lock if this process holds ``key`` already (now one deeper)."""
        with self._guard:
            entry = self._locks.get(key)
            if entry is None:
                return None
            entry[1] += 1
            return entry[0]

    def hold(self, key: str, lock: WorkbookLock) -> None:
        with self._guard:
            self._locks[key] = [lock, 1]

    def leave(self, key: str) -> WorkbookLock | None:
        """One level less; the outermost lock when this was the last, for releasing."""
        with self._guard:
            entry = self._locks.get(key)
            if entry is None:
                return None
            entry[1] -= 1
            if entry[1] > 0:
                return None
            del self._locks[key]
            return entry[0]


HELD = HeldLocks()


def _key(path: Path) -> str:
    return os.path.normcase(os.path.realpath(path))


def held_here(workbook: Path | str) -> bool:
    """Whether this process holds the workbook's lock."""
    return _key(Path(workbook)) in HELD


class WorkbookLock:
    """The lock on one workbook, as a context manager.

    ``wait``: seconds to wait for another holder (default ``default_wait()``);
    ``stale_after``: seconds without a heartbeat after which another holder's lock is
    stale; ``notify`` receives the notice when a stale lock is taken over.
    """

    def __init__(self, workbook: Path | str, *, command: str = "", wait: float | None = None,
                 stale_after: float = STALE_AFTER, heartbeat: float = HEARTBEAT,
                 lang: str = "en", notify: Callable[[str], None] | None = None) -> None:
        self.workbook = real_path(workbook)
        self.path = lock_path(self.workbook)
        self.command = command
        self.wait = default_wait() if wait is None else wait
        self.stale_after = stale_after
        self.heartbeat = heartbeat
        self.lang = lang
        self.notify = notify
        self.notices: list[str] = []
        self.holder: LockHolder | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._nested = False

    # -- taking and giving back ----------------------------------------------------------
    def acquire(self) -> WorkbookLock:
        key = _key(self.workbook)
        outer = HELD.enter(key)
        if outer is not None:
            self._nested = True
            self.holder = outer.holder
            return self
        deadline = time.monotonic() + self.wait
        me = LockHolder(user_name(), socket.gethostname(), os.getpid(),
                        time.strftime("%Y-%m-%d %H:%M:%S"), self.command, uuid.uuid4().hex)
        while True:
            if self._try_create(me):
                break
            other = read_holder(self.path)
            why = self._stale_reason(other)
            if why is not None:
                if self._take_over(other):
                    self._notice(other, why)
                continue
            if time.monotonic() >= deadline:
                raise LockedError(self.workbook, self.lang, other, self.wait, self.path)
            time.sleep(_POLL)
        self.holder = me
        HELD.hold(key, self)
        if self.heartbeat > 0:
            self._thread = threading.Thread(target=self._beat, name="sop-xl lock heartbeat",
                                            daemon=True)
            self._thread.start()
        return self

    def release(self) -> None:
        owner = HELD.leave(_key(self.workbook))
        if owner is None:
            return
        owner._stop.set()
        if owner._thread is not None:
            owner._thread.join(timeout=5)
        current = read_holder(owner.path)
        # only our own lock is removed: after a takeover the file is someone else's
        if current is not None and owner.holder is not None \
                and current.token == owner.holder.token:
            with contextlib.suppress(FileNotFoundError):
                owner.path.unlink()

    def __enter__(self) -> WorkbookLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()

    # -- internals -----------------------------------------------------------------------
    def _try_create(self, me: LockHolder) -> bool:
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            return False
        except OSError as exc:
            if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
                # a read-only folder (or share): no lock, so no write either; in words
                raise folder_error(self.workbook, self.lang) from None
            raise
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(asdict(me), fh, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
        return True

    def _stale_reason(self, other: LockHolder | None) -> str | None:
        try:
            age = time.time() - self.path.stat().st_mtime
        except FileNotFoundError:
            return None  # released meanwhile: the next attempt creates it
        if other is None:
            return message("lock_why_garbled", self.lang) \
                if age > _HALF_WRITTEN_GRACE else None
        if other.host == socket.gethostname() and not pid_alive(other.pid):
            return message("lock_why_dead", self.lang)
        if age > self.stale_after:
            return message("lock_why_old", self.lang, age=_age_text(age))
        return None

    def _take_over(self, judged: LockHolder | None) -> bool:
        """Move the stale lock aside; put it back if it turns out to be a fresh one that
        another run created between our look and our move."""
        aside = self.path.with_name(f"{self.path.name}{_STALE_TAIL[:-8]}{uuid.uuid4().hex[:8]}")
        try:
            os.replace(self.path, aside)
        except FileNotFoundError:
            return False
        moved = read_holder(aside)
        same = (moved is None and judged is None) or (
            moved is not None and judged is not None and moved.token == judged.token)
        if not same:
            with contextlib.suppress(OSError):
                os.link(aside, self.path)  # fails if yet another lock exists: leave that
        with contextlib.suppress(OSError):
            aside.unlink()
        return same

    def _notice(self, other: LockHolder | None, why: str) -> None:
        text = message("lock_stale_taken", self.lang,
                       holder=other.describe(self.lang) if other else "?",
                       since=other.since if other else "?", why=why)
        self.notices.append(text)
        if self.notify is not None:
            self.notify(text)

    def _beat(self) -> None:
        while not self._stop.wait(self.heartbeat):
            current = read_holder(self.path)
            if current is None or self.holder is None or current.token != self.holder.token:
                return  # taken over: someone judged us stale
            with contextlib.suppress(OSError):
                os.utime(self.path)


# -- Excel and LibreOffice -------------------------------------------------------------

@dataclass(frozen=True)
class OpenElsewhere:
    """A spreadsheet application has the workbook open: its owner file and user."""

    app: str          # "Excel" or "LibreOffice"
    owner_file: Path
    user: str

    def error(self, workbook: Path | str, lang: str = "en") -> WorkbookError:
        if self.app == "Excel":
            return WorkbookError("file_open_in_excel", str(workbook), lang,
                                 owner=self.owner_file.name, user=self.user)
        return WorkbookError("file_open_in_libreoffice", str(workbook), lang,
                             owner=self.owner_file.name, user=self.user)

    def notice(self, workbook: Path | str, lang: str = "en") -> str:
        return message("file_open_notice", lang, name=Path(workbook).name, app=self.app,
                       user=self.user)


def excel_owner_files(workbook: Path) -> list[Path]:
    """Where Excel puts its owner file: ``~$`` + the workbook's name, beside it."""
    return [workbook.with_name(f"~${workbook.name}")]


def libreoffice_owner_file(workbook: Path) -> Path:
    """Where LibreOffice puts its lock file: ``.~lock.NAME#`` beside the workbook."""
    return workbook.with_name(f".~lock.{workbook.name}#")


def _excel_owner_user(data: bytes) -> str:
    """The user name in an Excel owner file: a length byte, the name in the ANSI code page
    padded with spaces to 54 bytes, then (newer versions) the length again and the name in
    UTF-16LE. The wide copy is preferred: it spells 张伟 where ANSI has ??."""
    if not data or not 0 < data[0] <= 53:
        return "?"
    n = data[0]
    narrow = data[1:1 + n].decode("cp1252", "replace").strip()
    for at in range(55, 59):  # the wide name follows its own length byte (and a 0)
        if data[at - 1] != n and data[at - 2:at] != bytes([n, 0]):
            continue
        wide = data[at:at + 2 * n]
        if len(wide) < 2 * n:
            break
        try:
            text = wide.decode("utf-16-le")
        except UnicodeDecodeError:
            continue
        agrees = all(a == b for a, b in zip(narrow, text, strict=False) if a != "?")
        if text.isprintable() and text.strip() and agrees:
            return text.strip()
    return narrow or "?"


def open_elsewhere(workbook: Path | str) -> OpenElsewhere | None:
    """Excel's or LibreOffice's owner file beside the real workbook (symlinks followed),
    if there is one."""
    wb = real_path(workbook)
    for owner in excel_owner_files(wb):
        if exists(owner):
            try:
                user = _excel_owner_user(owner.read_bytes()[:512])
            except OSError:
                user = "?"
            return OpenElsewhere("Excel", owner, user)
    lo = libreoffice_owner_file(wb)
    if exists(lo):
        try:
            fields = lo.read_text("utf-8", "replace").split(",")
            user = (fields[0] or (fields[1] if len(fields) > 1 else "")).strip() or "?"
        except OSError:
            user = "?"
        return OpenElsewhere("LibreOffice", lo, user)
    return None
