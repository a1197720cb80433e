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
import weakref
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from sop_xl import contract
from sop_xl.base import messages
from sop_xl.base.errors import ValidationError, VersionError
from sop_xl.contract.cells import cell_ref, col_letter
from sop_xl.contract.model import normalise_header
from sop_xl.contract.read import find_header, is_blank, read_table
from sop_xl.layout.render import table_content
from sop_xl.layout.sheet import Box, CondFormat, SheetContent
from sop_xl.layout.styles import CELL_STYLES
from sop_xl.plan import versions as v
from sop_xl.workbook.backend import Backend

if TYPE_CHECKING:
    from sop_xl.app.master import MasterWorkbook
    from sop_xl.contract.settings import Settings

# The password of protected plan tabs and logs. Not a secret (it is written here): it makes
# unprotecting a deliberate act (Review > Unprotect Sheet) rather than a slip of the mouse.
LOCK_PASSWORD = "sop-xl"
ARCHIVE_SUFFIX = "_archive.xlsx"

messages.register({
    "version_tampered": (
        "plan version {version} is approved and locked, but sheet {sheet!r} was changed by "
        "hand: cell {cell} now holds {now}. Nothing was done; undo the change or restore the "
        "workbook from a backup",
        "计划版本 {version} 已批准并锁定，但工作表 {sheet!r} 被手工修改：单元格 {cell} 现为 {now}。"
        "未执行任何操作；请撤销修改或从备份恢复工作簿"),
    "version_tampered_row": (
        "plan version {version} is approved and locked, but sheet {sheet!r} was changed by "
        "hand: row {row} (from cell {cell}) was inserted, deleted or replaced. Nothing was "
        "done; undo the change or restore the workbook from a backup",
        "计划版本 {version} 已批准并锁定，但工作表 {sheet!r} 被手工修改："
        "第 {row} 行(自单元格 {cell})被插入、删除或替换。"
        "未执行任何操作；请撤销修改或从备份恢复工作簿"),
    "version_tampered_sheet": (
        "plan version {version} is approved and locked, but sheet {sheet!r} no longer matches "
        "its content hash; its check column cannot place the change (rows removed after "
        "cell {cell}, the check column rewritten, or a 1-in-65,536 tag collision). Nothing "
        "was done; restore the workbook from a backup",
        "计划版本 {version} 已批准并锁定，但工作表 {sheet!r} 与其内容校验不符，"
        "校验列无法定位修改(单元格 {cell} 之后的行被删除、校验列被改写，"
        "或六万五千分之一的校验码碰撞)。未执行任何操作；请从备份恢复工作簿"),
    "version_changed": (
        "plan version {version} (sheet {sheet!r}) was changed by hand at cell {cell} (now "
        "{now}); a changed version cannot be {action}. Save a new version instead",
        "计划版本 {version}(工作表 {sheet!r})在单元格 {cell} 被手工修改(现为 {now})；"
        "已修改的版本不能{action}。请另存一个新版本"),
    "version_tab_missing": (
        "plan version {version}: its sheet {sheet!r} is missing from the workbook; an approved "
        "version may not be deleted or renamed. Restore it from a backup",
        "计划版本 {version}：工作表 {sheet!r} 不在工作簿中；"
        "已批准版本不能删除或改名。请从备份恢复"),
    "plan_tab_immutable": (
        "sheet {sheet!r} is a saved plan version and is never rewritten; save a new version "
        "instead", "工作表 {sheet!r} 是已保存的计划版本，不会被改写；请另存新版本"),
    "version_unknown": (
        "version {version} is not in the Versions register (known: {known})",
        "版本 {version} 不在版本登记表中(已有：{known})"),
    "version_not_draft": (
        "version {version} is {status}; only a draft can be proposed",
        "版本 {version} 状态为{status}；只有草稿可以提交批准"),
    "version_approve_000": (
        "000 is the active copy of version {source}; approve {source} itself",
        "000 是版本 {source} 的激活副本；请批准版本 {source} 本身"),
    "version_archived_missing": (
        "version {version} is archived in {location}, which is not next to the workbook "
        "({path})", "版本 {version} 已归档到 {location}，但该文件不在工作簿旁({path})"),
    "version_archive_needs_file": (
        "archived versions live in a workbook file next to the master; this workbook is not a "
        "file", "归档版本保存在主工作簿旁的文件中；当前工作簿不是文件"),
    "no_active_version": (
        "there is no active version 000 yet; make one active first: sop-xl version activate "
        "WORKBOOK ID", "尚无激活版本 000；请先激活一个版本：sop-xl version activate 工作簿 版本号"),
    "version_status_draft": ("draft", "草稿"),
    "version_status_proposed": ("proposed", "待批准"),
    "version_status_approved": ("approved", "已批准"),
    "version_status_superseded": ("superseded", "已被取代"),
    "version_action_approved": ("approved", "批准"),
    "version_action_activated": ("activated", "激活"),
    "version_action_compared": ("compared", "对比"),
    "version_action_archived": ("archived", "归档"),
    "version_action_transferred": ("transferred", "传递"),
    "diff_title": ("Version {b} ({sheet_b}) compared with version {a} ({sheet_a}): {n} changed "
                   "rows, largest value change first; unchanged rows are left out.",
                   "版本 {b}({sheet_b}) 与版本 {a}({sheet_a}) 对比：{n} 行有变化，"
                   "按金额变化从大到小；未变化的行不列出。"),
    "diff_totals": ("Value B − A: demand {demand:,.0f}, MPS {mps:,.0f}, purchases "
                    "{purchase:,.0f}.", "金额差(B−A)：需求 {demand:,.0f}，主生产计划 {mps:,.0f}，"
                    "采购 {purchase:,.0f}。"),
})


# -- reading the register and plan tabs ---------------------------------------------------------

def read_register(book: MasterWorkbook) -> pd.DataFrame:
    """The Versions register, normalised (every column as text, blank as "")."""
    return v.normalise_register(book.read_output_table("versions"))


def register_sheet(reg: pd.DataFrame, lang: str, currency: str = "CNY") -> SheetContent:
    sheet = table_content(contract.sheet("versions"), reg, lang, currency=currency)
    sheet.protect = True
    sheet.protect_hash = v.excel_password_hash(LOCK_PASSWORD)
    return sheet


def plan_tab_content(snapshot: pd.DataFrame, version: str, sheet: str, lang: str,
                     currency: str = "CNY") -> SheetContent:
    """A plan tab: the snapshot as an Excel Table, protected, with the hidden check column."""
    frame = v.normalise(snapshot)
    frame["check"] = v.cell_tags(frame)
    spec = contract.sheet("plan_tab")
    tab = table_content(spec, frame, lang, currency=currency, name=sheet,
                        table=f"tblPlan_V{version}")
    tab.protect = True
    tab.protect_hash = v.excel_password_hash(LOCK_PASSWORD)
    tab.hidden_cols = (spec.keys.index("check"),)
    return tab


@dataclass
class PlanTab:
    """A plan tab read back: the snapshot, each row's check tags and where it sits."""

    sheet: str
    snapshot: pd.DataFrame
    tags: list[Any]
    excel_rows: list[int]
    columns: dict[str, int]  # snapshot column → 0-based sheet column

    def cell(self, row: int | None, column: str | None) -> str:
        """The A1 reference of a data row (0-based) and column; past the end when None."""
        c = self.columns.get(column or "section", 0)
        if row is None:
            r = (self.excel_rows[-1] if self.excel_rows else 1) + 1
        else:
            r = self.excel_rows[row]
        return cell_ref(r - 1, c)


def read_tab(backend: Backend, sheet: str, lang: str = "en") -> PlanTab:
    """A plan tab's cells as a snapshot, straight from the values (no contract coercion:
    verifying 24 months of tabs must be quick, and a cell that is not what was written
    simply hashes differently)."""
    raw = backend.read_sheet(sheet)
    spec = contract.sheet("plan_tab")
    hr = find_header(raw, spec) if raw.rows else 0
    header = raw.rows[hr] if raw.rows else []
    by_header = {h: col.key for col in spec.columns for h in col.accepted_headers()}
    where: dict[str, int] = {}
    for c, h in enumerate(header):
        key = by_header.get(normalise_header(h)) if not is_blank(h) else None
        if key is not None and key not in where:
            where[key] = c
    mapped = list(where.values())
    data, rows = [], []
    for r, row in enumerate(raw.rows[hr + 1:], start=hr + 2):
        if any(c < len(row) and row[c] is not None and row[c] != "" for c in mapped):
            data.append(row)
            rows.append(r)

    def column(key: str) -> list[Any]:
        c = where.get(key)
        return [None] * len(data) if c is None else \
            [row[c] if c < len(row) else None for row in data]

    frame = {k: [_cell_number(x) for x in column(k)] if k in v.NUMBER_COLUMNS else
             [_cell_text(x) for x in column(k)] for k in v.SNAPSHOT_COLUMNS}
    snap = pd.DataFrame(frame, columns=v.SNAPSHOT_COLUMNS)
    return PlanTab(sheet, v.normalise(snap), [_cell_text(x) for x in column("check")], rows,
                   where)


def _cell_text(x: Any) -> str:
    if type(x) is str:
        return x.strip()
    if is_blank(x):
        return ""
    if isinstance(x, float) and x.is_integer():
        return str(int(x))  # as the contract reads item codes typed as numbers
    return str(x).strip()


def _cell_number(x: Any) -> float:
    if isinstance(x, int | float) and not isinstance(x, bool):
        return float(x)
    return float("nan")


def tab_fingerprints(backend: Backend, sheets: Sequence[str]) -> dict[str, str]:
    """CRC-32 and size of each tab's worksheet part, as the zip directory records them:
    free to read, and equal exactly when the part's bytes are (a collision needs intent).
    Empty for backends that are not files (live Excel, memory)."""
    path = getattr(backend, "path", None)
    if path is None or not sheets:
        return {}
    from sop_xl.workbook.package import Package
    pkg = Package(path)
    try:
        parts = {e.name.lower(): e.part for e in pkg.sheets}
    finally:
        pkg.close()
    out = {}
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        for s in sheets:
            part = parts.get(s.lower())
            if part in names:
                info = z.getinfo(part)
                out[s] = f"{info.CRC:08x}{info.file_size:x}"
    return out


def tab_fingerprint(backend: Backend, sheet: str) -> str:
    return tab_fingerprints(backend, [sheet]).get(sheet, "")


def _changed_error(code: str, version: str, tab: PlanTab, lang: str,
                   **extra: Any) -> VersionError:
    ch = v.locate_change(tab.snapshot, tab.tags)
    cell = tab.cell(ch.row, ch.column)
    if ch.row is not None and ch.column is None:
        code = "version_tampered_row" if code == "version_tampered" else code
        return VersionError(code, lang, version=version, sheet=tab.sheet, cell=cell,
                            row=tab.excel_rows[ch.row], now="(row)", **extra)
    if ch.row is None:
        code = "version_tampered_sheet" if code == "version_tampered" else code
        return VersionError(code, lang, version=version, sheet=tab.sheet, cell=cell,
                            now="(rows removed)", **extra)
    now = ch.now
    if isinstance(now, float):
        shown = "(blank)" if now != now else str(int(now)) if now.is_integer() else \
            f"{now:.6f}".rstrip("0")
    else:
        shown = repr(now) if now not in ("", None) else "(blank)"
    return VersionError(code, lang, version=version, sheet=tab.sheet, cell=cell, now=shown,
                        **extra)


def verify_version(book: MasterWorkbook, row: pd.Series | dict, *, action: str = "",
                   backend: Backend | None = None,
                   fingerprint: str | None = None) -> tuple[PlanTab | None, str]:
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


# Per book: the file state verified and the fingerprints found, so a command that reads
# inputs and then writes checks once.
_VERIFIED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _state(book: MasterWorkbook) -> tuple | None:
    path = getattr(book.backend, "path", None)
    if path is None:
        return None
    st = Path(path).stat()
    return (str(path), st.st_mtime_ns, st.st_size)


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
    sheet = register_sheet(with_fingerprints(read_register(book), found), book.language)
    sheet.name = book.output_name(contract.sheet("versions"))
    return [sheet]


def verified(book: MasterWorkbook) -> dict[str, str]:
    """The fingerprint of every locked tab, each verified (VersionError otherwise)."""
    return _verify_locked(book)[0]


def _verify_locked(book: MasterWorkbook) -> tuple[dict[str, str], bool]:
    state = _state(book)
    cached = _VERIFIED.get(book)
    if state is not None and cached is not None and cached[0] == state:
        return cached[1], cached[2]
    spec = contract.sheet("versions")
    present = {n.lower() for n in book.backend.sheet_names()}
    if spec.en.lower() not in present and spec.zh.lower() not in present:
        return {}, False
    reg = read_register(book)
    locked = [row for _, row in reg.iterrows() if v.is_locked(row) and not row["location"]]
    fps = tab_fingerprints(book.backend, [row["sheet"] for row in locked])
    found: dict[str, str] = {}
    stale = False
    for row in locked:
        _, fp = verify_version(book, row, fingerprint=fps.get(row["sheet"], ""))
        found[row["sheet"]] = fp
        stale |= bool(fp) and fp != row["fingerprint"]
    if state is not None:
        _VERIFIED[book] = (state, found, stale)
    return found, stale


def with_fingerprints(reg: pd.DataFrame, found: dict[str, str]) -> pd.DataFrame:
    """The register with the fingerprints verified in this command filled in."""
    reg = reg.copy()
    for i, sheet in enumerate(reg["sheet"]):
        if found.get(sheet):
            reg.at[i, "fingerprint"] = found[sheet]
    return reg


# -- saving ---------------------------------------------------------------------------------------

def version_sheets(book: MasterWorkbook, snapshot: pd.DataFrame, settings: Settings,
                   lang: str, *, note: str = "", author: str = "") -> tuple[
                       list[SheetContent], v.VersionRecord]:
    """A new version's plan tab and the register with its row added (not written yet)."""
    found = verified(book)
    reg = read_register(book)
    tabs = [n for n in book.backend.sheet_names() if contract.is_plan_tab(n)]
    version = v.next_version(reg, tabs)
    rec = v.new_record(version, settings.planning_month, snapshot,
                       author=author or settings.author, note=note)
    tab = plan_tab_content(snapshot, version, rec.sheet, lang, settings.currency)
    reg = pd.concat([reg, pd.DataFrame([rec.row()])], ignore_index=True)
    reg = with_fingerprints(reg, found)
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
    if who:
        return who
    try:
        return book.read_settings().author or v.os_user()
    except ValidationError:
        return v.os_user()


def propose(book: MasterWorkbook, version: str) -> pd.Series:
    found = verified(book)
    reg = read_register(book)
    i = _lookup(book, reg, version)
    row = reg.iloc[i]
    if row["status"] != v.Status.DRAFT or row["version"] == v.ACTIVE:
        raise VersionError("version_not_draft", book.language, version=row["version"],
                           status=status_word(row["status"], book.language))
    reg = v.propose(reg, row["version"])
    _write_register(book, with_fingerprints(reg, found), "version propose",
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
        return row, []
    be = archive_backend(book, row) if row["location"] else None
    _, fp = verify_version(book, row, action="approved", backend=be)
    reg, superseded = v.approve(reg, row["version"], user_name(book, by), v.now_text())
    if fp and not row["location"]:
        found = {**found, row["sheet"]: fp}
    summary = f"{row['version']} approved" + (f"; superseded {', '.join(superseded)}"
                                              if superseded else "")
    _write_register(book, with_fingerprints(reg, found), "version approve", summary)
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
    reg = v.activate(reg, row["version"], user_name(book, by), v.now_text(), sheet)
    lang = book.language
    cur = _currency(book)
    tab = plan_tab_content(snap, v.ACTIVE, sheet, lang, cur)
    found = {k: f for k, f in found.items() if k not in remove and k != sheet}
    contents = [tab, register_sheet(with_fingerprints(reg, found), lang, cur),
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
    path = getattr(book.backend, "path", None)
    if path is None:
        raise VersionError("version_archive_needs_file", book.language)
    side = Path(path).parent / row["location"]
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


def diff_sheet(d: pd.DataFrame, ra: pd.Series, rb: pd.Series, lang: str,
               currency: str = "CNY") -> SheetContent:
    spec = contract.sheet("version_diff")
    sheet = table_content(spec, d, lang, currency=currency)
    totals = {s: float(d.loc[d["section"] == s, "value_diff"].sum())
              for s in ("demand", "mps", "purchase")}
    title = [messages.message("diff_title", lang, a=ra["version"], b=rb["version"],
                              sheet_a=ra["sheet"], sheet_b=rb["sheet"], n=len(d)),
             messages.message("diff_totals", lang, **totals)]
    _put_title(sheet, title)
    top = len(title) + 2  # first data row (0-based)
    last = max(top, top + len(d) - 1)
    for key in ("qty_diff", "value_diff", "diff_pct"):
        j = spec.keys.index(key)
        ref = f"{col_letter(j)}{top + 1}"
        sheet.cond_formats.append(CondFormat(Box(top, j, last, j), f"{ref}<0", "bad"))
        sheet.cond_formats.append(CondFormat(Box(top, j, last, j), f"{ref}>0", "good"))
    return sheet


def _put_title(sheet: SheetContent, lines: list[str]) -> None:
    """Lines of text above a table sheet (a blank row between), everything moved down."""
    k = len(lines) + 1

    def move(b: Box) -> Box:
        return Box(b.top + k, b.left, b.bottom + k, b.right)

    sheet.rows = [[line] for line in lines] + [[]] + sheet.rows
    sheet.styles = [type(s)(move(s.box), s.style) for s in sheet.styles]
    for r in range(len(lines)):
        sheet.style(r, 0, r, 0, CELL_STYLES["title" if r == 0 else "subtitle"])
    if sheet.table is not None:
        sheet.table = type(sheet.table)(sheet.table.name, move(sheet.table.box),
                                        sheet.table.style)
    if sheet.freeze is not None:
        sheet.freeze = (sheet.freeze[0] + k, sheet.freeze[1])


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
    path = getattr(book.backend, "path", None)
    if path is None:
        raise VersionError("version_archive_needs_file", book.language)
    found = verified(book)
    side = Path(to) if to else Path(path).with_name(Path(path).stem + ARCHIVE_SUFFIX)
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
    write(book, [register_sheet(with_fingerprints(reg, found), lang, cur),
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
    row = {"run_at": v.now_text(), "user": user_name(book), "command": command, "steps": "",
           "seconds": round(seconds, 2), "summary": summary}
    log = pd.concat([log, pd.DataFrame([row])], ignore_index=True)
    return table_content(contract.sheet("run_log"), log, book.language, currency=_currency(book))


def _write_register(book: MasterWorkbook, reg: pd.DataFrame, command: str,
                    summary: str) -> None:
    t0 = time.perf_counter()
    lang, cur = book.language, _currency(book)
    write(book, [register_sheet(reg, lang, cur),
                 run_log_sheet(book, command, summary, time.perf_counter() - t0)])


def write(book: MasterWorkbook, contents: list[SheetContent],
          remove: Sequence[str] = ()) -> None:
    """One atomic write; contract sheets go under the name the workbook already uses."""
    for c in contents:
        if c.key and c.key != "plan_tab":
            c.name = book.output_name(contract.sheet(c.key))
    book.write(contents, remove=remove)


def status_word(status: str, lang: str) -> str:
    try:
        return messages.message(f"version_status_{status}", lang)
    except KeyError:
        return status


# -- the ribbon's buttons: no arguments, the obvious version, a sentence back -----------------

messages.register({
    "btn_saved": ("Saved version {version} as sheet {sheet} (draft).",
                  "已保存版本 {version}(工作表 {sheet}，草稿)。"),
    "btn_approved": ("Approved version {version} ({month}); its tab is now locked and it is "
                     "the active version 000.{more}",
                     "已批准版本 {version}({month})，其计划页已锁定，并已成为激活版本 000。{more}"),
    "btn_superseded": (" Superseded: {versions}.", " 已替代：{versions}。"),
    "btn_nothing_to_approve": ("No draft or proposed version of {month} to approve; press "
                               "Save Version first.",
                               "{month} 没有可批准的草稿或提议版本；请先保存版本。"),
    "btn_compared": ("Compared version {a} with {b}: {n} changed rows on sheet {sheet}.",
                     "已对比版本 {a} 与 {b}：{n} 行变化，见工作表 {sheet}。"),
    "btn_nothing_to_compare": ("Compare needs two versions; save a version first.",
                               "对比需要两个版本；请先保存版本。"),
})


def _latest(reg: pd.DataFrame, month: str, statuses: tuple[str, ...]) -> pd.Series | None:
    rows = reg[(reg["version"] != v.ACTIVE) & (reg["planning_month"].astype(str) == month)
               & reg["status"].isin(statuses)]
    return None if rows.empty else rows.iloc[-1]


def approve_latest(book: MasterWorkbook) -> str:
    """Approve: the newest draft or proposed version of the planning month, which then
    becomes the active version 000 — the approved plan is the one passed on (the ribbon
    has no separate Activate; `sop-xl version activate` does that alone)."""
    month = str(book.read_settings().planning_month)
    row = _latest(read_register(book), month, (v.Status.PROPOSED, v.Status.DRAFT))
    lang = book.language
    if row is None:
        return messages.message("btn_nothing_to_approve", lang, month=month)
    done, superseded = approve(book, row["version"])
    activate(book, done["version"])
    more = messages.message("btn_superseded", lang, versions=", ".join(superseded)) \
        if superseded else ""
    return messages.message("btn_approved", lang, version=done["version"], month=month,
                            more=more)


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
