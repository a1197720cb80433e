"""``sop-xl assistants split|collect``: the sales assistants' M+3 forecast round."""

from __future__ import annotations

import argparse
from pathlib import Path

from sop_xl.base.messages import message


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

    lang = MasterWorkbook.open(args.workbook).language
    report = split(args.workbook, args.out)
    print(message("asst_cli_split", lang, n=len(report.files), month=report.planning_month,
                  folder=args.out))
    for f in report.files:
        print(message("asst_cli_file", lang, file=f.path.name, assistant=f.assistant,
                      department=f.department or "-", items=f.items))
        if f.from_history:
            print(message("asst_cli_from_history", lang, items=", ".join(f.from_history)))
    if len(report.unassigned):
        items = "; ".join(f"{r.department or '-'}: {r.item}" for r in
                          report.unassigned.itertuples(index=False))
        print(message("asst_cli_unassigned", lang, items=items))
    return 0


def cmd_collect(args: argparse.Namespace) -> int:
    from sop_xl.app.master import MasterWorkbook
    from sop_xl.faces.assistants import collect

    book = MasterWorkbook.open(args.workbook)
    lang = book.language
    report = collect(Path(args.folder), args.workbook, replace=args.replace)
    for r in report.accepted:
        print(message("asst_cli_accepted", lang, file=r.path.name, assistant=r.assistant,
                      rows=len(r.lines), flagged=r.flagged))
        if r.path.name in report.replaced:
            print(message("asst_cli_replaced", lang, note=report.replaced[r.path.name]))
    for name, when in report.skipped.items():
        print(message("asst_cli_skipped", lang, file=name, when=when))
    for name, problems in report.refused.items():
        print(message("asst_cli_refused", lang, file=name))
        for p in problems:
            print("  - " + p.render(lang))
    key = "asst_cli_written" if report.written else "asst_cli_nothing"
    print(message(key, lang, master=book.name))
    month = book.read_settings().planning_month
    if report.missing:
        print(message("asst_cli_missing", lang, month=month, names=", ".join(report.missing)))
    else:
        print(message("asst_cli_all_in", lang, month=month))
    return 4 if report.refused else 0
