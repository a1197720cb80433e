"""Planning exceptions (例外信息): what needs a planner's decision, as records.

(Not Python exceptions — those are in sop_xl.base.errors.) Each engine reports structured
facts (an overload, a past-due release, a shortage within lead time); this module grades
them — severity, category — and keeps each as a record of codes and numbers: item, period,
date, quantity, a message code and its parameters. No words: the Exceptions sheet renders
the records in the workbook's language from the message catalogue (sop_xl.layout.exceptions),
so switching the language re-renders them without planning again.

Severity: **critical** when a requirement cannot be met as planned (a shortage within the
lead time, an open order past due and needed now, a shortage in the MPS); **warning** when
a decision is due (a release late only against safety stock, reschedule in, cancel,
overloads, fence changes); **info** for what can wait (reschedule out, forecast deviations).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from sop_xl.plan.capacity import CapacityResult
    from sop_xl.plan.dates import PlanDays
    from sop_xl.plan.mps import MPSResult
    from sop_xl.plan.mrp import MRPResult

SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}
COLUMNS = ["severity", "category", "item", "period", "date", "qty", "code", "params", "source"]


@dataclass(frozen=True)
class Say:
    """A message inside a message's parameters (rendered in the same language)."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class ExceptionList:
    """Collects exception records (COLUMNS); ``frame`` sorts them most severe first, then
    by date and period."""

    rows: list[dict] = field(default_factory=list)

    def add(self, severity: str, category: str, item: str, period: str, amount: float,
            code: str, source: str, *, date: Any = None, **params: Any) -> None:
        """One record: ``category`` and ``code`` are message codes (cat_…, msg_…),
        ``amount`` the quantity column (pieces or hours), ``date`` the day it is about
        (None: the period only), ``params`` fill the message (numbers, text, dates,
        ``Say``)."""
        self.rows.append({
            "severity": severity, "category": category, "item": item, "period": period,
            "date": None if date is None or pd.isna(date) else pd.Timestamp(date),
            "qty": float(amount), "code": code, "params": params, "source": source})

    def frame(self) -> pd.DataFrame:
        if not self.rows:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
        f = pd.DataFrame(self.rows, columns=COLUMNS)
        rank = f["severity"].map(SEVERITY_ORDER)
        when = pd.to_datetime(f["date"]).to_numpy(dtype="datetime64[D]")
        when = np.where(np.isnat(when), np.datetime64("9999-12-31"), when)
        order = np.lexsort((f["item"].astype(str).to_numpy(),
                            f["category"].astype(str).to_numpy(), when,
                            f["period"].astype(str).to_numpy(), rank.to_numpy()))
        return f.iloc[order].reset_index(drop=True)


def below(projected: np.ndarray, safety: np.ndarray, items: pd.Index, days: PlanDays,
          out: ExceptionList, source: str) -> None:
    """Shortages (projected on hand < 0, critical) and dips below safety stock (warning)
    in a daily projection (items × days): the first day of each run, its bucket, and the
    deepest point of the run."""
    n, n_days = projected.shape
    if not n or not n_days:
        return
    labels = days.buckets.labels
    kind = np.where(projected < -1e-6, 2, np.where(projected < safety[:, None] - 1e-6, 1, 0))
    prev = np.concatenate([np.zeros((n, 1), kind.dtype), kind[:, :-1]], axis=1)
    for i, t in zip(*np.nonzero((kind != prev) & (kind > 0)), strict=True):
        run = kind[i, t:]
        stop = t + (int(np.argmax(run != run[0])) if (run != run[0]).any() else len(run))
        low = float(projected[i, t:stop].min())
        when = days.dates[t]
        period = labels[int(days.bucket[t])]
        if kind[i, t] == 2:
            out.add("critical", "shortage", items[i], period, -low, "msg_shortage", source,
                    date=when, projected=low, start=when)
        else:
            out.add("warning", "below_ss", items[i], period, float(safety[i]) - low,
                    "msg_below_ss", source, date=when, projected=low, safety=safety[i],
                    start=when)


def mps_changes(mps: MPSResult, out: ExceptionList) -> None:
    """Changes inside the frozen fence and the planning time fence."""
    for r in mps.frozen_changes.itertuples(index=False):
        prev = 0.0 if np.isnan(r.previous) else float(r.previous)
        if r.kind == "order_change":
            out.add("warning", "order_change", r.item, r.period, r.production - prev,
                    "msg_order_change", "mps", production=r.production, previous=prev,
                    delta=r.production - prev)
        elif r.kind == "frozen_kept":
            out.add("info", "frozen_change", r.item, r.period, r.suggested - prev,
                    "msg_frozen_change", "mps", suggested=r.suggested, frozen=prev)
        elif r.kind == "firm_in_frozen":
            out.add("warning", "firm_in_frozen", r.item, r.period, r.production - prev,
                    "msg_firm_in_frozen", "mps", production=r.production, previous=prev)
        else:
            out.add("info", "fence_change", r.item, r.period, r.production - prev,
                    "msg_fence_change", "mps", production=r.production, previous=prev)


def mrp_actions(mrp: MRPResult, out: ExceptionList, tolerance: int = 0, *,
                lanes: Mapping[str, tuple[str, str]] | None = None,
                transfer_orders: Collection[str] = ()) -> None:
    """The MRP's action messages (``sop_xl.plan.action_messages``) graded, with item,
    period, date, quantity and reason. ``tolerance`` (working days): a receipt that
    arrives within it of its need date is left alone (SAP's rescheduling tolerance), and
    one due within it of the planning date is already on its way: it is not pushed out.

    Several plants: ``lanes`` gives each node supplied by transfer its (source plant,
    plant); its planned orders are transfers, and so are its open orders among
    ``transfer_orders`` (ScheduledReceipts of type transfer): their messages say so
    (msg_transfer_…, with the two plants)."""
    days = mrp.days
    labels = days.buckets.labels
    n_days = len(days)
    acts = mrp.actions
    lanes = lanes or {}
    moved_orders = set(transfer_orders)

    def add(a: Any, severity: str, category: str, period: str, code: str, *,
            planned: bool, **params: Any) -> None:
        """One record; on a transfer its msg_transfer_… words and lane."""
        lane = lanes.get(a.item)
        if lane is not None and (planned or a.order in moved_orders):
            code = code.replace("msg_", "msg_transfer_", 1)
            params.update(from_plant=lane[0], to_plant=lane[1])
        out.add(severity, category, a.item, period, a.qty, code, "mrp", **params)

    def label(day: int) -> str:
        """The period of a day; blank after the plan."""
        return labels[int(days.bucket_of(np.array([day]))[0])] if day < n_days else ""

    for a in acts.itertuples(index=False):
        if a.kind == "shortage_lead_time":
            more: Say | str = ""
            if a.covered_qty > 0:
                lane = lanes.get(a.item)
                more = Say("msg_release_now_too", {"qty": a.covered_qty,
                                                    "release": a.release_date}) \
                    if lane is None else Say("msg_transfer_release_now_too", {
                        "qty": a.covered_qty, "release": a.release_date,
                        "from_plant": lane[0], "to_plant": lane[1]})
            out.add("critical", "shortage_lt", a.item, label(a.need_day), a.qty,
                    "msg_shortage_lt", "mrp", date=a.run_out_date, qty=a.qty,
                    start=a.run_out_date, lead=int(a.lead), arrive=a.arrive_date, more=more)
        elif a.kind == "past_due_release":
            if a.covered_qty > 0:
                continue  # said with the item's shortage within lead time
            add(a, "warning", "past_due_release", labels[0], "msg_past_due_release_ss",
                planned=True, date=a.release_date, qty=a.qty, due=a.due_date,
                lead=int(a.lead), release=a.release_date)
        elif a.kind in ("expedite", "de_expedite") and a.past_due:
            if a.need_day > tolerance:   # not needed yet: only its date is wrong
                add(a, "info", "de_expedite", label(a.need_day), "msg_redate",
                    planned=False, date=a.need_date, order=a.order, qty=a.qty,
                    due=a.due_date, need=a.need_date)
            else:
                add(a, "critical", "expedite", label(a.need_day), "msg_expedite",
                    planned=False, date=a.need_date, order=a.order, qty=a.qty,
                    due=a.due_date, need=a.need_date)
        elif a.kind == "expedite":
            if a.due_day - a.need_day <= tolerance:
                continue
            add(a, "warning", "expedite", label(a.need_day), "msg_reschedule_in",
                planned=False, date=a.need_date, order=a.order, qty=a.qty, due=a.due_date,
                need=a.need_date, days=int(a.due_day - a.need_day),
                why=Say(f"why_{a.reason}"))
        elif a.kind == "de_expedite":
            if a.need_day - a.due_day <= tolerance or a.due_day <= tolerance:
                continue
            add(a, "info", "de_expedite", label(a.due_day), "msg_de_expedite",
                planned=False, date=a.due_date, order=a.order, qty=a.qty, due=a.due_date,
                need=a.need_date, days=int(a.need_day - a.due_day))
        elif a.kind == "cancel":
            add(a, "warning", "cancel", label(a.due_day), "msg_cancel", planned=False,
                date=a.due_date, order=a.order, qty=a.qty, due=a.due_date)


def overloads(cap: CapacityResult, out: ExceptionList) -> None:
    """Each capacity overload with its options (hours and pieces)."""
    for o in cap.overloads.itertuples(index=False):
        out.add("warning", "overload", o.resource, o.period, o.overload, "msg_overload",
                "capacity", load=o.load, available=o.available,
                util=o.load / o.available if o.available else 0, overtime=o.overtime_hours,
                ahead=o.build_ahead or "-", outsource=o.outsource_hours,
                pcs=o.outsource_pcs, items=o.outsource_items or "-")
