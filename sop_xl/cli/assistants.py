"""``sop-xl assistants split|collect``: the sales assistants' M+3 forecast round."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers) -> None:
    p = subparsers.add_parser("assistants", help="sales assistants' M+3 forecast workbooks: "
                              "split the master into one per assistant, collect them back")
    sub = p.add_subparsers(dest="assistants_command", required=True)
    s = sub.add_parser("split", help="one workbook per sales assistant with only their items")
    s.add_argument("workbook", metavar="MASTER")
    s.add_argument("--out", required=True, metavar="DIR", help="folder for the workbooks")
    s.set_defaults(func=cmd_split)
    c = sub.add_parser("collect", help="check returned workbooks and consolidate them into "
                       "the master's SalesForecast")
    c.add_argument("folder", metavar="DIR")
    c.add_argument("workbook", metavar="MASTER")
    c.add_argument("--replace", action="store_true",
                   help="let a new file replace an assistant's earlier submission (logged)")
    c.set_defaults(func=cmd_collect)


def cmd_split(args: argparse.Namespace) -> int:
    from sop_xl.app.master import MasterWorkbook
    from sop_xl.faces.assistants import split
    from sop_xl.faces.assistants.buttons import split_lines

    lang = MasterWorkbook.open(args.workbook).language
    report = split(args.workbook, args.out)
    print("\n".join(split_lines(report, lang, args.out)))
    return 0


def cmd_collect(args: argparse.Namespace) -> int:
    from sop_xl.app.master import MasterWorkbook
    from sop_xl.faces.assistants import collect
    from sop_xl.faces.assistants.buttons import collect_lines

    report = collect(Path(args.folder), args.workbook, replace=args.replace)
    print("\n".join(collect_lines(report, MasterWorkbook.open(args.workbook))))
    return 4 if report.refused else 0
