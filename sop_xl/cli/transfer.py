"""``sop-xl transfer …``: send the active version to demand management; query the log."""

from __future__ import annotations

import argparse

import pandas as pd

from sop_xl.app.master import MasterWorkbook


def cmd_run(args: argparse.Namespace) -> int:
    from sop_xl.app.transfer import transfer
    book = MasterWorkbook.open(args.workbook)
    level = args.level or str(book.read_settings().transfer_level)
    r = transfer(book, version=args.version, periods=args.periods, plan_type=args.plan_type,
                 deduct=args.deduct, backward=args.backward, forward=args.forward,
                 export=args.export, user=args.by or "", level=level)
    row = r.log_row
    print(f"{book.name}: transfer {r.transfer_id} of version 000 (copy of {row['source']}), "
          f"{row['plan_type']} plan, {row['periods']} periods {row['first_period']}.."
          f"{row['last_period']}: {row['items']} {'families' if level == 'family' else 'items'}, "
          f"{row['transferred_qty']:g} pcs "
          f"(plan {row['plan_qty']:g}, consumed {row['consumed_qty']:g}); "
          f"export {r.export}")
    if row["unconsumed_qty"]:
        print(f"note: {row['unconsumed_qty']:g} pcs of customer orders found no plan "
              f"quantity to consume within the window")
    return 0


def cmd_log(args: argparse.Namespace) -> int:
    from sop_xl.app.transfer import read_log
    log = read_log(MasterWorkbook.open(args.workbook), source=args.source, since=args.since,
                   user=args.user, plan_type=args.plan_type)
    if log.empty:
        print("no transfers")
        return 0
    if args.csv:  # an export like any other: text that looks like a formula stays text
        from sop_xl.contract.export import neutralise_frame
        print(neutralise_frame(log).to_csv(index=False), end="")
        return 0
    cols = ["transfer_id", "transferred_at", "user", "source", "planning_month", "plan_type",
            "periods", "deduct_consumed", "backward", "forward", "items", "transferred_qty",
            "transferred_value", "export"]
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print(log[cols].to_string(index=False))
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("transfer", help="transfer the active version to demand "
                              "management; the transfer log")
    sub = p.add_subparsers(dest="transfer_command", required=True)
    r = sub.add_parser("run", help="transfer version 000 (must be approved)")
    r.add_argument("workbook")
    r.add_argument("--version", default="000", help="only 000, the active version, may go")
    r.add_argument("--periods", type=int, help="number of periods (default: the horizon)")
    r.add_argument("--plan-type", default="sales", choices=["sales", "production"])
    r.add_argument("--level", choices=["item", "family"],
                   help="send each item's plan or each family's (product group; default: "
                   "Settings \"Transfer level\")")
    r.add_argument("--deduct", action="store_true",
                   help="deduct quantities consumed by customer orders (sales plans)")
    r.add_argument("--backward", type=int, default=0, help="backward consumption periods")
    r.add_argument("--forward", type=int, default=0, help="forward consumption periods")
    r.add_argument("--export", help="export file, .csv or .xlsx (default "
                   "<master>_PIR_<transfer>.csv next to the workbook)")
    r.add_argument("--by", help="who (default: Settings planner, else the OS user)")
    r.set_defaults(func=cmd_run)
    q = sub.add_parser("log", help="query the transfer log")
    q.add_argument("workbook")
    q.add_argument("--source", help="only transfers of this version's copy")
    q.add_argument("--since", help="from this date, yyyy-mm-dd")
    q.add_argument("--user")
    q.add_argument("--plan-type", choices=["sales", "production"])
    q.add_argument("--csv", action="store_true", help="print CSV")
    q.set_defaults(func=cmd_log, writes=False)
