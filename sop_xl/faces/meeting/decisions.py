"""Meeting decisions (会议决议): typed in the pack, carried to next month's, logged in the
master.

Managers type decisions into the pack's Decisions sheet at the meeting. When next month's
pack is written, last month's pack is read (the path given, or the newest pack of that
month found beside the master or the new pack), each decision in it is appended to the
master's Decisions log with the status it had at that meeting, and every decision whose
latest status is open or in progress is carried into the new pack. The log is the record
that survives a lost or renamed pack: without last month's pack, open decisions come from
it as last logged. Reading the pack where the decisions were typed, and logging them in the
master, means nobody has to copy a decision by hand from one file to another.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sop_xl.base.errors import WorkbookError
from sop_xl.contract.meeting_sheets import DECISIONS
from sop_xl.contract.read import ROW, is_blank
from sop_xl.faces.assistants.manifest import ManifestDamaged, read_manifest
from sop_xl.workbook.file import FileBackend

PACK_KIND = "sop_xl.meeting_pack"
OPEN = ("open", "in_progress")
FIELDS = ("topic", "decision", "owner", "due", "status", "note")
STATUS = DECISIONS.column("status")


@dataclass
class PackDecisions:
    """The decisions typed in one pack."""

    path: Path
    planning_month: str
    rows: pd.DataFrame  # decision_id, raised_month, topic, decision, owner, due, status, note


def pack_manifest(path: Path) -> dict[str, Any] | None:
    """The control document of a meeting pack; None for any other file."""
    try:
        doc = read_manifest(FileBackend(path))
    except (WorkbookError, ManifestDamaged, OSError):
        return None
    return doc if doc and doc.get("kind") == PACK_KIND else None


def find_pack(folders: list[Path], month: pd.Period) -> Path | None:
    """The most recently written meeting pack of ``month`` in these folders."""
    found: list[tuple[str, float, Path]] = []
    for folder in dict.fromkeys(Path(f).resolve() for f in folders):
        if not folder.is_dir():
            continue
        for p in folder.iterdir():
            if p.suffix.lower() != ".xlsx" or p.name.startswith("~$"):
                continue
            doc = pack_manifest(p)
            if doc and doc.get("planning_month") == str(month):
                found.append((str(doc.get("written_at")), p.stat().st_mtime, p))
    return max(found)[2] if found else None


def cell_text(v: Any) -> str | None:
    """A cell as the text a decision field holds (None when blank)."""
    if is_blank(v):
        return None
    if hasattr(v, "isoformat"):
        return v.isoformat()[:10]
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def read_pack(path: Path) -> PackDecisions:
    """The decisions in a pack: carried ones as they now stand, and new rows where
    something was typed (a proposed topic nobody took up is not a decision)."""
    doc = pack_manifest(path)
    if doc is None:
        raise WorkbookError("file_not_workbook", str(path), kind="not a meeting pack")
    spec = doc["decisions"]
    raw = FileBackend(path).read_sheet(spec["sheet"]).rows
    cols = spec["columns"]
    month = doc["planning_month"]
    out = []
    for line in spec["rows"]:
        r = line["row"]
        row = raw[r] if r < len(raw) else []

        def cell(key: str, row: list[Any] = row) -> str | None:
            c = cols[key]
            return cell_text(row[c]) if c < len(row) else None

        values = {k: cell(k) for k in FIELDS}
        choice = STATUS.choice_for(values["status"]) if values["status"] else None
        values["status"] = choice.value if choice else (line.get("status") or "open")
        if line.get("id") is None:
            typed = any(values[k] for k in ("decision", "owner", "due", "note")) or (
                values["topic"] and values["topic"] != line.get("proposed"))
            if not typed:
                continue
        out.append({"decision_id": line.get("id"), "raised_month": line.get("raised", month),
                    **values})
    rows = pd.DataFrame(out, columns=["decision_id", "raised_month", *FIELDS])
    return PackDecisions(path, month, _number(rows, month))


def _number(rows: pd.DataFrame, month: str) -> pd.DataFrame:
    """New decisions get IDs "D2026-11-01", "D2026-11-02", ... in the order typed."""
    rows = rows.copy()
    taken = {str(i) for i in rows["decision_id"].dropna()}
    k = 0
    for i in rows.index[rows["decision_id"].isna()]:
        while True:
            k += 1
            new = f"D{month}-{k:02d}"
            if new not in taken:
                break
        rows.at[i, "decision_id"] = new
    return rows


def log_decisions(log: pd.DataFrame, pack: PackDecisions, stamp: str) -> tuple[
        pd.DataFrame, int]:
    """The Decisions log with the pack's decisions appended (status at that meeting);
    a decision already logged from that meeting with the same content is not repeated."""
    log = log.drop(columns=ROW, errors="ignore")
    add = []
    for r in pack.rows.itertuples(index=False):
        row = {"decision_id": r.decision_id, "raised_month": r.raised_month,
               **{k: getattr(r, k) for k in FIELDS}, "reviewed_month": pack.planning_month,
               "recorded_at": stamp}
        same = log[(log["decision_id"].astype(str) == str(r.decision_id))
                   & (log["reviewed_month"].astype(str) == pack.planning_month)]
        if len(same):
            last = same.iloc[-1]
            if all(cell_text(last[k]) == cell_text(row[k]) for k in FIELDS):
                continue
        add.append(row)
    if add:
        log = pd.concat([log, pd.DataFrame(add)], ignore_index=True)
    return log, len(add)


def open_decisions(log: pd.DataFrame) -> pd.DataFrame:
    """Each decision's latest logged state, for those still open or in progress."""
    cols = ["decision_id", "raised_month", *FIELDS]
    if log.empty:
        return pd.DataFrame(columns=cols)
    latest = log.drop(columns=ROW, errors="ignore").groupby(
        log["decision_id"].astype(str), sort=False).tail(1)
    return latest[latest["status"].isin(OPEN)][cols].reset_index(drop=True)
