"""Plan versions (版本): immutable snapshots of a month's plan, their register and diffs.

Pure functions over pandas frames; the workbook side is ``sop_xl.app.versions``.

A snapshot is a long table, one row per (section, item or resource, measure, period):
section, key, family, measure, period, qty, value, text. Its **content hash** is the
SHA-256 of a canonical text form (numbers to 6 decimals, blanks as empty text), kept in the
Versions register: it is the authority on whether a plan tab still holds what was saved.

A hash can say *that* a tab changed, not *where*. So each row of a plan tab also carries,
in a hidden column, a **cell tag** per column: CRC-32 of (row position, column, canonical
cell text). When the hash no longer matches, the first row whose tags disagree with its
cells names the cell that changed. Tags only locate; they never decide: editing a tag
alone changes nothing (the hash still matches), and a forger who rewrites cells *and*
tags is still caught by the hash, only reported without a cell.

Statuses: draft → proposed → approved → superseded (when a newer version of the same
planning month is approved). Version "000" is the active version: a copy of another
version, the only one that may be transferred to demand management (as in Kingdee EAS).
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from sop_xl import contract
from sop_xl.contract.cells import cell_ref
from sop_xl.contract.model import normalise_header
from sop_xl.contract.raw import RawSheet
from sop_xl.contract.read import find_header, is_blank

SNAPSHOT_COLUMNS = ["section", "key", "family", "measure", "period", "qty", "value", "text"]
TEXT_COLUMNS = ("section", "key", "family", "measure", "period", "text")
NUMBER_COLUMNS = ("qty", "value")
ACTIVE = "000"
#: The MPS measure of a node supplied by transfer from another plant (issue 17): the
#: planned transfers it receives, apart from "production" (what is made). Versions saved
#: before recorded them as production: ``transfers_apart`` reads those.
TRANSFERS = "transfers"
_VERSION_RE = re.compile(r"^\s*V?(\d+)\s*$", re.I)
_TAB_RE = re.compile(r"^V(\d{3,})\s+\d{4}-\d{2}$")
_TAG_WIDTH = 4  # hex digits of one cell's tag: 16 bits of its CRC-32 (see cell_tags)

# The settings a version keeps with its numbers: enough to read it back on its own.
KEY_SETTINGS = ("company", "planning_month", "bucket", "horizon", "frozen_periods",
                "near_term_months", "far_method", "currency", "service_level", "work_week",
                "family_strategy")


class Status(StrEnum):
    DRAFT = "draft"
    PROPOSED = "proposed"
    APPROVED = "approved"
    SUPERSEDED = "superseded"


REGISTER_COLUMNS = ["version", "created_at", "author", "planning_month", "status", "sheet",
                    "note", "content_hash", "source", "approved_by", "approved_at",
                    "location", "fingerprint"]


@dataclass(frozen=True)
class VersionRecord:
    """One row of the Versions register."""

    version: str
    created_at: str
    author: str
    planning_month: str
    status: str
    sheet: str
    note: str
    content_hash: str
    source: str = ""        # for 000: the version it is a copy of
    approved_by: str = ""
    approved_at: str = ""
    location: str = ""      # blank: a tab of this workbook; else the archive workbook's name
    fingerprint: str = ""   # digest of the tab's XML when last verified (fast re-check)

    def row(self) -> dict[str, Any]:
        return asdict(self)


# -- snapshots ----------------------------------------------------------------------------

def section_rows(section: str, keys: pd.Index, periods: list[str],
                 rows: dict[str, np.ndarray], measures: list[str], *,
                 family: pd.Series | None = None,
                 value_per_unit: np.ndarray | None = None) -> pd.DataFrame:
    """Flatten (items × buckets) measures into the snapshot's long form (non-zero only)."""
    frames = []
    fam = family.reindex(keys).fillna("").to_numpy() if family is not None else \
        np.full(len(keys), "")
    for m in measures:
        if m not in rows:
            continue
        a = np.nan_to_num(rows[m], nan=0.0)
        r, c = np.nonzero(np.abs(a) > 1e-9)
        qty = a[r, c]
        value = qty * value_per_unit[r] if value_per_unit is not None else np.full(len(r), np.nan)
        frames.append(pd.DataFrame({"section": section, "key": keys[r], "family": fam[r],
                                    "measure": m, "period": np.asarray(periods)[c],
                                    "qty": qty, "value": value, "text": ""}))
    if not frames:
        return pd.DataFrame(columns=SNAPSHOT_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def settings_rows(values: dict[str, Any]) -> pd.DataFrame:
    """The key settings as snapshot rows: numbers in qty, everything else in text."""
    out = []
    for k in KEY_SETTINGS:
        v = values.get(k)
        if v is None:
            continue
        num = isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool)
        out.append({"section": "settings", "key": k, "family": "", "measure": "setting",
                    "period": "", "qty": float(v) if num else np.nan, "value": np.nan,
                    "text": "" if num else str(v)})
    return pd.DataFrame(out, columns=SNAPSHOT_COLUMNS)


def normalise(snapshot: pd.DataFrame) -> pd.DataFrame:
    """The snapshot's columns in order, text as str ("" for blank), numbers as float."""
    out = {}
    n = len(snapshot)
    for c in SNAPSHOT_COLUMNS:
        s = snapshot[c] if c in snapshot else pd.Series([None] * n, index=snapshot.index)
        if c in NUMBER_COLUMNS:
            out[c] = pd.to_numeric(s, errors="coerce").astype(float).to_numpy()
        else:
            obj = s.astype(object)
            out[c] = np.where(pd.isna(obj), "", obj.astype(str)).astype(object)
    return pd.DataFrame(out, columns=SNAPSHOT_COLUMNS)


def canonical_cells(snapshot: pd.DataFrame) -> list[np.ndarray]:
    """Each column's cells as canonical text: numbers to 6 decimals, blanks empty."""
    s = normalise(snapshot)
    cols = []
    for c in SNAPSHOT_COLUMNS:
        if c in NUMBER_COLUMNS:
            a = s[c].to_numpy(float) + 0.0  # -0.0 → 0.0
            txt = np.char.mod("%.6f", np.nan_to_num(a, nan=0.0)).astype(object)
            txt[np.isnan(a)] = ""
            cols.append(txt)
        else:
            cols.append(s[c].to_numpy(object))
    return cols


def content_hash(snapshot: pd.DataFrame) -> str:
    """SHA-256 over the canonical text of every cell, row by row."""
    cols = canonical_cells(snapshot)
    h = hashlib.sha256()
    if cols and len(cols[0]):
        lines = pd.Series(cols[0], dtype=object).str.cat(
            [pd.Series(c, dtype=object) for c in cols[1:]], sep="\x1f")
        h.update(("\n".join(lines.tolist()) + "\n").encode("utf-8"))
    return h.hexdigest()


def cell_tags(snapshot: pd.DataFrame) -> list[str]:
    """One tag string per row: 16 bits of the CRC-32 of each cell with its row and column
    position, 4 hex digits a cell.

    Tags are incompressible, so their size is a trade: at 16 bits a changed cell goes
    unnamed once in 65,536 changes (the hash still refuses the tab; the message then names
    the row or only the sheet), and they are a third of a plan tab's compressed size
    (bench/versions_history.py)."""
    cols = canonical_cells(snapshot)
    n = len(cols[0]) if cols else 0
    if not n:
        return []
    m = len(cols)
    # every cell's CRC-32 at once (a plan tab has millions): the row's digits, then
    # "\x1f{column}\x1f", then the cell's text, byte k of every message in one numpy step
    state = _crc_run(np.full(n, 0xFFFFFFFF, dtype=np.uint32), [str(i) for i in range(n)])
    tags = np.empty((n, m), dtype=np.uint32)
    for j in range(m):
        s = _crc_bytes(state, f"\x1f{j}\x1f".encode())
        tags[:, j] = _crc_run(s, cols[j]) ^ 0xFFFFFFFF
    nibbles = (tags[:, :, None] >> np.array([12, 8, 4, 0], dtype=np.uint32)) & 0xF
    text = _HEX[nibbles].tobytes().decode("ascii")
    w = 4 * m
    return [text[k:k + w] for k in range(0, n * w, w)]


def _tag(i: int, j: int, text: str) -> int:
    """One cell's tag (what ``cell_tags`` computes for all cells at once)."""
    return zlib.crc32(f"{i}\x1f{j}\x1f{text}".encode()) & 0xFFFF


_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def _crc_table() -> np.ndarray:
    """The byte table of the reflected CRC-32 (polynomial 0xEDB88320, zlib's)."""
    c = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        c = np.where(c & 1, (c >> 1) ^ np.uint32(0xEDB88320), c >> 1).astype(np.uint32)
    return c


_CRC = _crc_table()


def _crc_bytes(state: np.ndarray, data: bytes) -> np.ndarray:
    """Every running CRC-32 state (not yet inverted) continued by the same bytes."""
    for b in data:
        state = _CRC[(state ^ b) & 0xFF] ^ (state >> 8)
    return state


def _crc_run(state: np.ndarray, texts: Sequence[str] | np.ndarray) -> np.ndarray:
    """Running CRC-32 states continued each by its own text's UTF-8 bytes."""
    encoded = [t.encode("utf-8") for t in texts]
    lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    buf = np.frombuffer(b"".join(encoded) + b"\0", dtype=np.uint8)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    state = state.copy()
    live = np.flatnonzero(lengths > 0)
    k = 0
    while live.size:
        s = state[live]
        state[live] = _CRC[(s ^ buf[starts[live] + k]) & 0xFF] ^ (s >> 8)
        k += 1
        live = live[lengths[live] > k]
    return state


@dataclass(frozen=True)
class Change:
    """Where a plan tab first differs from what was saved: a data row (0-based) and a
    snapshot column, or ``column=None`` when a whole row moved (inserted or deleted) and
    ``row=None`` when no tag names a cell (rows deleted at the end, or tags rewritten)."""

    row: int | None
    column: str | None
    now: Any = None


def locate_change(snapshot: pd.DataFrame, tags: list[Any]) -> Change:
    """The first cell whose content no longer matches its tag."""
    cols = canonical_cells(snapshot)
    n = len(cols[0]) if cols else 0
    s = normalise(snapshot)
    for i in range(n):
        tag = str(tags[i] or "") if i < len(tags) else ""
        want = [tag[k * _TAG_WIDTH:(k + 1) * _TAG_WIDTH] for k in range(len(cols))]
        bad = [j for j in range(len(cols)) if f"{_tag(i, j, cols[j][i]):04x}" != want[j]]
        if not bad:
            continue
        if len(bad) == len(cols):
            return Change(i, None)
        c = SNAPSHOT_COLUMNS[bad[0]]
        return Change(i, c, s[c].iloc[i])
    return Change(None, None)


# -- a plan tab read back ----------------------------------------------------------------

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


def plan_tab(raw: RawSheet, sheet: str | None = None) -> PlanTab:
    """A plan tab's cells as a snapshot, straight from the values (no contract coercion:
    verifying 24 months of tabs must be quick, and a cell that is not what was written
    simply hashes differently). ``sheet``: the name to report (the register's)."""
    sheet = raw.name if sheet is None else sheet
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

    frame = {k: [_cell_number(x) for x in column(k)] if k in NUMBER_COLUMNS else
             [_cell_text(x) for x in column(k)] for k in SNAPSHOT_COLUMNS}
    snap = pd.DataFrame(frame, columns=SNAPSHOT_COLUMNS)
    return PlanTab(sheet, normalise(snap), [_cell_text(x) for x in column("check")], rows,
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


# -- register -------------------------------------------------------------------------------

def version_number(v: Any) -> int | None:
    m = _VERSION_RE.match(str(v))
    return int(m.group(1)) if m else None


def next_version(register: pd.DataFrame, tabs: Sequence[str] = ()) -> str:
    """The next version number after those in the register and the plan tabs present:
    "001", "002", ... (000 is the active version, never a new one)."""
    numbers = [version_number(v) for v in register.get("version", pd.Series(dtype=str))]
    numbers += [int(m.group(1)) for t in tabs if (m := _TAB_RE.match(t))]
    return f"{max([n for n in numbers if n], default=0) + 1:03d}"


def tab_name(version: str, planning_month: pd.Period | str) -> str:
    p = pd.Period(planning_month, "M")
    return f"V{version} {p.year:04d}-{p.month:02d}"


def new_record(version: str, planning_month: pd.Period, snapshot: pd.DataFrame, *,
               created_at: str, author: str, note: str = "",
               status: str = Status.DRAFT) -> VersionRecord:
    """A register row for a new version saved at ``created_at`` by ``author``."""
    return VersionRecord(
        version=version, created_at=created_at, author=author,
        planning_month=str(pd.Period(planning_month, "M")), status=str(status),
        sheet=tab_name(version, planning_month), note=note,
        content_hash=content_hash(snapshot))


def normalise_register(register: pd.DataFrame) -> pd.DataFrame:
    """The register with every column, text as str ("" for blank), in register order."""
    reg = register.drop(columns="_row", errors="ignore")
    out = {}
    for c in REGISTER_COLUMNS:
        s = reg[c] if c in reg else pd.Series([""] * len(reg), index=reg.index)
        obj = s.astype(object)
        out[c] = np.where(pd.isna(obj), "", obj.astype(str)).astype(object)
    return pd.DataFrame(out, columns=REGISTER_COLUMNS).reset_index(drop=True)


def find(register: pd.DataFrame, version: str) -> int:
    """Row position of ``version`` in the register ("3", "003" and "V003" all name 003)."""
    want = version_number(version)
    for i, v in enumerate(register["version"]):
        if want is not None and version_number(v) == want:
            return i
    raise KeyError(version)


def canonical_id(version: str) -> str:
    n = version_number(version)
    return version if n is None else f"{n:03d}"


def is_locked(row: pd.Series | dict) -> bool:
    """Approved once (approved or since superseded): the tab may never change. Either sign
    locks, so blanking one register cell does not unlock a version."""
    return bool(str(row["approved_at"] or "").strip()) or \
        row["status"] in (Status.APPROVED, Status.SUPERSEDED)


def approve(register: pd.DataFrame, version: str, who: str, when: str) -> tuple[
        pd.DataFrame, list[str]]:
    """Approve ``version``: approved versions of the same planning month become
    superseded, and the active version 000 follows its source. Returns the new register
    and the versions superseded."""
    reg = normalise_register(register)
    i = find(reg, version)
    vid = reg.at[i, "version"]
    if vid == ACTIVE:
        raise ValueError("approve the version 000 is a copy of, not 000 itself")
    month = reg.at[i, "planning_month"]
    superseded = []
    for j in range(len(reg)):
        if j != i and reg.at[j, "version"] != ACTIVE and reg.at[j, "status"] == Status.APPROVED \
                and reg.at[j, "planning_month"] == month:
            reg.at[j, "status"] = str(Status.SUPERSEDED)
            superseded.append(reg.at[j, "version"])
    reg.at[i, "status"] = str(Status.APPROVED)
    reg.at[i, "approved_by"] = who
    reg.at[i, "approved_at"] = when
    return _mirror_active(reg), superseded


def propose(register: pd.DataFrame, version: str) -> pd.DataFrame:
    reg = normalise_register(register)
    i = find(reg, version)
    if reg.at[i, "status"] != Status.DRAFT:
        raise ValueError(reg.at[i, "status"])
    reg.at[i, "status"] = str(Status.PROPOSED)
    return _mirror_active(reg)


def activate(register: pd.DataFrame, version: str, who: str, when: str,
             sheet: str) -> pd.DataFrame:
    """Make ``version`` the active one: the register row 000 becomes its copy."""
    reg = normalise_register(register)
    i = find(reg, version)
    src = reg.iloc[i]
    row = VersionRecord(
        version=ACTIVE, created_at=when, author=who, planning_month=src["planning_month"],
        status=src["status"], sheet=sheet, note=f"active copy of {src['version']}",
        content_hash=src["content_hash"], source=src["version"],
        approved_by=src["approved_by"], approved_at=src["approved_at"]).row()
    reg = reg[reg["version"] != ACTIVE]
    return pd.concat([pd.DataFrame([row]), reg], ignore_index=True)


def _mirror_active(reg: pd.DataFrame) -> pd.DataFrame:
    """000 carries its source's status and approval (its content is the same)."""
    act = reg.index[reg["version"] == ACTIVE]
    if len(act) == 0:
        return reg
    a = act[0]
    src = reg.index[(reg["version"] == reg.at[a, "source"]) & (reg["version"] != ACTIVE)]
    if len(src):
        for c in ("status", "approved_by", "approved_at"):
            reg.at[a, c] = reg.at[src[0], c]
    return reg


def with_fingerprints(reg: pd.DataFrame, found: dict[str, str]) -> pd.DataFrame:
    """The register with the fingerprints verified in this command filled in."""
    reg = reg.copy()
    for i, sheet in enumerate(reg["sheet"]):
        if found.get(sheet):
            reg.at[i, "fingerprint"] = found[sheet]
    return reg


def latest(reg: pd.DataFrame, month: str, statuses: tuple[str, ...]) -> pd.Series | None:
    """The newest row of ``month`` in one of ``statuses`` (the active 000 left out)."""
    rows = reg[(reg["version"] != ACTIVE) & (reg["planning_month"].astype(str) == month)
               & reg["status"].isin(statuses)]
    return None if rows.empty else rows.iloc[-1]


# -- reading a version's MPS ------------------------------------------------------------------

def transferred(snapshot: pd.DataFrame) -> set[str]:
    """The MPS keys a snapshot records planned transfers of (nodes supplied by transfer)."""
    s = snapshot[(snapshot["section"] == "mps") & (snapshot["measure"] == TRANSFERS)]
    return set(s["key"].astype(str))


def transfers_apart(snapshot: pd.DataFrame, nodes: set[str] | Sequence[str]) -> pd.DataFrame:
    """``snapshot`` with the MPS "production" of ``nodes`` (supplied by transfer) read as
    their planned transfers, as versions record them since issue 17's session 4; a version
    saved before counted them as production. Only for reading: the hash is the tab's."""
    nodes = set(map(str, nodes))
    if not nodes:
        return snapshot
    moved = ((snapshot["section"] == "mps") & (snapshot["measure"] == "production")
             & snapshot["key"].astype(str).isin(nodes)).to_numpy(bool)
    if not moved.any():
        return snapshot
    out = snapshot.copy()
    out.loc[moved, "measure"] = TRANSFERS
    return out


# -- comparing two versions ------------------------------------------------------------------

DIFF_MEASURES = (("family", "production"), ("demand", "demand"), ("mps", "production"),
                 ("mps", TRANSFERS), ("purchase", "purchase_qty"))
DIFF_COLUMNS = ["section", "key", "family", "measure", "period", "qty_a", "qty_b", "qty_diff",
                "value_a", "value_b", "value_diff", "diff_pct"]


def diff(a: pd.DataFrame, b: pd.DataFrame,
         measures: tuple[tuple[str, str], ...] = DIFF_MEASURES) -> pd.DataFrame:
    """Quantity and value differences B − A of family production, demand, MPS production
    (and planned transfers between plants) and purchases, by family or item and period;
    changed rows only, the family plan the meeting decides first, then the largest value
    change first (then quantity).

    ``diff_pct`` is the quantity change relative to A (NaN where A is zero). A version
    saved before transfers were recorded apart is read with the other's transferred
    nodes (``transfers_apart``), so the change of recording is no change of plan."""
    keys = ["section", "key", "measure", "period"]
    moved = transferred(a) | transferred(b)
    a, b = transfers_apart(a, moved), transfers_apart(b, moved)

    def pick(s: pd.DataFrame) -> pd.DataFrame:
        s = normalise(s)
        mask = np.zeros(len(s), bool)
        for sec, m in measures:
            mask |= (s["section"] == sec).to_numpy() & (s["measure"] == m).to_numpy()
        s = s[mask]
        fam = s.groupby(keys, sort=False)["family"].first()
        g = s.groupby(keys, sort=False)[["qty", "value"]].sum(min_count=1)
        g["family"] = fam
        return g

    ga, gb = pick(a), pick(b)
    j = ga.merge(gb, left_index=True, right_index=True, how="outer", suffixes=("_a", "_b"))
    out = pd.DataFrame({
        "family": j["family_a"].where(j["family_a"].notna(), j["family_b"]).fillna(""),
        "qty_a": j["qty_a"].fillna(0.0), "qty_b": j["qty_b"].fillna(0.0),
        "value_a": j["value_a"].fillna(0.0), "value_b": j["value_b"].fillna(0.0)},
        index=j.index).reset_index()
    out["qty_diff"] = out["qty_b"] - out["qty_a"]
    out["value_diff"] = out["value_b"] - out["value_a"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["diff_pct"] = np.where(out["qty_a"] != 0, out["qty_diff"] / out["qty_a"], np.nan)
    changed = (out["qty_diff"].abs() > 1e-9) | (out["value_diff"].abs() > 1e-9)
    out = out[changed]
    order = np.lexsort((out["period"].to_numpy(str), out["key"].to_numpy(str),
                        -out["qty_diff"].abs().to_numpy(), -out["value_diff"].abs().to_numpy(),
                        (out["section"] != "family").to_numpy()))
    return out.iloc[order][DIFF_COLUMNS].reset_index(drop=True)


# -- sheet protection -------------------------------------------------------------------------

def excel_password_hash(password: str) -> str:
    """Excel's legacy 16-bit sheet-protection hash (ECMA-376 Part 4, §14.7.1,
    ``sheetProtection/@password``), as 4 upper-case hex digits. Not security: it only
    makes unprotecting a deliberate act. The legacy scheme covers 1-byte characters and at
    most 15 of them; other passwords are refused rather than hashed differently from Excel."""
    if len(password) > 15 or not password.isascii():
        raise ValueError("a legacy sheet password is at most 15 ASCII characters")
    h = 0
    for i, ch in enumerate(password, start=1):
        v = ord(ch) << i
        h ^= (v & 0x7FFF) | (v >> 15)
    h ^= len(password)
    h ^= 0xCE4B
    return f"{h:04X}"
