"""Transfer of the active plan version to demand management (需求管理), as in Kingdee EAS
and SAP PP-SOP: planned independent requirements (PIR) an ERP can import, and a log.

Only version 000, the active one, may be transferred, and only when approved. The transfer
asks for the number of periods, the plan type and whether to deduct consumed quantities.

**What is transferred.** A *sales* plan transfers the period's total planned sales: the
demand plan (open orders + forecast + projects + events + adjustments) plus what was
already shipped against orders due in the period (the demand plan leaves shipped
quantities out because they need no more supply; the ERP's sales orders include them). A
*production* plan transfers the MPS planned production as it stands.

**Consumption** (deduct consumed quantities, sales plans only). Customer orders due in the
plan — shipped or still open, from today's Contracts sheet — consume the planned sales, as
SAP's forecast consumption does with sales orders: each order first takes from its own
period, then from up to ``backward`` earlier periods (nearest first), then up to
``forward`` later periods (SAP consumption mode 2, backward then forward). Orders of a
month before the version's planning month count with their open quantity in the first
period. The requirement transferred is what is left, never below zero, so that the ERP's
open sales orders plus the requirement give back the plan; order quantity no plan was left
for is reported as "orders beyond plan". Worked example: tests/versions/test_transfer.py.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sop_xl import contract
from sop_xl.base import messages
from sop_xl.base.errors import VersionError
from sop_xl.base.periods import Buckets, FactoryCalendar, bucket_months, month_weights
from sop_xl.plan import versions as v

if TYPE_CHECKING:
    from sop_xl.app.master import MasterWorkbook

PLAN_TYPES = ("sales", "production")
EXPORT_COLUMNS = ["transfer_id", "version", "plan_type", "item", "uom", "period", "req_date",
                  "quantity"]

messages.register({
    "transfer_not_active": (
        "only the active version 000 can be transferred to demand management; {version} is "
        "not 000. Make it the active one first: sop-xl version activate WORKBOOK {version}",
        "只有激活版本 000 可以传递到需求管理；{version} 不是 000。"
        "请先激活：sop-xl version activate 工作簿 {version}"),
    "transfer_not_approved": (
        "the active version 000 (a copy of {source}) is {status}; only an approved version can "
        "be transferred. Approve it first: sop-xl version approve WORKBOOK {source}",
        "激活版本 000(来自版本 {source})状态为{status}；只有已批准的版本可以传递。"
        "请先批准：sop-xl version approve 工作簿 {source}"),
    "transfer_deduct_production": (
        "deducting consumed quantities applies to a sales plan; a production plan is "
        "transferred as it stands (leave out --deduct)",
        "扣减已消耗数量只适用于销售计划；生产计划按原样传递(请去掉 --deduct)"),
    "transfer_periods": (
        "number of periods {value} is outside 1..{max} (the active version's horizon)",
        "期数 {value} 超出 1..{max}(激活版本的计划展望期)"),
    "transfer_window": (
        "consumption window {value} must be a whole number of periods ≥ 0",
        "消耗期 {value} 必须是 ≥ 0 的整数期数"),
    "transfer_plan_type": ("plan type {value} is not one of sales, production",
                           "计划类型 {value} 不是 sales(销售) 或 production(生产)"),
})


# -- the engine (pure) --------------------------------------------------------------------------

def orders_by_bucket(contracts: pd.DataFrame, items: pd.Index, buckets: Buckets,
                     calendar: FactoryCalendar, planning_month: pd.Period,
                     what: str) -> np.ndarray:
    """Customer-order quantities per item and bucket (pieces), (items × buckets).

    ``what="shipped"``: delivered quantity of contracts due in or after the planning
    month, in their due month's buckets. ``what="orders"``: what consumes the plan — the
    ordered quantity (shipped or open) of those contracts, plus the open quantity of
    contracts due before the planning month, in the first bucket. Monthly quantities spread
    over weekly buckets by working days, as the demand plan does."""
    out = np.zeros((len(items), len(buckets)))
    if contracts is None or contracts.empty:
        return out
    months = bucket_months(buckets)
    weights = month_weights(buckets, calendar, months)
    m_index = {m: k for k, m in enumerate(months)}
    ordered = contracts["ordered_qty"].to_numpy(float)
    delivered = np.nan_to_num(contracts["delivered_qty"].to_numpy(float), nan=0.0)
    rows = items.get_indexer(contracts["item"].astype(str))
    for r, due, o, dl in zip(rows, contracts["due_month"], ordered, delivered, strict=True):
        if r < 0 or due is None or due is pd.NaT:
            continue
        if due < planning_month:
            if what == "orders":
                out[r, 0] += max(o - dl, 0.0)
            continue
        k = m_index.get(due)
        if k is None:
            continue
        q = dl if what == "shipped" else o
        out[r] += q * weights[k]
    return out


def consume(plan: np.ndarray, orders: np.ndarray, backward: int = 0,
            forward: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Orders consume the plan (items × periods, pieces): each period's orders take from
    their own period, then up to ``backward`` earlier periods, nearest first, then up to
    ``forward`` later periods. Returns (consumed per plan cell, order quantity left
    unconsumed per order cell)."""
    remaining = np.clip(np.nan_to_num(plan, nan=0.0), 0.0, None)
    start = remaining.copy()
    left = np.zeros_like(remaining)
    n = remaining.shape[1] if remaining.ndim == 2 else 0
    for p in range(n):
        q = np.clip(np.nan_to_num(orders[:, p], nan=0.0), 0.0, None).copy()
        window = [p, *range(p - 1, max(p - backward, 0) - 1, -1),
                  *range(p + 1, min(p + forward, n - 1) + 1)]
        for t in window:
            take = np.minimum(q, remaining[:, t])
            remaining[:, t] -= take
            q -= take
        left[:, p] = q
    return start - remaining, left


def plan_matrix(snapshot: pd.DataFrame, section: str, measures: tuple[str, ...],
                items: pd.Index, periods: list[str]) -> np.ndarray:
    """The sum of some measures of a snapshot section as an (items × periods) array."""
    s = snapshot[(snapshot["section"] == section) & snapshot["measure"].isin(measures)]
    out = np.zeros((len(items), len(periods)))
    r = items.get_indexer(s["key"])
    c = pd.Index(periods).get_indexer(s["period"])
    ok = (r >= 0) & (c >= 0)
    np.add.at(out, (r[ok], c[ok]), s["qty"].to_numpy(float)[ok])
    return out


def unit_values(snapshot: pd.DataFrame, section: str, measure: str) -> pd.Series:
    """Money per piece by item as the version valued it (price for demand, cost for MPS)."""
    s = snapshot[(snapshot["section"] == section) & (snapshot["measure"] == measure)]
    g = s.groupby("key")[["qty", "value"]].sum()
    return (g["value"] / g["qty"].where(g["qty"] != 0)).fillna(0.0)


def version_buckets(snapshot: pd.DataFrame, calendar: pd.DataFrame | None = None) -> tuple[
        Buckets, FactoryCalendar]:
    """The buckets and factory calendar of a version, from its own key settings."""
    st = snapshot[snapshot["section"] == "settings"].set_index("key")
    month = pd.Period(str(st.at["planning_month", "text"]), "M")
    kind = str(st.at["bucket", "text"]) if "bucket" in st.index else "month"
    horizon = int(st.at["horizon", "qty"])
    week = str(st.at["work_week", "text"]) if "work_week" in st.index else "mon-fri"
    buckets = Buckets.build(month, kind, horizon)
    return buckets, FactoryCalendar.around(buckets, week, calendar)


@dataclass
class Requirements:
    """Planned independent requirements per item and period, with their make-up."""

    #: item, family, period, req_date, plan_qty, consumed_qty, requirement (pcs), value
    frame: pd.DataFrame
    unconsumed: float  # order quantity no plan was left for (pieces)


def requirements(snapshot: pd.DataFrame, contracts: pd.DataFrame | None, *, periods: int,
                 plan_type: str = "sales", deduct: bool = False, backward: int = 0,
                 forward: int = 0, calendar: pd.DataFrame | None = None) -> Requirements:
    """What a transfer of this version sends to demand management (see the module doc)."""
    buckets, cal = version_buckets(snapshot, calendar)
    labels = buckets.labels
    if plan_type == "sales":
        sec, measures, unit_of = "demand", ("demand", "shipped"), ("demand", "demand")
    else:
        sec, measures, unit_of = "mps", ("production",), ("mps", "production")
    rows = snapshot[(snapshot["section"] == sec) & snapshot["measure"].isin(measures)]
    items = pd.Index(sorted(set(rows["key"])), name="item")
    plan = plan_matrix(snapshot, sec, measures, items, labels)
    consumed = np.zeros_like(plan)
    left = np.zeros_like(plan)
    if deduct:
        month = pd.Period(buckets.start, "M")
        orders = orders_by_bucket(contracts, items, buckets, cal, month, "orders")
        consumed, left = consume(plan, orders, backward, forward)
    req = np.clip(plan, 0.0, None) - consumed
    fam = rows.groupby("key")["family"].first().reindex(items).fillna("").to_numpy()
    unit = unit_values(snapshot, *unit_of).reindex(items).fillna(0.0).to_numpy()
    n = periods
    ii, pp = np.nonzero((np.abs(plan[:, :n]) > 1e-9) | (consumed[:, :n] > 1e-9))
    frame = pd.DataFrame({
        "item": items[ii].astype(str), "family": fam[ii],
        "period": np.asarray(labels)[pp],
        "req_date": [buckets[int(p)].start for p in pp],
        "plan_qty": plan[ii, pp], "consumed_qty": consumed[ii, pp],
        "requirement": req[ii, pp], "value": req[ii, pp] * unit[ii]})
    return Requirements(frame, float(left[:, :n].sum()))


# -- the transfer in a workbook -------------------------------------------------------------------

@dataclass
class TransferResult:
    transfer_id: str
    requirements: pd.DataFrame
    log_row: dict[str, Any]
    export: Path | None = None
    warnings: list[str] = field(default_factory=list)


def next_transfer_id(log: pd.DataFrame) -> str:
    nums = [int(str(t)[1:]) for t in log.get("transfer_id", pd.Series(dtype=str))
            if str(t).startswith("T") and str(t)[1:].isdigit()]
    return f"T{max(nums, default=0) + 1:04d}"


def transfer(book: MasterWorkbook, *, version: str = v.ACTIVE, periods: int | None = None,
             plan_type: str = "sales", deduct: bool = False, backward: int = 0,
             forward: int = 0, export: Path | str | None = None,
             user: str = "") -> TransferResult:
    """Transfer the active, approved version to demand management: the DemandManagement
    sheet, an export file (.csv or .xlsx) for the ERP, a TransferLog row and a RunLog row,
    written together; the export appears only if the workbook was written."""
    from sop_xl.app import versions as pv
    t0 = time.perf_counter()
    lang = book.language
    if v.canonical_id(version) != v.ACTIVE:
        raise VersionError("transfer_not_active", lang, version=version)
    if plan_type not in PLAN_TYPES:
        raise VersionError("transfer_plan_type", lang, value=plan_type)
    if deduct and plan_type != "sales":
        raise VersionError("transfer_deduct_production", lang)
    for w in (backward, forward):
        if int(w) != w or w < 0:
            raise VersionError("transfer_window", lang, value=w)
    inputs = book.read_inputs()  # also checks every locked version
    reg = pv.read_register(book)
    active = reg[reg["version"] == v.ACTIVE]
    if active.empty:
        raise VersionError("no_active_version", lang)
    row = active.iloc[0]
    if row["status"] != v.Status.APPROVED:
        raise VersionError("transfer_not_approved", lang, source=row["source"] or "?",
                           status=pv.status_word(row["status"], lang))
    snap = pv.read_version(book, reg, v.ACTIVE, action="transferred")
    horizon = len(version_buckets(snap)[0])
    n = horizon if periods is None else int(periods)
    if not 1 <= n <= horizon:
        raise VersionError("transfer_periods", lang, value=periods, max=horizon)
    r = requirements(snap, inputs.contracts, periods=n, plan_type=plan_type, deduct=deduct,
                     backward=int(backward), forward=int(forward), calendar=inputs.calendar)
    log = book.read_output_table("transfer_log").drop(columns="_row", errors="ignore")
    tid = next_transfer_id(log)
    it = inputs.items.set_index("item")
    f = r.frame
    f.insert(0, "transfer_id", tid)
    f.insert(1, "source", row["source"])
    f.insert(2, "plan_type", plan_type)
    f.insert(4, "description", it["description"].reindex(f["item"]).to_numpy())
    f.insert(6, "uom", it["uom"].reindex(f["item"]).fillna("pcs").to_numpy())
    path = getattr(book.backend, "path", None)
    target = Path(export) if export else (
        Path(path).with_name(f"{Path(path).stem}_PIR_{tid}.csv") if path else None)
    labels = version_buckets(snap)[0].labels
    log_row = {
        "transfer_id": tid, "transferred_at": v.now_text(), "user": pv.user_name(book, user),
        "version": v.ACTIVE, "source": row["source"], "planning_month": row["planning_month"],
        "plan_type": plan_type, "periods": n, "first_period": labels[0],
        "last_period": labels[n - 1], "deduct_consumed": bool(deduct),
        "backward": int(backward), "forward": int(forward), "items": int(f["item"].nunique()),
        "plan_qty": round(float(f["plan_qty"].sum()), 6),
        "consumed_qty": round(float(f["consumed_qty"].sum()), 6),
        "transferred_qty": round(float(f["requirement"].sum()), 6),
        "transferred_value": round(float(f["value"].sum()), 2),
        "unconsumed_qty": round(r.unconsumed, 6),
        "export": target.name if target else "", "content_hash": row["content_hash"]}
    log = pd.concat([log, pd.DataFrame([log_row])], ignore_index=True)
    cur = inputs.settings.currency
    from sop_xl.layout.render import table_content
    contents = [table_content(contract.sheet("demand_management"), f, lang, currency=cur),
                table_content(contract.sheet("transfer_log"), log, lang, currency=cur)]
    contents[1].protect = True
    contents[1].protect_hash = v.excel_password_hash(pv.LOCK_PASSWORD)
    tmp = _stage_export(f, target, tid) if target else None
    try:
        contents.append(pv.run_log_sheet(
            book, "transfer", f"{tid}: 000 (copy of {row['source']}) {plan_type}, {n} periods, "
            f"{log_row['transferred_qty']:g} pcs", time.perf_counter() - t0))
        pv.write(book, contents)
    except BaseException:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        raise
    if tmp is not None and target is not None:
        os.replace(tmp, target)
    return TransferResult(tid, f, log_row, target)


def export_frame(f: pd.DataFrame) -> pd.DataFrame:
    """The ERP import layout: one row per item and period, language-independent keys."""
    return pd.DataFrame({
        "transfer_id": f["transfer_id"], "version": f["source"], "plan_type": f["plan_type"],
        "item": f["item"], "uom": f["uom"], "period": f["period"],
        "req_date": [d.isoformat() for d in f["req_date"]],
        "quantity": f["requirement"].round(6)}, columns=EXPORT_COLUMNS)


def _stage_export(f: pd.DataFrame, target: Path, tid: str) -> Path:
    """Write the export next to its target under a temporary name."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".~{tid}-", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    out = export_frame(f)
    try:
        if target.suffix.lower() == ".xlsx":
            from sop_xl.layout.sheet import SheetContent
            from sop_xl.workbook.file import FileBackend
            rows = [list(out.columns), *out.astype(object).values.tolist()]
            tmp.unlink()
            FileBackend.create(tmp, [SheetContent(name="PIR", rows=rows)])
        else:
            out.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def read_log(book: MasterWorkbook, *, source: str | None = None, since: str | None = None,
             user: str | None = None, plan_type: str | None = None) -> pd.DataFrame:
    """The TransferLog, filtered: by source version, from a date (yyyy-mm-dd), by user or
    plan type."""
    log = book.read_output_table("transfer_log").drop(columns="_row", errors="ignore")
    if source:
        log = log[log["source"].astype(str).map(v.canonical_id) == v.canonical_id(source)]
    if since:
        log = log[log["transferred_at"].astype(str) >= str(since)]
    if user:
        log = log[log["user"].astype(str).str.lower() == user.lower()]
    if plan_type:
        log = log[log["plan_type"] == plan_type]
    return log.reset_index(drop=True)


messages.register({
    "btn_transferred": ("Transfer {tid}: version 000 (from {source}) sent {qty:,.0f} pcs of "
                        "{items} items over {periods} periods to demand management; "
                        "export {export}.",
                        "传递 {tid}：版本 000(来自 {source})共 {items} 个物料、{periods} 期、"
                        "{qty:,.0f} 件已传递到需求管理；导出文件 {export}。"),
})


def transfer_button(book: MasterWorkbook) -> str:
    """The ribbon's Transfer: the active approved version, sales plan type, consuming the
    forecast with customer orders, exported as CSV beside the workbook."""
    path = getattr(book.backend, "path", None)
    export = Path(path).with_name(Path(path).stem + "_demand_management.csv") if path else None
    r = transfer(book, deduct=True, export=export)
    row = r.log_row
    return messages.message("btn_transferred", book.language, tid=r.transfer_id,
                            source=row["source"], qty=row["transferred_qty"],
                            items=row["items"], periods=row["periods"],
                            export=row["export"] or "-")
