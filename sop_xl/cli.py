"""The ``sop-xl`` command: every cycle step headless, on a workbook file.

Exit codes: 0 done, 2 usage or other sop_xl error, 3 workbook unusable, 4 invalid input
cells, 5 data that cannot be planned, 6 a locked or tampered version.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from sop_xl import __version__
from sop_xl.errors import SopXlError

DEFAULT_DEMO = Path("workbooks/demo/sop_master.xlsx")


class Progress:
    """Step names and elapsed seconds on stderr, so stdout stays for results."""

    def __init__(self, quiet: bool = False) -> None:
        self.t0 = time.perf_counter()
        self.quiet = quiet

    def __call__(self, text: str) -> None:
        if not self.quiet:
            print(f"[{time.perf_counter() - self.t0:6.1f}s] {text}", file=sys.stderr,
                  flush=True)


def _book(path: str):
    from sop_xl.workbook.master import MasterWorkbook
    return MasterWorkbook.open(path)


def cmd_template(args: argparse.Namespace) -> int:
    from sop_xl.template import write_template
    path = write_template(args.path, lang=args.lang, force=args.force)
    print(f"wrote {path}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from sop_xl.demo import write_demo
    path = write_demo(args.path, lang=args.lang, force=True)
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
    from sop_xl.cycle import run_steps
    progress = Progress(args.quiet)
    book = _book(args.workbook)
    report = run_steps(book, keys, progress=progress, command=command)
    progress(f"done: {', '.join(report.steps)}")
    print(f"{book.name}: wrote {', '.join(report.sheets)} in {report.seconds:.1f} s; "
          f"{len(report.exceptions)} exceptions")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from sop_xl.cycle import CYCLE
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
    sub = p.add_subparsers(dest="command", required=True)

    t = sub.add_parser("template", help="write an empty master workbook")
    t.add_argument("path")
    t.add_argument("--lang", default="en", choices=["en", "zh-CN"])
    t.add_argument("--force", action="store_true", help="overwrite an existing file")
    t.set_defaults(func=cmd_template)

    d = sub.add_parser("demo", help="write the demo company's master workbook")
    d.add_argument("path", nargs="?", default=str(DEFAULT_DEMO))
    d.add_argument("--lang", default="en", choices=["en", "zh-CN"])
    d.set_defaults(func=cmd_demo)

    v = sub.add_parser("validate", help="check every input cell; exit 4 if any is wrong")
    v.add_argument("workbook")
    v.set_defaults(func=cmd_validate)

    r = sub.add_parser("run", help="the whole monthly cycle, then save a plan version")
    r.add_argument("workbook")
    r.add_argument("--no-version", action="store_true", help="do not save a plan version")
    r.add_argument("--quiet", action="store_true")
    r.set_defaults(func=cmd_run)

    from sop_xl.cycle import STEPS
    for step in STEPS:
        if step.key == "version":
            continue
        s = sub.add_parser(step.key, help=f"{step.en} ({step.zh}) only")
        s.add_argument("workbook")
        s.add_argument("--quiet", action="store_true")
        s.set_defaults(func=_step_command(step.key))

    from sop_xl.commands import register_all
    register_all(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except SopXlError as exc:
        print(exc.render(_lang_of(args)), file=sys.stderr)
        return exc.exit_code


def _lang_of(args: argparse.Namespace) -> str:
    path = getattr(args, "workbook", None)
    if not path:
        return getattr(args, "lang", "en")
    try:
        return _book(path).language
    except Exception:  # the workbook may be what is broken
        return "en"


if __name__ == "__main__":
    raise SystemExit(main())
