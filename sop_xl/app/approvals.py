"""The approval record of a master workbook, checked against its Versions register.

Why: the register is cells. Approve 001, then delete its row, or type "draft" over its
status and clear "Approved": without a record elsewhere the tab could be edited and the
plan would go on as if nothing was ever approved. So each approval is also recorded as a
custom document property (sop_xl.plan.approvals), written in the same atomic write as the
register, and every command compares the two before it does anything
(``sop_xl.app.versions.check_versions``):

* each recorded version's tab must still hold what was approved (its recorded content
  hash: a register row changed to match an edited tab does not help), unless the tab was
  archived (then ``version verify`` checks the archive);
* its register row must still be there and still say approved (or superseded), by whom,
  when, with that hash and tab; the active version 000, when it is a copy of a recorded
  version, must still match it too;
* a transfer needs the active version's source to be recorded, not only marked approved
  in a cell.

**Threat model.** The record guards against accidental and casual edits: no edit of any
cell, row, sheet or name, in Excel, LibreOffice or a script that rewrites sheets, can
undo an approval or make one that a transfer accepts. It does not guard against forgery:
someone who edits the document properties by hand (File > Info > Properties) or by
program and recomputes the chain of hashes can rewrite it. The workbook's backups are the
record of last resort.

**Where it differs.** The file backend and Excel on Windows (COM) keep the record. Excel
for Mac gives xlwings no custom document properties: the ribbon there neither reads nor
writes the record, so approvals made on a Mac are protected by the register alone until
`sop-xl version approve` records them (the transfer asks for it), and a register row
deleted on a Mac is found by the next command run on the file or on Windows. A workbook
made before the record existed gets it at its first write: the approvals its register
shows are recorded then (after that only ``approve`` records one).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from sop_xl.base import messages
from sop_xl.base.errors import VersionError
from sop_xl.contract.cells import cell_ref
from sop_xl.contract.read import show_value
from sop_xl.plan import approvals as record
from sop_xl.plan import versions as v

if TYPE_CHECKING:
    from sop_xl.app.master import MasterWorkbook

#: a workbook whose approvals are recorded carries this property from its first write on
STARTED = "sop_xl approvals"


# register columns an approval fixes, in the order a change is reported
_FIXED = ("status", "approved_by", "approved_at", "content_hash", "sheet", "planning_month")


def keeps_record(book: MasterWorkbook) -> bool:
    return bool(getattr(book.backend, "keeps_properties", False))


def recorded(book: MasterWorkbook) -> list[record.Approval]:
    """The approvals recorded in the workbook, oldest first (none where the backend keeps
    no document properties); VersionError when the record was tampered with."""
    if not keeps_record(book):
        return []
    try:
        return record.read(book.backend.read_properties())
    except record.BrokenRecord as exc:
        raise VersionError("approval_record_broken", book.language, name=exc.name) from None


def started(book: MasterWorkbook) -> bool:
    """Whether approvals of this workbook have been recorded from its start (else the
    register's approved rows are recorded at the next write)."""
    return keeps_record(book) and STARTED in book.backend.read_properties()


def record_has(book: MasterWorkbook, version: str) -> bool:
    return record.find(recorded(book), version) is not None


def expected_row(rec: record.Approval, row: pd.Series | None) -> dict[str, Any]:
    """What ``verify_version`` checks a recorded tab against: the recorded hash, whatever
    the register now says (its fingerprint only when it is of the same content)."""
    same = row is not None and row["content_hash"] == rec.content_hash
    return {"version": rec.version, "sheet": rec.sheet, "content_hash": rec.content_hash,
            "status": v.Status.APPROVED, "approved_at": rec.approved_at,
            "fingerprint": row["fingerprint"] if same else "", "location": ""}


def check_register(book: MasterWorkbook, reg: pd.DataFrame, cells: pd.DataFrame,
                   ledger: list[record.Approval]) -> None:
    """Every recorded approval still in the register as approved; the active copy of a
    recorded version still its copy. ``cells`` is the register as read, with its Excel
    rows (``_row``) and column positions (``attrs["columns"]``), to name the cell."""
    lang = book.language
    saved = reg[reg["version"] != v.ACTIVE]
    where = cells.attrs.get("columns", {})
    excel_rows = list(cells["_row"]) if "_row" in cells else []
    for rec in ledger:
        hit = saved.index[saved["version"] == rec.version]
        if len(hit) == 0:
            raise VersionError("version_row_removed", lang, version=rec.version,
                               by=rec.approved_by or "?", at=rec.approved_at)
        _same(book, rec, reg.loc[hit[0]], excel_rows, where, hit[0], check_sheet=True)
    active = reg.index[reg["version"] == v.ACTIVE]
    if len(active):
        row = reg.loc[active[0]]
        rec = record.find(ledger, row["source"])
        if rec is not None:
            _same(book, rec, row, excel_rows, where, active[0], check_sheet=False)


def _same(book: MasterWorkbook, rec: record.Approval, row: pd.Series, excel_rows: list,
          where: dict, i: int, *, check_sheet: bool) -> None:
    want = {"status": None, "approved_by": rec.approved_by, "approved_at": rec.approved_at,
            "content_hash": rec.content_hash, "sheet": rec.sheet,
            "planning_month": rec.planning_month}
    for col in _FIXED:
        now = str(row[col] or "")
        if col == "status":
            ok = now in (v.Status.APPROVED, v.Status.SUPERSEDED)
            was = messages.message("version_status_approved", book.language)
        elif col == "approved_by":
            ok, was = record.same_approver(rec.approved_by, now), rec.approved_by
        elif col == "sheet" and not check_sheet:
            continue
        else:
            ok, was = now == want[col], want[col]
        if ok:
            continue
        c, label = where.get(col, (None, col))
        cell = cell_ref(int(excel_rows[i]) - 1, c) if c is not None and i < len(excel_rows) \
            else "?"
        shown = messages.message(f"version_status_{now}", book.language) \
            if col == "status" and now in set(v.Status) else now
        raise VersionError("version_row_changed", book.language,
                           version=row["version"], by=rec.approved_by or "?",
                           at=rec.approved_at, cell=cell, column=label,
                           now=show_value(shown or None), was=show_value(was))


def transferable(book: MasterWorkbook, source: str) -> None:
    """A transfer's source must be a recorded approval once the workbook keeps a record
    (a status typed into the register is not an approval)."""
    if not started(book):
        return
    if record.find(recorded(book), source) is None:
        raise VersionError("transfer_not_recorded", book.language, source=source or "?")


def to_record(book: MasterWorkbook, reg: pd.DataFrame | None = None,
              approving: pd.Series | None = None) -> dict[str, str]:
    """The document properties a write should add: the start mark and, for a workbook
    made before the record existed, the approvals its register shows (oldest first);
    then ``approving``, the approval this write makes (the register row after it)."""
    if not keeps_record(book):
        return {}
    ledger = recorded(book)
    out: dict[str, str] = {}
    if not started(book):
        out[STARTED] = "v1"
        if reg is None:
            reg = v.normalise_register(book.read_output_table("versions"))
        if len(reg):
            old = reg[(reg["version"] != v.ACTIVE) & reg.apply(v.is_locked, axis=1)
                      & (reg["approved_at"] != "")]
            for _, row in old.sort_values("approved_at", kind="stable").iterrows():
                if approving is not None and row["version"] == approving["version"]:
                    continue
                if record.find(ledger, row["version"]) is None:
                    rec = _record(ledger, row)
                    ledger.append(rec)
                    out[rec.name] = rec.value()
    if approving is not None and record.find(ledger, approving["version"]) is None:
        rec = _record(ledger, approving)
        out[rec.name] = rec.value()
    return out


def _record(ledger: list[record.Approval], row: pd.Series) -> record.Approval:
    return record.record(ledger, row["version"], row["planning_month"], row["sheet"],
                         row["content_hash"], row["approved_at"], row["approved_by"])
