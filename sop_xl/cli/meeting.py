"""``sop-xl meeting MASTER [--out PATH] [--pdf]``: the S&OP meeting pack."""

from __future__ import annotations

import argparse

from sop_xl.base.messages import message


def register(subparsers) -> None:
    p = subparsers.add_parser("meeting", help="write the S&OP meeting pack (a separate "
                              "workbook, optionally a PDF) from the master")
    p.add_argument("workbook", metavar="MASTER")
    p.add_argument("--out", metavar="PATH",
                   help='the pack (default: "<master> meeting <month>.xlsx" beside it)')
    p.add_argument("--previous", metavar="PATH", help="last month's pack, when it is not "
                   "beside the master or the new pack")
    p.add_argument("--pdf", action="store_true", help="also render it as PDF (LibreOffice)")
    p.add_argument("--force", action="store_true",
                   help="overwrite this month's pack even if decisions were typed into it")
    p.set_defaults(func=cmd_meeting)


def cmd_meeting(args: argparse.Namespace) -> int:
    from sop_xl.faces.meeting import write_meeting

    report = write_meeting(args.workbook, args.out, previous=args.previous, pdf=args.pdf,
                           force=args.force)
    lang = report.data.lang
    month = report.data.planning_month
    if report.previous is not None:
        print(message("mp_cli_previous", lang, n=len(report.previous.rows),
                      file=report.previous.path.name))
    else:
        print(message("mp_cli_no_previous", lang, month=month - 1))
    print(message("mp_cli_logged", lang, kpis=report.logged_kpis,
                  decisions=report.logged_decisions, master=report.data.master))
    print(message("mp_cli_wrote", lang, path=report.path))
    if report.pdf is not None:
        print(message("mp_cli_wrote", lang, path=report.pdf))
    return 0
