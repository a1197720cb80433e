"""``sop-xl import``: fill the input sheets from ERP exports or a database."""

from __future__ import annotations

import argparse
import sys


def cmd_import(args: argparse.Namespace) -> int:
    from sop_xl.app.imports import describe, import_sources, load, shipped
    from sop_xl.cli.main import Progress, _book
    if args.list_profiles:
        for name in shipped():
            print(f"{name}: {load(name).title}")
        return 0
    if not args.workbook:
        print("sop-xl import: give the master workbook: sop-xl import MASTER --from SOURCE "
              "[--profile NAME]", file=sys.stderr)
        return 2
    book = _book(args.workbook)
    report = import_sources(book, args.source, args.profile, check_only=args.check,
                            user=args.by or "", progress=Progress(args.quiet))
    verb = "would write" if args.check else "wrote"
    print(f"{book.name}: {verb} from {report.source} with profile {report.profile}:")
    print(describe(report, book.language))
    backup = getattr(book.backend, "last_backup", None)
    if backup is not None and not args.check:
        print(f"previous version kept as {backup}", file=sys.stderr)
    return 0


def register(sub) -> None:
    p = sub.add_parser("import", help="fill the input sheets from ERP exports (Kingdee, SAP) "
                       "or a database; every line checked, nothing written unless all is valid")
    p.add_argument("workbook", nargs="?")
    p.add_argument("--from", dest="source", metavar="SOURCE",
                   help="a folder or file of exports (.csv, .txt, .xlsx, .xls; .parquet or "
                        ".duckdb for sales history) or a database URL")
    p.add_argument("--profile", default="sap",
                   help="a shipped profile (sap, kingdee, database) or a .toml file "
                        "(default: sap)")
    p.add_argument("--check", action="store_true", help="check everything, write nothing")
    p.add_argument("--by", help="who imports (default: the login name)")
    p.add_argument("--list-profiles", action="store_true", help="list the shipped profiles")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_import)
