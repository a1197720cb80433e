"""Stock and open orders of the demo company at the start of the planning month.

Stock covers roughly a month of requirements, with planted exceptions: slow-moving items
(呆滞: the old gate-valve design and its parts, an obsolete motor and board revision, no
movement for 7-14 months) and excess items (冗余: stock far above demand). Open purchase
orders cover the main purchased parts, open production orders a few finished goods and
assemblies; some are past due, which MRP must flag.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pandas as pd

from sop_xl.demo.company import EXPORT_WH, FG_WH, RM_WH, SFG_WH, SUPPLIERS, typed_frame
from sop_xl.demo.products import FG, PARTS, PRODUCTS, Lot

# Slow-moving stock: item, on hand, months since the last movement.
SLOW = (("SA-GTV-200R", 12, 9), ("MC-GTB-200R", 20, 10), ("CA-GTB-200R", 60, 11),
        ("RM-GTS-200R", 45, 10), ("RM-MOT-18K-IE2", 14, 14), ("RM-PCB-V1", 600, 13))
# Excess stock: item and months of requirement on hand.
EXCESS = (("FG-P130", 11.0), ("FG-V120", 8.0), ("RM-MOT-22K", 9.0), ("CA-BFB-300", 9.0),
          ("RM-IGBT-100", 12.0))
BUILT_TO_ORDER = ("FG-C310",)  # never in stock
# Lots held in quarantine at incoming inspection: item, quantity, days in inspection. Their
# stock is not nettable (Warehouses), so the plan buys as if they were not there.
QUARANTINE = (("CA-CAS-ES3", 40, 6), ("RM-MOT-22K", 8, 3))
QC_WH = "QC-WH"
# Purchase orders that should have arrived already: item, days before the planning month.
PAST_DUE = (("CA-CAS-ES3", 11), ("RM-IGBT-50", 4))
# Open production orders: item, quantity, days after the first of the planning month.
PRODUCTION = (("FG-P100", 80, 7), ("FG-V100", 150, 3), ("FG-C200", 60, 9),
              ("PE-ES3", 60, 2), ("MC-CAS-ES4", 40, -4), ("SA-PCB-VFD", 200, 14))


def _working(d: date, closed: set[date]) -> date:
    """``d``, or the next weekday the factory is open."""
    while d.weekday() >= 5 or d in closed:
        d += timedelta(days=1)
    return d


def closed_days(calendar: pd.DataFrame) -> set[date]:
    """Days the whole factory is closed (holidays and shutdowns without a resource)."""
    out: set[date] = set()
    whole = calendar[calendar["resource"].isna() & (calendar["day_type"] != "workday")]
    for a, b in zip(whole["start_date"], whole["end_date"], strict=True):
        out.update(a + timedelta(days=i) for i in range((b - a).days + 1))
    return out


def stock_frame(rng: np.random.Generator, planning: pd.Period, need: dict[str, float],
                history: pd.DataFrame) -> pd.DataFrame:
    """On hand by item and warehouse; ``need`` is each item's monthly requirement."""
    start = planning.start_time.date()
    slow = {item: (q, ago) for item, q, ago in SLOW}
    excess = dict(EXCESS)
    last_sale = history.groupby("item")["month"].max()
    rows = []

    def add(item: str, qty: float, moved: date, wh: str) -> None:
        if qty > 0:
            rows.append({"item": item, "warehouse": wh, "on_hand": float(qty),
                         "last_movement": moved})

    def recent() -> date:
        return start - timedelta(days=int(rng.integers(1, 20)))

    for p in PRODUCTS:
        if p.code in BUILT_TO_ORDER:
            continue
        n = need[p.code]
        if p.pattern == "discontinued":
            qty = 85.0
        elif p.pattern == "lumpy":
            qty = round(p.level * rng.uniform(2.0, 3.0))
        elif p.code in excess:
            qty = round(n * excess[p.code], -1)
        else:
            qty = round(n * rng.uniform(0.4, 0.9) + 0.35 * n * (p.level >= 100))
        if p.pattern in ("regular", "new"):
            moved = recent()
        else:
            month = last_sale[p.code]
            moved = month.start_time.date() + timedelta(days=int(rng.integers(5, 25)))
        if p.domestic <= 0.6:
            export = round(qty * 0.35)
            add(p.code, qty - export, moved, FG_WH)
            add(p.code, export, moved, EXPORT_WH)
        else:
            add(p.code, qty, moved, FG_WH)
    for part in PARTS.values():
        code = part.code
        if code in slow:
            qty, ago = slow[code]
            moved = (planning - ago).start_time.date() + timedelta(days=int(rng.integers(0, 20)))
            add(code, qty, moved, SFG_WH if part.made else RM_WH)
            continue
        n = need[code]
        if code in excess:
            qty = n * excess[code]
        elif part.made:
            qty = n * rng.uniform(0.1, 0.4) if rng.random() < 0.7 else 0.0
        else:
            qty = n * rng.uniform(0.5, 1.3) + part.safety_stock
        qty = round(qty, 1) if part.uom in ("kg", "m") else round(qty)
        add(code, qty, recent(), SFG_WH if part.made else RM_WH)
    for code, qty, days in QUARANTINE:
        add(code, qty, start - timedelta(days=days), QC_WH)
    return typed_frame("stock", rows)


def warehouses_frame() -> pd.DataFrame:
    """The demo's warehouses, all in its one plant; the quarantine is not nettable."""
    rows = [
        (FG_WH, "Finished goods warehouse", True),
        (EXPORT_WH, "Export warehouse (packed for shipment abroad)", True),
        (SFG_WH, "Semi-finished parts store", True),
        (RM_WH, "Raw materials and purchased parts", True),
        (QC_WH, "Incoming inspection (quarantine)", False),
    ]
    return typed_frame("warehouses", [
        {"warehouse": w, "description": d, "plant": "HD-01", "nettable": n}
        for w, d, n in rows])


def _released(rng: np.random.Generator, start: date, due: date, lead_days: int) -> date:
    """When an open order was released: a lead time before it is due, and before the
    planning month in any case."""
    ideal = due - timedelta(days=round(lead_days * 7 / 5))
    return min(ideal, start - timedelta(days=int(rng.integers(1, 10))))


def lot_round(q: float, lot: Lot | None) -> float:
    """An order quantity as the item's lot rule would make it."""
    if lot is None or lot[0] == "POQ":
        return float(max(10, math.ceil(q / 10) * 10))
    if lot[0] == "FIXED":
        return float(max(1, math.ceil(q / lot[1])) * lot[1])
    return float(max(lot[1], math.ceil(q / lot[2]) * lot[2]))


def receipts_frame(rng: np.random.Generator, planning: pd.Period, planned: pd.DataFrame,
                   closed: set[date]) -> pd.DataFrame:
    """Open orders as a running plant has them at the start of the month: the orders the
    plan itself would have released already (``planned``: item, qty, due_date,
    release_date, made — from sop_xl's own MPS and MRP over the expected demand, so the
    pipeline matches how the engine plans), due on days the factory is open. Planted
    exceptions: two purchase orders and one production order past due, and the
    production orders of PRODUCTION with their own quantities."""
    start = planning.start_time.date()
    late = dict(PAST_DUE)
    planted = {code: (qty, days) for code, qty, days in PRODUCTION}
    rows = []
    seq = {"purchase": 0, "production": 0}
    for o in planned.sort_values(["item", "due_date"]).itertuples(index=False):
        kind = "production" if o.made else "purchase"
        due = o.due_date
        if o.item in late and kind == "purchase":
            due = start - timedelta(days=late.pop(o.item))
            due -= timedelta(days=max(0, due.weekday() - 4))  # weekend: the Friday before
        elif o.item in planted and kind == "production":
            qty, days = planted.pop(o.item)
            o = o._replace(qty=float(qty))
            due = start + timedelta(days=days)
        else:
            due = _working(due, closed)
        seq[kind] += 1
        part = PARTS.get(o.item)
        lead = part.lead_time if part is not None else FG[o.item].lead_time
        released = _released(rng, start, due, lead)
        prefix = "MO" if o.made else "PO"
        row = {"order": f"{prefix}-{released:%y%m}-{seq[kind]:03d}", "order_type": kind,
               "item": o.item, "qty": lot_round(o.qty, part.lot if part else None)
               if not o.made else float(np.ceil(o.qty)), "due_date": due}
        if not o.made:
            row["supplier"] = SUPPLIERS[part.supplier]
        rows.append(row)
    for code, (qty, days) in sorted(planted.items()):  # planted orders the plan did not have
        seq["production"] += 1
        due = start + timedelta(days=days)
        lead = FG[code].lead_time if code in FG else PARTS[code].lead_time
        released = _released(rng, start, due, lead)
        rows.append({"order": f"MO-{released:%y%m}-{seq['production']:03d}",
                     "order_type": "production", "item": code, "qty": float(qty),
                     "due_date": due})
    return typed_frame("scheduled_receipts", rows)
