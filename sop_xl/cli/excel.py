"""``sop-xl build`` and ``sop-xl excel install``: the workbooks and add-in for Excel users."""

from __future__ import annotations

import argparse
from pathlib import Path

DEFAULT_OUT = Path("workbooks")


def cmd_build(args: argparse.Namespace) -> int:
    from sop_xl.excel.addin import build_workbooks

    xlsm, xlam = build_workbooks(args.out, lang=args.lang)
    print(f"wrote {xlsm}")
    print(f"wrote {xlam}")
    return 0


def cmd_install(args: argparse.Namespace) -> int:
    from sop_xl.base.errors import SopXlError
    from sop_xl.excel.setup import current_system, install, plan_install

    system = args.system or current_system()
    if system == "linux" and args.dry_run:
        system = "windows"
        print("Excel does not run on Linux; this is what `sop-xl excel install` would do on "
              "Windows (--for macos shows macOS):\n")
    plan = plan_install(system, directory=Path(args.dir) if args.dir else None,
                        addin=Path(args.addin) if args.addin else None,
                        user_config=not args.no_user_config)
    if args.dry_run:
        print(plan.describe())
        return 0
    if system != current_system():
        raise SopXlError(f"--for {system} only works with --dry-run; install on the "
                         f"{system} machine itself")
    for line in install(plan):
        print(line)
    return 0


def register(subparsers) -> None:
    b = subparsers.add_parser("build", help="build the macro workbook and the Excel add-in "
                              "(sop_master.xlsm, sop_xl.xlam) from sop_xl/excel/macros")
    b.add_argument("--out", type=Path, default=DEFAULT_OUT,
                   help=f"folder to write them to (default: {DEFAULT_OUT})")
    b.add_argument("--lang", default="en", choices=["en", "zh-CN"],
                   help="language of the master workbook's sheets")
    b.set_defaults(func=cmd_build)

    e = subparsers.add_parser("excel", help="set up Excel on this machine")
    sub = e.add_subparsers(dest="excel_command", required=True)
    i = sub.add_parser("install", help="put the S&OP add-in in Excel's startup folder and "
                       "point it at this Python")
    i.add_argument("--dry-run", action="store_true", help="only print what would be done")
    i.add_argument("--for", dest="system", choices=["windows", "macos"],
                   help="with --dry-run: show the steps for this system")
    i.add_argument("--dir", help="install into this folder instead of Excel's XLSTART")
    i.add_argument("--addin", help="an already built sop_xl.xlam (default: build one)")
    i.add_argument("--no-user-config", action="store_true",
                   help="leave the user's sop_xl.conf alone")
    i.set_defaults(func=cmd_install)
