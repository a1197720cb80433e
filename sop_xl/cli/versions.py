"""``sop-xl version …``: save, list, propose, approve, activate, diff, verify, archive."""

from __future__ import annotations

import argparse

import pandas as pd

from sop_xl.app.master import MasterWorkbook


def _book(args: argparse.Namespace) -> MasterWorkbook:
    return MasterWorkbook.open(args.workbook)


def cmd_save(args: argparse.Namespace) -> int:
    from sop_xl.app.cycle import save_version
    book = _book(args)
    rec = save_version(book, note=args.note or "", author=args.by or "")
    print(f"{book.name}: saved version {rec.version} as sheet {rec.sheet!r} ({rec.status})")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from sop_xl.app.versions import read_register
    reg = read_register(_book(args))
    cols = ["version", "planning_month", "status", "sheet", "created_at", "author",
            "approved_by", "source", "location", "note"]
    print(reg[cols].to_string(index=False) if len(reg) else "no versions saved yet")
    return 0


def cmd_propose(args: argparse.Namespace) -> int:
    from sop_xl.app.versions import propose
    row = propose(_book(args), args.id)
    print(f"version {row['version']} is now {row['status']}")
    return 0


def cmd_approve(args: argparse.Namespace) -> int:
    from sop_xl.app.versions import approve
    row, superseded = approve(_book(args), args.id, by=args.by or "")
    print(f"version {row['version']} ({row['sheet']}) is approved and locked" +
          (f"; superseded {', '.join(superseded)}" if superseded else ""))
    return 0


def cmd_activate(args: argparse.Namespace) -> int:
    from sop_xl.app.versions import activate
    row = activate(_book(args), args.id, by=args.by or "")
    print(f"version {row['source'] or row['version']} is now the active version 000 "
          f"(sheet {row['sheet']!r}, {row['status']})")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from sop_xl.app.versions import diff_versions
    book = _book(args)
    d = diff_versions(book, args.a, args.b)
    print(f"{book.name}: wrote VersionDiff, {len(d)} changed rows (B − A)")
    if len(d):
        with pd.option_context("display.width", 140, "display.max_columns", 20):
            print(d.head(args.top).to_string(index=False))
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    """Every version's tab against its hash; locked ones raise, drafts are reported. The
    approval record is checked first: an approved version's register row removed or
    changed stops here too (exit 6)."""
    from sop_xl.app.versions import archive_backend, read_register, verified, verify_version
    from sop_xl.plan import versions as v
    book = _book(args)
    verified(book)
    reg = read_register(book)
    bad = 0
    for _, row in reg.iterrows():
        be = archive_backend(book, row) if row["location"] else None
        try:
            verify_version(book, row, action="compared", backend=be)
            state = "ok"
        except Exception as exc:  # report every version, then fail
            if v.is_locked(row):
                raise
            state = f"CHANGED: {exc}"
            bad += 1
        where = f" [{row['location']}]" if row["location"] else ""
        print(f"{row['version']} {row['sheet']}{where} {row['status']}: {state}")
    return 6 if bad else 0


def cmd_archive(args: argparse.Namespace) -> int:
    from sop_xl.app.versions import archive
    res = archive(_book(args), args.before, args.to)
    if not res.versions:
        print(f"no versions planned before {args.before} to archive")
    else:
        print(f"archived {len(res.versions)} versions ({', '.join(res.versions)}) to {res.path}")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("version", help="plan versions: save, approve, activate, diff")
    sub = p.add_subparsers(dest="version_command", required=True)

    def add(name: str, func, help_: str, *, ident: bool = False, by: bool = False,
            writes: bool = True) -> argparse.ArgumentParser:
        s = sub.add_parser(name, help=help_)
        s.add_argument("workbook")
        if ident:
            s.add_argument("id", help="version number, e.g. 003")
        if by:
            s.add_argument("--by", help="who (default: Settings planner, else the OS user)")
        s.set_defaults(func=func, writes=writes)  # read-only commands take no lock
        return s

    s = add("save", cmd_save, "save the current plan as a new draft version", by=True)
    s.add_argument("--note", help="a note kept in the register")
    add("list", cmd_list, "the Versions register", writes=False)
    add("propose", cmd_propose, "mark a draft as proposed for approval", ident=True)
    add("approve", cmd_approve, "approve and lock a version", ident=True, by=True)
    add("activate", cmd_activate, "make a version the active version 000", ident=True,
        by=True)
    s = add("diff", cmd_diff, "compare two versions into the VersionDiff sheet")
    s.add_argument("a", help="version A (the base)")
    s.add_argument("b", help="version B")
    s.add_argument("--top", type=int, default=15, help="rows printed (default 15)")
    add("verify", cmd_verify, "check every version's tab against its content hash")
    s = add("archive", cmd_archive, "move old versions' tabs into a sidecar workbook")
    s.add_argument("--before", required=True, help="planning month yyyy-mm: older go")
    s.add_argument("--to", help="sidecar workbook (default <master>_archive.xlsx)")
