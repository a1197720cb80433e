"""The ``sop-xl`` command: every cycle step headless, on a workbook file.

Exit codes: 0 done, 1 internal error (a bug; the message says whether the workbook was
saved), 2 usage or other sop_xl error, 3 workbook unusable (missing, corrupt, not a
workbook, open in Excel, locked by another run, could not be saved), 4 invalid input
cells, 5 data that cannot be planned, 6 a locked or tampered version, 130 interrupted.

A command that writes a workbook first checks that no Excel or LibreOffice has it open,
then holds its lock file (sop_xl.workbook.lock) from before reading until after writing,
so two runs never interleave; ``--wait`` (or ``SOP_XL_LOCK_WAIT``) says how many seconds
to wait for another run. Commands that only read (``validate``) take no lock.
"""

from __future__ import annotations

import argparse
import contextlib
import locale
import os
import sys
import time
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path

from sop_xl import __version__
from sop_xl.base.errors import SopXlError, WorkbookError
from sop_xl.base.messages import Language, message

DEFAULT_DEMO = Path("workbooks/demo/sop_master.xlsx")
DEFAULT_PLANTS_DEMO = Path("workbooks/demo/sop_master_plants.xlsx")
EXECUTOR_HELP = ("where the statistical forecast runs: local (every core of this computer, the "
                 "default), serial, or dask://HOST:PORT (a Dask scheduler); default: "
                 "$SOP_XL_DASK, else Settings \"Forecast executor\"")


class Progress:
    """Step names and elapsed seconds on stderr, so stdout stays for results."""

    def __init__(self, quiet: bool = False) -> None:
        self.t0 = time.perf_counter()
        self.quiet = quiet
        self.last = ""
        # SOP_XL_PROGRESS_CPU=1 (bench/month.py) adds the CPU seconds of this process and
        # of the workers it has finished with: on a shared machine they time the code
        self.cpu = os.environ.get("SOP_XL_PROGRESS_CPU") == "1"

    def __call__(self, text: str) -> None:
        # a step and the engine it starts may announce the same thing: say it once
        said = self.last.startswith(text)
        self.last = text
        if not self.quiet and not said:
            cpu = f" cpu {sum(os.times()[:4]):6.1f}s" if self.cpu else ""
            print(f"[{time.perf_counter() - self.t0:6.1f}s{cpu}] {text}", file=sys.stderr,
                  flush=True)


def _book(path: str):
    """The master workbook at ``path``; a workbook with none of the input sheets is
    refused as a whole rather than with one "sheet missing" line per sheet."""
    from sop_xl import contract
    from sop_xl.app.master import MasterWorkbook
    book = MasterWorkbook.open(path)
    specs = contract.inputs()
    if not any(book.sheet_name(s) for s in specs):
        lang = _fallback_lang()
        raise WorkbookError("not_master", str(path), lang,
                            sheets=", ".join(s.name(lang) for s in specs[:3]) + ", …")
    return book


def cmd_template(args: argparse.Namespace) -> int:
    from sop_xl.app.template import write_template
    path = write_template(args.path, lang=args.lang, force=args.force)
    print(f"wrote {path}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from sop_xl.demo import write_demo
    if args.erp_exports:
        from sop_xl.demo.erp_exports import write_erp_exports
        files = write_erp_exports(args.erp_exports)
        print(f"wrote {len(files)} ERP exports under {args.erp_exports} (sap/, kingdee/)")
        if args.path is None:
            return 0
    path = write_demo(args.path or (DEFAULT_PLANTS_DEMO if args.plants else DEFAULT_DEMO),
                      lang=args.lang, force=True, plants=args.plants)
    print(f"wrote {path}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    book = _book(args.workbook)
    inputs = book.read_inputs()
    print(f"{book.name}: valid — {len(inputs.items)} items, {len(inputs.bom)} BOM lines, "
          f"{len(inputs.sales_history)} history rows, planning month "
          f"{inputs.settings.planning_month}")
    return 0


def _run(args: argparse.Namespace, keys: Sequence[str], command: str) -> int:
    from sop_xl.app.cycle import run_steps
    progress = Progress(args.quiet)
    book = _book(args.workbook)
    report = run_steps(book, keys, progress=progress, command=command,
                       executor=getattr(args, "executor", None))
    progress(f"done: {', '.join(report.steps)}")
    for notice in report.notices:
        print(f"note: {notice}" if not book.language.startswith("zh") else f"注意：{notice}",
              file=sys.stderr)
    found = "" if report.exceptions is None else f"; {len(report.exceptions)} exceptions"
    print(f"{book.name}: wrote {', '.join(report.sheets)} in {report.seconds:.1f} s{found}")
    backup = getattr(book.backend, "last_backup", None)
    if backup is not None:
        print(message("backup_kept", book.language, path=backup))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from sop_xl.app.cycle import CYCLE
    keys = [k for k in CYCLE if not (args.no_version and k == "version")]
    return _run(args, keys, "run")


def _step_command(key: str):
    def run(args: argparse.Namespace) -> int:
        return _run(args, [key], key)
    return run


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="sop-xl", description="Sales & Operations Planning in "
                                "Excel workbooks, headless.")
    p.add_argument("--version", action="version", version=f"sop-xl {__version__}")
    p.add_argument("--wait", type=float, default=None, metavar="SECONDS",
                   help="how long to wait for another sop-xl run writing the same workbook "
                        "(default: $SOP_XL_LOCK_WAIT or 5)")
    sub = p.add_subparsers(dest="command", required=True)

    t = sub.add_parser("template", help="write an empty master workbook")
    t.add_argument("path")
    t.add_argument("--lang", default="en", choices=["en", "zh-CN"])
    t.add_argument("--force", action="store_true", help="overwrite an existing file")
    t.set_defaults(func=cmd_template)

    d = sub.add_parser("demo", help="write the demo company's master workbook")
    d.add_argument("path", nargs="?", default=None,
                   help=f"the master workbook to write (default: {DEFAULT_DEMO})")
    d.add_argument("--lang", default="en", choices=["en", "zh-CN"])
    d.add_argument("--plants", action="store_true",
                   help="the demo over three sites: assembly, castings and machining, a "
                        "regional warehouse, with transfers")
    d.add_argument("--erp-exports", metavar="DIR",
                   help="also (or, without PATH, only) write the demo's ERP data as SAP-style "
                        "and Kingdee-style exports under DIR, for sop-xl import")
    d.set_defaults(func=cmd_demo)

    v = sub.add_parser("validate", help="check every input cell; exit 4 if any is wrong")
    v.add_argument("workbook")
    v.set_defaults(func=cmd_validate, writes=False)

    r = sub.add_parser("run", help="the whole monthly cycle, then save a plan version")
    r.add_argument("workbook")
    r.add_argument("--no-version", action="store_true", help="do not save a plan version")
    r.add_argument("--quiet", action="store_true")
    r.add_argument("--executor", metavar="WHERE", help=EXECUTOR_HELP)
    r.set_defaults(func=cmd_run)

    from sop_xl.app.cycle import STEPS
    for step in STEPS:
        if step.key == "version":
            continue
        s = sub.add_parser(step.key, help=f"{step.label('en')} ({step.label('zh-CN')}) only")
        s.add_argument("workbook")
        s.add_argument("--quiet", action="store_true")
        if step.key == "forecast":
            s.add_argument("--executor", metavar="WHERE", help=EXECUTOR_HELP)
        s.set_defaults(func=_step_command(step.key))

    from sop_xl.cli import register_all
    register_all(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _resolve(args)
    target = _target(args)
    before = _identity(target)
    try:
        with _guard(args, target):
            return args.func(args)
    except SopXlError as exc:
        print(exc.render(_lang_of(args)), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(message("interrupted", _lang_of(args)), file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: say so, and say whether the workbook was touched
        traceback.print_exc(file=sys.stderr)
        changed = target is not None and _identity(target) != before
        code = "internal_error_saved" if changed else "internal_error"
        print(message(code, _lang_of(args), detail=f"{type(exc).__name__}: {exc}"),
              file=sys.stderr)
        return 1


def _resolve(args: argparse.Namespace) -> None:
    """Resolve the workbook's path once, symlinks followed: the command, its lock and the
    check for Excel's and LibreOffice's owner files all work on the real file, and it is
    the real file that is replaced (a link stays a link)."""
    from sop_xl.workbook.paths import real_path
    for attr in ("workbook", "path"):
        value = getattr(args, attr, None)
        if isinstance(value, str) and value:
            setattr(args, attr, str(real_path(value)))


def _target(args: argparse.Namespace) -> Path | None:
    """The workbook a command works on: ``workbook`` or, for template/demo, ``path``."""
    path = getattr(args, "workbook", None) or getattr(args, "path", None)
    return Path(path) if path else None


def _identity(path: Path | None) -> tuple[int, int, int] | None:
    if path is None:
        return None
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


@contextlib.contextmanager
def _guard(args: argparse.Namespace, target: Path | None) -> Iterator[None]:
    """Before any work: refuse a workbook open in Excel/LibreOffice (a read-only command
    only notes it), then hold the workbook's lock while a writing command runs."""
    from sop_xl.workbook.lock import WorkbookLock, lock_path, open_elsewhere
    from sop_xl.workbook.paths import check_may_write

    if target is None:
        yield
        return
    writes = getattr(args, "writes", True)
    if writes:
        try:  # a read-only file or folder: exit 3 at once, in the workbook's language
            check_may_write(target)
        except WorkbookError:
            check_may_write(target, _lang_of(args))
    elsewhere = open_elsewhere(target) if target.exists() else None
    if elsewhere is not None:
        if writes:
            raise elsewhere.error(target)
        print(elsewhere.notice(target, _lang_of(args)), file=sys.stderr)
    if not writes:
        yield
        return
    if not target.parent.is_dir():
        if getattr(args, "workbook", None):
            yield  # no such folder: the command reports the missing file
            return
        target.parent.mkdir(parents=True, exist_ok=True)  # template/demo make new files
    # a notice about a stale lock is worded in the workbook's language; finding that
    # language costs a read of Settings, so only when there is a lock file to talk about
    lang = _lang_of(args) if lock_path(target).exists() else _fallback_lang()
    lock = WorkbookLock(target, command=getattr(args, "command", "") or "", wait=args.wait,
                        lang=lang, notify=lambda text: print(text, file=sys.stderr))
    with lock:
        yield


def _fallback_lang() -> str:
    """The language when the workbook cannot say: ``SOP_XL_LANG``, else the system
    locale (zh_CN → 简体中文), else English."""
    for value in (os.environ.get("SOP_XL_LANG"), os.environ.get("LC_ALL"),
                  os.environ.get("LC_MESSAGES"), os.environ.get("LANG"),
                  locale.getlocale()[0]):
        if value:
            return Language.of(value).value
    return "en"


def _lang_of(args: argparse.Namespace) -> str:
    path = getattr(args, "workbook", None)
    if not path:
        return getattr(args, "lang", None) or _fallback_lang()
    try:
        from sop_xl import contract
        from sop_xl.app.master import MasterWorkbook
        book = MasterWorkbook.open(path)
        if not any(book.sheet_name(s) for s in contract.inputs()):
            return _fallback_lang()
        return book.language
    except Exception:  # the workbook may be what is broken
        return _fallback_lang()


if __name__ == "__main__":
    raise SystemExit(main())
