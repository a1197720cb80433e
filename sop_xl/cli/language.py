"""``sop-xl language WORKBOOK en|zh-CN``: what the ribbon's Language buttons do."""

from __future__ import annotations

import argparse


def cmd_language(args: argparse.Namespace) -> int:
    from sop_xl.app.language import switch_language
    from sop_xl.app.master import MasterWorkbook

    report = switch_language(MasterWorkbook.open(args.workbook), args.lang)
    print(report.message())
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("language", help="switch a master workbook between English "
                              "and Chinese sheet names and labels, keeping every value")
    p.add_argument("workbook")
    p.add_argument("lang", choices=["en", "zh-CN"])
    p.set_defaults(func=cmd_language)
