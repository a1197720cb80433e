"""Plan versions in a master workbook: save, propose, approve, activate, compare, archive,
and the lock check every command passes through.

The pure side (snapshots, hashes, cell tags, register transitions, diffs) is
``sop_xl.plan.versions``; this module reads and writes plan tabs and the Versions register.

**The lock.** A plan tab is never rewritten once written (only the active copy "V000 …" is,
by activation). An approved version is *locked*: ``check_versions`` — called by
``MasterWorkbook.read_inputs`` and ``MasterWorkbook.write``, so by every command before it
writes anything — re-derives the snapshot from each locked tab, compares its content hash
with the register and raises ``VersionError`` naming the sheet and the first cell that
changed (found with the per-cell tags in the tab's hidden last column).

Reading 24 months of locked tabs on every command would cost seconds, so the register also
keeps each locked tab's *fingerprint*: a digest of the tab's worksheet XML when it was last
verified. Our own writes copy untouched sheet parts byte for byte, so the fingerprint
still matches and the tab needs no reading. Any edit changes the XML, so a changed
fingerprint always falls back to the full value check; a re-save in Excel rewrites every
part and costs one full check per command until a version command refreshes the
fingerprints. The fingerprint only saves time: it can never make a changed tab pass.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from sop_xl import contract
from sop_xl.app import approvals
from sop_xl.base import messages
from sop_xl.base.audit import now_text
from sop_xl.base.audit import user_name as user_name_of
from sop_xl.base.errors import ValidationError, VersionError
from sop_xl.contract.read import read_table
from sop_xl.layout.render import table_content
from sop_xl.layout.sheet import SheetContent
from sop_xl.layout.version_sheets import (
    diff_sheet,
    plan_tab_content,
    register_sheet,
    status_word,
)
from sop_xl.plan import versions as v
from sop_xl.workbook.backend import Backend
from sop_xl.workbook.paths import beside_stem

if TYPE_CHECKING:
    from sop_xl.app.master import MasterWorkbook
    from sop_xl.contract.settings import Settings

ARCHIVE_SUFFIX = "_archive.xlsx"


# -- reading the register and plan tabs ---------------------------------------------------------

def read_register(book: MasterWorkbook) -> pd.DataFrame:
    """The Versions register, normalised (every column as text, blank as "")."""
    return v.normalise_register(book.read_output_table("versions"))


def read_tab(backend: Backend, sheet: str, lang: str = "en") -> v.PlanTab:
    """A plan tab's cells as a snapshot (see ``sop_xl.plan.versions.plan_tab``)."""
    return v.plan_tab(backend.read_sheet(sheet), sheet)


def tab_fingerprint(backend: Backend, sheet: str) -> str:
    """The stored form's digest of one plan tab ("" where the backend keeps none)."""
    return backend.sheet_fingerprints([sheet]).get(sheet, "")


def _changed_error(code: str, version: str, tab: v.PlanTab, lang: str,
                   **extra: Any) -> VersionError:
    ch = v.locate_change(tab.snapshot, tab.tags)
    cell = tab.cell(ch.row, ch.column)
    if ch.row is not None and ch.column is None:
        code = "version_tampered_row" if code == "version_tampered" else code
        return VersionError(code, lang, version=version, sheet=tab.sheet, cell=cell,
                            row=tab.excel_rows[ch.row], now=messages.message("now_row", lang),
                            **extra)
    if ch.row is None:
        code = "version_tampered_sheet" if code == "version_tampered" else code
        return VersionError(code, lang, version=version, sheet=tab.sheet, cell=cell,
                            now=messages.message("now_rows_removed", lang), **extra)
    now = ch.now
    blank = messages.message("value_blank", lang)
    if isinstance(now, float):
        shown = blank if now != now else str(int(now)) if now.is_integer() else \
            f"{now:.6f}".rstrip("0")
    else:
        shown = repr(now) if now not in ("", None) else blank
    return VersionError(code, lang, version=version, sheet=tab.sheet, cell=cell, now=shown,
                        **extra)


def verify_version(book: MasterWorkbook, row: pd.Series | dict, *, action: str = "",
                   backend: Backend | None = None,
                   fingerprint: str | None = None) -> tuple[v.PlanTab | None, str]:
    """Check one version's tab against its content hash; returns the tab (None when the
    fingerprint showed it unchanged and no caller needs the values) and its fingerprint.

    A locked version that changed raises "version_tampered"; an unlocked one raises
    "version_changed" only when ``action`` says what may not be done with it."""
    lang = book.language
    be = backend or book.backend
    sheet = row["sheet"]
    if sheet.lower() not in {n.lower() for n in be.sheet_names()}:
        raise VersionError("version_tab_missing", lang, version=row["version"], sheet=sheet)
    fp = fingerprint if fingerprint is not None else tab_fingerprint(be, sheet)
    if fp and fp == row.get("fingerprint") and not action:
        return None, fp
    tab = read_tab(be, sheet, lang)
    if v.content_hash(tab.snapshot) == row["content_hash"]:
        return tab, fp
    if v.is_locked(row):
        raise _changed_error("version_tampered", row["version"], tab, lang)
    if action:
        raise _changed_error("version_changed", row["version"], tab, lang,
                             action=messages.message(f"version_action_{action}", lang))
    return tab, fp


def check_versions(book: MasterWorkbook,
                   contents: Sequence[SheetContent] = ()) -> list[SheetContent]:
    """Refuse (VersionError) if a locked plan version was changed by hand or removed, or if
    ``contents`` would rewrite a saved plan tab other than the active copy.

    Returns what a write should add: the register with fresh fingerprints when some locked
    tab had to be read in full (after a re-save in Excel), so the next command is quick
    again; nothing if the write carries the register already or nothing is stale."""
    present = {n.lower() for n in book.backend.sheet_names()}
    for c in contents:
        if contract.is_plan_tab(c.name) and c.name.lower() in present \
                and not c.name.startswith(f"V{v.ACTIVE} "):
            raise VersionError("plan_tab_immutable", book.language, sheet=c.name)
    found, stale = _verify_locked(book)
    if not stale or any(c.key == "versions" for c in contents):
        return []
    sheet = register_sheet(v.with_fingerprints(read_register(book), found), book.language)
    sheet.name = book.output_name(contract.sheet("versions"))
    return [sheet]


def verified(book: MasterWorkbook) -> dict[str, str]:
    """The fingerprint of every locked tab, each verified (VersionError otherwise)."""
    return _verify_locked(book)[0]


def _verify_locked(book: MasterWorkbook) -> tuple[dict[str, str], bool]:
    # the book keeps what it verified for the revision of the file it holds, so a command
    # that reads inputs and then writes checks once
    state = book.backend.revision()
    cached = book.verified_versions
    if state is not None and cached is not None and cached[0] == state:
        return cached[1], cached[2]
    spec = contract.sheet("versions")
    present = {n.lower() for n in book.backend.sheet_names()}
    ledger = approvals.recorded(book)  # what was approved, kept where no cell edit reaches
    if spec.en.lower() not in present and spec.zh.lower() not in present:
        cells = pd.DataFrame(columns=["_row", *v.REGISTER_COLUMNS])
    else:
        cells = book.read_output_table("versions")
    reg = v.normalise_register(cells)
    found: dict[str, str] = {}
    stale = False
    # recorded approvals first, against the recorded hash (a register row edited to match
    # an edited tab does not help), then the register rows against the record
    saved = {row["version"]: row for _, row in reg.iterrows() if row["version"] != v.ACTIVE}
    fps = book.backend.sheet_fingerprints([rec.sheet for rec in ledger
                                           if rec.sheet.lower() in present])
    for rec in ledger:
        row = saved.get(rec.version)
        if rec.sheet.lower() not in present and row is not None and row["location"]:
            continue  # archived: `version verify` checks the archive
        _, fp = verify_version(book, approvals.expected_row(rec, row),
                               fingerprint=fps.get(rec.sheet, ""))
        found[rec.sheet] = fp
        stale |= bool(fp) and row is not None and fp != row["fingerprint"]
    approvals.check_register(book, reg, cells, ledger)
    locked = [row for _, row in reg.iterrows() if v.is_locked(row) and not row["location"]
              and row["sheet"] not in found]
    fps = book.backend.sheet_fingerprints([row["sheet"] for row in locked])
    for row in locked:
        _, fp = verify_version(book, row, fingerprint=fps.get(row["sheet"], ""))
        found[row["sheet"]] = fp
        stale |= bool(fp) and fp != row["fingerprint"]
    if state is not None:
        book.verified_versions = (state, found, stale)
    return found, stale


# -- saving ---------------------------------------------------------------------------------------

def version_sheets(book: MasterWorkbook, snapshot: pd.DataFrame, settings: Settings,
                   lang: str, *, note: str = "", author: str = "") -> tuple[
                       list[SheetContent], v.VersionRecord]:
    """A new version's plan tab and the register with its row added (not written yet)."""
    found = verified(book)
    reg = read_register(book)
    tabs = [n for n in book.backend.sheet_names() if contract.is_plan_tab(n)]
    version = v.next_version(reg, tabs)
    rec = v.new_record(version, settings.planning_month, snapshot, created_at=now_text(),
                       author=user_name_of(author, settings.author), note=note)
    tab = plan_tab_content(snapshot, version, rec.sheet, lang, settings.currency)
    reg = pd.concat([reg, pd.DataFrame([rec.row()])], ignore_index=True)
    reg = v.with_fingerprints(reg, found)
    return [tab, register_sheet(reg, lang, settings.currency)], rec


# -- status changes -------------------------------------------------------------------------------

def _lookup(book: MasterWorkbook, reg: pd.DataFrame, version: str) -> int:
    try:
        return v.find(reg, version)
    except KeyError:
        known = ", ".join(reg["version"]) or "-"
        raise VersionError("version_unknown", book.language, version=version,
                           known=known) from None


def user_name(book: MasterWorkbook, who: str = "") -> str:
    """Who a command is recorded under: ``who`` if given, else Settings' author, else the
    login (sop_xl.base.audit)."""
    if who:
        return user_name_of(who)
    try:
        return user_name_of(book.read_settings().author)
    except ValidationError:
        return user_name_of()


def propose(book: MasterWorkbook, version: str) -> pd.Series:
    found = verified(book)
    reg = read_register(book)
    i = _lookup(book, reg, version)
    row = reg.iloc[i]
    if row["status"] != v.Status.DRAFT or row["version"] == v.ACTIVE:
        raise VersionError("version_not_draft", book.language, version=row["version"],
                           status=status_word(row["status"], book.language))
    reg = v.propose(reg, row["version"])
    _write_register(book, v.with_fingerprints(reg, found), "version propose",
                    f"{row['version']} proposed")
    return reg.iloc[i]


def approve(book: MasterWorkbook, version: str, *, by: str = "") -> tuple[pd.Series,
                                                                        list[str]]:
    """Approve a version: verify its tab against its hash, lock it, supersede the approved
    version of the same month; 000 follows its source. Returns the row and what was
    superseded."""
    found = verified(book)
    reg = read_register(book)
    i = _lookup(book, reg, version)
    row = reg.iloc[i]
    if row["version"] == v.ACTIVE:
        raise VersionError("version_approve_000", book.language, source=row["source"] or "?")
    if row["status"] == v.Status.APPROVED:
        if not approvals.started(book) or approvals.record_has(book, row["version"]):
            return row, []
        # approved where the record could not be kept (Excel for Mac) or typed into the
        # register: checked against its hash and recorded now, so it can be transferred
        be = archive_backend(book, row) if row["location"] else None
        verify_version(book, row, action="approved", backend=be)
        _write_register(book, v.with_fingerprints(reg, found), "version approve",
                        f"{row['version']} approval recorded",
                        approvals.to_record(book, reg, approving=row))
        return row, []
    be = archive_backend(book, row) if row["location"] else None
    _, fp = verify_version(book, row, action="approved", backend=be)
    before = reg
    reg, superseded = v.approve(reg, row["version"], user_name(book, by), now_text())
    if fp and not row["location"]:
        found = {**found, row["sheet"]: fp}
    summary = f"{row['version']} approved" + (f"; superseded {', '.join(superseded)}"
                                              if superseded else "")
    _write_register(book, v.with_fingerprints(reg, found), "version approve", summary,
                    approvals.to_record(book, before, approving=reg.iloc[i]))
    return reg.iloc[i], superseded


def activate(book: MasterWorkbook, version: str, *, by: str = "") -> pd.Series:
    """Make ``version`` the active one: copy its tab to "V000 <month>" and point the
    register row 000 at it; logged in RunLog."""
    t0 = time.perf_counter()
    found = verified(book)
    reg = read_register(book)
    i = _lookup(book, reg, version)
    row = reg.iloc[i]
    if row["version"] == v.ACTIVE:
        return row
    snap = read_version(book, reg, row["version"], action="activated")
    sheet = v.tab_name(v.ACTIVE, row["planning_month"])
    old = reg[reg["version"] == v.ACTIVE]
    remove = [s for s in old["sheet"] if s != sheet and s in book.backend.sheet_names()]
    reg = v.activate(reg, row["version"], user_name(book, by), now_text(), sheet)
    lang = book.language
    cur = _currency(book)
    tab = plan_tab_content(snap, v.ACTIVE, sheet, lang, cur)
    found = {k: f for k, f in found.items() if k not in remove and k != sheet}
    contents = [tab, register_sheet(v.with_fingerprints(reg, found), lang, cur),
                run_log_sheet(book, "version activate", f"{row['version']} → {v.ACTIVE} "
                              f"({sheet})", time.perf_counter() - t0)]
    write(book, contents, remove=remove)
    return reg.iloc[0]


def read_version(book: MasterWorkbook, reg: pd.DataFrame, version: str,
                 action: str = "") -> pd.DataFrame:
    """A version's snapshot (from this workbook or its archive), verified against its hash."""
    row = reg.iloc[_lookup(book, reg, version)]
    be = archive_backend(book, row) if row["location"] else None
    tab, _ = verify_version(book, row, action=action or "compared", backend=be)
    assert tab is not None
    return tab.snapshot


def archive_backend(book: MasterWorkbook, row: pd.Series) -> Backend:
    from sop_xl.workbook.file import FileBackend
    path = book.backend.location
    if path is None:
        raise VersionError("version_archive_needs_file", book.language)
    side = path.parent / row["location"]
    if not side.exists():
        raise VersionError("version_archived_missing", book.language, version=row["version"],
                           location=row["location"], path=str(side))
    return FileBackend(side)


# -- comparing ------------------------------------------------------------------------------------

def diff_versions(book: MasterWorkbook, a: str, b: str) -> pd.DataFrame:
    """Write the VersionDiff sheet comparing versions ``a`` and ``b``; returns the rows."""
    t0 = time.perf_counter()
    verified(book)
    reg = read_register(book)
    ra, rb = reg.iloc[_lookup(book, reg, a)], reg.iloc[_lookup(book, reg, b)]
    d = v.diff(read_version(book, reg, ra["version"]), read_version(book, reg, rb["version"]))
    lang = book.language
    sheet = diff_sheet(d, ra, rb, lang, _currency(book))
    write(book, [sheet, run_log_sheet(book, "version diff", f"{ra['version']} vs "
                                      f"{rb['version']}: {len(d)} changed rows",
                                      time.perf_counter() - t0)])
    return d


# -- archiving ------------------------------------------------------------------------------------

@dataclass
class ArchiveResult:
    path: Path
    versions: list[str]


def archive(book: MasterWorkbook, before: pd.Period | str,
            to: Path | str | None = None) -> ArchiveResult:
    """Move the plan tabs of versions planned before ``before`` into a sidecar workbook
    (``<master>_archive.xlsx`` by default); their register rows stay, pointing at it. The
    active version 000 is never archived. The sidecar is written first: if the master then
    fails to save, the tabs are in both places, never in neither."""
    from sop_xl.workbook.file import FileBackend
    t0 = time.perf_counter()
    path = book.backend.location
    if path is None:
        raise VersionError("version_archive_needs_file", book.language)
    found = verified(book)
    side = Path(to) if to else beside_stem(path, ARCHIVE_SUFFIX, room=40)
    before = str(pd.Period(before, "M"))
    reg = read_register(book)
    pick = reg[(reg["version"] != v.ACTIVE) & (reg["location"] == "")
               & (reg["planning_month"] < before)]
    if pick.empty:
        return ArchiveResult(side, [])
    lang, cur = book.language, _currency(book)
    tabs = []
    for _, row in pick.iterrows():
        snap = read_version(book, reg, row["version"], action="archived")
        tabs.append(plan_tab_content(snap, row["version"], row["sheet"], lang, cur))
    moved = pick.copy()
    moved["fingerprint"] = ""
    if side.exists():
        be = FileBackend(side)
        side_reg = v.normalise_register(_read_versions(be, lang))
        side_reg = side_reg[~side_reg["version"].isin(moved["version"])]
        side_reg = pd.concat([side_reg, moved], ignore_index=True)
        be.write_sheets([*tabs, register_sheet(side_reg, lang, cur)])
    else:
        reg_sheet = register_sheet(moved.reset_index(drop=True), lang, cur)
        FileBackend.create(side, [reg_sheet, *tabs])
    reg.loc[pick.index, "location"] = side.name
    reg.loc[pick.index, "fingerprint"] = ""
    names = list(pick["sheet"])
    found = {k: f for k, f in found.items() if k not in names}
    write(book, [register_sheet(v.with_fingerprints(reg, found), lang, cur),
                 run_log_sheet(book, "version archive", f"{len(names)} plan tabs before "
                               f"{before} → {side.name}", time.perf_counter() - t0)],
          remove=names)
    return ArchiveResult(side, list(pick["version"]))


def _read_versions(be: Backend, lang: str) -> pd.DataFrame:
    spec = contract.sheet("versions")
    names = {n.lower(): n for n in be.sheet_names()}
    name = names.get(spec.en.lower()) or names.get(spec.zh.lower())
    if name is None:
        return pd.DataFrame(columns=v.REGISTER_COLUMNS)
    frame, _ = read_table(spec, be.read_sheet(name), lang)
    return frame


# -- writing --------------------------------------------------------------------------------------

def _currency(book: MasterWorkbook) -> str:
    try:
        return book.read_settings().currency
    except ValidationError:
        return "CNY"


def run_log_sheet(book: MasterWorkbook, command: str, summary: str,
                  seconds: float) -> SheetContent:
    """The RunLog with one row appended for a version or transfer command."""
    log = book.read_output_table("run_log").drop(columns="_row", errors="ignore")
    row = {"run_at": now_text(), "user": user_name(book), "command": command, "steps": "",
           "seconds": round(seconds, 2), "summary": summary}
    log = pd.concat([log, pd.DataFrame([row])], ignore_index=True)
    return table_content(contract.sheet("run_log"), log, book.language, currency=_currency(book))


def _write_register(book: MasterWorkbook, reg: pd.DataFrame, command: str,
                    summary: str, properties: dict[str, str] | None = None) -> None:
    t0 = time.perf_counter()
    lang, cur = book.language, _currency(book)
    write(book, [register_sheet(reg, lang, cur),
                 run_log_sheet(book, command, summary, time.perf_counter() - t0)],
          properties=properties)


def write(book: MasterWorkbook, contents: list[SheetContent],
          remove: Sequence[str] = (), properties: dict[str, str] | None = None) -> None:
    """One atomic write; contract sheets go under the name the workbook already uses;
    ``properties``: the approval record's additions (sop_xl.app.approvals)."""
    for c in contents:
        if c.key and c.key != "plan_tab":
            c.name = book.output_name(contract.sheet(c.key))
    book.write(contents, remove=remove, properties=properties)


# -- the ribbon's buttons: no arguments, the obvious version, a sentence back -----------------


def approve_latest(book: MasterWorkbook) -> str:
    """Approve: the newest draft or proposed version of the planning month, which then
    becomes the active version 000 — the approved plan is the one passed on (the ribbon
    has no separate Activate; `sop-xl version activate` does that alone)."""
    month = str(book.read_settings().planning_month)
    row = v.latest(read_register(book), month, (v.Status.PROPOSED, v.Status.DRAFT))
    lang = book.language
    if row is None:
        return messages.message("btn_nothing_to_approve", lang, month=month)
    done, superseded = approve(book, row["version"])
    activate(book, done["version"])
    more = messages.message("btn_superseded", lang, versions=", ".join(superseded)) \
        if superseded else ""
    return messages.message("btn_approved", lang, version=done["version"], month=month,
                            more=more)


def approve_question(book: MasterWorkbook) -> str | None:
    """What Approve is about to lock and replace, for the planner to confirm (None when
    there is nothing to approve: the button then says so)."""
    month = str(book.read_settings().planning_month)
    reg = read_register(book)
    row = v.latest(reg, month, (v.Status.PROPOSED, v.Status.DRAFT))
    if row is None:
        return None
    lang = book.language
    _, superseded = v.approve(reg, row["version"], "", "")
    active = reg[reg["version"] == v.ACTIVE]
    now = messages.message("btn_approve_active_none", lang) if active.empty else \
        messages.message("btn_approve_active", lang, source=active.iloc[0]["source"] or "?")
    more = messages.message("btn_approve_supersedes", lang,
                            versions=", ".join(superseded)) if superseded else ""
    return messages.message("btn_approve_confirm", lang, version=row["version"], month=month,
                            status=status_word(row["status"], lang),
                            created=row["created_at"], author=row["author"] or "-",
                            sheet=row["sheet"], active=now, more=more)


def compare_latest(book: MasterWorkbook) -> str:
    """Compare: the newest version against the active one (000), or, when that is the same
    plan, against the version saved before it."""
    reg = read_register(book)
    lang = book.language
    saved = reg[reg["version"] != v.ACTIVE]
    if saved.empty:
        return messages.message("btn_nothing_to_compare", lang)
    newest = saved.iloc[-1]
    active = reg[reg["version"] == v.ACTIVE]
    if not active.empty and active.iloc[0]["source"] != newest["version"]:
        other = active.iloc[0]
    elif len(saved) > 1:
        other = saved.iloc[-2]
    else:
        return messages.message("btn_nothing_to_compare", lang)
    d = diff_versions(book, other["version"], newest["version"])
    return messages.message("btn_compared", lang, a=other["version"], b=newest["version"],
                            n=len(d), sheet=contract.sheet("version_diff").name(lang))
