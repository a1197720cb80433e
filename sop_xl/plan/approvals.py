"""The approval record: approved plan versions, kept where no cell edit reaches.

The Versions register is a sheet, and a sheet is cells: deleting an approved version's
row, or typing "draft" over its status, would unlock it. So every approval is also
written, in the same atomic write as the register, as one custom document property of
the workbook (File > Info > Properties > Advanced > Custom; ``docProps/custom.xml`` in
the file, ``Workbook.CustomDocumentProperties`` in Excel): no cell, row, sheet or name
edit can reach it, Excel, LibreOffice and openpyxl keep it when they save.

Each record names the version, its planning month and tab, the tab's content hash, who
approved it and when, and a **chain**: the SHA-256 of the record before it and of this
record's fields, so editing or removing a record in the middle shows too. The checks
that use it (``sop_xl.app.approvals``) compare every record with the register and the
tab: a register row gone or changed, or a tab that no longer matches the recorded hash,
stops every command (exit 6).

What it does not stop (the threat model): someone who edits the document properties by
hand or by program and recomputes the chain, or who removes the newest records together
with the register rows. It protects against accidental and casual edits, not forgery;
the backups beside the workbook are the record of last resort.

Pure functions: no workbook, no I/O.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass

#: custom document property names: "sop_xl approval 0001", "sop_xl approval 0002", …
PREFIX = "sop_xl approval "
_NAME = re.compile(r"^sop_xl approval (\d+)$")
_FORMAT = "v1"
#: Excel keeps custom property values of at most 255 characters
MAX_VALUE = 255
_BY_MAX = 60


@dataclass(frozen=True)
class Approval:
    """One approval as recorded."""

    seq: int
    version: str
    planning_month: str
    sheet: str
    content_hash: str
    approved_at: str
    approved_by: str
    chain: str

    @property
    def name(self) -> str:
        return f"{PREFIX}{self.seq:04d}"

    def fields(self) -> list[str]:
        return [self.version, self.planning_month, self.sheet, self.content_hash,
                self.approved_at, self.approved_by]

    def value(self) -> str:
        return "|".join([_FORMAT, *self.fields(), self.chain])


class BrokenRecord(ValueError):
    """A record that is not what sop_xl wrote: unreadable, out of sequence, or its chain
    does not follow from the records before it."""

    def __init__(self, seq: int, name: str) -> None:
        super().__init__(name)
        self.seq = seq
        self.name = name


def clean(text: str, limit: int | None = None) -> str:
    """A field as it is recorded: no separator, no line break, at most ``limit`` chars."""
    out = re.sub(r"[|\r\n\t]", "/", str(text or "")).strip()
    return out[:limit] if limit else out


def chain_of(previous: str, fields: list[str]) -> str:
    """The chain link of a record: SHA-256 of the previous link and the record's fields
    (32 hex digits kept)."""
    text = previous + "\n" + "|".join(fields)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def read(properties: Mapping[str, str]) -> list[Approval]:
    """The approvals recorded in a workbook's custom properties, oldest first; raises
    BrokenRecord when one was changed, removed from the middle, or is unreadable."""
    found: list[tuple[int, str, str]] = []
    for name, value in properties.items():
        m = _NAME.match(str(name).strip())
        if m:
            found.append((int(m.group(1)), str(name), str(value)))
    found.sort()
    out: list[Approval] = []
    previous = ""
    for expect, (seq, name, value) in enumerate(found, start=1):
        parts = value.split("|")
        if seq != expect or len(parts) != 8 or parts[0] != _FORMAT:
            raise BrokenRecord(seq, name)
        version, month, sheet, content_hash, at, by = parts[1:7]
        rec = Approval(seq, version, month, sheet, content_hash, at, by, parts[7])
        if rec.chain != chain_of(previous, rec.fields()):
            raise BrokenRecord(seq, name)
        out.append(rec)
        previous = rec.chain
    return out


def record(ledger: list[Approval], version: str, planning_month: str, sheet: str,
           content_hash: str, approved_at: str, approved_by: str) -> Approval:
    """The next record after ``ledger``."""
    v, m, s, h = clean(version), clean(planning_month), clean(sheet), clean(content_hash)
    at, by = clean(approved_at), clean(approved_by, _BY_MAX)
    previous = ledger[-1].chain if ledger else ""
    rec = Approval(len(ledger) + 1, v, m, s, h, at, by, chain_of(previous, [v, m, s, h, at, by]))
    assert len(rec.value()) <= MAX_VALUE, rec.value()
    return rec


def find(ledger: list[Approval], version: str) -> Approval | None:
    return next((a for a in ledger if a.version == version), None)


def same_approver(recorded: str, register: str) -> bool:
    """Whether a register's "Approved by" is the one recorded (which is cut to 60
    characters and has no separators)."""
    return clean(register, _BY_MAX) == recorded
