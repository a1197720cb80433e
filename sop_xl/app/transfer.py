"""Transfer of the active plan version to demand management (需求管理), as in Kingdee EAS
and SAP PP-SOP: planned independent requirements (PIR) an ERP can import, and a log.

Only version 000, the active one, may be transferred, and only when approved. The transfer
asks for the number of periods, the plan type and whether to deduct consumed quantities.

What is transferred and how customer orders consume it: ``sop_xl.plan.transfer``
(pure). Worked example: tests/versions/test_transfer.py.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from sop_xl import contract
from sop_xl.base import messages
from sop_xl.base.audit import now_text
from sop_xl.base.errors import SopXlError, VersionError
from sop_xl.contract.export import neutralise_frame
from sop_xl.contract.planning_inputs import Inputs
from sop_xl.layout.plants import PLANT
from sop_xl.layout.version_sheets import protected, status_word
from sop_xl.plan import versions as v
from sop_xl.plan.plants import network_of
from sop_xl.plan.transfer import PLAN_TYPES, requirements, version_buckets
from sop_xl.workbook.package import atomic_path
from sop_xl.workbook.paths import beside_stem

if TYPE_CHECKING:
    from sop_xl.app.master import MasterWorkbook

# "level" last: an ERP import reading the columns by position keeps working
EXPORT_COLUMNS = ["transfer_id", "version", "plan_type", "item", "uom", "period", "req_date",
                  "quantity", "level"]
LEVELS = ("item", "family")


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
             export_format: str = "csv", user: str = "", level: str = "item") -> TransferResult:
    """Transfer the active, approved version to demand management: the DemandManagement
    sheet, an export file (.csv or .xlsx) for the ERP, a TransferLog row and a RunLog row,
    written together; the export appears only if the workbook was written. Without
    ``export`` the file goes beside the workbook as <name>_PIR_<transfer>.<export_format>.
    ``level="family"``: one requirement per product family instead of per item."""
    from sop_xl.app import approvals
    from sop_xl.app import versions as pv
    t0 = time.perf_counter()
    lang = book.language
    if v.canonical_id(version) != v.ACTIVE:
        raise VersionError("transfer_not_active", lang, version=version)
    if plan_type not in PLAN_TYPES:
        raise VersionError("transfer_plan_type", lang, value=plan_type)
    if deduct and plan_type != "sales":
        raise VersionError("transfer_deduct_production", lang)
    if level not in LEVELS:
        raise VersionError("transfer_level", lang, value=level)
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
                           status=status_word(row["status"], lang))
    approvals.transferable(book, row["source"])  # approved, not only marked so in a cell
    snap = _transfers_apart(inputs, pv.read_version(book, reg, v.ACTIVE,
                                                    action="transferred"))
    horizon = len(version_buckets(snap)[0])
    n = horizon if periods is None else int(periods)
    if not 1 <= n <= horizon:
        raise VersionError("transfer_periods", lang, value=periods, max=horizon)
    r = requirements(snap, inputs.contracts, periods=n, plan_type=plan_type, deduct=deduct,
                     backward=int(backward), forward=int(forward), calendar=inputs.calendar,
                     level=level)
    log = book.read_output_table("transfer_log").drop(columns="_row", errors="ignore")
    tid = next_transfer_id(log)
    it = inputs.items.set_index("item")
    f = _per_plant(inputs, r.frame)
    f.insert(0, "transfer_id", tid)
    f.insert(1, "source", row["source"])
    f.insert(2, "plan_type", plan_type)
    f.insert(3, "level", level)
    desc = it["description"].reindex(f["item"])
    if level == "family":  # a family's rows: named as a product group
        desc = desc.fillna(pd.Series([messages.message("transfer_family_row", lang, family=x)
                                      for x in f["item"]], index=desc.index))
    f.insert(5, "description", desc.to_numpy())
    f.insert(7, "uom", it["uom"].reindex(f["item"]).fillna("pcs").to_numpy())
    path = book.backend.location  # the file, or the workbook open in Excel
    target = Path(export) if export else (
        beside_stem(path, f"_PIR_{tid}.{export_format}") if path else None)
    labels = version_buckets(snap)[0].labels
    log_row = {
        "transfer_id": tid, "transferred_at": now_text(), "user": pv.user_name(book, user),
        "version": v.ACTIVE, "source": row["source"], "planning_month": row["planning_month"],
        "plan_type": plan_type, "level": level, "periods": n, "first_period": labels[0],
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
    spec = contract.sheet("demand_management")
    cols = [*spec.columns, PLANT] if "plant" in f else None
    contents = [table_content(spec, f, lang, currency=cur, columns=cols),
                table_content(contract.sheet("transfer_log"), log, lang, currency=cur)]
    protected(contents[1])
    contents.append(pv.run_log_sheet(
        book, "transfer", f"{tid}: 000 (copy of {row['source']}) {plan_type}, {n} periods, "
        f"{log_row['transferred_qty']:g} pcs", time.perf_counter() - t0))
    if target is None:
        pv.write(book, contents)
        return TransferResult(tid, f, log_row, None)
    target.parent.mkdir(parents=True, exist_ok=True)
    # the export takes its place only once the workbook was written (the one atomic writer)
    with atomic_path(target) as tmp:
        _write_export(f, tmp)
        pv.write(book, contents)
    return TransferResult(tid, f, log_row, target)


def _transfers_apart(inputs: Inputs, snap: pd.DataFrame) -> pd.DataFrame:
    """A production plan is what the plants make: a version saved before planned
    transfers were recorded apart (sop_xl.plan.versions.TRANSFERS) has them read so, by
    the nodes this workbook supplies by transfer."""
    net = network_of(inputs)
    return snap if net is None else v.transfers_apart(snap, net.transferred)


def _per_plant(inputs: Inputs, f: pd.DataFrame) -> pd.DataFrame:
    """With several plants a production plan's rows are item × plant nodes
    (sop_xl.plan.network): item and plant apart, as Kingdee transfers per inventory
    organisation; a sales plan stays per item (the demand plan is the company's)."""
    net = network_of(inputs)
    if net is None or f.empty:
        return f
    nodes = f["item"].astype(str).to_numpy(object)
    if not pd.Index(nodes).isin(net.index).any():
        return f
    return f.assign(item=net.item_of(nodes), plant=net.plant_of(nodes))


def export_frame(f: pd.DataFrame) -> pd.DataFrame:
    """The ERP import layout: one row per item and period, language-independent keys (and
    the plant, with several); every text field neutralised against formula injection
    (sop_xl.contract.export)."""
    cols = [*EXPORT_COLUMNS, "plant"] if "plant" in f else EXPORT_COLUMNS
    out = pd.DataFrame({
        "transfer_id": f["transfer_id"], "version": f["source"], "plan_type": f["plan_type"],
        "item": f["item"], "uom": f["uom"], "period": f["period"],
        "req_date": [d.isoformat() for d in f["req_date"]],
        "quantity": f["requirement"].round(6), "level": f["level"]}, columns=EXPORT_COLUMNS)
    if "plant" in f:
        out["plant"] = f["plant"].to_numpy()
    return neutralise_frame(out[cols])


def _write_export(f: pd.DataFrame, path: Path) -> None:
    """The export file for the ERP: .xlsx by its suffix, else CSV (UTF-8)."""
    out = export_frame(f)
    if path.suffix.lower() == ".xlsx":
        from sop_xl.layout.sheet import SheetContent
        from sop_xl.workbook.file import FileBackend
        rows = [list(out.columns), *out.astype(object).values.tolist()]
        path.unlink()  # a new workbook, not a rewrite of the empty placeholder
        FileBackend.create(path, [SheetContent(name="PIR", rows=rows)])
    else:
        out.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


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


def _button_options(book: MasterWorkbook) -> dict[str, Any]:
    """The Transfer button's options, from the Settings sheet's Transfer rows."""
    s = book.read_settings()
    return {"periods": s.transfer_periods or None, "plan_type": s.transfer_plan_type,
            "level": str(s.transfer_level),
            "deduct": bool(s.transfer_deduct) and s.transfer_plan_type == "sales",
            "backward": s.transfer_backward, "forward": s.transfer_forward,
            "export_format": s.transfer_export}


def _export_folder(book: MasterWorkbook) -> Path:
    path = book.backend.location
    if not path:
        raise SopXlError(messages.message("btn_transfer_unsaved", book.language,
                                          book=book.name))
    return Path(path).parent


def transfer_question(book: MasterWorkbook) -> str:
    """What the Transfer button is about to do, for the planner to confirm."""
    from sop_xl.app import versions as pv

    lang = book.language
    folder = _export_folder(book)
    o = _button_options(book)
    reg = pv.read_register(book)
    active = reg[reg["version"] == v.ACTIVE]
    if active.empty:
        raise VersionError("no_active_version", lang)
    row = active.iloc[0]
    consume = messages.message("btn_transfer_consume", lang, backward=o["backward"],
                               forward=o["forward"]) if o["deduct"] else \
        messages.message("btn_transfer_no_consume", lang)
    return messages.message(
        "btn_transfer_confirm", lang, source=row["source"] or "?",
        status=status_word(row["status"], lang), month=row["planning_month"],
        plan_type=contract.sheet("settings").column("transfer_plan_type")
        .choice_for(o["plan_type"]).label(lang),
        level=contract.sheet("settings").column("transfer_level").choice_for(o["level"])
        .label(lang),
        periods=o["periods"] or messages.message("btn_transfer_all", lang),
        consume=consume, fmt=o["export_format"].upper(), folder=str(folder))


def transfer_button(book: MasterWorkbook) -> str:
    """The ribbon's Transfer: the active approved version, with the options of the
    Settings sheet, exported beside the workbook (csv or xlsx)."""
    _export_folder(book)  # refuses an unsaved workbook before anything is written
    r = transfer(book, **_button_options(book))
    row = r.log_row
    return messages.message("btn_transferred", book.language, tid=r.transfer_id,
                            source=row["source"], qty=row["transferred_qty"],
                            items=row["items"], periods=row["periods"],
                            export=str(_export_folder(book) / row["export"])
                            if row["export"] else "-")
